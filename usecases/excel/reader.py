"""BRIDGE Excel workbooks (.xlsx, .xlsm) -> the neutral document (`usecases.xml.document.Repository`).

The workbook is untrusted: `check_workbook` looks at the zip's directory before anything is decompressed (an OLE
file, which is what an encrypted workbook or a legacy .xls is, a zip that is no workbook, a total uncompressed
size above `UCMR_EXCEL_MAX_BYTES`), and openpyxl then opens it read-only with cached values (`data_only`): no
formula is evaluated, no macro runs (the vbaProject of an .xlsm is never read), no external link is followed.
Only the first `UCMR_EXCEL_MAX_ROWS` rows and `UCMR_EXCEL_MAX_COLUMNS` columns of a sheet are read.

Every sheet whose column B carries the template's labels (`layout.SIGNATURE_MIN_LABELS` of them in order) is a
use case; other sheets are reported as skipped. Rows are found by their label, the canonical row standing in
(reported) for a label that is missing. Cross-references are free text in the template: steps name their
producers and receivers, information and scenario in words. They are resolved by name (see `ActorIndex`,
`InformationIndex`, `_scenario_of`); the raw text stays in the object's `extra` beside the link, and what could
not be resolved is a warning, never an error.

Row 29 becomes relations (to the workbook's use cases, or stubs the loader looks up in the repository), row 81
links requirements of section 6, and the pictures of a sheet (read from its drawing part, which openpyxl's
read-only mode skips) become drawings carrying the image's bytes.

mRIDs are derived (uuid5) from the use case's identifier and name (or the sheet title when it has neither) and
the object's position, so that importing a workbook again lands on what the first import created.
"""

import difflib
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from lxml import etree

from usecases.excel import layout
from usecases.excel.layout import FIRST_VALUE_COLUMN, LABEL_COLUMN, Row, column_letter, normalise_label
from usecases.xml import document as doc
from usecases.xml.parsing import binary_source
from usecases.xml.vocabulary import (
    RELATION_TYPES,
    derived_mrid,
    normalise_actor_type,
    normalise_drawing_type,
    normalise_relation_type,
    normalise_uri_type,
    parse_date,
)

DEFAULT_MAX_BYTES = 50_000_000  # total uncompressed size of the zip's members
DEFAULT_MAX_ROWS = 1_000
DEFAULT_MAX_COLUMNS = 1_000
MAX_MEMBERS = 10_000
XML_PARTS = (".xml", ".rels", ".vml")
PROLOG_BYTES = 65_536  # an XML part's declaration, comments and DOCTYPE must end within this many bytes

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
EMPTY_ZIP_SIGNATURE = b"PK\x05\x06"

PLACEHOLDERS = frozenset({"n/a", "na", "n.a.", "-", "--", "\u2013", "/", "?", "(none)", "none", "tbd."})
ENUM_PREFIXES = ("iec62559.drawingclassification.", "iec62559.resourcetype.")
SERVICE_VERBS = ("CREATE", "GET", "CHANGE", "DELETE", "CANCEL", "CLOSE", "EXECUTE", "REPORT", "TIMER", "REPEAT")
_EXTRA_DATE_FORMATS = ("%d.%m.%y", "%d/%m/%y", "%d-%m-%y", "%Y.%m.%d", "%d. %m. %Y")
_NAMESPACE = "excel"
# A step column holds a step when one of these rows has a value (a merged scenario name alone makes none).
_STEP_CONTENT = (
    "step.number",
    "step.event",
    "step.name",
    "step.description",
    "step.service",
    "step.producer",
    "step.receiver",
    "step.information",
)

_ACTOR_SPLIT = re.compile(r"\s*(?:[,;/&\n]|\band\b|\s\+\s)\s*", re.IGNORECASE)
_INFORMATION_SPLIT = re.compile(r"\s*[,;\n]\s*")
_BRACKETED = re.compile(r"\(([^()]*)\)")
# A letter followed by ")" marks a list item; one followed by "." is as often an initial ("A. Lindqvist").
_LIST_MARK = re.compile(r"^\s*(?:[-*\u2022\u25cf\u25aa]+\s+|\d+[.)]\s*|[a-z]\)\s+)", re.IGNORECASE)
_LINE_SPLIT = re.compile(r"\s*[,;\n]\s*")
_PUNCTUATION_ONLY = re.compile(r"^[?\-\u2013/.*]+$")
_NUMBER_TOKEN = re.compile(r"\d+")
_WORDS = re.compile(r"[^\w]+")
# Row 29: an ID is a word with a letter and a digit (UC2, EACL-HU-02, ACCEPT_UC2); a name is quoted, or a short part.
_USE_CASE_ID = re.compile(r"^(?=[^\s]*\d)(?=[^\s]*[a-z])[\w.\-/]+$", re.IGNORECASE)
_QUOTES = '"\u201c\u201d\u201e\u00ab\u00bb'
_QUOTED = re.compile(f"[{_QUOTES}]([^{_QUOTES}]{{2,200}})(?:[{_QUOTES}]|$)")  # an unclosed quote runs to the end
_TRAILING_BRACKET = re.compile(r"\(([^()]*)\)\s*$")
MAX_NAME_WORDS = 8
_SCENARIO_PREFIX = re.compile(r"^\s*(?:(?:sc|s|ps|scenario)\s*\.?\s*)?\d+(?:\.\d+)*\s*[-.:)\u2013]*\s*", re.IGNORECASE)


class ExcelImportError(ValidationError):
    """A workbook we will not read; the message says why, in words the upload form and the API show."""


@dataclass
class _Sheet:
    """The cells of one sheet: values by (row, column), merged ranges filled in, hyperlink targets by cell."""

    title: str
    values: dict[tuple[int, int], object] = field(default_factory=dict)
    links: dict[tuple[int, int], str] = field(default_factory=dict)
    images: list["_Image"] = field(default_factory=list)
    max_row: int = 0
    max_column: int = 0

    def label(self, row: int) -> str:
        return normalise_label(self.values.get((row, LABEL_COLUMN)))


# Opening


def is_workbook(data: bytes | BinaryIO) -> bool:
    """Whether the content is to be read as a workbook: any zip (the Office Open XML container) or OLE file (what an
    encrypted workbook or a legacy .xls is), told by its first bytes, not its name. `check_workbook` then refuses,
    with the reason, the ones that are no workbook we read."""
    source = binary_source(data)
    start = source.tell()
    head = source.read(8)
    source.seek(start)
    return head == OLE_SIGNATURE or head.startswith((ZIP_SIGNATURE, EMPTY_ZIP_SIGNATURE))


