"""The cells of a workbook's sheet as the Excel reader reads them: values by (row, column) from openpyxl's
read-only rows (at most the rows and columns an import reads), merged ranges filled in, hyperlink targets, and the
pictures of its drawing part (which openpyxl's read-only mode skips), each part parsed as untrusted XML is.
"""

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import BinaryIO

from django.conf import settings
from lxml import etree

from usecases.excel.layout import LABEL_COLUMN, normalise_label


@dataclass
class Sheet:
    """The cells of one sheet: values by (row, column), merged ranges filled in, hyperlink targets by cell."""

    title: str
    values: dict[tuple[int, int], object] = field(default_factory=dict)
    links: dict[tuple[int, int], str] = field(default_factory=dict)
    images: list["Image"] = field(default_factory=list)
    max_row: int = 0
    max_column: int = 0

    def label(self, row: int) -> str:
        return normalise_label(self.values.get((row, LABEL_COLUMN)))


@dataclass
class Loaded:
    sheet: Sheet
    truncated: bool


def load_sheet(worksheet, *, archive: zipfile.ZipFile, max_rows: int, max_columns: int) -> Loaded:
    sheet = Sheet(title=worksheet.title)
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
    return Loaded(sheet=sheet, truncated=truncated)


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
class Image:
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


def _images(archive: zipfile.ZipFile, path: str) -> list[Image]:
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


def _anchor_images(anchor, media: dict[str, tuple[str, str]]) -> list[Image]:
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
        found.append(Image(row=row, column=column, name=name.strip(), description=description.strip(), path=target[1]))
    return found
