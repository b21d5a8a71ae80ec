"""What reading a use case sheet shares (`usecases.excel.reader` and the section readers beside it): the sheet, the
row of each field (`locate.locate_rows`), a field's text by key and column, the columns a repeated block fills,
warnings that name the sheet, the names that named nothing, and how objects' mRIDs are derived."""

from usecases.excel import layout
from usecases.excel.layout import FIRST_VALUE_COLUMN, column_letter
from usecases.excel.sheets import Sheet
from usecases.exchange.office_names import ActorIndex, Unresolved, cell_text, note_unresolved
from usecases.xml.vocabulary import derived_mrid

NAMESPACE = "excel"


class SheetReading:
    """A use case sheet being read: `rows` gives each field key's row; warnings go to `warnings`, prefixed with the
    sheet's title."""

    def __init__(self, *, sheet: Sheet, rows: dict[str, int], warnings: list[str]) -> None:
        self.sheet = sheet
        self.rows = rows
        self.warnings = warnings
        self.where = f"Sheet {sheet.title!r}"
        self.unresolved: Unresolved = {}
        self.identity = ""

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
        self.warnings.append(f"{self.where}: {message}")

    def mrid(self, *parts: object) -> str:
        return derived_mrid(NAMESPACE, self.identity, *(str(part) for part in parts))

    def cell(self, key: str, column: int) -> str:
        """A field's cell in a column, for messages: "E9"."""
        return f"{column_letter(column)}{self.rows.get(key, 0)}"

    def actor_refs(self, actors: ActorIndex, text: str, where: str) -> list[str]:
        refs, unresolved = actors.resolve(text)
        note_unresolved(self.unresolved, "actor", unresolved, where)
        return refs
