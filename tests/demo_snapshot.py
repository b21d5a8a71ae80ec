"""The demo repository for the tests that read it, at a fraction of its cost.

`demo_load()` writes some 700 objects through the services (each validated, numbered, revised, its follow-up job
queued): seconds per call, and a dozen tests that export, print or convert the demo call it. `demo_repository()`
runs it for real the first time in a process and keeps the rows it added, table by table; later, on a database
whose every row is the same as it was then (checked, so a test that created something first, or a database whose
reference data a flush rewrote, loads the demo for real again), it inserts those very rows. The tests of the demo
loader itself (tests/usecases/test_demo.py) call `demo_load` directly.

SQLite only (the suite's database; these tests are not in the PostgreSQL pass): elsewhere it calls `demo_load`. The
FTS5 index of the search entries follows their rows by triggers; the document index, a table of its own, is copied
with its rowids; the FTS5 tables' shadow tables are left to SQLite.
"""

from collections import Counter

from django.db import connection

from usecases.demo import demo_load

Rows = dict[str, Counter]
_snapshot: tuple[Rows, dict[str, list[tuple]], object] | None = None  # before, rows added, demo_load's counts


def demo_repository():
    """What `demo_load(user=None)` does to the database (and its counts), from the rows a first call wrote."""
    global _snapshot
    if connection.vendor != "sqlite":
        return demo_load(user=None)
    before = _rows()
    if _snapshot is not None and _snapshot[0] == before:
        _insert(_snapshot[1])
        return _snapshot[2]
    counts = demo_load(user=None)
    after = _rows()
    changed = any(before[table] - after.get(table, Counter()) for table in before)
    added = {table: list((rows - before.get(table, Counter())).elements()) for table, rows in after.items()}
    # A demo that changed rows it found (rather than only adding its own) is loaded for real every time.
    _snapshot = None if changed else (before, {table: rows for table, rows in added.items() if rows}, counts)
    return counts


def _tables() -> dict[str, bool]:
    """The tables to compare and copy, each with whether it is an FTS5 table (copied with its rowids)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        found = cursor.fetchall()
    virtual = {name: sql for name, sql in found if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")}
    tables = {}
    for name, sql in found:
        if name.startswith("sqlite_") or any(name.startswith(f"{table}_") for table in virtual):
            continue  # SQLite's own (the sequences) and the FTS5 shadow tables
        if name in virtual and "content=" in sql.replace(" ", ""):
            continue  # an external-content index, which triggers keep in step with its table
        tables[name] = name in virtual
    return tables


def _rows() -> Rows:
    rows = {}
    with connection.cursor() as cursor:
        for table, fts in _tables().items():
            cursor.execute(f'SELECT {"rowid, " if fts else ""}* FROM "{table}"')  # noqa: S608 - names from SQLite
            rows[table] = Counter(cursor.fetchall())
    return rows


def _insert(added: dict[str, list[tuple]]) -> None:
    tables = _tables()
    with connection.cursor() as cursor:
        for table, rows in added.items():
            cursor.execute(f'SELECT * FROM "{table}" LIMIT 0')  # noqa: S608 - names from SQLite
            columns = [column[0] for column in cursor.description]
            if tables[table]:
                columns = ["rowid", *columns]
            names = ", ".join(f'"{column}"' for column in columns)
            marks = ", ".join("%s" for _ in columns)
            cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)  # noqa: S608
