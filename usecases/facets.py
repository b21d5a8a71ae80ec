"""Facets of the use case list (`usecases.filters`): for each value of a facet, how many visible use cases have it,
in one query per facet, and the groups of actors named by an abbreviation."""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from django.db import connection
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, QuerySet, UniqueConstraint, Value, When
from django.db.models.expressions import RawSQL

from usecases.models import UseCase
from usecases.querysets import PLACEHOLDER_LOOKUP


@dataclass
class FacetValue:
    """One value of a facet: how many use cases it would add to the results, and the query string that adds it
    to the active filters (or, when `selected`, removes it)."""

    value: str
    label: str
    count: int
    selected: bool
    toggle: Callable[[], str] = field(repr=False, compare=False)

    @cached_property
    def toggle_query(self) -> str:
        """Made when the page shows the value (a facet lists at most 60 of its values, an actor facet has hundreds)."""
        return self.toggle()


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue]

    @cached_property
    def selected(self) -> list[FacetValue]:
        """The values chosen: the page shows them as active filters without going through all the values (an actor
        facet has hundreds)."""
        return [value for value in self.values if value.selected]


@dataclass
class ActorGroups:
    """Actors that are one value of the Actor facet: an actor named by its abbreviation ("DSO") belongs to the actor
    whose name ends with that abbreviation in brackets ("Distribution System Operator (DSO)"), when the library has
    exactly one such actor. `head_of` maps the abbreviation's actor to the full name's (primary keys as text)."""

    head_of: dict[str, str]

    def members(self, pk) -> list[str]:
        """The actors that `pk` stands for in a filter: its whole group (itself alone when it has none)."""
        head = self.head_of.get(str(pk), str(pk))
        return [head, *(member for member, its_head in self.head_of.items() if its_head == head)]


ABBREVIATED_NAME = re.compile(r"^.*\S\s*\((?P<abbreviation>[^()]+)\)\s*$")


def actor_groups(actors: Iterable[tuple[Any, str]]) -> ActorGroups:
    """The groups among `actors` ((pk, name) pairs, as `actor_name_list` gives them)."""
    actors = list(actors)
    by_name = {name.strip().casefold(): pk for pk, name in actors}
    full_names: dict[str, list] = defaultdict(list)
    for pk, name in actors:
        found = ABBREVIATED_NAME.match(name)
        if found:
            full_names[found["abbreviation"].strip().casefold()].append(pk)
    head_of = {
        str(by_name[abbreviation]): str(pks[0])
        for abbreviation, pks in full_names.items()
        if len(pks) == 1 and abbreviation in by_name and by_name[abbreviation] != pks[0]
    }
    return ActorGroups(head_of=head_of)


def _crosses_many(path: str, model=UseCase) -> bool:
    """Whether the field path from a use case (or from `model`) crosses a relation to many rows (placements, actor
    roles)."""
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


@dataclass
class CountedUseCases:
    """The use cases facets count (those the user may see, narrowed by the other active filters). Several facets
    count the same ones: the SQL of their keys is compiled once for all of them, not once per facet.
    `every_listed`: they are every use case proper, unfiltered (see `_facet_rows`)."""

    queryset: QuerySet[UseCase]
    every_listed: bool = False
    compiled: tuple[str, tuple] | None = None  # the SQL of their keys and its parameters, once compiled

    @property
    def keys_sql(self) -> tuple[str, tuple]:
        if self.compiled is None:
            sql, params = self.queryset.order_by().values("pk").query.sql_with_params()
            self.compiled = (sql, tuple(params))
        return self.compiled

    @property
    def keys(self) -> RawSQL:
        return RawSQL(*self.keys_sql)  # noqa: S611 - the SQL Django compiled for the queryset, its values parameters


def usecase_facet_counts(
    *, use_cases: CountedUseCases, field: str, groups: dict[str, str] | None = None
) -> dict[str, int]:
    """How many of `use_cases` have each value of `field`, a path that may cross multi-valued relations (a use case
    counts once per value), in one query. `groups` maps values to the value they count as (a use case with two values
    of one group counts once). The facet's own SQL is the same on every request but for the use cases' keys: it is
    compiled once per process, and the keys' SQL (compiled once per request for all the facets counting them) goes
    in its place."""
    sql, params = _facet_sql(connection.vendor, field, tuple(sorted((groups or {}).items())), use_cases.every_listed)
    if not use_cases.every_listed:
        keys_sql, keys_params = use_cases.keys_sql
        position = next(index for index, param in enumerate(params) if param is _KEYS)
        sql = sql.replace(_KEYS_SQL, keys_sql, 1)
        params = (*params[:position], *keys_params, *params[position + 1 :])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counted = cursor.fetchall()
    return {str(value): count for value, count in counted if value is not None}


# What stands for the use cases' keys in a facet's compiled SQL: a subquery of one parameter, that object itself.
_KEYS = object()
_KEYS_SQL = "SELECT %s /* the counted use cases' keys */"


