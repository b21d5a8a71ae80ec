"""Reads of use cases, workspaces and the section 5 and 7 libraries.

Every function returns only rows the user may see (`ucmr.permissions.visible_to`), eager-loaded for the page
that shows them: the number of queries does not grow with the number of rows.
"""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    UniqueConstraint,
    Value,
    When,
    prefetch_related_objects,
)
from django.shortcuts import get_object_or_404

from requirements.models import Requirement, RequirementCategory
from ucmr.permissions import visible_to
from usecases.models import (
    ActorGrouping,
    ActorRole,
    CommonTerm,
    Condition,
    Drawing,
    InformationObject,
    Scenario,
    Step,
    UseCase,
    UseCaseRelation,
    Workspace,
)

# Meta.ordering plus the primary key, so that pages of a long list never share or skip a row.
USECASE_ORDERING = ("workspace__name", "identifier", "name", "pk")
# The orders the list offers (`?sort=key`, `?sort=-key` the other way round), by key, with their column labels.
USECASE_SORTS = {"id": "ID", "name": "Name", "workspace": "Workspace", "status": "Status", "changed": "Last changed"}
STATUS_ORDER = [UseCase.Status.DRAFT, UseCase.Status.IN_REVIEW, UseCase.Status.APPROVED, UseCase.Status.PUBLISHED]


def workspace_list(*, user) -> QuerySet[Workspace]:
    return visible_to(user, Workspace.objects.order_by("name"))


def usecase_list(*, user) -> QuerySet[UseCase]:
    """What a list row shows: workspace, SGAM/NIST placement, numbers of scenarios and actors."""
    return visible_to(user, UseCase.objects.listed().with_related().with_counts()).order_by(*USECASE_ORDERING)


def usecase_brief_list(*, user) -> QuerySet[UseCase]:
    """What the API's list shows: the header, the workspace and the counts (no placements)."""
    use_cases = UseCase.objects.listed().select_related("workspace").with_counts()
    return visible_to(user, use_cases).order_by(*USECASE_ORDERING)


def usecase_sorted(queryset: QuerySet[UseCase], sort: str) -> QuerySet[UseCase]:
    """`queryset` in the order `sort` names (a key of USECASE_SORTS, "-" first for the other way round), then in the
    list's usual order. Statuses sort in the order of the workflow, not of their names."""
    key = sort.removeprefix("-")
    expression = {
        "id": F("identifier"),
        "name": F("name"),
        "workspace": F("workspace__name"),
        "status": Case(
            *(When(status=status, then=Value(number)) for number, status in enumerate(STATUS_ORDER)),
            output_field=IntegerField(),
        ),
        "changed": F("modified"),
    }[key]
    ordered = expression.desc() if sort.startswith("-") else expression.asc()
    return queryset.order_by(ordered, *USECASE_ORDERING)


def usecase_nature_list(*, user) -> list[str]:
    """The natures (BUC, SUC, ...) that visible use cases have, for a filter's choices."""
    natures = (
        visible_to(user, UseCase.objects.listed().exclude(nature=""))
        .order_by("nature")
        .values_list("nature", flat=True)
    )
    return list(natures.distinct())


def usecase_get(*, user, pk) -> UseCase:
    """The whole document (sections 1 to 8) of a use case the user may see; a 404 for any other."""
    return get_object_or_404(visible_to(user, UseCase.objects.with_document()), pk=pk)


def usecase_by_mrid_get(*, user, mrid) -> UseCase:
    """As `usecase_get`, found by the mRID that names the use case in every repository holding it."""
    return get_object_or_404(visible_to(user, UseCase.objects.with_document()), mrid=mrid)


def usecase_header_list(*, user) -> QuerySet[UseCase]:
    """The use cases the user may see, with their workspaces (one use case's header, for the API)."""
    return visible_to(user, UseCase.objects.select_related("workspace", "created_by")).order_by(*USECASE_ORDERING)


def usecase_header_get(*, user, pk) -> UseCase:
    """A use case the user may see with its workspace only (for forms and workflow steps); a 404 for any other."""
    return get_object_or_404(usecase_header_list(user=user), pk=pk)


