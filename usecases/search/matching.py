"""Which use cases match a search, and how well: one match of the use cases' documents (PostgreSQL's, with its
phrase confirmation, or SQLite's FTS5), the ID and name also as typed, the rank computed for the matches only."""

from django.contrib.postgres.search import SearchRank
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When

from usecases.search.fts5 import fts5_document_matches
from usecases.search.indexing import search_index_catch_up
from usecases.search.postgres import document_query, postgres_match
from usecases.search.schema import WEIGHT_RANK, on_postgres


def usecase_search_filter(queryset: QuerySet, text: str) -> QuerySet:
    """The use cases of `queryset` whose text matches `text` or whose ID or name contains it as typed, unranked and
    in the queryset's order: what the list's count and its facets count (no rank computed for them). A "quoted
    phrase" is found wherever it is, however long the use case."""
    text = text.strip()
    if not text:
        return queryset
    matching = postgres_match(text) if on_postgres() else Q(pk__in=fts5_document_matches(text))
    return queryset.filter(matching | Q(identifier__icontains=text) | Q(name__icontains=text))


def _rank(text: str):
    """How well a use case's document matches `text`: PostgreSQL's ts_rank of the weighted document (a hit in the
    name weighs more than one in a step, one in a step more than one in a library object); on SQLite the weight of
    the best column that matches the whole query, or the least when only the document as a whole does. NULL for a
    use case found only by its ID or name as typed."""
    if on_postgres():
        return SearchRank(F("search_state__document"), document_query(text))
    # One uncorrelated subquery per weight, each run once (an FTS5 query inside a correlated subquery would run again
    # for every row).
    return Case(
        *(
            When(pk__in=fts5_document_matches(text, columns=weight.lower()), then=Value(value))
            for weight, value in WEIGHT_RANK.items()
        ),
        When(pk__in=fts5_document_matches(text), then=Value(min(WEIGHT_RANK.values()) / 2)),
        output_field=FloatField(),
    )


def usecase_search(queryset: QuerySet, text: str, *, catch_up: bool = True) -> QuerySet:
    """The use cases of `queryset` whose text matches `text` (or whose ID or name contains it as it is typed: part of
    a word, or only words the language ignores such as "a"), annotated with `search_rank`
    (a hit in the name weighs more than one in a step) and ordered by it, then as the list is: one match of the
    use cases' documents, the rank computed for the matching use cases only. `catch_up=False` when the caller has
    had the index caught up already (`search_index_catch_up`)."""
    from usecases.selectors import USECASE_ORDERING

    text = text.strip()
    if not text:
        return queryset
    if catch_up:
        search_index_catch_up()
    matched = usecase_search_filter(queryset, text)
    return matched.annotate(search_rank=_rank(text)).order_by(F("search_rank").desc(nulls_last=True), *USECASE_ORDERING)
