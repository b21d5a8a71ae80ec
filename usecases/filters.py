"""FilterSets of use cases and the section 5 and 7 libraries; the HTML lists and the API share them.

Choices that depend on the data are read when the filter set is made (from what the requesting user may see),
so that rendering its form costs no query.
"""

from dataclasses import dataclass
from functools import cache, cached_property, partial
from urllib.parse import urlencode

import django_filters
from django.http import QueryDict

from actors.selectors import actor_name_list
from sgam.selectors import domain_list, nist_domain_list, zone_list
from ucmr.filters import TextFilterSet
from ucmr.permissions import visible_to
from usecases.facets import CountedUseCases, Facet, FacetValue, actor_groups, usecase_facet_counts, usecase_value_counts
from usecases.models import ActorRole, CommonTerm, InformationObject, UseCase
from usecases.search import search_index_catch_up, usecase_search, usecase_search_filter
from usecases.selectors import USECASE_SORTS, usecase_nature_list, usecase_sorted, workspace_list


def _within(path: str):
    """A filter method: the use cases with any of the values at `path` (a multi-valued relation), as a semi-join
    (`pk IN (...)`), so the list is never joined with every row of the relation and made distinct before paging."""

    def filter_within(self, queryset, name, value):
        return queryset.filter(pk__in=UseCase.objects.filter(**{f"{path}__in": value}).values("pk"))

    return filter_within


class FacetChoiceField(django_filters.fields.MultipleChoiceField):
    """A facet's chosen values, each checked in the set of its values rather than by going through all of them (and
    normalising each) once per value: a facet has hundreds of actors."""

    def valid_value(self, value) -> bool:
        if getattr(self, "_valid_values", None) is None:
            self._valid_values = {str(key) for key, _ in self.choices}
        return str(value) in self._valid_values


class FacetFilter(django_filters.MultipleChoiceFilter):
    """A facet of the list: several values of it match any of them."""

    field_class = FacetChoiceField


# Columns whose first click sorts them the other way round: the latest change first.
NEWEST_FIRST = ("changed",)


@dataclass(frozen=True)
class SortColumn:
    """A column header of the list that sorts it: `query` sorts by it (the other way round when it is the current
    sort); `direction` is "ascending" or "descending" when the list is sorted by it, else ""."""

    key: str
    label: str
    query: str
    direction: str