def step_list(*, user) -> QuerySet[Step]:
    """Steps of the visible use cases with their scenario and use case, grouped by use case in list order."""
    use_case_order = [f"scenario__use_case__{name}" for name in USECASE_ORDERING]
    return (
        Step.objects.filter(scenario__use_case__in=visible_to(user, UseCase.objects.all()))
        .select_related("scenario__use_case__workspace")
        .order_by(*use_case_order, "scenario__position", "scenario_id", "position", "pk")
    )


def drawing_image_get(*, user, pk) -> Drawing:
    """A drawing with an uploaded image, of a use case the user may see."""
    drawings = Drawing.objects.filter(use_case__in=visible_to(user, UseCase.objects.all())).exclude(image="")
    return get_object_or_404(drawings.select_related("use_case"), pk=pk)


def information_object_list(*, user) -> QuerySet[InformationObject]:
    """With `step_count`: the steps of use cases the user may see that exchange it; `id_shared`: whether another
    object has the same ID (files reuse IDs such as "Info1" for unrelated objects); `origin`: the name of the first
    visible use case whose steps exchange it, which tells such objects apart."""
    visible = visible_to(user, UseCase.objects.all())
    same_id = InformationObject.objects.filter(identifier__iexact=OuterRef("identifier")).exclude(pk=OuterRef("pk"))
    origin = UseCase.objects.filter(
        pk__in=visible.values("pk"), scenarios__steps__information_objects=OuterRef("pk")
    ).order_by("pk")
    information_objects = (
        InformationObject.objects.with_related()
        .with_counts(use_cases=visible)
        .annotate(id_shared=Exists(same_id.exclude(identifier="")), origin=Subquery(origin.values("name")[:1]))
    )
    return visible_to(user, information_objects).order_by("identifier", "name", "pk")


def information_object_get(*, user, pk) -> InformationObject:
    """With `visible_steps`: the steps of visible use cases that exchange it."""
    information_objects = InformationObject.objects.with_related().prefetch_related(
        "requirements__category", Prefetch("steps", queryset=step_list(user=user), to_attr="visible_steps")
    )
    return get_object_or_404(visible_to(user, information_objects), pk=pk)


def common_term_list(*, user) -> QuerySet[CommonTerm]:
    """With `use_case_count`: the use cases the user may see that define the term."""
    counted = Q(use_cases__in=visible_to(user, UseCase.objects.all()))
    terms = CommonTerm.objects.annotate(use_case_count=Count("use_cases", filter=counted, distinct=True))
    return visible_to(user, terms).order_by("term", "pk")


def common_term_get(*, user, pk) -> CommonTerm:
    return get_object_or_404(visible_to(user, CommonTerm.objects.all()), pk=pk)


# The use case document, shaped for reading: the rows of with_document() grouped and nested in Python.


@dataclass
class StepNode:
    """A step in its scenario's tree. `number` is the full number (a sub-step "2" of step "3" is "3.2")."""

    step: Step
    number: str
    depth: int
    children: list["StepNode"] = field(default_factory=list)


@dataclass
class ScenarioSection:
    """4.1 and 4.2 of one scenario: its conditions by kind, its steps as table rows (each before its sub-steps)."""

    scenario: Scenario
    triggering_events: list[Condition]
    preconditions: list[Condition]
    postconditions: list[Condition]
    steps: list[StepNode]


@dataclass
class ActorGroup:
    """3.1: a grouping of the use case (None for actors in no grouping) and its actors."""

    grouping: ActorGrouping | None
    roles: list[ActorRole]


@dataclass
class RelationRow:
    """1.7: a relation; `visible` is False when the user may not see the related use case (it is then not named)."""

    relation: UseCaseRelation
    visible: bool


@dataclass
class DrawingRow:
    """2: a drawing and the scenario or step it belongs to ("" for the whole use case)."""

    drawing: Drawing
    refers_to: str


