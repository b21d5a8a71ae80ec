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

from django.conf import settings
from django.core.exceptions import ValidationError
from lxml import etree

DEFAULT_MAX_BYTES = 20_000_000  # as ucmr/settings.py defaults UCMR_XML_MAX_BYTES
DEFAULT_MAX_DEPTH = 200


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
    data = bytes(data)
    limit = max_bytes_setting() if max_bytes is None else max_bytes
    if len(data) > limit:
        line = data[:limit].count(b"\n") + 1
        raise XmlImportError(
            f"The XML file is too large: {len(data):,} bytes, more than the limit of {limit:,} bytes "
            f"(reached at line {line}). Split it into smaller files or ask an administrator to raise "
            "UCMR_XML_MAX_BYTES.",
            code="xml_too_large",
            line=line,
            path="(whole file)",
        )
    if not data.strip():
        raise XmlImportError("The file is empty: line 1 holds no XML element.", code="xml_empty", line=1, path="")

    stack: list[str] = []
    events = etree.iterparse(
        io.BytesIO(data),
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
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (error.lineno, None)
        path = element_path(stack)
        encoding_problem = "encoding" in error.msg.lower()
        if not stack and encoding_problem:
            path = "(in the XML declaration)"
        if not stack and _mentions_doctype(data):
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
    return events.root


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


def _mentions_doctype(data: bytes) -> bool:
    return any("<!DOCTYPE".encode(codec) in data for codec in ("ascii", "utf-16-le", "utf-16-be"))


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