def check_workbook(data: bytes | BinaryIO, *, max_bytes: int | None = None) -> list[str]:
    """Refuse what we will not open (`ExcelImportError`), from the zip's directory alone, before anything is
    decompressed; the warnings (macros, external links) of a workbook we will read."""
    source = binary_source(data)
    start = source.tell()
    head = source.read(8)
    source.seek(start)
    if head == OLE_SIGNATURE:
        raise ExcelImportError(
            "This is an encrypted (password-protected) workbook or an old binary .xls file: save it as an "
            "unprotected .xlsx and import that.",
            code="excel_encrypted",
        )
    if not head.startswith((ZIP_SIGNATURE, EMPTY_ZIP_SIGNATURE)):
        raise ExcelImportError("This is not an Excel workbook (.xlsx or .xlsm).", code="excel_not_workbook")
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise ExcelImportError(f"The workbook is a damaged zip file ({error}).", code="excel_damaged") from error
    finally:
        source.seek(start)
    names = {info.filename for info in members}
    if "xl/workbook.xml" not in names:
        raise ExcelImportError(
            "This zip file is not an Excel workbook: it holds no xl/workbook.xml.", code="excel_not_workbook"
        )
    limit = max_bytes or max_bytes_setting()
    total = sum(info.file_size for info in members)
    if len(members) > MAX_MEMBERS or total > limit:
        raise ExcelImportError(
            f"The workbook would unpack to {total:,} bytes in {len(members):,} parts, more than the {limit:,} bytes "
            "an import accepts.",
            code="excel_too_large",
        )
    if any(info.flag_bits & 0x1 for info in members):
        raise ExcelImportError("The workbook's parts are encrypted.", code="excel_encrypted")
    with zipfile.ZipFile(source) as archive:
        for info in members:
            if info.filename.lower().endswith(XML_PARTS) and declares_doctype(archive, info):
                source.seek(start)
                raise ExcelImportError(
                    f"The workbook's part {info.filename} declares a DOCTYPE, which no workbook needs and which can "
                    "hide entity expansion: refused.",
                    code="excel_doctype",
                )
    source.seek(start)
    warnings = []
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        warnings.append("The workbook holds macros (VBA): they were neither run nor read.")
    external = sorted(name for name in names if name.startswith("xl/externalLinks/") and name.endswith(".xml"))
    if external:
        warnings.append(
            f"The workbook links to {len(external)} other workbook(s): the links were not followed; cells that "
            "show linked values were read as last saved."
        )
    return warnings


