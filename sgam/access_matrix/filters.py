"""What a request asks of the matrix: which use cases (the use case list's filters, plus `use_case=<id>[,<id>...]`),
and which of the matrix's cells (`role`, `data_class`, `domain`, `zone`, `sort`)."""

import django_filters
from django.http import QueryDict

from sgam.access_matrix.model import DEFAULT_SORT, SORTS, CellFilter
from usecases.filters import UseCaseFilterSet

CELL_PARAMETERS = ("role", "data_class", "domain", "zone", "sort")
PAGE_PARAMETERS = ("page", "view")


class NumberInFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    pass


class AccessMatrixFilterSet(UseCaseFilterSet):
    """The use case list's filters (text, workspace, status, nature, actor, SGAM domain and zone, NIST domain),
    and single use cases by id."""

    use_case = NumberInFilter(field_name="pk", label="Use cases (ids)")

    class Meta(UseCaseFilterSet.Meta):
        pass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.filters["sort"]  # here `sort` orders the matrix's cells (cell_filter_from), not the use cases


def cell_filter_from(params: QueryDict) -> CellFilter:
    sort = params.get("sort", DEFAULT_SORT)
    return CellFilter(
        roles=tuple(value for value in params.getlist("role") if value.strip()),
        data_classes=tuple(params.getlist("data_class")),
        domains=tuple(value for value in params.getlist("domain") if value),
        zones=tuple(value for value in params.getlist("zone") if value),
        sort=sort if sort.lstrip("-") in SORTS else DEFAULT_SORT,
    )


def selection_query(params: QueryDict) -> str:
    """The query string of the use case selection alone (no cell filter, no page)."""
    query = params.copy()
    for name in (*CELL_PARAMETERS, *PAGE_PARAMETERS):
        query.pop(name, None)
    return query.urlencode()
