"""The template's tables written into a Word document: 100 % of the text width, columns weighted per table
(`COLUMN_WEIGHTS`, `WEIGHTS`), the caption row spanning the table and the label cells on grey (`layout`), header rows
repeated on each page, values as plain or rich text (`cells_writer`), an empty value cell holding the template's
non-breaking space. The record tables' columns are `usecases.template`'s (`records`)."""

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu
from docx.table import Table, _Cell

from usecases.template import WrittenColumn
from usecases.word import layout
from usecases.word.cells_writer import TABLE_TEXT_STYLE, Rich, RichText, label_cell, plain, set_style, set_table_style
from usecases.word.page import PageSetup

# Relative column widths of the tables of fields (the template's tables are 100 % of the text width).
COLUMN_WEIGHTS: dict[str, tuple[float, ...]] = {
    "identification": (1, 2, 3),
    "scope": (1, 4),
}

# Relative widths of the record and grouped tables' columns, by their key in `layout`; a column the Word template
# has not (one `usecases.template` adds) is `NEW_COLUMN_WEIGHT` wide.
WEIGHTS: dict[str, float] = {
    "version.number": 0.8,
    "version.date": 1,
    "version.authors": 1.8,
    "version.changes": 4,
    "version.approval_status": 1.4,
    "kpi.identifier": 0.8,
    "kpi.name": 1.8,
    "kpi.description": 4,
    "kpi.objectives": 2,
    "actor.name": 1.8,
    "actor.type": 1.2,
    "actor.description": 4,
    "actor.further_information": 3,
    "reference.number": 0.6,
    "reference.type": 1.2,
    "reference.description": 3,
    "reference.status": 1,
    "reference.impact": 2.2,
    "reference.originator": 1.5,
    "reference.link": 2,
    "scenario.number": 0.6,
    "scenario.name": 1.6,
    "scenario.description": 3,
    "scenario.primary_actor": 1.4,
    "scenario.triggering_event": 1.6,
    "scenario.precondition": 1.6,
    "scenario.postcondition": 1.6,
    "step.number": 0.6,
    "step.event": 1.2,
    "step.name": 1.4,
    "step.description": 2.8,
    "step.service": 1,
    "step.producer": 1.3,
    "step.receiver": 1.3,
    "step.information": 1.3,
    "step.requirements": 1.6,
    "information.identifier": 1.2,
    "information.name": 2,
    "information.description": 4.5,
    "information.requirements": 1.3,
    "requirement.identifier": 1,
    "requirement.name": 2,
    "requirement.description": 4.5,
    "common_term.term": 1.2,
    "common_term.definition": 4,
    "custom_information.key": 1.5,
    "custom_information.value": 3.5,
    "custom_information.reference": 1.5,
}
NEW_COLUMN_WEIGHT = 1.5


class TableWriter:
    """Writes the template's tables into `document`, on `page`."""

    def __init__(self, document: docx.Document, page: PageSetup) -> None:
        self.document = document
        self.page = page

    def table(self, key: str, rows: list[list]) -> Table:
        """A table of fields (1.1): the caption row, the header row of its columns, then `rows` (lists of cell values:
        text, or `Rich` text)."""
        spec = layout.TABLES_BY_KEY[key]
        table = self.new_table(key, len(spec.columns))
        self.caption_row(table, spec)
        self.label_row(table, list(spec.header), repeat=True, fill=spec.fill)
        for values in rows:
            self.value_row(table, values)
        return table

    def records(self, key: str, columns: tuple[WrittenColumn, ...], rows: list) -> Table:
        """A table of records (`layout.RECORDS`): the caption row, the header row of `columns`, then a row per item of
        `rows` (one empty row when there is none)."""
        spec = layout.TABLES_BY_KEY[key]
        table = self.new_table(key, len(columns), columns=columns)
        self.caption_row(table, spec)
        self.label_row(table, header(spec, columns), repeat=True, fill=spec.fill)
        for row in rows:
            self.value_row(table, [column.cell(row) for column in columns])
        if not rows:
            self.value_row(table, [""] * len(columns))
        return table

    def new_table(self, key: str, width: int, *, columns: tuple[WrittenColumn, ...] = ()) -> Table:
        """A table of `width` columns weighted as `columns` are (`WEIGHTS`), else as its key says (`COLUMN_WEIGHTS`)."""
        table = self.document.add_table(rows=0, cols=width)
        set_table_style(table, "Table Grid")
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        if columns:
            weights = tuple(WEIGHTS.get(column.key, NEW_COLUMN_WEIGHT) for column in columns)
        else:
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
        set_style(paragraph, TABLE_TEXT_STYLE)
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


def header(spec: layout.Table, columns: tuple[WrittenColumn, ...]) -> list[str]:
    """The header row of `columns`: each as the Word template spells it, a column it has not as `usecases.template`
    labels it."""
    labels = {column.key: column.label for column in spec.columns}
    return [labels.get(column.key, column.label) for column in columns]


def spans(cells: list[_Cell], count: int) -> list[_Cell]:
    """`cells` merged into `count` runs as even as they go, the last taking what is left (a group row's fields above
    its columns: the grouping's name over the first half of the actors' columns, its description over the rest)."""
    size = max(1, len(cells) // count)
    runs = [cells[start : start + size] for start in range(0, size * (count - 1), size)]
    runs.append(cells[size * (count - 1) :])
    return [run[0].merge(run[-1]) if len(run) > 1 else run[0] for run in runs if run]