@dataclass
class RequirementGroup:
    """6: a category (None for requirements in none) and the requirements of the use case in it."""

    category: RequirementCategory | None
    requirements: list[Requirement]


@dataclass
class UseCaseDocument:
    """What the use case page shows beyond the use case's own prefetched rows: those rows grouped and nested,
    and the information objects (5) and requirements (6) that its steps, scenarios and information use."""

    use_case: UseCase
    assumptions: list[Condition]
    prerequisites: list[Condition]
    relations: list[RelationRow]
    drawings: list[DrawingRow]
    actor_groups: list[ActorGroup]
    scenarios: list[ScenarioSection]
    information_objects: list[InformationObject]
    requirement_groups: list[RequirementGroup]


def _step_number(step: Step, parent_number: str, ordinal: int) -> str:
    own = step.number.strip() or str(ordinal)
    if not parent_number or own.startswith(f"{parent_number}."):
        return own
    return f"{parent_number}.{own}"


def step_tree(steps: Iterable[Step]) -> list[StepNode]:
    """Nest a scenario's steps (ordered, as prefetched) under their parents, keeping the order among siblings.

    A step whose parent is missing from `steps`, or that sits on a cycle, becomes a top-level step: no step is
    ever dropped. Iterative, so a deep nesting cannot exhaust the recursion limit.
    """
    steps = list(steps)
    known = {step.pk for step in steps}
    children_of: dict[int | None, list[Step]] = defaultdict(list)
    for step in steps:
        children_of[step.parent_id if step.parent_id in known else None].append(step)
    placed: set[int] = set()
    roots: list[StepNode] = []
    for top in children_of[None] + steps:
        if top.pk in placed:
            continue
        placed.add(top.pk)
        root = StepNode(top, _step_number(top, "", len(roots) + 1), 0)
        roots.append(root)
        pending = [root]
        while pending:
            node = pending.pop()
            for ordinal, child in enumerate(children_of[node.step.pk], start=1):
                if child.pk in placed:
                    continue
                placed.add(child.pk)
                child_node = StepNode(child, _step_number(child, node.number, ordinal), node.depth + 1)
                node.children.append(child_node)
                pending.append(child_node)
    return roots


def step_rows(nodes: Iterable[StepNode]) -> list[StepNode]:
    """The tree in reading order: each step directly followed by its sub-steps."""
    rows: list[StepNode] = []
    pending = list(reversed(list(nodes)))
    while pending:
        node = pending.pop()
        rows.append(node)
        pending.extend(reversed(node.children))
    return rows


def _unique_by_pk(rows: Iterable[Any], key: Callable[[Any], tuple]) -> list:
    unique = {}
    for row in rows:
        unique.setdefault(row.pk, row)
    return sorted(unique.values(), key=key)


def _requirement_key(requirement: Requirement) -> tuple[str, str, int]:
    return (requirement.identifier, requirement.name, requirement.pk)


def _scenario_section(scenario: Scenario) -> ScenarioSection:
    by_kind: dict[str, list[Condition]] = defaultdict(list)
    for condition in scenario.conditions.all():
        by_kind[condition.kind].append(condition)
    return ScenarioSection(
        scenario=scenario,
        triggering_events=by_kind[Condition.Kind.TRIGGERING_EVENT],
        preconditions=by_kind[Condition.Kind.PRECONDITION],
        postconditions=by_kind[Condition.Kind.POSTCONDITION],
        steps=step_rows(step_tree(scenario.steps.all())),
    )


def _actor_groups(use_case: UseCase) -> list[ActorGroup]:
    groupings = list(use_case.actor_groupings.all())
    roles_by_grouping: dict[int | None, list[ActorRole]] = defaultdict(list)
    for role in use_case.actor_roles.all():
        roles_by_grouping[role.grouping_id].append(role)
    groups = [ActorGroup(grouping, roles_by_grouping.pop(grouping.pk, [])) for grouping in groupings]
    ungrouped = [role for roles in roles_by_grouping.values() for role in roles]
    if ungrouped:
        groups.append(ActorGroup(None, sorted(ungrouped, key=lambda role: (role.position, role.pk))))
    return groups


