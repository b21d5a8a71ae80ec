"""Opening an untrusted Word document: what is a Word document (`is_word_document`), what we refuse before
anything is decompressed (`check_document`: an OLE file, which is what an encrypted document or a legacy .doc is,
and the checks every Office zip passes, `usecases.exchange.office_zip`), and the package python-docx opens
(`open_package`), without its macros (a .docm's vbaProject is dropped unread).
"""

import io
import posixpath
import zipfile
from typing import BinaryIO

from django.core.exceptions import ValidationError
from docx.opc.constants import CONTENT_TYPE
from docx.package import Package
from lxml import etree

from usecases.exchange.office_zip import (
    OLE_SIGNATURE,
    OfficeKind,
    check_office_zip,
    is_zip,
    max_bytes_setting,
    signature,
)
from usecases.xml.parsing import binary_source
from usecases.xml.parsing import max_bytes_setting as xml_max_bytes_setting

DOCUMENT_PART = "word/document.xml"
_MAIN_TYPES = (
    CONTENT_TYPE.WML_DOCUMENT_MAIN,
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
_WORD_STREAM = "WordDocument".encode("utf-16-le")  # the main stream of a legacy binary .doc (an OLE file)
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_WORD_NAMES = (".docx", ".docm", ".dotx", ".dotm", ".doc")


class WordImportError(ValidationError):
    """A document we will not read; the message says why, in words the upload form and the API show."""


WORD_DOCUMENT = OfficeKind(
    error=WordImportError,
    code="word",
    noun="document",
    title="a Word document",
    needed_by="no Word document",
    not_code="word_not_document",
    required_part=DOCUMENT_PART,
)

# Opening


def is_word_document(data: bytes | BinaryIO, *, name: str = "") -> bool:
    """Whether the content is a Word document, told by its content: a zip whose directory holds word/document.xml
    (or, damaged, whose first parts name it), or an OLE file that is a legacy .doc. An encrypted document is an OLE
    file that says nothing of what it holds, and a zip may be neither a workbook nor a document: there the file's
    `name` decides (else the workbook reader refuses it, saying why)."""
    source = binary_source(data)
    start = source.tell()
    head = signature(source)
    named = name.casefold().endswith(_WORD_NAMES)
    if is_zip(head):
        try:
            with zipfile.ZipFile(source) as archive:
                names = set(archive.namelist())
            return DOCUMENT_PART in names or (named and "xl/workbook.xml" not in names)
        except (zipfile.BadZipFile, OSError):  # cut off or damaged: the first parts' local headers name them
            source.seek(start)
            return DOCUMENT_PART.encode() in source.read(1 << 16) or named
        finally:
            source.seek(start)
    if head == OLE_SIGNATURE:
        streams = _ole_streams(source)
        return _WORD_STREAM in streams or (_ENCRYPTED_STREAM in streams and named)
    return False


def _ole_streams(source: BinaryIO) -> bytes:
    """The stream names an OLE file's directory may hold (the whole file, scanned up to the import limit)."""
    start = source.tell()
    found = b""
    chunk_size, limit = 1 << 16, max_bytes_setting()
    previous = b""
    while source.tell() - start < limit and (chunk := source.read(chunk_size)):
        window = previous + chunk
        for stream in (_WORD_STREAM, _ENCRYPTED_STREAM):
            if stream in window and stream not in found:
                found += stream
        previous = chunk[-64:]
    source.seek(start)
    return found


def check_document(data: bytes | BinaryIO, *, max_bytes: int | None = None) -> list[str]:
    """Refuse what we will not open (`WordImportError`), from the zip's directory alone before anything is
    decompressed (`check_office_zip`); the warnings (macros) of a document we will read."""
    source = binary_source(data)
    found = signature(source)
    if found == OLE_SIGNATURE:
        kind = "an old binary .doc file" if _WORD_STREAM in _ole_streams(source) else "an encrypted document"
        raise WordImportError(
            f"This is {kind}, or a password-protected Word document: save it as an unprotected .docx and import that.",
            code="word_encrypted",
        )
    if not is_zip(found):
        raise WordImportError("This is not a Word document (.docx or .docm).", code="word_not_document")
    members = check_office_zip(source, kind=WORD_DOCUMENT, max_bytes=max_bytes, text_limit=xml_max_bytes_setting())
    if any(posixpath.basename(info.filename).lower() in _MACRO_PARTS for info in members):
        return ["The document holds macros (VBA): they were left out unread and never run."]
    return []


def open_package(source: BinaryIO, archive_names: list[str]):
    """The main document part, opened by python-docx from a copy of the package without its macros when it has any
    (or a main part typed as a macro document or template, which python-docx does not open as such)."""
    with zipfile.ZipFile(source) as archive:
        content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in archive_names else b""
        needs_copy = any(posixpath.basename(name).lower() in _MACRO_PARTS for name in archive_names) or any(
            kind.encode() in content_types for kind in _MAIN_TYPES[1:]
        )
        if needs_copy:
            source = io.BytesIO(_without_macros(archive))
    part = Package.open(source).main_document_part
    if part.content_type != CONTENT_TYPE.WML_DOCUMENT_MAIN:
        raise WordImportError(
            f"The document's main part is {part.content_type!r}, not a Word document's.", code="word_not_document"
        )
    return part


def _without_macros(archive: zipfile.ZipFile) -> bytes:
    """The package again (its size checked), without its VBA parts and the relationships to them, its main part typed
    as a plain document's."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in archive.infolist():
            name = info.filename
            if posixpath.basename(name).lower() in _MACRO_PARTS or name.lower().endswith(
                tuple(f"{part}.rels" for part in _MACRO_PARTS)
            ):
                continue
            content = archive.read(info)
            if name == "[Content_Types].xml":
                for kind in _MAIN_TYPES[1:]:
                    content = content.replace(kind.encode(), CONTENT_TYPE.WML_DOCUMENT_MAIN.encode())
            elif name.endswith(".rels"):
                content = _without_macro_relationships(content)
            target.writestr(info, content)
    return out.getvalue()


def _without_macro_relationships(content: bytes) -> bytes:
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    root = etree.fromstring(content, parser)
    for relationship in list(root):
        if posixpath.basename(relationship.get("Target", "")).lower() in _MACRO_PARTS:
            root.remove(relationship)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
