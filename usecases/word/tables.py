"""Finding the template's tables in a Word document's body: each table is told by its caption row, else by a header
row among its first rows, else by the heading it stands under (`usecases.word.layout`); its rows are read by their
header labels (RECORDS; GROUPED, each group with its member rows) or by their label cells (LABEL_COLUMN, LABEL_ROWS),
so that a column moved, added or missing is no matter. At most `UCMR_WORD_MAX_TABLES` tables of `UCMR_WORD_MAX_ROWS`
rows are read.
"""

from dataclasses import dataclass

from django.conf import settings
from docx.opc.constants import RELATIONSHIP_TYPE as REL
from docx.text.paragraph import Paragraph

from usecases.word import layout
from usecases.word.cells import EMPTY, MAX_COLUMNS, Cell, Grid, Picture, TextReader, read_grid

DEFAULT_MAX_TABLES = 1_000
DEFAULT_MAX_ROWS = 1_000  # per table


@dataclass
class Found:
    """A table of the template found in the document: its layout entry, grid, and the heading it stands under."""

    table: layout.Table
    grid: Grid
    heading: str
    number: int  # its place among the document's tables, for messages


class TemplateTables:
    """The template's tables a document's body holds, by layout key, found by caption, header row or heading; and
    the pictures that stand outside them. What it skips or cuts is a warning in `warnings`."""

    def __init__(self, *, part, document, warnings: list[str]) -> None:
        self.part = part
        self.document = document
        self.warnings = warnings
        self.text = TextReader(part)
        self.found: dict[str, list[Found]] = {}
        self.loose_pictures: list[Picture] = []

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def walk(self) -> None:
        max_tables = int(getattr(settings, "UCMR_WORD_MAX_TABLES", DEFAULT_MAX_TABLES))
        max_rows = int(getattr(settings, "UCMR_WORD_MAX_ROWS", DEFAULT_MAX_ROWS))
        heading, tables, skipped_text = "", 0, []
        for item in self.document.iter_inner_content():
            if isinstance(item, Paragraph):
                found = self.heading_of(item)
                if found is not None:
                    heading = found
                    continue
                loose = Cell()
                self.text.pictures(item._p, loose)
                self.loose_pictures += loose.pictures
                if item.text.strip() and not loose.pictures:
                    skipped_text.append(item.text.strip())
                continue
            tables += 1
            if tables > max_tables:
                self.warnings.append(f"The document has more than {max_tables:,} tables: only that many were read.")
                break
            grid = read_grid(item, self.text, max_rows=max_rows)
            if grid.truncated:
                self.warnings.append(
                    f"Table {tables} is larger than {max_rows:,} rows or {MAX_COLUMNS} columns: only that much of it "
                    "was read."
                )
            table = self.identify(grid, heading)
            if table is None:
                if any(cell.text or cell.pictures for row in grid.rows for cell in row):
                    caption = grid.caption() or (grid.rows[0][0].text if grid.rows and grid.rows[0] else "")
                    self.warnings.append(
                        f"Table {tables} ({caption[:60]!r}) is none of the template's tables: skipped."
                    )
                continue
            self.found.setdefault(table.key, []).append(Found(table=table, grid=grid, heading=heading, number=tables))
        external = sorted(
            {
                rel.target_ref[:80]
                for rel in self.part.rels.values()
                if rel.is_external and rel.reltype not in (REL.HYPERLINK, REL.IMAGE)
            }
        )
        if external:
            self.warnings.append(
                f"The document links to {len(external)} outside resource(s) ({', '.join(external[:3])}): they were "
                "not followed."
            )
        if skipped_text:
            listed = "; ".join(repr(text[:60]) for text in skipped_text[:3])
            more = f" and {len(skipped_text) - 3} more" if len(skipped_text) > 3 else ""
            self.warnings.append(
                f"{len(skipped_text)} paragraph(s) outside the template's tables were not imported: {listed}{more}."
            )

    def heading_of(self, paragraph: Paragraph) -> str | None:
        """The heading's text when the paragraph is one (a Heading style, or the title of a template section)."""
        text = " ".join(paragraph.text.replace("\xa0", " ").split())
        if not text or len(text) > 200:
            return None
        style = self.text.style_name(paragraph).casefold()
        if style.startswith("heading") or layout.heading_for(text) is not None or layout.is_steps_title(text):
            return text
        return None

    def identify(self, grid: Grid, heading: str) -> layout.Table | None:
        """The template's table: by its caption, else by a header row among its first rows, else by its heading."""
        caption = grid.caption()
        table = layout.table_for_caption(caption) if caption else None
        if table is not None:
            return table
        best, score = None, 0
        for row in grid.rows[:4]:
            labels = {cell.label for cell in row if cell.label}
            for candidate in layout.TABLES:
                if candidate.form not in (layout.RECORDS, layout.GROUPED):
                    continue
                hits = sum(
                    1 for column in (*candidate.group_columns, *candidate.columns) if labels & set(column.labels)
                )
                if hits >= 2 and hits > score:
                    best, score = candidate, hits
        if best is not None:
            return best
        first = grid.rows[0] if grid.rows else []
        if len(first) > 1 and len({cell.identity for cell in first}) == 1:
            return None  # a caption of no table of the template's
        section = layout.heading_for(heading) if heading else None
        if section is None and heading and layout.is_steps_title(heading):
            section = layout.HEADINGS_BY_KEY["steps"]
        if section is not None:
            return next((table for table in layout.TABLES if table.section == section.key), None)
        return None

    def tables(self, key: str) -> list[Found]:
        return self.found.get(key, [])

    def first(self, key: str) -> Found | None:
        found = self.tables(key)
        if len(found) > 1 and key not in ("actors", "steps", "requirements", "remarks", "diagrams"):
            self.warn(
                f"The document has {len(found)} {found[0].table.caption!r} tables: the first (table "
                f"{found[0].number}) was read, the others were left out."
            )
        return found[0] if found else None

    def records(self, found: Found) -> list[dict[str, Cell]]:
        """The rows under a RECORDS table's header row, as {column key: cell}; rows with nothing in them left out."""
        header_index, columns = header_row(found.grid, found.table.columns)
        if header_index is None:
            self.warn(f"Table {found.number} ({found.table.caption!r}) has no header row we know: skipped.")
            return []
        return [
            values
            for row in found.grid.rows[header_index + 1 :]
            for values in [row_values(row, columns)]
            if any(cell.text or cell.pictures for cell in values.values())
        ]

    def labelled(self, found: Found) -> dict[str, Cell]:
        """The values of a LABEL_COLUMN (label cell, value cell) or LABEL_ROWS (label row above value row) table."""
        values: dict[str, Cell] = {}
        rows = found.grid.rows[1:] if found.grid.caption() else found.grid.rows
        pending: str | None = None
        for row in rows:
            if not row:
                continue
            column = found.table.column_for(row[0].text) if row[0].text else None
            if found.table.form == layout.LABEL_COLUMN and column is not None:
                value = next((cell for cell in row[1:] if cell.identity != row[0].identity), EMPTY)
                values[column.key] = value
                continue
            if column is not None:
                pending = column.key
                continue
            if pending is not None:
                values[pending] = row[0]
                pending = None
            elif row[0].text:
                self.warn(
                    f"In the {found.table.caption!r} table, {row[0].text[:60]!r} follows no label we know: left out."
                )
        return values

    def grouped(self, found: Found) -> list[tuple[dict[str, Cell], list[dict[str, Cell]]]]:
        """A GROUPED table's groups: (the group's fields, its member rows). A group's fields stand under their header
        row, or beside their label in one row ("Scenario Name :" | name)."""
        table = found.table
        member_labels = {label for column in table.columns for label in column.labels}
        group_labels = {label for column in table.group_columns for label in column.labels}
        groups: list[tuple[dict[str, Cell], list[dict[str, Cell]]]] = []
        group_header: dict[int, str] | None = None
        members: dict[int, str] | None = None
        rows = found.grid.rows[1:] if found.grid.caption() else found.grid.rows
        for row in rows:
            labels = [cell.label for cell in row]
            others = [cell for cell in row if cell.identity != (row[0].identity if row else 0)]
            if (
                labels
                and labels[0] in group_labels
                and any(cell.text for cell in others)
                and not any(cell.label in group_labels or cell.label in member_labels for cell in others)
            ):  # "Scenario Name :" | the name, in one row
                value = next(cell for cell in others if cell.text)
                key = table.column_for(row[0].text).key
                if groups and not groups[-1][1] and key not in groups[-1][0]:  # a second field of the same group
                    groups[-1][0][key] = value
                else:
                    groups.append(({key: value}, []))
                members, group_header = None, None
                continue
            group_hits = sum(1 for label in set(labels) if label in group_labels)
            member_hits = sum(1 for label in set(labels) if label in member_labels)
            if group_hits and group_hits >= member_hits:
                group_header = header_columns(row, table.group_columns)
                members = None
                continue
            if member_hits >= 2:
                members = header_columns(row, table.columns)
                group_header = None
                if not groups:
                    groups.append(({}, []))
                continue
            if group_header is not None:
                values = row_values(row, group_header)
                if any(cell.text for cell in values.values()) or not groups:
                    groups.append((values, []))
                continue
            if members is not None:
                values = row_values(row, members)
                if any(cell.text or cell.pictures for cell in values.values()):
                    groups[-1][1].append(values)
        return groups


