"""Full-text search of use cases: their ID and name, every text field of sections 1 to 8, their scenarios and steps
(name, description, event), and the actors, information objects, requirements and terms they use.

The index is PostgreSQL full-text search on PostgreSQL (stored tsvectors with GIN indexes, in the language
`UCMR_SEARCH_LANGUAGE`) and FTS5 tables on SQLite, behind the same functions. It has two levels: one document per use
case (`UseCaseSearchState.document`: all its texts, each under its weight), which the list, its count and its facets
match once per use case, and one entry per part of a use case (`UseCaseSearchEntry`), read for the snippets of the
page's rows (and on PostgreSQL for phrases):

- `usecase_search(queryset, text)`: the use cases that match, best first (`search_rank`: PostgreSQL's ts_rank of
  the document, so a hit in the name ranks above one in a step, and more hits above fewer; on SQLite the best
  weight that matches);
- `usecase_search_filter(queryset, text)`: the same use cases, unranked (what a count or a facet needs);
- `usecase_search_matches(use_cases, text)`: for the rows of one page, the part that matched, highlighted;
- `search_index_queue(use_case_ids)`: what every write of a use case calls (its revision changed); the index follows
  when the transaction commits, for all the use cases of the transaction at once (an import of thousands pays a few
  queries per few hundred use cases, not per row). A search first indexes any use case whose revision the index has
  not seen (a write that found no way here, a failed commit callback), so a hit never lags behind a write;
- `search_index_rebuild()`: everything again (`manage.py rebuild_search_index`, also after changing the language).

Query syntax (the same on both databases, as PostgreSQL's `websearch_to_tsquery` reads it): words must all occur
(anywhere in the use case), "quoted words" must occur together (on PostgreSQL, whose document keeps word positions
only up to 16,383, a phrase is also looked for in the entries, so it is found however long the use case), `or`
between words accepts either, `-word` excludes. Words are stemmed in English ("pumps" finds "pump"). The ID and the
name also match the text as typed, as a substring ("BUC-0" finds "BUC-01", "volt" finds "Voltage control"): those
hits come after the ranked ones.

The package: the tables, weights and language (`schema`); what text a use case has (`parts`); writing the index
(`indexing`); reading a query (`query`) for PostgreSQL (`postgres`) and SQLite's FTS5 (`fts5`); which use cases match
and how well (`matching`); where each matched (`snippets`).
"""

from usecases.search.fts5 import document_fts_create, document_fts_drop, fts_table_create, fts_table_drop
from usecases.search.indexing import (
    search_index_catch_up,
    search_index_documents_write,
    search_index_queue,
    search_index_rebuild,
    search_index_update,
)
from usecases.search.matching import usecase_search, usecase_search_filter
from usecases.search.schema import DOCUMENT_FTS_TABLE, STATE_TABLE
from usecases.search.snippets import SearchMatch, usecase_search_matches

__all__ = [
    "DOCUMENT_FTS_TABLE",
    "STATE_TABLE",
    "SearchMatch",
    "document_fts_create",
    "document_fts_drop",
    "fts_table_create",
    "fts_table_drop",
    "search_index_catch_up",
    "search_index_documents_write",
    "search_index_queue",
    "search_index_rebuild",
    "search_index_update",
    "usecase_search",
    "usecase_search_filter",
    "usecase_search_matches",
]