def _relation_rows(*, user, use_case: UseCase) -> list[RelationRow]:
    relations = list(use_case.relations.all())
    if not relations:
        return []
    related = visible_to(user, UseCase.objects.filter(pk__in=[relation.related_id for relation in relations]))
    visible_ids = set(related.values_list("pk", flat=True))
    return [RelationRow(relation, relation.related_id in visible_ids) for relation in relations]


def _drawing_rows(use_case: UseCase, scenarios: list[ScenarioSection]) -> list[DrawingRow]:
    scenario_by_pk = {section.scenario.pk: section.scenario for section in scenarios}
    step_by_pk = {node.step.pk: node for section in scenarios for node in section.steps}
    rows = []
    for drawing in use_case.drawings.all():
        if drawing.step_id in step_by_pk:
            node = step_by_pk[drawing.step_id]
            refers_to = f"Step {node.number} {node.step.name}"
        elif drawing.scenario_id in scenario_by_pk:
            refers_to = f"Scenario {scenario_by_pk[drawing.scenario_id]}"
        else:
            refers_to = ""
        rows.append(DrawingRow(drawing, refers_to))
    return rows


def _requirement_groups(requirements: list[Requirement]) -> list[RequirementGroup]:
    prefetch_related_objects(requirements, "category")
    by_category: dict[int | None, list[Requirement]] = defaultdict(list)
    categories = {}
    for requirement in requirements:
        by_category[requirement.category_id].append(requirement)
        if requirement.category is not None:
            categories[requirement.category_id] = requirement.category
    ordered = sorted(categories.values(), key=lambda category: (category.identifier, category.name, category.pk))
    groups = [RequirementGroup(category, by_category[category.pk]) for category in ordered]
    if by_category[None]:
        groups.append(RequirementGroup(None, by_category[None]))
    return groups


def usecase_document(*, user, use_case: UseCase) -> UseCaseDocument:
    """Shape a use case from `usecase_get` for reading, in at most three more queries (visibility of related
    use cases, requirements of the information objects, requirement categories)."""
    conditions = use_case.use_case_conditions
    scenarios = [_scenario_section(scenario) for scenario in use_case.scenarios.all()]
    steps = [node.step for section in scenarios for node in section.steps]
    information_objects = _unique_by_pk(
        (information_object for step in steps for information_object in step.information_objects.all()),
        key=lambda information_object: (information_object.identifier, information_object.name, information_object.pk),
    )
    prefetch_related_objects(information_objects, "requirements")
    requirements = _unique_by_pk(
        [
            *(requirement for step in steps for requirement in step.requirements.all()),
            *(requirement for section in scenarios for requirement in section.scenario.requirements.all()),
            *(requirement for item in information_objects for requirement in item.requirements.all()),
        ],
        key=_requirement_key,
    )
    return usecase_document_assemble(
        user=user,
        use_case=use_case,
        conditions=conditions,
        scenarios=scenarios,
        drawings=_drawing_rows(use_case, scenarios),
        information_objects=information_objects,
        requirements=requirements,
    )


def usecase_document_assemble(
    *,
    user,
    use_case: UseCase,
    conditions,
    scenarios: list,
    drawings: list[DrawingRow],
    information_objects: list,
    requirements: list,
) -> UseCaseDocument:
    """The page's document of a use case from what was read of it: the whole of it (usecase_document) or its page
    with the steps of long scenarios left to load on demand (usecases.step_tables)."""
    return UseCaseDocument(
        use_case=use_case,
        assumptions=[condition for condition in conditions if condition.kind == Condition.Kind.ASSUMPTION],
        prerequisites=[condition for condition in conditions if condition.kind == Condition.Kind.PREREQUISITE],
        relations=_relation_rows(user=user, use_case=use_case),
        drawings=drawings,
        actor_groups=_actor_groups(use_case),
        scenarios=scenarios,
        information_objects=information_objects,
        requirement_groups=_requirement_groups(requirements),
    )


