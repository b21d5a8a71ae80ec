"""Neutral document -> workbook in the BRIDGE Excel template's layout (`layout.ROWS`): one sheet per use case,
the labels in column B at the template's rows, the single values in C and one column per object of a repeated
block from C rightwards, with the template's section headings, colours and guidance comments (`guidance`), and
its `Instructions` sheet last.

The workbook is built in openpyxl's write-only mode: each sheet goes to a temporary file as it is written, so
memory holds one sheet and the shared strings, however many use cases there are (`WorkbookWriter.add` takes them
one at a time, as `RepositoryExportBatches` gives them).

What the template has no row for (SGAM and NIST placements, common terms, custom information, sub-step nesting,
objective descriptions, mRIDs) is not written: the workbook is the template's view of a use case. Requirements that
row 81 links go to the extended variant's section 6 (rows 85-93); drawings' images are embedded in their column.
Steps and scenarios name actors by name, information by its ID, as the template asks; library objects come from a
`Library`, looked up by the mRIDs the use case refers to.

What goes in which cell (`sheet_values`), written so that `usecases.excel.reader` reads back what was written, is
`values.py`'s; this module lays the values out on the sheet with the template's styles.
"""

import io
import re
from copy import copy
from datetime import UTC, datetime, time
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image as Picture
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from PIL import Image

from usecases.excel import guidance
from usecases.excel.layout import EXTENDED_ROWS, FIELDS, FIRST_VALUE_COLUMN, LAST_TEMPLATE_ROW, ROWS, SINGLE, Row
from usecases.excel.values import added_rows, sheet_values, written_drawings
from usecases.xml import document as doc
from usecases.xml.library import Library

# `sheet_values` is imported from here too (the tests, and what the README names).
__all__ = ["CONTENT_TYPE", "INSTRUCTIONS_SHEET", "Library", "WorkbookWriter", "sheet_values", "write_workbook"]

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INSTRUCTIONS_SHEET = "Instructions"

# The template shows at least four value columns (C to F) in every repeated block.
TEMPLATE_VALUE_COLUMNS = 4
# Excel refuses a cell longer than this.
MAX_CELL_TEXT = 32_767
SHEET_TITLE_LENGTH = 31
# The largest a drawing's picture is shown in its column, in pixels (width, height): a thumbnail of the image.
PICTURE_BOX = (240, 160)

_HEADING_FONT = Font(name="Arial", size=9, bold=True)
_HEADING_FILL = PatternFill("solid", fgColor="CF8D2A")
_SUBHEADING_FONT = Font(bold=True)
_SUBHEADING_FILL = PatternFill("solid", fgColor="AEAAAA")  # the template's grey (theme 2, 25 % darker)
_MANDATORY_FILL = PatternFill("solid", fgColor="FFF2CC")  # column C: yellow
_OPTIONAL_FILL = PatternFill("solid", fgColor="D9E1F2")  # D and further: blue (theme 4, 80 % lighter)
_WRAPPED = Alignment(wrap_text=True, vertical="top")
_HEADING_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
_DATE_FORMAT = "yyyy-mm-dd"
_DATE_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"

_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Characters XML 1.0 cannot carry (openpyxl refuses them in a cell).
_ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class WorkbookWriter:
    """A workbook written one use case sheet at a time (`add`), saved by `finish`."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)
        self.titles: set[str] = set()
        self.styles: dict = {}  # style ids of this workbook, by combination (`_cell`)
        self.count = 0

    def add(self, use_case: doc.UseCase, *, library: Library) -> None:
        values = sheet_values(use_case, library=library)
        sheet = self.workbook.create_sheet(self._title(use_case))
        rows = _sheet_rows(values)
        _write_sheet(sheet, rows, values, self.styles)
        _add_pictures(sheet, written_drawings(use_case), row=rows.index(FIELDS["drawing.uri"]) + 1)
        self.count += 1

    def finish(self, *, output: IO[bytes]) -> None:
        """Add the template's `Instructions` sheet and save the workbook to `output`."""
        sheet = self.workbook.create_sheet(self._unique(INSTRUCTIONS_SHEET))
        sheet.column_dimensions["A"].width = 81
        for line in guidance.INSTRUCTIONS:
            sheet.append([line])
        self.workbook.save(output)

    def _title(self, use_case: doc.UseCase) -> str:
        text = _TITLE_FORBIDDEN.sub("-", use_case.identifier or use_case.name).strip().strip("'")
        return self._unique(text[:SHEET_TITLE_LENGTH].strip() or "Use case")

    def _unique(self, title: str) -> str:
        """Sheet titles are unique regardless of case: a repeated one gets " (2)", " (3)" ..."""
        candidate, number = title, 1
        while candidate.casefold() in self.titles:
            number += 1
            suffix = f" ({number})"
            candidate = title[: SHEET_TITLE_LENGTH - len(suffix)] + suffix
        self.titles.add(candidate.casefold())
        return candidate


def write_workbook(*, document: doc.Repository, output: IO[bytes]) -> int:
    """The full use cases of `document` as a workbook, one sheet each, saved to `output`. Returns their number."""
    writer = WorkbookWriter()
    library = Library.of(document)
    for use_case in document.full_use_cases:
        writer.add(use_case, library=library)
    writer.finish(output=output)
    return writer.count


# The sheet