def header_row(grid: Grid, columns: tuple[layout.Column, ...]) -> tuple[int | None, dict[int, str]]:
    """The first row (of the first four) that holds at least one of the columns' labels, and its columns."""
    for index, row in enumerate(grid.rows[:4]):
        found = header_columns(row, columns)
        if found and (len(found) >= 2 or len(columns) == 1 or len(found) == len(columns)):
            return index, found
    return None, {}


def header_columns(row: list[Cell], columns: tuple[layout.Column, ...]) -> dict[int, str]:
    """{grid index: column key} of a header row (a label spanning several grid columns counts at its first)."""
    found: dict[int, str] = {}
    seen: set[int] = set()
    for index, cell in enumerate(row):
        if cell.identity in seen:
            continue
        seen.add(cell.identity)
        column = next((column for column in columns if cell.label in column.labels), None)
        if column is not None and column.key not in found.values():
            found[index] = column.key
    return found


def row_values(row: list[Cell], columns: dict[int, str]) -> dict[str, Cell]:
    return {key: row[index] if index < len(row) else EMPTY for index, key in columns.items()}


def value_cells(grid: Grid) -> list[Cell]:
    """The cells of a VALUES table under its caption (each merged cell once)."""
    rows = grid.rows[1:] if grid.caption() else grid.rows
    cells = {cell.identity: cell for row in rows for cell in row if cell is not EMPTY}
    return list(cells.values())


def labelled_as(found: list[Found], label: str) -> bool:
    return bool(found) and any(row and row[0].label == label for row in found[0].grid.rows)
