"""The one way an uploaded XML file is parsed: bytes from anyone, so nothing in them may reach out or blow up.

- No entity is resolved, no DTD loaded or validated, nothing fetched from the network (`resolve_entities=False,
  load_dtd=False, dtd_validation=False, no_network=True`), and no libxml2 "huge tree" relaxations.
- Any DOCTYPE is refused outright: IEC 62559 files never need one, and it is where entity declarations live
  (XXE to local files or internal hosts, billion laughs, quadratic blow-up). The refusal names the root element
  and its line, before any entity could matter.
- A size limit (`UCMR_XML_MAX_BYTES`, 20 MB unless the setting says otherwise) and a nesting depth limit.
- Malformed and truncated files, bytes that are not in the declared encoding and unknown encodings all become an
  `XmlImportError`, a `ValidationError` whose message names the line and the element path where it happened,
  so the upload form and the API say the same, useful thing.

A UTF-8 byte order mark (Modsarus writes one) is accepted, as are UTF-16 files with theirs.
"""

import io
import re
from collections import deque
from collections.abc import Iterator
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from lxml import etree

DEFAULT_MAX_BYTES = 20_000_000  # as ucmr/settings.py defaults UCMR_XML_MAX_BYTES
DEFAULT_MAX_DEPTH = 200
CHUNK = 1 << 16


class XmlImportError(ValidationError):
    """A file we will not read, with where in it the reason lies (`line`, `column`, `path`; None when unknown)."""

    def __init__(
        self, message: str, *, code: str, line: int | None = None, column: int | None = None, path: str = ""
    ) -> None:
        super().__init__(message, code=code)
        self.line = line
        self.column = column
        self.path = path


def local_name(element: etree._Element) -> str:
    tag = element.tag
    if isinstance(tag, str):  # "{namespace}name" or "name", read without building a QName (called per element)
        return tag.rpartition("}")[2]
    return etree.QName(element).localname


def element_path(stack: list[str]) -> str:
    return "/" + "/".join(stack) if stack else "(before the root element)"


def _where(*, line: int | None, column: int | None = None, path: str) -> str:
    place = f"line {line}" if line else "an unknown line"
    if column:
        place += f", column {column}"
    return f"{place} {path}" if path.startswith("(") else f"{place}, element {path}"


def max_bytes_setting() -> int:
    return int(getattr(settings, "UCMR_XML_MAX_BYTES", DEFAULT_MAX_BYTES))


def parse_xml(*, data: bytes, max_bytes: int | None = None, max_depth: int = DEFAULT_MAX_DEPTH) -> etree._Element:
    """Parse untrusted bytes into an lxml element tree and return its root, or raise `XmlImportError`."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("parse_xml() takes the file's bytes, not text: the XML declaration decides the encoding.")
    source = io.BytesIO(bytes(data))
    check_size(source, max_bytes=max_bytes)
    ((_, last),) = deque(checked_events(source, max_depth=max_depth), maxlen=1)
    return last.getroottree().getroot()


def binary_source(data: bytes | BinaryIO) -> BinaryIO:
    """The file's bytes, or an open binary file, as a seekable binary file (bytes are not copied)."""
    return io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data


def check_size(source: BinaryIO, *, max_bytes: int | None = None) -> int:
    """The size of a seekable binary file, or `XmlImportError` when it is above the limit or holds nothing."""
    limit = max_bytes_setting() if max_bytes is None else max_bytes
    size = source.seek(0, io.SEEK_END)
    source.seek(0)
    if size > limit:
        line = 1
        while source.tell() < limit and (chunk := source.read(min(CHUNK, limit - source.tell()))):
            line += chunk.count(b"\n")
        source.seek(0)
        raise XmlImportError(
            f"The XML file is too large: {size:,} bytes, more than the limit of {limit:,} bytes "
            f"(reached at line {line}). Split it into smaller files or ask an administrator to raise "
            "UCMR_XML_MAX_BYTES.",
            code="xml_too_large",
            line=line,
            path="(whole file)",
        )
    empty = True
    while empty and (chunk := source.read(CHUNK)):
        empty = not chunk.strip()
    source.seek(0)
    if empty:
        raise XmlImportError("The file is empty: line 1 holds no XML element.", code="xml_empty", line=1, path="")
    return size


