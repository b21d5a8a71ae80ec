"""Workbooks of the BRIDGE template built in tests, with openpyxl."""

import io

import openpyxl

from usecases.excel import layout


def template_sheet(sheet, cells: dict[str, object], merges: tuple[str, ...] = ()) -> None:
    """Write the template's labels and headings, then `cells` ({"C6": "Name", ...}), then merge `merges`."""
    for row in layout.ROWS:
        if row.label:
            sheet.cell(row=row.row, column=layout.LABEL_COLUMN, value=row.label)
        if row.heading:
            sheet.cell(row=row.row, column=layout.HEADING_COLUMN, value=row.heading)
    for reference, value in cells.items():
        sheet[reference] = value
    for cell_range in merges:
        sheet.merge_cells(cell_range)


def template_workbook(*sheets: dict[str, object], merges: tuple[str, ...] = (), titles: tuple[str, ...] = ()) -> bytes:
    """A workbook of one use case sheet per `sheets` entry (cells by reference), plus an "Instructions" sheet."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for number, cells in enumerate(sheets):
        title = titles[number] if number < len(titles) else f"IEC62559-2-{number + 1}"
        template_sheet(workbook.create_sheet(title), cells, merges if number == 0 else ())
    workbook.create_sheet("Instructions")["A1"] = "Mandatory: all the cells in column C in yellow ..."
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
