"""Where the index lives and how it weighs a hit: its tables, the weights of a use case's parts, the language, and
which database the index is on (PostgreSQL full-text search, or SQLite's FTS5)."""

from django.conf import settings
from django.db import connection

ENTRY_TABLE = "usecases_usecasesearchentry"
FTS_TABLE = "usecases_usecasesearchentry_fts"
STATE_TABLE = "usecases_usecasesearchstate"
DOCUMENT_FTS_TABLE = "usecases_usecasesearchstate_fts"
WEIGHTS = ("A", "B", "C", "D")
# Marks of a match in a snippet, put there by the database and turned into <mark> after escaping (never in the text).
MATCH_START, MATCH_END = "\x02", "\x03"
# How much a hit weighs by where it is (PostgreSQL's own defaults for ts_rank, used on SQLite as well).
WEIGHT_RANK = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}


def search_language() -> str:
    return getattr(settings, "UCMR_SEARCH_LANGUAGE", "english") or "english"


def on_postgres(using=None) -> bool:
    return (using or connection).vendor == "postgresql"
