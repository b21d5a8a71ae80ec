# ruff: noqa: S608, S611 - the SQL here names only the index's constant tables; every value is a parameter
"""Where each use case of a page of results matched: its best-matching part (an entry of the index), the words
around the match as the database cuts them (`ts_headline` on PostgreSQL, FTS5's `snippet` on SQLite), highlighted."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from usecases.search.fts5 import fts5_query
from usecases.search.postgres import document_query
from usecases.search.schema import (
    ENTRY_TABLE,
    FTS_TABLE,
    MATCH_END,
    MATCH_START,
    WEIGHT_RANK,
    on_postgres,
    search_language,
)

SNIPPET_WORDS = 16


def _matching_entries(text: str) -> QuerySet:
    entries = django_apps.get_model("usecases", "UseCaseSearchEntry").objects
    if on_postgres():
        return entries.filter(vector=document_query(text))
    query = fts5_query(text)
    if not query:
        return entries.none()
    return entries.filter(pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [query]))


@dataclass(frozen=True)
class SearchMatch:
    """Where a use case matched, and the words around the match (escaped, the match in <mark>)."""

    section: str
    snippet: SafeString


def _highlight(snippet: str) -> SafeString:
    html = str(escape(snippet)).replace(MATCH_START, "<mark>").replace(MATCH_END, "</mark>")
    return mark_safe(html)  # noqa: S308 (escaped above; only the marks are markup)


def usecase_search_matches(use_case_ids: Iterable[int], text: str) -> dict[int, SearchMatch]:
    """For each of the use cases `use_case_ids` (one page of results): the best-matching part other than the ID and
    name (those are on the row already), as a snippet. Two queries, whatever the number of matching parts."""
    ids = list(use_case_ids)
    text = text.strip()
    if not ids or not text:
        return {}
    entries = _matching_entries(text).filter(use_case_id__in=ids).exclude(weight="A")
    best: dict[int, tuple[float, int, str]] = {}
    for pk, use_case_id, section, weight in entries.values_list("pk", "use_case_id", "section", "weight"):
        candidate = (WEIGHT_RANK[weight], -pk, section)
        if use_case_id not in best or candidate > best[use_case_id]:
            best[use_case_id] = candidate
    chosen = {-rank_pk: use_case_id for use_case_id, (_, rank_pk, _) in best.items()}
    if not chosen:
        return {}
    with connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(chosen))
        if on_postgres():
            options = f"StartSel={MATCH_START}, StopSel={MATCH_END}, MaxWords={SNIPPET_WORDS}, MinWords=6"
            cursor.execute(
                f"SELECT id, ts_headline(%s::regconfig, text, websearch_to_tsquery(%s::regconfig, %s), %s) "
                f"FROM {ENTRY_TABLE} WHERE id IN ({placeholders})",
                [search_language(), search_language(), text, options, *chosen],
            )
        else:
            cursor.execute(
                f"SELECT rowid, snippet({FTS_TABLE}, 0, %s, %s, '…', %s) FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})",
                [MATCH_START, MATCH_END, SNIPPET_WORDS, fts5_query(text), *chosen],
            )
        snippets = dict(cursor.fetchall())
    return {
        use_case_id: SearchMatch(section=best[use_case_id][2], snippet=_highlight(snippets.get(pk, "")))
        for pk, use_case_id in chosen.items()
    }
