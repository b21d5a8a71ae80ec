"""The template's tables written into a Word document: 100 % of the text width, columns weighted per table
(`COLUMN_WEIGHTS`), the caption row spanning the table and the label cells on grey (`layout`), header rows repeated
on each page, values as plain or rich text (`cells_writer`), an empty value cell holding the template's
non-breaking space."""

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu
from docx.table import Table, _Cell

from usecases.word import layout
from usecases.word.cells_writer import TABLE_TEXT_STYLE, Rich, RichText, label_cell, plain
from usecases.word.page import PageSetup

# Relative column widths of each table (the template's tables are 100 % of the text width).
COLUMN_WEIGHTS: dict[str, tuple[float, ...]] = {
    "identification": (1, 2, 3),
    "versions": (0.8, 1, 1.8, 4, 1.4),
    "scope": (1, 4),
    "kpis": (0.8, 1.8, 4, 2),
    "actors": (1.8, 1.2, 4, 3),
    "references": (0.6, 1.2, 3, 1, 2.2, 1.5, 2),
    "scenarios": (0.6, 1.6, 3, 1.4, 1.6, 1.6, 1.6),
    "steps": (0.6, 1.2, 1.4, 2.8, 1, 1.3, 1.3, 1.3, 1.6),
    "information": (1.2, 2, 4.5, 1.3),
    "requirements": (1, 2, 4.5),
    "common_terms": (1.2, 4),
    "custom_information": (1.5, 3.5, 1.5),
}


class TableWriter:
    """Writes the template's tables into `document`, on `page`."""

    def __init__(self, document: docx.Document, page: PageSetup) -> None:
        self.document = document
        self.page = page

    def table(self, key: str, rows: list[list], *, header: bool = True) -> Table:
        """A table of the template: the caption row, the header row of its columns (unless `header` is False), then
        `rows` (lists of cell values: text, or `Rich` text)."""
        spec = layout.TABLES_BY_KEY[key]
        columns = layout.written_columns(spec)
        table = self.new_table(key, len(columns))
        self.caption_row(table, spec)
        if header:
            self.label_row(table, [column.label for column in columns], repeat=True, fill=spec.fill)
        for values in rows or [[""] * len(columns)]:
            self.value_row(table, values)
        return table

    def new_table(self, key: str, width: int) -> Table:
        table = self.document.add_table(rows=0, cols=width)
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        weights = COLUMN_WEIGHTS.get(key, (1,) * width)
        total = sum(weights)
        table._widths = [Emu(int(self.page.text_width * weight / total)) for weight in weights]
        for column, width_emu in zip(table.columns, table._widths, strict=True):
            column.width = width_emu
        table_width = table._tbl.tblPr.find(qn("w:tblW"))
        if table_width is None:
            table_width = OxmlElement("w:tblW")
            table._tbl.tblPr.append(table_width)
        table_width.set(qn("w:type"), "pct")
        table_width.set(qn("w:w"), "5000")
        return table

    def add_row(self, table: Table, *, repeat: bool = False, unsplit: bool = False) -> list[_Cell]:
        row = table.add_row()
        if repeat:  # repeated at the top of each page the table runs onto
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        if unsplit:
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        cells = row.cells
        for cell, width in zip(cells, table._widths, strict=True):
            cell.width = width
        return cells

    def caption_row(self, table: Table, spec: layout.Table) -> None:
        cells = self.add_row(table, repeat=True)
        merged = cells[0].merge(cells[-1]) if len(cells) > 1 else cells[0]
        label_cell(merged, spec.caption, spec.fill)

    def label_row(self, table: Table, labels: list[str], *, repeat: bool = False, fill: str = layout.CAPTION_FILL):
        cells = self.add_row(table, repeat=repeat)
        for cell, label in zip(cells, labels, strict=True):
            label_cell(cell, label, fill)

    def value_row(self, table: Table, values: list) -> None:
        cells = self.add_row(table)
        for cell, value in zip(cells, values, strict=True):
            self.value(cell, value)

    def value(self, cell: _Cell, value) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.style = self.document.styles[TABLE_TEXT_STYLE]
        if isinstance(value, Rich):
            RichText(self.document, cell).write(value)
        else:
            plain(paragraph, value)
        if not cell.text.strip() and not cell._tc.xpath(".//w:drawing"):
            for paragraph in cell.paragraphs[1:]:
                paragraph._p.getparent().remove(paragraph._p)
            cell.paragraphs[0].text = layout.EMPTY_CELL

    def label_rows(self, key: str, values: dict[str, object]) -> None:
        """A one-column table of label rows, each above its value row (1.4, 1.6, 1.7)."""
        spec = layout.TABLES_BY_KEY[key]
        table = self.new_table(key, 1)
        self.caption_row(table, spec)
        for column in spec.columns:
            self.label_row(table, [column.label])
            self.value_row(table, [values.get(column.key, "")])
