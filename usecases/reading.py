"""A use case shaped for reading (`usecases.selectors`): the rows `usecase_get` loads (with_document()), grouped
and nested in Python for the use case page, its print page and the frozen versions."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Self

from django.db.models import prefetch_related_objects

from requirements.models import Requirement, RequirementCategory
from ucmr.permissions import visible_to
from usecases.models import (
    ActorGrouping,
    ActorRole,
    Condition,
    Drawing,
    InformationObject,
    Scenario,
    Step,
    UseCase,
    UseCaseRelation,
)


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

    @classmethod
    def of(cls, scenario: Scenario, **fields: Any) -> Self:
        """The section of `scenario`, its prefetched conditions sorted by kind, with `fields` (its `steps`, ...)."""
        by_kind: dict[str, list[Condition]] = defaultdict(list)
        for condition in scenario.conditions.all():
            by_kind[condition.kind].append(condition)
        return cls(
            scenario=scenario,
            triggering_events=by_kind[Condition.Kind.TRIGGERING_EVENT],
            preconditions=by_kind[Condition.Kind.PRECONDITION],
            postconditions=by_kind[Condition.Kind.POSTCONDITION],
            **fields,
        )


@dataclass
class ActorGroup:
    """3.1: a grouping of the use case (None for actors in no grouping) and its actors."""

    grouping: ActorGrouping | None
    roles: list[ActorRole]

    @property
    def rows(self) -> list[tuple[ActorRole, dict[int, str]]]:
        """Its actors as rows of the template's actors table (usecases.template)."""
        grouping_names = {self.grouping.pk: self.grouping.name} if self.grouping else {}
        return [(role, grouping_names) for role in self.roles]


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

    @property
    def rows(self) -> list[tuple["RequirementGroup", Requirement]]:
        """Its requirements as rows of the template's requirements table (usecases.template)."""
        return [(self, requirement) for requirement in self.requirements]


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


def _information_object_key(information_object: InformationObject) -> tuple[str, str, int]:
    return (information_object.identifier, information_object.name, information_object.pk)


def _scenario_section(scenario: Scenario) -> ScenarioSection:
    return ScenarioSection.of(scenario, steps=step_rows(step_tree(scenario.steps.all())))


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


def _relation_rows(*, user, use_case: UseCase, visible_ids: set[int] | None = None) -> list[RelationRow]:
    relations = list(use_case.relations.all())
    if not relations:
        return []
    if visible_ids is None:
        related = visible_to(user, UseCase.objects.filter(pk__in=[relation.related_id for relation in relations]))
        visible_ids = set(related.values_list("pk", flat=True))
    return [RelationRow(relation, relation.related_id in visible_ids) for relation in relations]


def _drawing_rows(use_case: UseCase, scenarios: list[ScenarioSection]) -> list[DrawingRow]:
    return drawing_rows(
        use_case.drawings.all(),
        scenarios={section.scenario.pk: section.scenario for section in scenarios},
        steps={node.step.pk: node for section in scenarios for node in section.steps},
    )


def drawing_rows(
    drawings: Iterable[Drawing], *, scenarios: dict[int, Scenario], steps: dict[int, StepNode]
) -> list[DrawingRow]:
    """2: each drawing with the step (by its full number) or else the scenario it belongs to, of `steps` and
    `scenarios` by pk; "" for a drawing of the whole use case."""
    rows = []
    for drawing in drawings:
        if drawing.step_id in steps:
            node = steps[drawing.step_id]
            refers_to = f"Step {node.number} {node.step.name}"
        elif drawing.scenario_id in scenarios:
            refers_to = f"Scenario {scenarios[drawing.scenario_id]}"
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
        key=_information_object_key,
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
    visible_related: set[int] | None = None,
) -> UseCaseDocument:
    """The page's document of a use case from what was read of it: the whole of it (usecase_document) or its page
    with the steps of long scenarios left to load on demand (usecases.step_tables). `visible_related`: the related
    use cases `user` may see, when the caller has read them (else one query)."""
    return UseCaseDocument(
        use_case=use_case,
        assumptions=[condition for condition in conditions if condition.kind == Condition.Kind.ASSUMPTION],
        prerequisites=[condition for condition in conditions if condition.kind == Condition.Kind.PREREQUISITE],
        relations=_relation_rows(user=user, use_case=use_case, visible_ids=visible_related),
        drawings=drawings,
        actor_groups=_actor_groups(use_case),
        scenarios=scenarios,
        information_objects=information_objects,
        requirement_groups=_requirement_groups(requirements),
    )
