import functools

from django.db import connection, models
from django.db.models import BooleanField, IntegerField, OuterRef, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from usecases.exchange.records import BOOKKEEPING

# A use case a file named only as the target of a relation (see `usecases.exchange.use_cases`): the import's mark.
PLACEHOLDER_LOOKUP = {f"extra__{BOOKKEEPING}__placeholder": True}
MAX_MASK_PATHS = 30  # the bits of a 32-bit integer, which PostgreSQL adds them in


def rows_exist(model: type[models.Model], path: tuple[str, ...]) -> RawSQL:
    """An annotation of a query of `model` (its own table, not a join): whether the row has rows at the end of `path`,
    a path of relations (rows of other tables that point at it, or a many-to-many, whose link table ends the path):
    one EXISTS, where reading the relation to find it empty would be a query. `model` may be a migration's."""
    quote = connection.ops.quote_name
    joins, where = [], ""
    for depth, name in enumerate(path):
        field = model._meta.get_field(name)
        if field.many_to_many:
            table, column, target = field.remote_field.through._meta.db_table, field.m2m_column_name(), None
        else:  # the rows of another table that point here
            table, column, target = field.related_model._meta.db_table, field.field.column, field.related_model
        alias, parent = (
            quote(f"has_rows_{depth}"),
            quote(model._meta.db_table if depth == 0 else f"has_rows_{depth - 1}"),
        )
        link = f"{alias}.{quote(column)} = {parent}.{quote(model._meta.pk.column)}"
        if depth == 0:
            joins.append(f"{quote(table)} {alias}")
            where = link
        else:
            joins.append(f"INNER JOIN {quote(table)} {alias} ON {link}")
        model = target
    sql = f"EXISTS (SELECT 1 FROM {' '.join(joins)} WHERE {where})"  # noqa: S608 - names from the models, no values
    return RawSQL(sql, (), output_field=BooleanField())  # noqa: S611 - the same


PLACEMENT_LOOKUPS = (
    "sgam_placements__domain",
    "sgam_placements__zone",
    "sgam_placements__layer",
    "nist_placements__nist_domain",
)


def section_lookups(*, scenarios: models.QuerySet | None = None) -> tuple:
    """The prefetches of `UseCaseQuerySet.with_sections` beyond `with_related` (the scenarios read with `scenarios`
    when given), also for loading them onto a use case read without them (`prefetch_related_objects`)."""
    from usecases.models import ActorRole, Condition, UseCaseRelation

    return (
        "versions",
        "objectives",
        "business_cases__areas",
        "kpis__objectives",
        Prefetch("conditions", queryset=Condition.objects.filter(scenario__isnull=True), to_attr="use_case_conditions"),
        # a row and what it names by a foreign key in one query (not one per relation followed)
        Prefetch("relations", queryset=UseCaseRelation.objects.select_related("related__workspace")),
        "remarks",
        "drawings",
        "actor_groupings",
        Prefetch("actor_roles", queryset=ActorRole.objects.select_related("actor", "grouping")),
        "primary_actors",
        "references",
        "scenarios" if scenarios is None else Prefetch("scenarios", queryset=scenarios),
        "scenarios__primary_actors",
        "scenarios__requirements",
        "scenarios__conditions",
        "custom_information",
        "common_terms",
    )


@functools.lru_cache(maxsize=16)
def _rows_exist_mask_sql(model: type[models.Model], paths: tuple[tuple[str, ...], ...], vendor: str) -> str:
    terms = (f"CASE WHEN {rows_exist(model, path).sql} THEN {1 << bit} ELSE 0 END" for bit, path in enumerate(paths))
    return f"({' + '.join(terms)})"


def rows_exist_mask(model: type[models.Model], paths: tuple[tuple[str, ...], ...]) -> RawSQL:
    """`rows_exist` for many paths as one integer annotation, bit i for `paths[i]` (`rows_exist_in`): one expression
    for the query to compile, where one per path cost more than the query took to run."""
    if len(paths) > MAX_MASK_PATHS:
        raise ValueError(f"At most {MAX_MASK_PATHS} paths fit in one mask.")
    sql = _rows_exist_mask_sql(model, paths, connection.vendor)
    return RawSQL(sql, (), output_field=IntegerField())  # noqa: S611 - names from the models, no values