def checked_events(source: BinaryIO, *, max_depth: int = DEFAULT_MAX_DEPTH) -> Iterator[tuple[str, etree._Element]]:
    """("start" | "end", element) for every element of a seekable binary file, parsed safely (see the module's
    docstring) and read as it arrives, so that a caller may `clear()` what it has read: a file of any size is
    then read in bounded memory. Errors become `XmlImportError` as in `parse_xml`."""
    source.seek(0)
    stack: list[str] = []
    events = etree.iterparse(
        source,
        events=("start", "end"),
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
    )
    try:
        for event, element in events:
            if event == "end":
                stack.pop()
                yield event, element
                continue
            stack.append(local_name(element))
            if len(stack) == 1:
                _refuse_doctype(root=element)
            if len(stack) > max_depth:
                path = element_path([*stack[:5], "...", *stack[-3:]])
                raise XmlImportError(
                    f"The XML nests deeper than {max_depth} elements at "
                    f"{_where(line=element.sourceline, path=path)}; use case files are never that deep.",
                    code="xml_too_deep",
                    line=element.sourceline,
                    path=path,
                )
            yield event, element
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (error.lineno, None)
        path = element_path(stack)
        encoding_problem = "encoding" in error.msg.lower()
        if not stack and encoding_problem:
            path = "(in the XML declaration)"
        if not stack and _mentions_doctype(source):
            raise XmlImportError(
                f"The file declares a DOCTYPE, refused at {_where(line=line, column=column, path=path)}: use case "
                "files need none, and DOCTYPEs can declare entities that read local files or other servers or "
                f"expand without end. (The declaration is also broken: {_strip_position(error.msg)}.)",
                code="xml_doctype",
                line=line,
                column=column,
                path=path,
            ) from error
        raise XmlImportError(
            f"The file is not well-formed XML at {_where(line=line, column=column, path=path)}: "
            f"{_describe_syntax_error(error.msg)}",
            code="xml_encoding" if encoding_problem else "xml_malformed",
            line=line,
            column=column,
            path=path,
        ) from error


def _refuse_doctype(*, root: etree._Element) -> None:
    doctype = root.getroottree().docinfo.doctype
    if doctype:
        raise XmlImportError(
            f"The file declares a DOCTYPE ({doctype}) before the root element <{local_name(root)}> at line "
            f"{root.sourceline}. Use case files need none, and DOCTYPEs can declare entities that read local files "
            "or other servers or expand without end, so files with one are refused.",
            code="xml_doctype",
            line=root.sourceline,
            path=element_path([local_name(root)]),
        )


def _mentions_doctype(source: BinaryIO) -> bool:
    """Whether the file's beginning (where a DOCTYPE must stand) declares one."""
    source.seek(0)
    head = source.read(CHUNK)
    return any("<!DOCTYPE".encode(codec) in head for codec in ("ascii", "utf-16-le", "utf-16-be"))


def _strip_position(message: str) -> str:
    """libxml2 appends ", line N, column M", which our message already says."""
    return re.sub(r",? line \d+, column \d+\s*$", "", message).rstrip(". ")


def _describe_syntax_error(message: str) -> str:
    message = _strip_position(message)
    if "encoding" in message.lower():
        return (
            f"{message}. The bytes are not in the encoding the XML declaration names (a file saved as Latin-1 "
            "but declared UTF-8, or an encoding name we do not know); save it as UTF-8."
        )
    if "premature end" in message.lower() or "end of data" in message.lower():
        return f"{message}. The file seems cut off: upload it again in full."
    return message
