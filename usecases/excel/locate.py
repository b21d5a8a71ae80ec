"""Finding the template's rows in a sheet: each field's row by its label in column B (`layout.ROWS`), searched in
sheet order after the row found before it, so that labels that repeat ("ID", "Name", "No.") resolve to their own
block; where a label is missing, the canonical row, shifted as the rows before it were, stands in (reported)."""

from usecases.excel import layout
from usecases.excel.layout import Row
from usecases.excel.sheets import Sheet


def locate_rows(sheet: Sheet) -> tuple[dict[str, int], int, list[str]]:
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