def rows_exist_in(mask: int, paths: tuple[tuple[str, ...], ...]) -> set[tuple[str, ...]]:
    """The paths of `paths` that a `rows_exist_mask` value says have rows."""
    return {path for bit, path in enumerate(paths) if mask & (1 << bit)}


class UseCaseQuerySet(models.QuerySet):
    def listed(self) -> "UseCaseQuerySet":
        """Use cases proper, without the placeholders of related use cases: those are only targets of relations
        (shown on the use cases that relate to them) until a file brings the use case itself."""
        # Not `exclude(**PLACEHOLDER_LOOKUP)`: where the key is missing the comparison is NULL, and NOT NULL would
        # drop every use case proper. NOT EXISTS, not NOT IN: PostgreSQL makes it an anti-join (a NOT IN it has no
        # statistics for runs its subquery again for every row), SQLite looks each row up by its key.
        placeholder = self.model.objects.filter(pk=OuterRef("pk"), **PLACEHOLDER_LOOKUP)
        return self.filter(~models.Exists(placeholder))

    def with_related(self) -> "UseCaseQuerySet":
        """What a list row shows: workspace, author, SGAM/NIST placement and counts."""
        return self.select_related("workspace", "created_by").prefetch_related(*PLACEMENT_LOOKUPS)

    def with_counts(self) -> "UseCaseQuerySet":
        """`scenario_count` and `actor_count`, each a subquery of the row: computed for the rows a page shows, never
        by joining every use case with its scenarios and actors before the page is taken."""
        from usecases.models import ActorRole, Scenario

        def count(model) -> models.Subquery:
            rows = model.objects.filter(use_case=OuterRef("pk")).order_by().values("use_case")
            return Coalesce(
                models.Subquery(rows.annotate(count=models.Count("pk")).values("count")),
                0,
                output_field=models.IntegerField(),
            )

        return self.annotate(scenario_count=count(Scenario), actor_count=count(ActorRole))

    def with_sections(self, *, scenarios: models.QuerySet | None = None) -> "UseCaseQuerySet":
        """Everything sections 1 to 8 show but the scenarios' steps, in a fixed number of queries whatever the size of
        the use case; the scenarios read with `scenarios` when given (annotated, say)."""
        return self.with_related().prefetch_related(*section_lookups(scenarios=scenarios))

    def with_document(self) -> "UseCaseQuerySet":
        """Everything sections 1 to 8 show, in a fixed number of queries whatever the size of the use case."""
        from usecases.models import Step

        step_queryset = Step.objects.order_by("position", "id").prefetch_related(
            "producers", "receivers", "primary_actors", "information_objects", "requirements"
        )
        return self.with_sections().prefetch_related(Prefetch("scenarios__steps", queryset=step_queryset))

    def search(self, query: str) -> "UseCaseQuerySet":
        query = query.strip()
        if not query:
            return self
        return self.filter(
            Q(identifier__icontains=query)
            | Q(name__icontains=query)
            | Q(keywords__icontains=query)
            | Q(scope__icontains=query)
            | Q(short_description__icontains=query)
        )


class InformationObjectQuerySet(models.QuerySet):
    def with_related(self) -> "InformationObjectQuerySet":
        return self.prefetch_related(
            "requirements",
            "sgam_placements__layer",
            "sgam_placements__domain",
            "sgam_placements__zone",
            "nist_placements__nist_domain",
        )

    def with_counts(self, use_cases: models.QuerySet | None = None) -> "InformationObjectQuerySet":
        """`step_count`: how many steps exchange it (steps of `use_cases` only, when given)."""
        counted = Q(steps__scenario__use_case__in=use_cases) if use_cases is not None else None
        return self.annotate(step_count=models.Count("steps", filter=counted, distinct=True))
