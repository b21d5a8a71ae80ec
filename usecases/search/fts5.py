# ruff: noqa: S608, S611 - the SQL here names only the index's constant tables; every value is a parameter
"""SQLite's side of the index: the FTS5 tables (the entries', kept in step with them by triggers, and the documents'
of whole use cases), the FTS5 query a user's search becomes, and the use cases whose document it matches."""

from django.apps import apps as django_apps
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from usecases.search.query import Term, query_terms
from usecases.search.schema import DOCUMENT_FTS_TABLE, ENTRY_TABLE, FTS_TABLE, WEIGHTS, search_language


def _fts_tokenizer() -> str:
    # Porter stemming is English's; other languages get words without stemming (diacritics folded).
    return "porter unicode61 remove_diacritics 2" if search_language() == "english" else "unicode61 remove_diacritics 2"


def fts_table_create(cursor) -> None:
    """Create the FTS5 table over the entries' text and the triggers that keep it in step (SQLite only)."""
    cursor.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(text, content='{ENTRY_TABLE}', content_rowid='id', "
        f"tokenize='{_fts_tokenizer()}')"
    )
    cursor.execute(
        f"CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON {ENTRY_TABLE} BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text); END"
    )
    cursor.execute(
        f"CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON {ENTRY_TABLE} BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text); END"
    )
    cursor.execute(
        f"CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF text ON {ENTRY_TABLE} BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, text) VALUES ('delete', old.id, old.text); "
        f"INSERT INTO {FTS_TABLE}(rowid, text) VALUES (new.id, new.text); END"
    )


def fts_table_drop(cursor) -> None:
    for trigger in ("insert", "delete", "update"):
        cursor.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{trigger}")
    cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def document_fts_create(cursor) -> None:
    """Create the FTS5 table of whole use cases (SQLite only): one row per use case (its rowid the use case's id),
    one column per weight, each the texts of the use case's parts of that weight."""
    columns = ", ".join(weight.lower() for weight in WEIGHTS)
    cursor.execute(f"CREATE VIRTUAL TABLE {DOCUMENT_FTS_TABLE} USING fts5({columns}, tokenize='{_fts_tokenizer()}')")


def document_fts_drop(cursor) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {DOCUMENT_FTS_TABLE}")


def fts5_query(text: str) -> str:
    """A websearch-style query (words, "phrases", or, -word) as an FTS5 query of quoted phrases, so that no character
    the user types is FTS5 syntax. "" when nothing remains to look for."""
    positives, negatives = query_terms(text)
    if not positives:
        return ""

    def phrase(term: Term) -> str:
        return '"' + " ".join(term.words) + '"'

    query = " AND ".join("(" + " OR ".join(phrase(term) for term in group) + ")" for group in positives)
    return query + "".join(f" NOT {phrase(term)}" for term in negatives)


def fts5_document_matches(text: str, columns: str = "") -> RawSQL | QuerySet:
    """The ids of the use cases whose document matches `text` (in the FTS5 `columns` only, "a b" for instance), as a
    subquery: one match of the FTS5 table, whatever the number of parts."""
    query = fts5_query(text)
    if not query:
        return django_apps.get_model("usecases", "UseCaseSearchState").objects.none().values("use_case_id")
    if columns:
        query = f"{{{columns}}} : ({query})"
    return RawSQL(f"SELECT rowid FROM {DOCUMENT_FTS_TABLE} WHERE {DOCUMENT_FTS_TABLE} MATCH %s", [query])