def _sheet_rows(values: dict[str, list[Any]]) -> list[Row]:
    """The template's rows, and the extended variant's rows of section 6 (85 to 93, their gaps blank) when the
    sheet lists requirements; after a block's rows, the rows of the columns `usecases.template` has and the BRIDGE
    template has not (`values.added_rows`)."""
    rows = list(ROWS)
    if values.get("requirement.identifier"):
        section_6 = [row for row in EXTENDED_ROWS if row.row <= FIELDS["requirement.description"].row]
        numbers = {row.row for row in section_6}
        gaps = [Row(number) for number in range(LAST_TEMPLATE_ROW + 1, section_6[-1].row) if number not in numbers]
        rows += sorted([*section_6, *gaps], key=lambda row: row.row)
    for added in added_rows():
        in_block = [index for index, row in enumerate(rows) if row.block == added.block and row.key]
        if in_block:
            rows.insert(in_block[-1] + 1, added)
    return rows


def _write_sheet(sheet: WriteOnlyWorksheet, rows: list[Row], values: dict[str, list[Any]], styles: dict) -> None:
    widths = {row.block: len(values.get(row.key, ())) for row in rows if row.block != SINGLE}
    columns = max([TEMPLATE_VALUE_COLUMNS, *widths.values()])
    sheet.column_dimensions["A"].width = 29
    sheet.column_dimensions["B"].width = 56
    for column in range(FIRST_VALUE_COLUMN, FIRST_VALUE_COLUMN + columns):
        sheet.column_dimensions[get_column_letter(column)].width = 32
    for index, row in enumerate(rows):
        if row.key:
            width = max(TEMPLATE_VALUE_COLUMNS, widths[row.block]) if row.block != SINGLE else 1
            cells = _value_cells(sheet, values.get(row.key, []), width, styles)
        else:
            following = next((later for later in rows[index + 1 :] if later.key), None)
            block = following.block if following is not None else SINGLE
            width = max(TEMPLATE_VALUE_COLUMNS, widths[block]) if block != SINGLE and row.label else 1
            cells = [_cell(sheet, None, styles, fill=_SUBHEADING_FILL) for _ in range(width)]
        sheet.append([_heading_cell(sheet, row, styles), _label_cell(sheet, row, styles), *cells])


def _add_pictures(sheet: WriteOnlyWorksheet, drawings: list[doc.Drawing], *, row: int) -> None:
    """The image of each drawing that has one (`doc.Drawing.content`) in its column, anchored in the drawing's URI
    row (41 in the template, `row` on the sheet), which the image stands for, and shown at most `PICTURE_BOX` pixels
    large; the reader takes a picture anchored there as the image of that column's drawing. The bytes are written as
    they are (openpyxl converts only what is no PNG, JPEG or GIF to PNG)."""
    for index, drawing in enumerate(drawings):
        if not drawing.content:
            continue
        try:
            picture = Picture(io.BytesIO(drawing.content))
        except (OSError, ValueError, Image.DecompressionBombError):  # checked when imported or uploaded: not expected
            continue
        scale = min(1.0, PICTURE_BOX[0] / max(picture.width, 1), PICTURE_BOX[1] / max(picture.height, 1))
        picture.width, picture.height = max(1, round(picture.width * scale)), max(1, round(picture.height * scale))
        sheet.add_image(picture, f"{get_column_letter(FIRST_VALUE_COLUMN + index)}{row}")


def _heading_cell(sheet: WriteOnlyWorksheet, row: Row, styles: dict) -> Cell | None:
    if not row.heading:
        return None
    return _cell(sheet, row.heading, styles, font=_HEADING_FONT, fill=_HEADING_FILL, alignment=_HEADING_ALIGNMENT)


def _label_cell(sheet: WriteOnlyWorksheet, row: Row, styles: dict) -> Cell | None:
    comment = guidance.COMMENTS.get(row.row)
    if not row.label and comment is None:
        return None
    cell = _cell(sheet, row.label or None, styles, font=None if row.key or row.row == 1 else _SUBHEADING_FONT)
    if comment is not None:
        cell.comment = Comment(comment, guidance.AUTHOR, width=300, height=160)
    return cell


def _value_cells(sheet: WriteOnlyWorksheet, values: list[Any], width: int, styles: dict) -> list[Cell]:
    padded = [*values, *[None] * (width - len(values))]
    return [
        _cell(sheet, _cell_value(value), styles, fill=_MANDATORY_FILL if column == 0 else _OPTIONAL_FILL, wrapped=True)
        for column, value in enumerate(padded)
    ]


def _cell_value(value: Any) -> Any:
    if isinstance(value, datetime):  # Excel has no time zones: the moment in UTC
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo is not None else value
    if value is None:
        return value
    text = _ILLEGAL_CHARACTERS.sub("", str(value))
    return text[:MAX_CELL_TEXT] if text else None


def _cell(
    sheet: WriteOnlyWorksheet,
    value: Any,
    styles: dict,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    alignment: Alignment | None = None,
    wrapped: bool = False,
) -> Cell:
    """A cell with its style. The workbook's style ids of each combination are worked out once (`styles`, by
    combination) and copied: setting a font or fill looks it up by hash, most of the time of writing a sheet."""
    cell = WriteOnlyCell(sheet, value=value)
    alignment = alignment or (_WRAPPED if wrapped else None)
    number_format = None
    if isinstance(value, datetime):
        number_format = _DATE_FORMAT if value.time() == time() else _DATE_TIME_FORMAT
    key = (id(font), id(fill), id(alignment), number_format)
    if key in styles:
        cell._style = copy(styles[key])
        return cell
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    styles[key] = copy(cell._style)
    return cell
