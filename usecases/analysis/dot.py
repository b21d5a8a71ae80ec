"""DOT sources written safely, and Graphviz run on them with a time limit.

User text never becomes DOT or SVG markup. `Dot` writes the source itself: node ids must be made of letters,
digits, "_" and "-" (primary keys and codes; anything else is refused), every attribute value is a quoted DOT
string except an `HtmlLabel`, and the only way to make an `HtmlLabel` is `html_label`, which takes markup built by
`rendering` around user text escaped by `text` (`<`, `>`, `&`, quotes escaped, characters XML cannot hold
removed). Graphviz escapes the text again when it writes the SVG.

Every render runs Graphviz in a subprocess with a time limit (`UCMR_DIAGRAM_TIMEOUT` seconds).
"""

import hashlib
import html
import re
import shutil
import subprocess
import textwrap
import time
from dataclasses import dataclass

from django.conf import settings

# Part of every content hash: change it when a change to `rendering` or here changes what diagrams look like.
RENDERER_VERSION = "2"
DEFAULT_TIMEOUT = 30  # seconds
FONT = "Helvetica,Arial,sans-serif"

# Characters XML 1.0 cannot hold (Graphviz's HTML labels are XML).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class RenderError(Exception):
    """Graphviz failed or took longer than the time limit."""


@dataclass(frozen=True)
class DotSource:
    source: str
    engine: str = "dot"
    pinned: bool = False  # positions given: render with `neato -n2`

    @property
    def content_hash(self) -> str:
        text = f"{RENDERER_VERSION}\n{self.engine}\n{self.pinned}\n{self.source}"
        return hashlib.sha256(text.encode()).hexdigest()


def wrapped(value, width: int | None = None) -> list[str]:
    """User text as the lines a label shows: its own line breaks kept, each line wrapped at `width` characters
    (words longer than that broken); never shortened."""
    value = NOT_XML.sub("", str(value or "")).strip()
    lines = value.splitlines() or [""]
    if width is None:
        return lines
    return [part for line in lines for part in (textwrap.wrap(line, width, break_on_hyphens=False) or [""])]


def text(value, width: int | None = None) -> str:
    """User text as the content of an HTML-like label: escaped, wrapped at `width` characters, line breaks as
    <BR/>."""
    return "<BR/>".join(html.escape(line, quote=True) for line in wrapped(value, width))


class HtmlLabel(str):
    """An HTML-like label of Graphviz, written into the source as it is: make it with `html_label` only."""


def html_label(*parts: str) -> HtmlLabel:
    """An HTML-like label from parts that are already markup made by `text` and this module."""
    return HtmlLabel("<" + "".join(parts) + ">")


def small(markup: str, size: int = 9, color: str = "#555555") -> str:
    return f'<FONT POINT-SIZE="{size}" COLOR="{color}">{markup}</FONT>'


def bold(markup: str) -> str:
    return f"<B>{markup}</B>"


DOT_ID = re.compile(r"[A-Za-z0-9_-]+")


def _dot_id(name: str) -> str:
    if not DOT_ID.fullmatch(name):
        raise ValueError(f"Not a node id of ours: {name!r}.")
    return f'"{name}"'


def _dot_value(value) -> str:
    if isinstance(value, HtmlLabel):
        return value
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _dot_attributes(attributes: dict) -> str:
    return " ".join(f"{name}={_dot_value(value)}" for name, value in attributes.items())


class Dot:
    """A directed graph written as DOT source, line by line (see the module's docstring for the escaping)."""

    def __init__(self, **graph_attributes) -> None:
        self.lines = [
            "digraph G {",
            f"\tgraph [{_dot_attributes({'fontname': FONT, 'fontsize': '11', **graph_attributes})}]",
            f"\tnode [{_dot_attributes({'fontname': FONT, 'fontsize': '10'})}]",
            f"\tedge [{_dot_attributes({'fontname': FONT, 'fontsize': '9'})}]",
        ]

    def node(self, name: str, **attributes) -> None:
        self.lines.append(f"\t{_dot_id(name)} [{_dot_attributes(attributes)}]")

    def edge(self, source: str, target: str, **attributes) -> None:
        self.lines.append(f"\t{_dot_id(source)} -> {_dot_id(target)} [{_dot_attributes(attributes)}]")

    @property
    def source(self) -> str:
        return "\n".join([*self.lines, "}", ""])


def graphviz_timeout() -> float:
    return float(getattr(settings, "UCMR_DIAGRAM_TIMEOUT", DEFAULT_TIMEOUT))


def graphviz_run(*, dot: DotSource, output_format: str, timeout: float | None = None) -> tuple[bytes, int]:
    """Render with Graphviz in a subprocess; (output, milliseconds). Raises RenderError on failure or when it
    takes longer than `timeout` seconds (the subprocess is killed). PNGs are limited to 60 x 60 inches at 96 dpi."""
    if output_format not in ("svg", "png"):
        raise ValueError(f"Unsupported format {output_format!r}.")
    binary = shutil.which(getattr(settings, "UCMR_GRAPHVIZ_DOT", "dot"))
    if binary is None:
        raise RenderError("Graphviz is not installed: the 'dot' program was not found (Debian package graphviz).")
    command = [binary, f"-K{dot.engine}", f"-T{output_format}"]
    if dot.pinned:
        command.append("-n2")
    if output_format == "png":
        command += ["-Gdpi=96", "-Gsize=60,60"]
    started = time.perf_counter()
    limit = timeout if timeout is not None else graphviz_timeout()
    try:
        completed = subprocess.run(  # noqa: S603 - a fixed program, arguments made here
            command, input=dot.source.encode(), capture_output=True, timeout=limit, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise RenderError(f"Graphviz took longer than {limit:g} seconds and was stopped.") from error
    if completed.returncode != 0:
        message = completed.stderr.decode(errors="replace").strip()[-500:]
        raise RenderError(f"Graphviz failed (exit status {completed.returncode}): {message}")
    return completed.stdout, round((time.perf_counter() - started) * 1000)
