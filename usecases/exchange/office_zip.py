"""The checks an untrusted Office Open XML file (a workbook, a Word document) passes before anything in it is
decompressed: a zip, holding the format's main part, that would not unpack to more than `UCMR_EXCEL_MAX_BYTES`
(in at most `MAX_MEMBERS` parts), whose parts are not encrypted, and whose XML parts (by their names, or typed as
XML by `[Content_Types].xml`) declare no DOCTYPE. The Excel and Word readers each say first what an OLE file or
other content is to them, then call `check_office_zip` with the words their messages use (`OfficeKind`).
"""

import re
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from lxml import etree

DEFAULT_MAX_BYTES = 50_000_000  # total uncompressed size of the zip's members
MAX_MEMBERS = 10_000
XML_PARTS = (".xml", ".rels", ".vml")
PROLOG_BYTES = 65_536  # an XML part's declaration, comments and DOCTYPE must end within this many bytes

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
EMPTY_ZIP_SIGNATURE = b"PK\x05\x06"
_PROLOG = re.compile(rb"\A(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)


@dataclass(frozen=True)
class OfficeKind:
    """One kind of Office file, as the refusals name it."""

    error: type[ValidationError]
    code: str  # the codes' prefix: excel, word
    noun: str  # "The workbook is a damaged zip file"
    title: str  # "This zip file is not an Excel workbook"
    needed_by: str  # "a DOCTYPE, which no workbook needs"
    not_code: str  # the code of a zip that is not one
    required_part: str  # the main part, which a zip of this kind holds


def max_bytes_setting() -> int:
    return int(getattr(settings, "UCMR_EXCEL_MAX_BYTES", DEFAULT_MAX_BYTES))


def signature(source: BinaryIO) -> bytes:
    """The first eight bytes (the signature), the source left where it was."""
    start = source.tell()
    found = source.read(8)
    source.seek(start)
    return found


def is_zip(signature: bytes) -> bool:
    return signature.startswith((ZIP_SIGNATURE, EMPTY_ZIP_SIGNATURE))


def check_office_zip(
    source: BinaryIO, *, kind: OfficeKind, max_bytes: int | None = None, text_limit: int | None = None
) -> list[zipfile.ZipInfo]:
    """The zip's members, once it passed the checks (else `kind.error`), read from its directory and the first bytes
    of its XML parts; `text_limit`: the most the main part may unpack to. The source is left where it was."""
    start = source.tell()
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise kind.error(f"The {kind.noun} is a damaged zip file ({error}).", code=f"{kind.code}_damaged") from error
    finally:
        source.seek(start)
    by_name = {info.filename: info for info in members}
    if kind.required_part not in by_name:
        raise kind.error(f"This zip file is not {kind.title}: it holds no {kind.required_part}.", code=kind.not_code)
    limit = max_bytes or max_bytes_setting()
    total = sum(info.file_size for info in members)
    if len(members) > MAX_MEMBERS or total > limit:
        raise kind.error(
            f"The {kind.noun} would unpack to {total:,} bytes in {len(members):,} parts, more than the {limit:,} bytes "
            "an import accepts.",
            code=f"{kind.code}_too_large",
        )
    main_size = by_name[kind.required_part].file_size
    if text_limit is not None and main_size > text_limit:
        raise kind.error(
            f"The {kind.noun}'s text ({kind.required_part}) would unpack to {main_size:,} bytes, more than the "
            f"{text_limit:,} bytes an import reads.",
            code=f"{kind.code}_too_large",
        )
    if any(info.flag_bits & 0x1 for info in members):
        raise kind.error(f"The {kind.noun}'s parts are encrypted.", code=f"{kind.code}_encrypted")
    with zipfile.ZipFile(source) as archive:
        typed_xml = _typed_xml_parts(archive, members)
        for info in members:
            if (info.filename.lower().endswith(XML_PARTS) or info.filename in typed_xml) and declares_doctype(
                archive, info
            ):
                source.seek(start)
                raise kind.error(
                    f"The {kind.noun}'s part {info.filename} declares a DOCTYPE, which {kind.needed_by} needs and "
                    "which can hide entity expansion: refused.",
                    code=f"{kind.code}_doctype",
                )
    source.seek(start)
    return members


def declares_doctype(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether an XML part has a DOCTYPE before its root element (read from its first bytes only)."""
    with archive.open(info) as stream:
        head = stream.read(PROLOG_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    head = head.removeprefix(b"\xef\xbb\xbf")
    rest = head[_PROLOG.match(head).end() :]
    return rest[:9].upper() == b"<!DOCTYPE" or (not rest.startswith(b"<") and len(head) == PROLOG_BYTES)


def _typed_xml_parts(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> set[str]:
    """The parts [Content_Types].xml types as XML whatever their names end with (python-docx parses a part by its
    type: a main document named "word/x.bin" is XML too). [Content_Types].xml itself is checked first."""
    types = next((info for info in members if info.filename == "[Content_Types].xml"), None)
    if types is None or declares_doctype(archive, types):
        return set()
    try:
        root = etree.fromstring(archive.read(types), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return set()
    extensions = {
        element.get("Extension", "").lower()
        for element in root
        if element.get("ContentType", "").endswith("xml") and element.tag.endswith("Default")
    }
    overrides = {
        element.get("PartName", "").lstrip("/")
        for element in root
        if element.get("ContentType", "").endswith("xml") and element.tag.endswith("Override")
    }
    return overrides | {info.filename for info in members if info.filename.rpartition(".")[2].lower() in extensions}