class UseCaseFilterSet(django_filters.FilterSet):
    """The text search, the facets and the sort order of the use case list. A facet takes several values (any of them
    matches); facets combine (each must match). A single value, as the API has always taken it, is a list of one.
    Found by the text, the list is best match first unless a sort is chosen."""

    q = django_filters.CharFilter(method="filter_text", label="Text")
    search = django_filters.CharFilter(method="filter_text", label="Text (as q)")
    workspace = FacetFilter(field_name="workspace__slug", distinct=False, label="Workspace")
    status = FacetFilter(choices=UseCase.Status.choices, distinct=False)
    nature = FacetFilter(distinct=False)
    sgam_domain = FacetFilter(
        field_name="sgam_placements__domain__code", method="filter_sgam_domain", label="SGAM domain"
    )
    sgam_zone = FacetFilter(field_name="sgam_placements__zone__code", method="filter_sgam_zone", label="SGAM zone")
    nist_domain = FacetFilter(
        field_name="nist_placements__nist_domain__code", method="filter_nist_domain", label="NIST domain"
    )
    actor = FacetFilter(field_name="actor_roles__actor", method="filter_actor", label="Actor")
    sort = django_filters.ChoiceFilter(
        choices=[
            (f"{sign}{key}", f"{label}{suffix}")
            for key, label in USECASE_SORTS.items()
            for sign, suffix in (("", ""), ("-", ", descending"))
        ],
        method="filter_sort",
        label="Sort by",
    )

    FACETS = ("workspace", "status", "nature", "actor", "sgam_domain", "sgam_zone", "nist_domain")
    # Facets of the use case's own values (no relation to many): counted together, in one query.
    PLAIN_FACETS = ("status", "workspace", "nature")

    filter_sgam_domain = _within("sgam_placements__domain__code")
    filter_sgam_zone = _within("sgam_placements__zone__code")
    filter_nist_domain = _within("nist_placements__nist_domain__code")

    class Meta:
        model = UseCase
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        # Each facet's values are read when they are needed (a value of it is checked, or the facets are shown),
        # once, not on every request: an API list without filters reads none of them.
        choices = {
            "workspace": lambda: [(workspace.slug, workspace.name) for workspace in workspace_list(user=user)],
            "nature": lambda: [(nature, nature) for nature in usecase_nature_list(user=user)],
            "sgam_domain": lambda: [(domain.code, domain.name) for domain in domain_list()],
            "sgam_zone": lambda: [(zone.code, zone.name) for zone in zone_list()],
            "nist_domain": lambda: [(domain.code, domain.name) for domain in nist_domain_list()],
            "actor": lambda: self.actor_choices,
        }
        for name, values in choices.items():
            self.filters[name].extra["choices"] = cache(values)
        self._index_caught_up = False
        self.total: int | None = None

    @cached_property
    def actor_choices(self) -> list:
        return list(actor_name_list(user=getattr(self.request, "user", None)))

    @cached_property
    def actor_groups(self):
        return actor_groups(self.actor_choices)

    def _catch_up_index(self) -> None:
        """Index what a write left unindexed, once per request (before the first text match)."""
        if not self._index_caught_up:
            search_index_catch_up()
            self._index_caught_up = True

    def filter_text(self, queryset, name, value):
        self._catch_up_index()
        return usecase_search(queryset, value, catch_up=False)

    def filter_actor(self, queryset, name, value):
        """An actor stands for its group: "DSO" finds the use cases of "Distribution System Operator (DSO)" too."""
        members = {str(member) for actor in value for member in self.actor_groups.members(actor)}
        return queryset.filter(pk__in=ActorRole.objects.filter(actor__in=members).values("use_case"))

    def filter_sort(self, queryset, name, value):
        return usecase_sorted(queryset, value)

    def filter_queryset_except(self, queryset, *facets: str):
        """`queryset` filtered by every active filter but those of `facets` (none: every one): what a facet's counts
        are taken from (the text matched, not ranked: a count needs no order)."""
        for name, value in self._active().items():
            if name in facets or name == "sort" or value in (None, "", [], ()):
                continue
            if name in ("q", "search"):
                self._catch_up_index()
                queryset = usecase_search_filter(queryset, value)
            else:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def facets(self) -> list[Facet]:
        """The facets of the list, each value with its count given the other active filters (one query per facet of
        a relation, one for the facets of the use case's own values together), in the order of the filter's choices.
        With them `total`, how many use cases the filters find (the list's paginator takes it rather than counting
        them again). Values no use case has are left out, unless selected; so are the
        actors that another one stands for (its abbreviation). None at all when a filter is not valid (the list then
        shows the error and no rows).

        The use cases a facet counts are those of the other active filters: facets without an active filter of their
        own count the same ones, so those are built (and their SQL compiled) once for all of them."""
        if self.is_bound and not self.is_valid():
            return []
        active = self._active()
        user = getattr(self.request, "user", None)
        listed = UseCase.objects.listed()
        visible = visible_to(user, listed)
        narrowed: dict[str, CountedUseCases] = {}

        def counted(facet: str) -> CountedUseCases:
            """The use cases `facet` counts: those of every active filter but its own."""
            own = facet if active.get(facet) else ""
            if own not in narrowed:
                use_cases = self.filter_queryset_except(visible, own)
                narrowed[own] = CountedUseCases(use_cases, every_listed=use_cases is listed)
            return narrowed[own]

        # The facets of the use case's own values (status, workspace, nature) from one GROUP BY of them all, over the
        # use cases of every active filter but theirs: each facet counts the groups that the others' active values
        # select, the list's total those that all select.
        plain = {self.filters[name].field_name: name for name in self.PLAIN_FACETS}
        plain_counts, self.total = usecase_value_counts(
            use_cases=self.filter_queryset_except(visible, *self.PLAIN_FACETS),
            selected={field: set(active[name]) for field, name in plain.items() if active.get(name)},
            fields=list(plain),
        )
        query = self._query_pairs()
        facets = []
        for name in self.FACETS:
            field = self.filters[name].field_name
            if name in self.PLAIN_FACETS:
                counts = plain_counts[field]
            else:
                counts = usecase_facet_counts(
                    use_cases=counted(name),
                    field=field,
                    groups=self.actor_groups.head_of if name == "actor" else None,
                )
            selected = set(active.get(name) or ())
            values = [
                FacetValue(
                    value=value,
                    label=str(label),
                    count=counts.get(value, 0),
                    selected=value in selected,
                    toggle=partial(_toggled, query, name, value),
                )
                for value, label in self._facet_choices(name, counts, selected)
                if value in counts or value in selected
            ]
            facets.append(Facet(name=name, label=str(self.filters[name].label), values=values))
        return facets

    def _facet_choices(self, name: str, counts: dict[str, int], selected: set[str]):
        """The values a facet may list, as text, with their labels: the filter's own choices, not its form field's
        (which would normalise all of them again, hundreds of actors), and none read when the facet has nothing to
        list (no use case has a value of it, none is selected). The natures are their own labels: with no nature
        chosen (nothing to validate) they are those counted, in order, rather than read again from every visible use
        case."""
        if not counts and not selected:
            return []
        if name == "nature" and not selected:
            return [(nature, nature) for nature in sorted(counts) if nature]
        choices = self.filters[name].extra["choices"]
        return [(str(value), label) for value, label in (choices() if callable(choices) else choices)]

    def sort_columns(self) -> dict[str, SortColumn]:
        """The headers that sort the list, by key: each links to the list sorted by it (from the first page), or,
        when it is the current sort, sorted the other way round."""
        current = self._active().get("sort") or ""
        columns = {}
        for key, label in USECASE_SORTS.items():
            direction = {key: "ascending", f"-{key}": "descending"}.get(current, "")
            query = QueryDict(mutable=True)
            if isinstance(self.data, QueryDict):
                query = self.data.copy()
            query.pop("page", None)
            if direction:
                query["sort"] = f"-{key}" if direction == "ascending" else key
            else:
                query["sort"] = f"-{key}" if key in NEWEST_FIRST else key
            columns[key] = SortColumn(key=key, label=label, query=query.urlencode(), direction=direction)
        return columns

    def _active(self) -> dict:
        return self.form.cleaned_data if self.is_bound and self.is_valid() else {}

    def _query_pairs(self) -> list[tuple[str, list[str]]]:
        """The current query string as (name, values) pairs, in order, without the page."""
        if not isinstance(self.data, QueryDict):
            return []
        return [(key, values) for key, values in self.data.lists() if key != "page"]


def _toggled(query: list[tuple[str, list[str]]], name: str, value: str) -> str:
    """The query string `query` with `value` added to or removed from filter `name` (as QueryDict.setlist would:
    a new filter last, a new value after the filter's others), from the first page."""
    pairs = []
    found = False
    for key, values in query:
        if key == name:
            found = True
            values = [other for other in values if other != value] if value in values else [*values, value]
        pairs.extend((key, other) for other in values)
    if not found:
        pairs.append((name, value))
    return urlencode(pairs)


class InformationObjectFilterSet(TextFilterSet):
    text_fields = ("identifier", "name", "description", "standards")
    data_class = django_filters.ChoiceFilter(choices=InformationObject.DataClass.choices, empty_label="Any")

    class Meta:
        model = InformationObject
        fields = []


class CommonTermFilterSet(TextFilterSet):
    text_fields = ("term", "definition")

    class Meta:
        model = CommonTerm
        fields = []
