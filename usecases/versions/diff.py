"""The difference between two frozen documents (usecases.versions.document), section by section: fields changed
word by word, table rows added, removed or changed (matched by their key)."""

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass
class Segment:
    """A run of text on one side of a change: `kind` is "equal", "delete" (old side) or "insert" (new side)."""

    kind: str
    text: str


@dataclass
class TextChange:
    label: str
    old: list[Segment]
    new: list[Segment]
    changed: bool


@dataclass
class RowChange:
    """`kind` is "added", "removed", "changed" or "unchanged"; `cells` line up with the table's columns."""

    kind: str
    cells: list[TextChange]


@dataclass
class TableDiff:
    title: str
    columns: list[str]
    rows: list[RowChange]

    @property
    def changed(self) -> bool:
        return any(row.kind != "unchanged" for row in self.rows)

    @property
    def changed_rows(self) -> list[RowChange]:
        return [row for row in self.rows if row.kind != "unchanged"]

    @property
    def unchanged_count(self) -> int:
        return sum(row.kind == "unchanged" for row in self.rows)


@dataclass
class SectionDiff:
    key: str
    title: str
    fields: list[TextChange] = field(default_factory=list)
    tables: list[TableDiff] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(change.changed for change in self.fields) or any(table.changed for table in self.tables)

    @property
    def anchor(self) -> str:
        return "diff-" + self.key.replace(".", "-")

    @property
    def changed_fields(self) -> list[TextChange]:
        return [change for change in self.fields if change.changed]

    @property
    def changed_tables(self) -> list[TableDiff]:
        return [table for table in self.tables if table.changed]


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if not segment.text:
            continue
        if merged and merged[-1].kind == segment.kind:
            merged[-1] = Segment(segment.kind, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


def text_change(label: str, old: str, new: str) -> TextChange:
    """Word by word: the old text with what was removed marked, the new one with what was added marked."""
    if old == new:
        return TextChange(label, [Segment("equal", old)], [Segment("equal", new)], changed=False)
    old_words, new_words = TOKENS.findall(old), TOKENS.findall(new)
    old_side, new_side = [], []
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        removed, added = "".join(old_words[old_start:old_end]), "".join(new_words[new_start:new_end])
        if operation == "equal":
            old_side.append(Segment("equal", removed))
            new_side.append(Segment("equal", added))
        else:
            old_side.append(Segment("delete", removed))
            new_side.append(Segment("insert", added))
    return TextChange(label, _merge(old_side), _merge(new_side), changed=True)


def _table_diff(old: dict | None, new: dict | None) -> TableDiff:
    shape = new or old
    columns = shape["columns"]
    old_rows = {row["key"]: row["cells"] for row in (old or {}).get("rows", [])}
    new_keys = set()
    rows = []
    for row in (new or {}).get("rows", []):
        new_keys.add(row["key"])
        before = old_rows.get(row["key"])
        if before is None:
            rows.append(
                RowChange(
                    "added",
                    [text_change(column, "", value) for column, value in zip(columns, row["cells"], strict=False)],
                )
            )
            continue
        cells = [text_change(column, *values) for column, *values in zip(columns, before, row["cells"], strict=False)]
        rows.append(RowChange("changed" if any(cell.changed for cell in cells) else "unchanged", cells))
    for key, cells in old_rows.items():
        if key not in new_keys:
            rows.append(
                RowChange(
                    "removed", [text_change(column, value, "") for column, value in zip(columns, cells, strict=False)]
                )
            )
    return TableDiff(shape["title"], columns, rows)


def document_diff(old: dict[str, Any], new: dict[str, Any]) -> list[SectionDiff]:
    """Every section of the two documents, in the new one's order, with its changed fields and rows."""
    old_sections = {section["key"]: section for section in old["sections"]}
    diffs = []
    for section in new["sections"]:
        before = old_sections.get(section["key"], {"fields": [], "tables": []})
        old_fields = dict(before["fields"])
        old_tables = {table["key"]: table for table in before["tables"]}
        new_table_keys = {table["key"] for table in section["tables"]}
        diff = SectionDiff(section["key"], section["title"])
        diff.fields = [text_change(label, old_fields.get(label, ""), value) for label, value in section["fields"]]
        diff.tables = [_table_diff(old_tables.get(table["key"]), table) for table in section["tables"]]
        diff.tables += [_table_diff(table, None) for key, table in old_tables.items() if key not in new_table_keys]
        diffs.append(diff)
    return diffs