_PROLOG = re.compile(rb"\A(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)


def declares_doctype(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether an XML part has a DOCTYPE before its root element (read from its first bytes only)."""
    with archive.open(info) as stream:
        head = stream.read(PROLOG_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    head = head.removeprefix(b"\xef\xbb\xbf")
    rest = head[_PROLOG.match(head).end() :]
    return rest[:9].upper() == b"<!DOCTYPE" or (not rest.startswith(b"<") and len(head) == PROLOG_BYTES)


def max_bytes_setting() -> int:
    return int(getattr(settings, "UCMR_EXCEL_MAX_BYTES", DEFAULT_MAX_BYTES))


def read_workbook(*, data: bytes | BinaryIO, name: str = "", max_bytes: int | None = None) -> doc.Repository:
    """Read untrusted workbook bytes (or a seekable binary file) into a Repository, one use case per use case
    sheet. `name`: the file's name, for the repository's name and messages."""
    source = binary_source(data)
    warnings = check_workbook(source, max_bytes=max_bytes)
    max_rows = int(getattr(settings, "UCMR_EXCEL_MAX_ROWS", DEFAULT_MAX_ROWS))
    max_columns = int(getattr(settings, "UCMR_EXCEL_MAX_COLUMNS", DEFAULT_MAX_COLUMNS))
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True, keep_links=False, keep_vba=False)
    except Exception as error:  # openpyxl raises many kinds (KeyError, ValueError, zip errors) for damaged files
        raise ExcelImportError(f"The workbook cannot be read: {error}", code="excel_damaged") from error
    builder = _Builder(workbook_name=name)
    builder.warnings += warnings
    try:
        for worksheet in workbook.worksheets:
            sheet = _load_sheet(worksheet, archive=workbook._archive, max_rows=max_rows, max_columns=max_columns)
            if sheet.truncated:
                builder.warnings.append(
                    f"Sheet {worksheet.title!r} is larger than {max_rows:,} rows or {max_columns:,} columns: only "
                    "that much of it was read."
                )
            builder.add_sheet(sheet.sheet)
        for chartsheet in workbook.chartsheets:
            builder.warnings.append(f"Sheet {chartsheet.title!r} is a chart, not a use case: skipped.")
    finally:
        workbook.close()
    return builder.repository()


@dataclass
class _Loaded:
    sheet: _Sheet
    truncated: bool


def _load_sheet(worksheet, *, archive: zipfile.ZipFile, max_rows: int, max_columns: int) -> _Loaded:
    sheet = _Sheet(title=worksheet.title)
    truncated = False
    for row_number, row in enumerate(worksheet.iter_rows(max_row=max_rows + 1, values_only=True), start=1):
        if row_number > max_rows:
            truncated = True
            break
        if len(row) > max_columns:
            truncated = truncated or any(value is not None for value in row[max_columns:])
            row = row[:max_columns]
        for column, value in enumerate(row, start=1):
            if value is not None and value != "":
                sheet.values[(row_number, column)] = value
                sheet.max_row = max(sheet.max_row, row_number)
                sheet.max_column = max(sheet.max_column, column)
    path = getattr(worksheet, "_worksheet_path", "")
    if path:
        merged, links = _merges_and_links(archive, path)
        for first_row, first_column, last_row, last_column in merged:
            anchor = sheet.values.get((first_row, first_column))
            if anchor is None:
                continue
            for row in range(first_row, min(last_row, max_rows) + 1):
                for column in range(first_column, min(last_column, max_columns) + 1):
                    sheet.values.setdefault((row, column), anchor)
        sheet.links = links
        sheet.images = _images(archive, path)
    return _Loaded(sheet=sheet, truncated=truncated)


_CELL = re.compile(r"^([A-Z]+)(\d+)$")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


_PART_ERRORS = (KeyError, OSError, zipfile.BadZipFile, etree.XMLSyntaxError)


def _iterparse(stream: BinaryIO):
    """End events of a part of the (size-checked) zip, parsed as `usecases.xml.parsing` parses untrusted XML: no
    entity expansion, no DTD, no network."""
    return etree.iterparse(
        stream, events=("end",), resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False
    )


def _cell_position(reference: str) -> tuple[int, int] | None:
    match = _CELL.match(reference.replace("$", "").upper())
    if match is None:
        return None
    letters, digits = match.groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return int(digits), column


def _merges_and_links(archive: zipfile.ZipFile, path: str) -> tuple[list[tuple[int, int, int, int]], dict]:
    """Merged ranges and hyperlink targets, which openpyxl's read-only mode does not give: read from the sheet's
    XML (already within the size checked) with the standard library's parser, which expands no external entity."""
    merged, link_ids = [], {}
    try:
        with archive.open(path) as stream:
            for _, element in _iterparse(stream):
                if element.tag == f"{_MAIN}mergeCell":
                    first, _, last = element.get("ref", "").partition(":")
                    start, end = _cell_position(first), _cell_position(last or first)
                    if start and end:
                        merged.append((*start, *end))
                elif element.tag == f"{_MAIN}hyperlink" and element.get(_RELATIONSHIP_ID):
                    position = _cell_position(element.get("ref", "").partition(":")[0])
                    if position:
                        link_ids[position] = element.get(_RELATIONSHIP_ID)
                elif element.tag == f"{_MAIN}row":
                    element.clear()
    except _PART_ERRORS:  # a sheet openpyxl could read: its extras are a nicety, not a reason to refuse the file
        return merged, {}
    if not link_ids:
        return merged, {}
    folder, _, file_name = path.rpartition("/")
    targets = {}
    try:
        with archive.open(f"{folder}/_rels/{file_name}.rels") as stream:
            for _, element in _iterparse(stream):
                if element.get("TargetMode") == "External" and element.get("Id"):
                    targets[element.get("Id")] = element.get("Target", "")
    except _PART_ERRORS:
        return merged, {}
    return merged, {position: targets[rid] for position, rid in link_ids.items() if rid in targets}


def _relationships(archive: zipfile.ZipFile, path: str) -> dict[str, tuple[str, str]]:
    """Id -> (type, target path) of a part's internal relationships."""
    folder, _, file_name = path.rpartition("/")
    found = {}
    try:
        with archive.open(f"{folder}/_rels/{file_name}.rels") as stream:
            for _, element in _iterparse(stream):
                target = element.get("Target", "")
                if element.get("Type") and target and element.get("TargetMode") != "External":
                    resolved = (
                        target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"{folder}/{target}")
                    )
                    found[element.get("Id", "")] = (element.get("Type").rsplit("/", 1)[-1], resolved)
    except _PART_ERRORS:
        return {}
    return found


@dataclass
class _Image:
    """A picture drawn on a sheet: the cell its top left corner is anchored to (0, 0 when it has none), its name
    and alternative text, and the bytes of its media part ("" `problem` when they were read)."""

    row: int
    column: int
    name: str
    description: str
    path: str
    content: bytes = b""
    problem: str = ""

    @property
    def filename(self) -> str:
        return posixpath.basename(self.path)


_XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
_DRAWINGML = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
_ANCHORS = (f"{_XDR}twoCellAnchor", f"{_XDR}oneCellAnchor", f"{_XDR}absoluteAnchor")


def _images(archive: zipfile.ZipFile, path: str) -> list[_Image]:
    """The pictures drawn on a sheet, which openpyxl's read-only mode does not load: the sheet's relationships name
    its drawing part, whose anchors hold pictures, whose relationships name their media parts. Every part is
    within the zip's checked size and is parsed as the other parts are; a picture's bytes are read only up to
    UCMR_DRAWING_MAX_BYTES (a bigger one is named, with its problem, and not read)."""
    images = []
    limit = int(settings.UCMR_DRAWING_MAX_BYTES)
    for kind, drawing in _relationships(archive, path).values():
        if kind != "drawing":
            continue
        media = _relationships(archive, drawing)
        try:
            with archive.open(drawing) as stream:
                for _, element in _iterparse(stream):
                    if element.tag in _ANCHORS:
                        images += _anchor_images(element, media)
                        element.clear()
        except _PART_ERRORS:
            continue
    for image in images:
        try:
            info = archive.getinfo(image.path)
            if info.file_size > limit:
                image.problem = f"larger than {limit:,} bytes"
                continue
            with archive.open(info) as stream:
                image.content = stream.read(limit + 1)
            if len(image.content) > limit:
                image.content, image.problem = b"", f"larger than {limit:,} bytes"
        except _PART_ERRORS:
            image.problem = "its part is missing or damaged"
    return images


def _anchor_images(anchor, media: dict[str, tuple[str, str]]) -> list[_Image]:
    start = anchor.find(f"{_XDR}from")
    row = column = 0
    if start is not None:
        try:
            column = int(start.findtext(f"{_XDR}col") or 0) + 1
            row = int(start.findtext(f"{_XDR}row") or 0) + 1
        except ValueError:
            row = column = 0
    found = []
    for picture in anchor.iter(f"{_XDR}pic"):
        blip = picture.find(f".//{_DRAWINGML}blip")
        target = media.get(blip.get(_EMBED, "")) if blip is not None else None
        if target is None or target[0] != "image":
            continue
        properties = picture.find(f"{_XDR}nvPicPr/{_XDR}cNvPr")
        name, description = (
            ("", "") if properties is None else (properties.get("name", ""), properties.get("descr", ""))
        )
        found.append(_Image(row=row, column=column, name=name.strip(), description=description.strip(), path=target[1]))
    return found


# Values


def cell_text(value: object) -> str:
    """A cell as text: ints without ".0", NBSP as space, stripped, placeholders ("n/a", "-", "(none)") empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, datetime):
        text = _datetime_text(value)
    else:
        text = str(value)
    text = text.replace("\xa0", " ").replace("\r\n", "\n").replace("\r", "\n").strip()
    return "" if text.casefold() in PLACEHOLDERS or _PUNCTUATION_ONLY.match(text) else text


def _datetime_text(value: datetime) -> str:
    """A datetime where text is meant: Excel turned "2" into 1900-01-02, so early 1900 dates are serial numbers."""
    if value < datetime(1900, 3, 1):
        return str((value - datetime(1899, 12, 31)).days)
    return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")


def lenient_date(value: object) -> tuple[datetime | None, str]:
    """(the date, the text when it is none we can read)."""
    if isinstance(value, datetime):
        return value, ""
    text = cell_text(value)
    if not text:
        return None, ""
    parsed = parse_date(text)
    for date_format in _EXTRA_DATE_FORMATS:
        if parsed is not None:
            break
        try:
            parsed = datetime.strptime(text, date_format)
        except ValueError:
            continue
    return parsed, "" if parsed is not None else text


def strip_enum(text: str) -> str:
    """`IEC62559.DrawingClassification.use_case_overview,` -> `use_case_overview`."""
    value = text.strip().rstrip(",").strip()
    for prefix in ENUM_PREFIXES:
        if value.casefold().startswith(prefix):
            return value[len(prefix) :]
    return value


def fold(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split()).casefold()


def list_item(text: str) -> str:
    return _LIST_MARK.sub("", text).strip().strip("\"'\u201c\u201d\u2018\u2019").strip()


def _split_outside_brackets(pattern: re.Pattern, text: str) -> list[str]:
    """`pattern.split(text)`, except inside brackets: "MO (W-1; D-1 order book), FSP" is two parts."""
    parts, start = [], 0
    for match in pattern.finditer(text):
        before = text[: match.start()]
        if before.count("(") > before.count(")"):
            continue
        parts.append(text[start : match.start()])
        start = match.end()
    return [*parts, text[start:]]


def _without_brackets(text: str) -> str:
    """The text without what is in brackets, an unclosed bracket running to the end."""
    return re.sub(r"\([^()]*$", "", _BRACKETED.sub("", text)).strip()


def split_lines(text: str) -> list[str]:
    """A cell holding a bulleted or line-separated list as its items."""
    return [item for item in (list_item(line) for line in text.split("\n")) if item]


# Reference resolution


class ActorIndex:
    """Actors by name: case and space folded, the abbreviation in brackets ("Distribution System Operator (DSO)"
    is also "DSO"), the name without it, and last the initials of a name of several words ("Market operator" is
    "MO")."""

    def __init__(self, actors: list[doc.Actor]) -> None:
        self.keys: dict[str, str] = {}
        for actor in actors:
            name = fold(actor.name)
            self.keys.setdefault(name, actor.mrid)
        for actor in actors:
            name = fold(actor.name)
            for inner in _BRACKETED.findall(name):
                self.keys.setdefault(inner.strip(), actor.mrid)
            bare = _BRACKETED.sub("", name).strip()
            if bare:
                self.keys.setdefault(fold(bare), actor.mrid)
        for actor in actors:  # "Market operator" is also "MO", unless some actor is called that
            words = _WORDS.sub(" ", _BRACKETED.sub("", fold(actor.name))).split()
            if len(words) >= 2:
                self.keys.setdefault("".join(word[0] for word in words), actor.mrid)

    def resolve(self, text: str) -> tuple[list[str], list[str]]:
        """(mRIDs found, parts that named no actor)."""
        whole = self._one(text)
        if whole:
            return [whole], []
        found, unresolved = [], []
        for line in _split_outside_brackets(_LINE_SPLIT, text):  # each line whole first: "EMS/SCADA" is one actor
            mrid = self._one(line)
            parts = [line] if mrid else _split_outside_brackets(_ACTOR_SPLIT, line)
            for part in parts:
                token = list_item(part)
                if not token:
                    continue
                mrid = self._one(token)
                if mrid:
                    found.append(mrid)
                else:
                    unresolved.append(token)
        return list(dict.fromkeys(found)), unresolved

    def _one(self, text: str) -> str:
        token = fold(list_item(text))
        if not token:
            return ""
        if token in self.keys:
            return self.keys[token]
        bare = fold(_without_brackets(token))  # "MO (flexi register)": the actor MO's sub-system
        return self.keys.get(bare, "")


class InformationIndex:
    """Information exchanged by ID (exact, folded, an ID that starts the text, "Inf.1, 2, 3" abbreviations), then
    by name."""

    def __init__(self, items: list[doc.InformationObject]) -> None:
        self.ids = {fold(item.identifier): item.mrid for item in items if item.identifier}
        self.names = {fold(item.name): item.mrid for item in items if item.name}
        self.by_length = sorted(self.ids, key=len, reverse=True)

    def resolve(self, text: str) -> tuple[list[str], list[str]]:
        whole = self._one(text, prefix=False)
        if whole:
            return [whole], []
        found, unresolved = [], []
        previous = ""
        for part in _split_outside_brackets(_INFORMATION_SPLIT, text):
            token = list_item(part)
            if not token:
                continue
            mrid = self._one(token)
            if not mrid and token.isdigit() and previous:  # "Inf.1, 2, 3": the prefix of the one before
                stem = re.sub(r"\d+$", "", previous)
                mrid = self._one(stem + token) or self._one(stem + token.zfill(len(previous) - len(stem)))
            if mrid:
                found.append(mrid)
                previous = self._identifier_of(mrid) or previous
            else:
                unresolved.append(token)
        return list(dict.fromkeys(found)), unresolved

    def _identifier_of(self, mrid: str) -> str:
        return next((key for key, value in self.ids.items() if value == mrid), "")

    def _one(self, text: str, *, prefix: bool = True) -> str:
        token = fold(text)
        if not token:
            return ""
        if token in self.ids:
            return self.ids[token]
        bare = fold(_without_brackets(token))
        if bare in self.ids:
            return self.ids[bare]
        for identifier in self.by_length if prefix else ():  # "INF01 No. of events for the day."
            if token.startswith(identifier) and not token[len(identifier) : len(identifier) + 1].isalnum():
                return self.ids[identifier]
        return self.names.get(token) or self.names.get(bare, "")


# Building the document


class _Builder:
    def __init__(self, *, workbook_name: str) -> None:
        self.workbook_name = workbook_name
        self.warnings: list[str] = []
        self.relation_texts: list[tuple[doc.UseCase, str, str]] = []  # (use case, row 29, where)
        self.stubs: dict[str, doc.UseCase] = {}
        self.actors: dict[str, doc.Actor] = {}  # by mRID, shared by the workbook's use cases
        self.business_cases: dict[str, doc.BusinessCase] = {}
        self.information: list[doc.InformationObject] = []
        self.categories: list[doc.RequirementCategory] = []
        self.common_terms: list[doc.CommonTerm] = []
        self.use_cases: list[doc.UseCase] = []
        self.keys: set[str] = set()

    def repository(self) -> doc.Repository:
        self.relations()
        repository = doc.Repository(
            mrid=derived_mrid(_NAMESPACE, "repository", *(use_case.mrid for use_case in self.use_cases)),
            name=self.workbook_name,
            actors=list(self.actors.values()),
            business_cases=list(self.business_cases.values()),
            information_objects=self.information,
            requirement_categories=self.categories,
            common_terms=self.common_terms,
            use_cases=[*self.use_cases, *self.stubs.values()],
        )
        if not self.use_cases:
            self.warnings.append("The workbook holds no sheet laid out as the IEC 62559-2 use case template.")
        repository.warnings = self.warnings
        return repository

    def relations(self) -> None:
        """Row 29 of every sheet as relations (once all sheets are read, as a sheet names those after it): each part
        that names a use case of the workbook by ID or name relates to it; one that looks like another's ID or name
        (`relation_parts`) relates to a stub the loader links to the repository's use case of that ID or name, or
        drops (`use_cases.LOOKUP`). The text stays in `extra["relations"]`; parts that name nothing are a warning."""
        index = _UseCaseIndex(self.use_cases)
        for use_case, text, where in self.relation_texts:
            unresolved = []
            for part in relation_parts(text):
                found = index.find(part)
                if found == use_case.mrid:
                    continue
                if not found and (part.identifier or part.name):
                    stub = doc.UseCase(
                        mrid_raw=part.identifier or part.name,
                        identifier=part.identifier,
                        name=part.name,
                        is_stub=True,
                        extra={"lookup": "true"},
                    )
                    found = self.stubs.setdefault(stub.mrid, stub).mrid
                if not found:
                    unresolved.append(part.text)
                elif found not in {relation.use_case_ref for relation in use_case.relations}:
                    use_case.relations.append(doc.UseCaseRelation(use_case_ref=found, type=part.type))
            if unresolved:
                shown = "; ".join(repr(_shown(text)) for text in unresolved[:5])
                more = f" and {len(unresolved) - 5} more" if len(unresolved) > 5 else ""
                self.warnings.append(
                    f"{where}: {len(unresolved)} part(s) of row 29 (relation to other use cases) name no use case "
                    f"and were kept as text: {shown}{more}."
                )

    def add_sheet(self, sheet: _Sheet) -> None:
        rows, found, fallbacks = _locate_rows(sheet)
        if found < layout.SIGNATURE_MIN_LABELS:
            self.warnings.append(
                f"Sheet {sheet.title!r} is not laid out as the use case template ({found} of its labels in "
                "column B): skipped."
            )
            return
        if not any(column >= FIRST_VALUE_COLUMN for _, column in sheet.values):
            self.warnings.append(f"Sheet {sheet.title!r} is an empty use case template: skipped.")
            return
        _SheetReader(self, sheet, rows, fallbacks).read()


def _locate_rows(sheet: _Sheet) -> tuple[dict[str, int], int, list[str]]:
    """Row of every field key (and heading label) by its label in column B, in sheet order; the canonical row,
    shifted as the rows before it were, where a label is missing. Returns (rows by key, labels found, messages)."""
    labels = {row: sheet.label(row) for row in range(1, sheet.max_row + 1)}
    rows: dict[str, int] = {}
    found, messages = 0, []
    previous, shift = 0, 0
    for row in layout.ROWS:
        if not row.labels:
            continue
        expected = row.row + shift
        hit = _search(labels, row, start=previous + 1, stop=expected + layout.SEARCH_WINDOW)
        if hit:
            found += 1
            previous, shift = hit, hit - row.row
        if row.key:
            rows[row.key] = hit or expected
            if not hit and expected <= sheet.max_row:
                actual = labels.get(expected, "")
                messages.append(
                    f"no row labelled {row.label.strip()!r}; read row {expected}"
                    + (f" (labelled {actual!r})" if actual else "")
                    + " in its place"
                )
            elif not hit:
                messages.append(f"no row labelled {row.label.strip()!r} (the sheet ends at row {sheet.max_row})")
    if any(_search(labels, row, start=previous + 1, stop=sheet.max_row) for row in layout.EXTENDED_ROWS if row.key):
        for row in layout.EXTENDED_ROWS:
            if not row.labels:
                continue
            hit = _search(labels, row, start=previous + 1, stop=row.row + shift + layout.SEARCH_WINDOW)
            if hit:
                previous = hit
                if row.key:
                    rows[row.key] = hit
    return rows, found, messages


def _search(labels: dict[int, str], row: Row, *, start: int, stop: int) -> int:
    wanted = row.labels
    return next((number for number in range(start, stop + 1) if labels.get(number) in wanted), 0)


class _SheetReader:
    def __init__(self, builder: _Builder, sheet: _Sheet, rows: dict[str, int], fallbacks: list[str]) -> None:
        self.builder = builder
        self.sheet = sheet
        self.rows = rows
        self.fallbacks = fallbacks
        self.where = f"Sheet {sheet.title!r}"
        self.unresolved: dict[str, dict[str, list[str]]] = {"actor": {}, "information": {}, "requirement": {}}
        self.information_items: list[doc.InformationObject] = []
        self.requirements: list[doc.Requirement] = []

    # cells

    def raw(self, key: str, column: int = FIRST_VALUE_COLUMN) -> object:
        row = self.rows.get(key)
        return self.sheet.values.get((row, column)) if row else None

    def text(self, key: str, column: int = FIRST_VALUE_COLUMN) -> str:
        return cell_text(self.raw(key, column))

    def columns(self, block: str) -> list[int]:
        """The columns from C rightwards where any row of the block holds a value (gaps skipped, not stopped at)."""
        keys = [row.key for row in layout.block_rows(block) if row.key in self.rows]
        return [
            column
            for column in range(FIRST_VALUE_COLUMN, self.sheet.max_column + 1)
            if any(self.text(key, column) for key in keys)
        ]

    def warn(self, message: str) -> None:
        self.builder.warnings.append(f"{self.where}: {message}")

    def mrid(self, *parts: object) -> str:
        return derived_mrid(_NAMESPACE, self.identity, *(str(part) for part in parts))

    # the use case

    def read(self) -> None:
        identifier, name = self.text("identifier"), self.text("name")
        self.identity = f"{identifier}\x1f{name}" if identifier or name else f"sheet\x1f{self.sheet.title}"
        if self.identity in self.builder.keys:
            self.identity = f"{self.identity}\x1f{self.sheet.title}"
        self.builder.keys.add(self.identity)
        for message in self.fallbacks:
            self.warn(message)
        use_case = doc.UseCase(
            mrid=self.mrid("use_case"),
            identifier=identifier,
            name=name or self.sheet.title,
            area=self.text("area"),
            scope=self.text("scope"),
            narrative_mrid=self.mrid("narrative"),
            short_description=self.text("short_description"),
            complete_description=self.text("complete_description"),
            level_of_depth=self.text("level_of_depth"),
            prioritisation=self.text("prioritisation"),
            classification=self.text("classification"),
            nature=self.text("nature"),
            keywords=self.text("keywords"),
        )
        if not name:
            self.warn(f"the use case has no name; named after the sheet, {self.sheet.title!r}.")
        relations = self.text("relations")
        if relations:
            use_case.extra["relations"] = relations
            self.builder.relation_texts.append((use_case, relations, self.where))
        use_case.versions = self.versions()
        use_case.objectives = [
            doc.Objective(mrid=self.mrid("objective", number), name=text)
            for number, text in enumerate(split_lines(self.text("objectives")), start=1)
        ]
        use_case.business_case_refs = self.business_cases()
        use_case.kpis = self.kpis(use_case.objectives)
        use_case.conditions = [
            *self.conditions("assumption", layout.ASSUMPTIONS),
            *self.conditions("prerequisite", layout.PREREQUISITES),
        ]
        use_case.remarks = [
            doc.Remark(mrid=self.mrid("remark", column), text=self.text("remark", column))
            for column in self.columns(layout.REMARKS)
        ]
        use_case.drawings = self.drawings()
        actor_index, use_case.actor_groupings = self.actors()
        use_case.references = self.references()
        information_index = self.information()
        use_case.scenarios = self.scenarios(actor_index, information_index)
        use_case.custom_information = self.extended()
        self.requirement_links()
        self.report_unresolved()
        self.builder.use_cases.append(use_case)

    def versions(self) -> list[doc.Version]:
        versions = []
        for column in self.columns(layout.VERSIONS):
            date, date_text = lenient_date(self.raw("version.date", column))
            authors = re.split(r"\s*[,;\n]\s*", self.text("version.authors", column))
            version = doc.Version(
                mrid=self.mrid("version", column),
                number=self.text("version.number", column),
                date=date,
                authors=[
                    doc.Author(mrid=self.mrid("author", column, number), name=list_item(author))
                    for number, author in enumerate(authors)
                    if list_item(author)
                ],
                changes=self.text("version.changes", column),
                approval_status=self.text("version.approval_status", column),
            )
            if date_text:
                version.extra["date"] = date_text
                self.warn(f"version date {date_text!r} in {self.cell('version.date', column)} is not a date.")
            versions.append(version)
        return versions

    def cell(self, key: str, column: int) -> str:
        return f"{column_letter(column)}{self.rows.get(key, 0)}"

    def business_cases(self) -> list[str]:
        refs = []
        for name in split_lines(self.text("business_cases").replace(",", "\n")):
            mrid = derived_mrid(_NAMESPACE, "business_case", fold(name))
            self.builder.business_cases.setdefault(mrid, doc.BusinessCase(mrid=mrid, name=name))
            refs.append(mrid)
        return list(dict.fromkeys(refs))

    def kpis(self, objectives: list[doc.Objective]) -> list[doc.Kpi]:
        by_name = {fold(objective.name): objective.mrid for objective in objectives}
        kpis = []
        for column in self.columns(layout.KPIS):
            reference = self.text("kpi.objectives", column)
            kpi = doc.Kpi(
                mrid=self.mrid("kpi", column),
                identifier=self.text("kpi.identifier", column),
                name=self.text("kpi.name", column),
                description=self.text("kpi.description", column),
            )
            if reference:
                kpi.extra["objectives"] = reference
                if fold(reference) in {"all", "all objectives"}:
                    kpi.objective_refs = [objective.mrid for objective in objectives]
                else:
                    parts = [fold(part) for part in [reference, *split_lines(reference.replace(",", "\n"))]]
                    kpi.objective_refs = list(dict.fromkeys(by_name[part] for part in parts if part in by_name))
            kpis.append(kpi)
        return kpis

    def conditions(self, kind: str, block: str) -> list[doc.Condition]:
        return [
            doc.Condition(mrid=self.mrid(kind, column), kind=kind, description=self.text(kind, column))
            for column in self.columns(block)
        ]

    def drawings(self) -> list[doc.Drawing]:
        """Section 2: one drawing per column of rows 38 to 41, with the picture anchored in that column of those rows
        as its image; every other picture of the sheet (anchored beside a step, in a description, ...) is a
        drawing of its own, named by its alternative text or name and where it stands."""
        rows = {row: key for key, row in self.rows.items() if key.startswith("drawing.")}
        in_column: dict[int, list[_Image]] = {}
        elsewhere: list[_Image] = []
        for image in self.sheet.images:
            if image.row in rows and image.column >= FIRST_VALUE_COLUMN:
                in_column.setdefault(image.column, []).append(image)
            else:
                elsewhere.append(image)
        drawings = []
        for column in sorted({*self.columns(layout.DRAWINGS), *in_column}):
            found_type = strip_enum(self.text("drawing.type", column))
            uri = self.text("drawing.uri", column)
            images = in_column.get(column, [])
            image = images[0] if images else None
            name = self.text("drawing.name", column) or uri or (self.image_name(image) if image else "")
            drawing = doc.Drawing(
                mrid=self.mrid("drawing", column),
                name=name,
                drawing_type=normalise_drawing_type(found_type.replace("_", " ")) or "other",
                uri=uri,
                uri_type=normalise_uri_type(strip_enum(self.text("drawing.uri_type", column))),
                **(self.image_content(image) if image else {}),
            )
            if found_type and normalise_drawing_type(found_type.replace("_", " ")) is None:
                drawing.extra["drawing_type"] = found_type
            drawings.append(drawing)
            elsewhere += images[1:]
        for image in elsewhere:
            drawings.append(
                doc.Drawing(
                    mrid=self.mrid("image", image.row, image.column, image.path),
                    name=f"{self.image_name(image)} ({self.image_place(image)})",
                    drawing_type="other",
                    **self.image_content(image),
                )
            )
        return drawings

    def image_name(self, image: _Image) -> str:
        return image.description or image.name or image.filename

    def image_place(self, image: _Image) -> str:
        """Where a picture stands: its cell and the label of its row ("E74, Description of process/activity")."""
        if not image.row:
            return "not anchored to a cell"
        keys = [key for key, number in self.rows.items() if number == image.row and key in layout.FIELDS]
        label = layout.FIELDS[keys[0]].label.strip() if keys else ""
        cell = f"{column_letter(image.column)}{image.row}"
        return f"{cell}, {label}" if label else cell

    def image_content(self, image: _Image) -> dict[str, object]:
        if image.problem:
            self.warn(f"the picture {image.filename} at {self.image_place(image)} was not imported: {image.problem}.")
            return {}
        return {"content": image.content, "filename": image.filename}

    def actors(self) -> tuple[ActorIndex, list[doc.ActorGrouping]]:
        """Actors (one per column) and their groupings. The template does not say which actor is in which group:
        an actor is in the group named as its type, or, when groups and actors fill exactly the same columns, in
        the group of its column; the others are in a grouping named "Actors". Groups of one name are one group."""
        group_columns = self.columns(layout.GROUPINGS)
        actor_columns = [column for column in self.columns(layout.ACTORS) if self.text("actor.name", column)]
        by_name: dict[str, doc.ActorGrouping] = {}
        by_column: dict[int, doc.ActorGrouping] = {}
        for column in group_columns:
            name = self.text("grouping.name", column)
            key = fold(name) or f"column {column}"
            grouping = by_name.setdefault(
                key,
                doc.ActorGrouping(
                    mrid=self.mrid("grouping", column),
                    name=name or f"Group {column_letter(column)}",
                    description=self.text("grouping.description", column),
                ),
            )
            by_column[column] = grouping
        aligned = bool(group_columns) and group_columns == actor_columns
        ungrouped = doc.ActorGrouping(mrid=self.mrid("grouping", "actors"), name="Actors")
        actors = []
        for column in self.columns(layout.ACTORS):
            name = self.text("actor.name", column)
            if not name:
                self.warn(f"the actor in column {column_letter(column)} has no name: left out.")
                continue
            type_text = self.text("actor.type", column)
            code, spelling = normalise_actor_type(type_text)
            mrid = derived_mrid(_NAMESPACE, "actor", fold(name))
            actor = self.builder.actors.get(mrid)
            if actor is None:
                actor = doc.Actor(
                    mrid=mrid,
                    name=name,
                    type=code,
                    type_text=spelling,
                    description=self.text("actor.description", column),
                )
                self.builder.actors[mrid] = actor
            actors.append(actor)
            grouping = by_name.get(fold(type_text)) if type_text else None
            if grouping is None and aligned:
                grouping = by_column[column]
            (grouping or ungrouped).further_actor_information.append(
                doc.FurtherActorInformation(
                    mrid=self.mrid("actor", column),
                    actor_refs=[mrid],
                    description=self.text("actor.further_information", column),
                )
            )
        groupings = list(by_name.values())
        if ungrouped.further_actor_information:
            groupings.append(ungrouped)
        return ActorIndex(actors), groupings

    def references(self) -> list[doc.Reference]:
        references = []
        for column in self.columns(layout.REFERENCES):
            link_row = self.rows.get("reference.link", 0)
            references.append(
                doc.Reference(
                    mrid=self.mrid("reference", column),
                    number=self.text("reference.number", column),
                    reference_type=self.text("reference.type", column),
                    name=self.text("reference.name", column),
                    description=self.text("reference.description", column),
                    status=self.text("reference.status", column),
                    impact=self.text("reference.impact", column),
                    originator=self.text("reference.originator", column),
                    link=self.sheet.links.get((link_row, column)) or self.text("reference.link", column),
                )
            )
        return references

    def information(self) -> InformationIndex:
        items = []
        for column in self.columns(layout.INFORMATION):
            item = doc.InformationObject(
                mrid=self.mrid("information", column),
                identifier=self.text("information.identifier", column),
                name=self.text("information.name", column),
                description=self.text("information.description", column),
            )
            requirements = self.text("information.requirements", column)
            if requirements:
                item.extra["requirements"] = requirements
            if not item.name:
                item.name = item.identifier or f"Information {column_letter(column)}"
            items.append(item)
        self.builder.information += items
        self.information_items = items
        return InformationIndex(items)

    # scenarios and steps

    def scenarios(self, actors: ActorIndex, information: InformationIndex) -> list[doc.Scenario]:
        scenarios = []
        for column in self.columns(layout.SCENARIOS):
            scenario = doc.Scenario(
                mrid=self.mrid("scenario", column),
                number=self.text("scenario.number", column),
                name=self.text("scenario.name", column),
                description=self.text("scenario.description", column),
            )
            primary = self.text("scenario.primary_actor", column)
            if primary:
                scenario.extra["primary_actor"] = primary
                scenario.primary_actor_refs = self.actor_refs(
                    actors, primary, f"scenario {scenario.number or '?'} in {column_letter(column)}"
                )
            for kind in doc.SCENARIO_CONDITION_KINDS:
                text = self.text(f"scenario.{kind}", column)
                if text:
                    scenario.conditions.append(doc.Condition(mrid=self.mrid(kind, column), kind=kind, description=text))
            scenarios.append(scenario)
        steps = self.steps(actors, information)
        if steps and not scenarios:
            self.warn(f"{len(steps)} step(s) but no scenario: they were put in a scenario named 'Steps'.")
            scenarios.append(doc.Scenario(mrid=self.mrid("scenario", "steps"), number="1", name="Steps"))
        matcher = ScenarioMatcher(scenarios)
        previous: doc.Scenario | None = None
        assigned_by_order = []
        for column, step in steps:
            scenario = matcher.match(
                number=self.text("step.scenario_number", column),
                name=self.text("step.scenario_name", column),
                step_number=step.number,
            )
            if scenario is None:
                scenario = previous or scenarios[0]
                assigned_by_order.append(column_letter(column))
            previous = scenario
            scenario.steps.append(step)
        if assigned_by_order and len(scenarios) > 1:
            self.warn(
                f"the steps in column(s) {', '.join(assigned_by_order)} name no scenario we could find (rows 79, 70 "
                "and the step number): each was put in the scenario of the step before it."
            )
        for scenario in scenarios:
            self.repair_float_numbers(scenario)
        return scenarios

    def steps(self, actors: ActorIndex, information: InformationIndex) -> list[tuple[int, doc.Step]]:
        steps = []
        for column in self.columns(layout.STEPS):
            if not any(self.text(key, column) for key in _STEP_CONTENT):
                continue  # only a scenario name or number spread across a merged range
            number_value = self.raw("step.number", column)
            step = doc.Step(
                mrid=self.mrid("step", column),
                number=self.text("step.number", column),
                event=self.text("step.event", column),
                name=self.text("step.name", column),
                description=self.text("step.description", column),
                service=service_text(self.text("step.service", column)),
            )
            if isinstance(number_value, float):
                step.extra["number_value"] = repr(number_value)
            where = f"step {step.number or '?'} in {column_letter(column)}"
            for key, attribute in (("step.producer", "producer_refs"), ("step.receiver", "receiver_refs")):
                text = self.text(key, column)
                if text:
                    step.extra[key.partition(".")[2]] = text
                    setattr(step, attribute, self.actor_refs(actors, text, where))
            text = self.text("step.information", column)
            if text:
                step.extra["information"] = text
                refs, unresolved = information.resolve(text)
                step.information_object_refs = refs
                for token in unresolved:
                    self.unresolved["information"].setdefault(token, []).append(where)
            steps.append((column, step))
        return steps

    def actor_refs(self, actors: ActorIndex, text: str, where: str) -> list[str]:
        refs, unresolved = actors.resolve(text)
        for token in unresolved:
            self.unresolved["actor"].setdefault(token, []).append(where)
        return refs

    def report_unresolved(self) -> None:
        """One warning per kind: each text that named nothing, with where it stands (the text itself is kept in
        the step's, scenario's or information item's `extra`)."""
        for kind, what in (
            ("actor", "name no actor of section 3.1"),
            ("information", "name no information of section 5"),
            ("requirement", "in row 81 name no requirement of section 6"),
        ):
            found = self.unresolved[kind]
            if found:
                listed = "; ".join(
                    f"{_shown(token)!r} ({', '.join(places[:3])}{f' and {len(places) - 3} more' * (len(places) > 3)})"
                    for token, places in found.items()
                )
                self.warn(f"{len(found)} reference(s) {what} and were kept as text: {listed}.")

    def repair_float_numbers(self, scenario: doc.Scenario) -> None:
        """Excel keeps "1.10" typed as a number as 1.1: where a float step number goes back (1.9, then 1.1), it
        is read as the next one it can stand for (1.10), with a warning. Duplicates left are reported."""
        previous: tuple[str, int] | None = None
        for step in scenario.steps:
            if "number_value" in step.extra and "." in step.number:
                major, minor = step.number.split(".", 1)
                if previous and previous[0] == major and minor.isdigit() and int(minor) <= previous[1]:
                    candidate = previous[1] + 1
                    while not str(candidate).startswith(minor):
                        candidate += 1
                    if len(str(candidate)) > len(minor):
                        self.warn(
                            f"step number {step.number} follows {major}.{previous[1]}: read as {major}.{candidate} "
                            "(Excel stores 1.10 typed as a number as 1.1)."
                        )
                        step.number = f"{major}.{candidate}"
                        minor = str(candidate)
                previous = (major, int(minor)) if minor.isdigit() else None
            else:
                previous = None
            step.extra.pop("number_value", None)
        numbers = [step.number for step in scenario.steps if step.number]
        duplicates = sorted({number for number in numbers if numbers.count(number) > 1})
        if duplicates:
            self.warn(f"scenario {scenario.name or scenario.number!r} repeats step number(s) {', '.join(duplicates)}.")

    # sections 6 to 8 (the extended variant) and what is left out

    def requirement_links(self) -> None:
        """Row 81 of each information item links the requirements of section 6 it names (`RequirementIndex`); the
        text stays in `extra["requirements"]`, and what names none is reported."""
        index = RequirementIndex(self.requirements)
        for column, item in zip(self.columns(layout.INFORMATION), self.information_items, strict=False):
            text = item.extra.get("requirements", "")
            if not text:
                continue
            item.requirement_refs, unresolved = index.resolve(text)
            where = f"information {item.identifier or item.name!r} in {column_letter(column)}"
            for token in unresolved:
                self.unresolved["requirement"].setdefault(token, []).append(where)

    def extended(self) -> list[doc.CustomInformation]:
        categories = [
            doc.RequirementCategory(
                mrid=self.mrid("category", column),
                identifier=self.text("category.identifier", column),
                name=self.text("category.name", column) or self.text("category.identifier", column),
                description=self.text("category.description", column),
            )
            for column in self.columns(layout.REQUIREMENT_CATEGORIES)
        ]
        requirements = [
            doc.Requirement(
                mrid=self.mrid("requirement", column),
                identifier=self.text("requirement.identifier", column),
                name=self.text("requirement.name", column) or self.text("requirement.identifier", column),
                description=self.text("requirement.description", column),
            )
            for column in self.columns(layout.REQUIREMENTS)
        ]
        self.requirements = requirements
        category_columns = self.columns(layout.REQUIREMENT_CATEGORIES)
        if requirements and category_columns == self.columns(layout.REQUIREMENTS):
            # Aligned (as the writer writes them): each requirement is in the category of its column, categories of
            # one ID and name being one.
            by_key: dict[tuple[str, str], doc.RequirementCategory] = {}
            for category, requirement in zip(categories, requirements, strict=True):
                kept = by_key.setdefault((fold(category.identifier), fold(category.name)), category)
                kept.requirements.append(requirement)
            categories = list(by_key.values())
        elif requirements:
            if not categories:
                categories.append(doc.RequirementCategory(mrid=self.mrid("category", "requirements"), name="Other"))
            categories[0].requirements = requirements
        self.builder.categories += categories
        for column in self.columns(layout.COMMON_TERMS):
            term, definition = term_and_definition(self.text("common_term", column))
            self.builder.common_terms.append(
                doc.CommonTerm(mrid=self.mrid("common_term", column), term=term, definition=definition)
            )
        return [
            doc.CustomInformation(mrid=self.mrid("custom_information", column), key=key, value=value)
            for column in self.columns(layout.CUSTOM_INFORMATION)
            for key, value in [term_and_definition(self.text("custom_information", column))]
        ]


@dataclass
class RelationPart:
    """A part of row 29: its text, the relation type in brackets at its end, and the ID and name of a use case it
    may name (blank when it looks like neither: prose)."""

    text: str
    type: str = ""
    identifier: str = ""
    name: str = ""


def relation_parts(text: str) -> list[RelationPart]:
    """Row 29 split into parts (lines, then `,` and `;` outside brackets): "UC-2 (include)", "EACL-HU-02",
    'ACCEPT_UC2 "Building self-consumption"', 'Linked to "Voltage control" UC (UC2)', "Flexibility market"."""
    parts = []
    for line in _split_outside_brackets(_LINE_SPLIT, text):
        item = list_item(line)
        if not item:
            continue
        part = RelationPart(text=item)
        bracket = _TRAILING_BRACKET.search(item)
        if bracket and normalise_relation_type(bracket.group(1)) in RELATION_TYPES:
            part.type = normalise_relation_type(bracket.group(1))
            item = item[: bracket.start()].strip()
        quoted = _QUOTED.search(item)
        words = item.split()
        candidates = [item, words[0] if words else "", *_BRACKETED.findall(item)]
        part.identifier = next((word for word in candidates if _USE_CASE_ID.match(word.strip())), "").strip()
        if quoted:
            part.name = quoted.group(1).strip()
        elif item != part.identifier and len(words) <= MAX_NAME_WORDS:
            part.name = _without_brackets(item) if part.identifier in _BRACKETED.findall(item) else item
        parts.append(part)
    return parts


class _UseCaseIndex:
    """The use cases of a workbook (or of an export's library) by ID and by name, case- and space-folded."""

    def __init__(self, use_cases: list[doc.UseCase]) -> None:
        self.ids = {fold(use_case.identifier): use_case.mrid for use_case in use_cases if use_case.identifier}
        self.names = {fold(use_case.name): use_case.mrid for use_case in use_cases if use_case.name}

    def find(self, part: RelationPart) -> str:
        """The mRID of the use case a part names: the whole part (its type aside) as an ID or a name, else the ID
        or the name found in it."""
        whole = fold(_TRAILING_BRACKET.sub("", part.text) if part.type else part.text)
        for key, table in ((whole, self.ids), (whole, self.names), (fold(part.identifier), self.ids)):
            if key and key in table:
                return table[key]
        return self.names.get(fold(part.name), "") if part.name else ""


class RequirementIndex(InformationIndex):
    """Requirements by R-ID as information by ID (row 81 holds lists, "R-1, R-2", and statements that start with
    their ID in square brackets, "[VVC.001] The execution period shall be ..."), then by name."""

    def _one(self, text: str, *, prefix: bool = True) -> str:
        found = super()._one(text, prefix=prefix)
        bracketed = _LEADING_SQUARE.match(text)
        return found or (super()._one(bracketed.group(1), prefix=False) if bracketed else "")


_LEADING_SQUARE = re.compile(r"^\s*\[([^\]]+)\]")


def _shown(text: str, length: int = 60) -> str:
    """A text as a warning quotes it: a long one (a requirement statement, a line of prose) cut short."""
    return text if len(text) <= length else text[: length - 3].rstrip() + "..."


def term_and_definition(text: str) -> tuple[str, str]:
    """ "term: definition" (or "term<newline>definition") -> (term, definition)."""
    for separator in (":", "\n", "="):
        if separator in text:
            head, _, tail = text.partition(separator)
            return head.strip(), tail.strip()
    return text, ""


def service_text(text: str) -> str:
    """A known verb in capitals ("report" -> "REPORT", "EXECUTE;\nCLOSE" -> "EXECUTE; CLOSE"); other text as is."""
    words = [word for word in re.split(r"\s*(?:[;,\n]|\band\b)\s*", text, flags=re.IGNORECASE) if word]
    if words and all(word.upper().split("(")[0].strip() in SERVICE_VERBS for word in words):
        return "; ".join(word.upper() for word in words)
    return text


class ScenarioMatcher:
    """The scenario of a step: by row 79 (scenario number), then row 70 (scenario name), then the step number's
    prefix ("2.3" is in scenario 2)."""

    def __init__(self, scenarios: list[doc.Scenario]) -> None:
        self.scenarios = scenarios
        self.numbers = {fold(s.number).replace(" ", ""): s for s in scenarios if s.number}
        self.integers: dict[int, doc.Scenario] = {}
        for scenario in scenarios:
            digits = _NUMBER_TOKEN.findall(scenario.number)
            if len(digits) == 1:
                self.integers.setdefault(int(digits[0]), scenario)
        self.names = {_name_key(s.name): s for s in scenarios if s.name}

    def match(self, *, number: str, name: str, step_number: str) -> doc.Scenario | None:
        found = self.by_number(number) if number else None
        if found is None and name:
            found = self.by_name(name)
        digits = _NUMBER_TOKEN.findall(step_number)
        if found is None and len(digits) >= 2 and "." in step_number:
            found = self.integers.get(int(digits[0]))
        return found

    def by_number(self, text: str) -> doc.Scenario | None:
        key = fold(text).replace(" ", "")
        if key in self.numbers:
            return self.numbers[key]
        digits = _NUMBER_TOKEN.findall(text)
        if len(digits) == 1 and len(text) <= 12:
            return self.integers.get(int(digits[0]))
        return None

    def by_name(self, text: str) -> doc.Scenario | None:
        key = _name_key(text)
        if key in self.names:
            return self.names[key]
        bare = _name_key(_SCENARIO_PREFIX.sub("", text))
        if bare in self.names:
            return self.names[bare]
        prefix = _SCENARIO_PREFIX.match(text)
        if prefix and prefix.group(0).strip():
            found = self.by_number(prefix.group(0).strip(" -.:)\u2013"))
            if found:
                return found
        words = set((bare or key).split())
        containing = [name for name in self.names if set(name.split()) <= words or words <= set(name.split())]
        if len(containing) == 1:  # "Market phase - short term" is the scenario "Market phase"
            return self.names[containing[0]]
        close = difflib.get_close_matches(bare or key, list(self.names), n=1, cutoff=0.8)
        if close:
            return self.names[close[0]]
        scored = [
            (len(words & set(name.split())) / max(len(words | set(name.split())), 1), name) for name in self.names
        ]
        best = max(scored, default=(0.0, ""))
        return self.names[best[1]] if best[0] >= 0.6 else None


def _name_key(text: str) -> str:
    return " ".join(_WORDS.sub(" ", fold(text).replace("&", " and ")).split())