@lru_cache(maxsize=64)
def _facet_sql(vendor: str, field: str, groups: tuple[tuple[str, str], ...], every_listed: bool) -> tuple[str, tuple]:
    """The SQL of `_counted` for the database `vendor`: over every use case proper (no user's permissions nor filter
    in it), or over keys that `_KEYS` stands for. It varies with the field, the actor groups (which change with the
    actor library, and so the key) and nothing else."""
    counted = CountedUseCases(UseCase.objects.listed(), every_listed=every_listed, compiled=(_KEYS_SQL, (_KEYS,)))
    sql, params = _counted(counted, field, dict(groups)).query.sql_with_params()
    return sql, tuple(params)


def _counted(use_cases: CountedUseCases, field: str, groups: dict[str, str] | None) -> QuerySet:
    """(value, count) pairs of `usecase_facet_counts`, as a query.

    The use cases are matched by primary key in a subquery, so that the grouping join never reuses a join of the
    filters (which would count only the placements or roles that matched them, not the use cases)."""
    if not groups and not _crosses_many(field):
        # A value of the use case itself (its status, its workspace): a plain GROUP BY of the narrowed use cases.
        return use_cases.queryset.order_by().values(field).annotate(count=Count("pk")).values_list(field, "count")
    rows, counted_field = _facet_rows(field, use_cases)
    field = field if rows.model is UseCase else field.split("__", 1)[1]
    if groups:
        heads: dict[str, list[str]] = defaultdict(list)
        for member, head in groups.items():
            heads[head].append(member)
        grouped = Case(
            *(When(**{f"{field}__in": [head, *members]}, then=Value(int(head))) for head, members in heads.items()),
            default=F(field),
            output_field=IntegerField(),
        )
        rows = rows.annotate(facet_value=grouped).values("facet_value")
        field = "facet_value"
    else:
        rows = rows.values(field)
    # A row per use case and value already (an actor is in a use case once): a plain count, hashed, not sorted.
    distinct = bool(groups) or not _unique_together(rows.model, counted_field, field)
    return rows.annotate(count=Count(counted_field, distinct=distinct)).values_list(field, "count")


def _unique_together(model, *fields: str) -> bool:
    """Whether a unique constraint of `model` is on exactly `fields` (no two rows with the same values)."""
    wanted = set(fields)
    return any(
        isinstance(constraint, UniqueConstraint) and set(constraint.fields) == wanted and constraint.condition is None
        for constraint in model._meta.constraints
    )


def usecase_value_counts(
    *, use_cases: QuerySet[UseCase], fields: list[str], selected: dict[str, set[str]]
) -> tuple[dict[str, dict[str, int]], int]:
    """For each of `fields`, values of the use case itself (its status, its workspace's slug), how many of
    `use_cases` (those the user may see, narrowed by the active filters but those of `fields`) have each value among
    those that the other fields' `selected` values select (a field without selected values selects all), and how many
    use cases all of them select: the facets of those fields and the list's count, in one GROUP BY of the use cases
    rather than one query per facet."""
    counts: dict[str, dict[str, int]] = {name: defaultdict(int) for name in fields}
    total = 0
    grouped = use_cases.order_by().values(*fields).annotate(count=Count("pk")).values_list(*fields, "count")
    for *values, count in grouped:
        row = {name: None if value is None else str(value) for name, value in zip(fields, values, strict=True)}
        chosen = {name for name, value in row.items() if name not in selected or value in selected[name]}
        if len(chosen) == len(fields):
            total += count
        for name, value in row.items():
            # Counted in its own facet when every other field selects it.
            if value is not None and len(chosen - {name}) == len(fields) - 1:
                counts[name][value] += count
    return {name: dict(values) for name, values in counts.items()}, total


def _facet_rows(field: str, use_cases: CountedUseCases) -> tuple[QuerySet, str]:
    """The rows a facet of `field` groups, and the field that names their use case: the rows of the relation the path
    starts with (actor roles, placements) whose use case is one of `use_cases`, when the rest of the path crosses
    no other relation to many (one join fewer than grouping the use cases joined with them); else the use cases.
    When `use_cases` are `every_listed` (the user sees every one, no filter is active: the list as it opens), the rows
    need only belong to a use case (placements of actors and information objects do not)
    that is no placeholder, which its partial index answers without reading the use cases (half the time of matching
    them against every use case, at 10,000)."""
    first, _, rest = field.partition("__")
    relation = UseCase._meta.get_field(first)
    if relation.one_to_many and rest and not _crosses_many(rest, model=relation.related_model):
        owner = relation.field.name
        related = relation.related_model._base_manager
        if use_cases.every_listed:
            placeholder = UseCase.objects.filter(pk=OuterRef(owner), **PLACEHOLDER_LOOKUP)
            return related.filter(~Exists(placeholder), **{f"{owner}__isnull": False}).order_by(), owner
        return related.filter(**{f"{owner}__in": use_cases.keys}).order_by(), owner
    return UseCase.objects.filter(pk__in=use_cases.keys).order_by(), "pk"