def information_object_api_list(*, user) -> QuerySet[InformationObject]:
    """The information objects the user may see with the ids of their requirements: what an API row shows."""
    requirements = Prefetch("requirements", queryset=Requirement.objects.only("pk"))
    return visible_to(user, InformationObject.objects.prefetch_related(requirements)).order_by(
        "identifier", "name", "pk"
    )


def common_term_api_list(*, user) -> QuerySet[CommonTerm]:
    """The common terms the user may see, with nothing more: what an API row shows."""
    return visible_to(user, CommonTerm.objects.order_by("term", "pk"))


# Facets of the use case list: for each value of a facet, how many visible use cases have it.


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


def usecase_facet_counts(
    *,
    user,
    field: str,
    narrow: Callable[[QuerySet[UseCase]], QuerySet[UseCase]] | None = None,
    groups: dict[str, str] | None = None,
) -> dict[str, int]:
    """How many of the use cases the user may see (`narrow`ed by the other active filters) have each value of
    `field`, a path that may cross multi-valued relations (a use case counts once per value), in one query.
    `groups` maps values to the value they count as (a use case with two values of one group counts once).

    The use cases are matched by primary key in a subquery, so that the grouping join never reuses a join of the
    filters (which would count only the placements or roles that matched them, not the use cases)."""
    use_cases = visible_to(user, UseCase.objects.listed())
    if narrow is not None:
        use_cases = narrow(use_cases)
    if not groups and not _crosses_many(field):
        # A value of the use case itself (its status, its workspace): a plain GROUP BY of the narrowed use cases.
        counted = use_cases.order_by().values(field).annotate(count=Count("pk")).values_list(field, "count")
        return {str(value): count for value, count in counted if value is not None}
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
    counted = rows.annotate(count=Count(counted_field, distinct=distinct)).values_list(field, "count")
    return {str(value): count for value, count in counted if value is not None}


def _unique_together(model, *fields: str) -> bool:
    """Whether a unique constraint of `model` is on exactly `fields` (no two rows with the same values)."""
    wanted = set(fields)
    return any(
        isinstance(constraint, UniqueConstraint) and set(constraint.fields) == wanted and constraint.condition is None
        for constraint in model._meta.constraints
    )


def usecase_value_counts(
    *, user, fields: list[str], narrow: Callable[[QuerySet[UseCase]], QuerySet[UseCase]] | None = None
) -> tuple[dict[str, dict[str, int]], int]:
    """For each of `fields`, values of the use case itself (its status, its workspace's slug), how many of the use
    cases the user may see (`narrow`ed) have each value, and how many they are in all: the facets that the same
    filters narrow, in one GROUP BY of the use cases rather than one per facet (and the list's count with them)."""
    use_cases = visible_to(user, UseCase.objects.listed())
    if narrow is not None:
        use_cases = narrow(use_cases)
    counts: dict[str, dict[str, int]] = {name: defaultdict(int) for name in fields}
    total = 0
    grouped = use_cases.order_by().values(*fields).annotate(count=Count("pk")).values_list(*fields, "count")
    for *values, count in grouped:
        total += count
        for name, value in zip(fields, values, strict=True):
            if value is not None:
                counts[name][str(value)] += count
    return {name: dict(values) for name, values in counts.items()}, total


def _facet_rows(field: str, use_cases: QuerySet[UseCase]) -> tuple[QuerySet, str]:
    """The rows a facet of `field` groups, and the field that names their use case: the rows of the relation the path
    starts with (actor roles, placements) whose use case is one of `use_cases`, when the rest of the path crosses
    no other relation to many (one join fewer than grouping the use cases joined with them); else the use cases."""
    first, _, rest = field.partition("__")
    relation = UseCase._meta.get_field(first)
    if relation.one_to_many and rest and not _crosses_many(rest, model=relation.related_model):
        owner = relation.field.name
        related = relation.related_model._base_manager.filter(**{f"{owner}__in": use_cases.order_by().values("pk")})
        return related.order_by(), owner
    return UseCase.objects.filter(pk__in=use_cases.order_by().values("pk")).order_by(), "pk"
