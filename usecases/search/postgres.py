# ruff: noqa: S608, S611 - the SQL here names only the index's constant tables; every value is a parameter
"""PostgreSQL's side of matching: a use case's document is a tsvector, matched with `websearch_to_tsquery`. A
document keeps word positions only up to 16,383, so a "quoted phrase" further into a long use case is confirmed in
the entries of its parts instead."""

from django.apps import apps as django_apps
from django.contrib.postgres.search import SearchQuery
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from usecases.search.query import Term, query_terms
from usecases.search.schema import STATE_TABLE, search_language


def document_query(text: str) -> SearchQuery:
    return SearchQuery(text, config=search_language(), search_type="websearch")


def document_matches(text: str) -> QuerySet:
    """The ids of the use cases whose document matches `text`, as a subquery (one match of the GIN index)."""
    states = django_apps.get_model("usecases", "UseCaseSearchState").objects
    return states.filter(document=document_query(text)).values("use_case_id")


def _postgres_term_match(term: Term) -> Q:
    """The use cases that have `term`: in their document, or, for a phrase, in one of their parts (a document keeps
    word positions only up to 16,383, and 256 per word, so a phrase further on is not adjacent there; a part is short,
    its positions exact)."""
    found = Q(pk__in=document_matches(term.typed))
    if term.may_be_phrase:
        entries = django_apps.get_model("usecases", "UseCaseSearchEntry").objects
        found |= Q(pk__in=entries.filter(vector=document_query(term.typed)).values("use_case_id"))
    return found


def _has_phrase(positives: list[list[Term]], negatives: list[Term]) -> bool:
    return any(term.may_be_phrase for term in [*negatives, *(term for group in positives for term in group)])


def _words_query(positives: list[list[Term]]) -> tuple[str, list[str]]:
    """The tsquery of the terms that must match, without adjacency: websearch_to_tsquery's <-> (and <N> over ignored
    words) become &, so that a phrase needs its words anywhere in the document (never far enough to lose them)."""
    must = " ".join(" or ".join(term.typed for term in group) for group in positives)
    sql = "regexp_replace(websearch_to_tsquery(%s::regconfig, %s)::text, '<(-|[0-9]+)>', '&', 'g')::tsquery"
    return sql, [search_language(), must]


def postgres_match(text: str) -> Q:
    """The use cases whose document matches `text` (PostgreSQL). With a phrase: the document narrows by all the words
    that must be there (adjacent or not, one match of its GIN index), then each phrase is looked for in the document
    or in the parts, each word in the document."""
    positives, negatives = query_terms(text)
    if not _has_phrase(positives, negatives):
        return Q(pk__in=document_matches(text))
    states = django_apps.get_model("usecases", "UseCaseSearchState").objects
    if positives:
        words, params = _words_query(positives)
        match = Q(pk__in=RawSQL(f"SELECT use_case_id FROM {STATE_TABLE} WHERE document @@ {words}", params))
    else:
        match = Q(pk__in=states.values("use_case_id"))
    for group in positives:
        alternatives = Q()
        for term in group:
            alternatives |= _postgres_term_match(term)
        match &= alternatives
    for term in negatives:
        match &= ~_postgres_term_match(term)
    return match
