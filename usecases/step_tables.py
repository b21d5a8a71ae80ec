"""Reads of the use case page whose cost does not grow with the steps (issue 20): the whole document but the steps
of long scenarios, and a scenario's steps a fragment at a time.

The page shows every section. Its step tables (4.2) are shown in the page while the scenarios' steps add up to
`STEPS_SHOWN` rows; from the first scenario that does not fit on, a scenario's table starts collapsed, with a
button that loads its steps (`scenario_step_fragment`, `STEPS_PER_FRAGMENT` rows at a time). A use case of a few
hundred steps looks as it always did. Sections 5 and 6, which list what the steps exchange and name, are read
with their own queries, so the number of queries is the same whatever the number of steps.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, prefetch_related_objects
from django.shortcuts import get_object_or_404

from requirements.models import Requirement
from ucmr.permissions import visible_to
from usecases.models import InformationObject, Scenario, Step, UseCase
from usecases.querysets import PLACEMENT_LOOKUPS, section_lookups
from usecases.reading import (
    DrawingRow,
    ScenarioSection,
    StepNode,
    UseCaseDocument,
    _information_object_key,
    _requirement_key,
    _unique_by_pk,
    drawing_rows,
    step_rows,
    step_tree,
    usecase_document_assemble,
)

STEPS_SHOWN = 300  # rows of steps shown in the page itself; the scenarios after them start collapsed
STEPS_PER_FRAGMENT = 500  # rows a "Show steps" button loads at a time
STEP_LINKS = ("producers", "receivers", "information_objects", "requirements")


@dataclass
class ScenarioSteps(ScenarioSection):
    """4.1 and 4.2 of one scenario as the page shows them: `steps` empty while `collapsed` (`step_count` rows to
    load)."""

    step_count: int = 0
    collapsed: bool = False

    @property
    def first_rows(self) -> int:
        """How many rows its "Show steps" button loads."""
        return min(self.step_count, STEPS_PER_FRAGMENT)


@dataclass
class StepFragment:
    """Rows `start` to `start + len(steps)` of a scenario's steps (in reading order), of `total`."""

    use_case: UseCase
    scenario: Scenario
    steps: list[StepNode]
    start: int
    total: int
    rows: int = field(default=STEPS_PER_FRAGMENT)

    @property
    def end(self) -> int:
        return self.start + len(self.steps)

    @property
    def remaining(self) -> int:
        return self.total - self.end

    @property
    def next_rows(self) -> int:
        return min(self.rows, self.remaining)

    @property
    def previous_start(self) -> int | None:
        return max(0, self.start - self.rows) if self.start else None


def _counted_scenarios():
    return Scenario.objects.annotate(step_count=Count("steps"))


def usecase_page_get(*, user, pk) -> UseCase:
    """The use case as its page shows it (sections 1 to 8) without the steps of its scenarios, which carry their
    number of steps (`step_count`); a 404 for a use case the user may not see. A fixed number of queries."""
    use_cases = UseCase.objects.with_sections(scenarios=_counted_scenarios())
    return get_object_or_404(visible_to(user, use_cases), pk=pk)


def usecase_page_sections_load(*, use_case: UseCase) -> UseCase:
    """Load onto a use case read with its header only (`usecases.selectors.usecase_header_get`) what
    `usecase_page_get` reads with it: the use case page reads its sections only when it has not cached them."""
    prefetch_related_objects([use_case], *PLACEMENT_LOOKUPS, *section_lookups(scenarios=_counted_scenarios()))
    return use_case


def _steps(queryset) -> list[Step]:
    return list(queryset.order_by("position", "id").prefetch_related(*STEP_LINKS))


def _sections(use_case: UseCase) -> list[ScenarioSteps]:
    """The scenarios, those that fit in `STEPS_SHOWN` rows with their steps (one query for them all, and one per
    kind of link), the others collapsed."""
    sections, shown, used = [], [], 0
    for scenario in use_case.scenarios.all():
        fits = not (sections and sections[-1].collapsed) and used + scenario.step_count <= STEPS_SHOWN
        used += scenario.step_count
        section = ScenarioSteps.of(scenario, steps=[], step_count=scenario.step_count, collapsed=not fits)
        sections.append(section)
        if fits and scenario.step_count:
            shown.append(section)
    if shown:
        by_scenario: dict[int, list[Step]] = defaultdict(list)
        for step in _steps(Step.objects.filter(scenario__in=[section.scenario.pk for section in shown])):
            by_scenario[step.scenario_id].append(step)
        for section in shown:
            section.steps = step_rows(step_tree(by_scenario[section.scenario.pk]))
    return sections


def _linked(field_name: str, use_case: UseCase) -> QuerySet:
    """The ids of the objects the use case's steps name in the many-to-many field `field_name`, as a subquery (the
    query of the objects reads them in the same round trip)."""
    relation = Step._meta.get_field(field_name)
    through = relation.remote_field.through
    step_id, target_id = f"{relation.m2m_field_name()}_id", f"{relation.m2m_reverse_field_name()}_id"
    rows = through.objects.filter(**{f"{step_id}__in": Step.objects.filter(scenario__use_case=use_case).values("pk")})
    return rows.values(target_id)


def _drawing_rows(use_case: UseCase, sections: list[ScenarioSteps]) -> list[DrawingRow]:
    """2: a drawing of a step names the step by its full number, also when its scenario is collapsed (the steps of
    those scenarios are then read for their numbers alone)."""
    drawings = list(use_case.drawings.all())
    scenario_by_pk = {section.scenario.pk: section.scenario for section in sections}
    nodes = {node.step.pk: node for section in sections for node in section.steps}
    missing = {drawing.step_id for drawing in drawings if drawing.step_id and drawing.step_id not in nodes}
    if missing:
        scenarios = set(Step.objects.filter(pk__in=missing).values_list("scenario_id", flat=True))
        light = Step.objects.filter(scenario_id__in=scenarios).only("pk", "scenario_id", "parent_id", "number", "name")
        by_scenario: dict[int, list[Step]] = defaultdict(list)
        for step in light.order_by("position", "id"):
            by_scenario[step.scenario_id].append(step)
        for steps in by_scenario.values():
            nodes.update((node.step.pk, node) for node in step_rows(step_tree(steps)))
    return drawing_rows(drawings, scenarios=scenario_by_pk, steps=nodes)


def usecase_page_document(*, user, use_case: UseCase, visible_related: set[int] | None = None) -> UseCaseDocument:
    """Shape a use case from `usecase_page_get` for its page, in a fixed number of queries whatever the number of
    steps: the steps of the scenarios shown, and what sections 5 and 6 list (the information objects and
    requirements the steps name, each read with the ids of those the steps name as a subquery). `visible_related`:
    the related use cases `user` may see, when the caller has read them."""
    conditions = use_case.use_case_conditions
    sections = _sections(use_case)
    information_objects = sorted(
        InformationObject.objects.filter(pk__in=_linked("information_objects", use_case)).prefetch_related(
            "requirements"
        ),
        key=_information_object_key,
    )
    requirement_ids = {
        requirement.pk for section in sections for requirement in section.scenario.requirements.all()
    } | {requirement.pk for item in information_objects for requirement in item.requirements.all()}
    requirements = _unique_by_pk(
        Requirement.objects.filter(Q(pk__in=_linked("requirements", use_case)) | Q(pk__in=requirement_ids)),
        key=_requirement_key,
    )
    return usecase_document_assemble(
        user=user,
        use_case=use_case,
        conditions=conditions,
        scenarios=sections,
        drawings=_drawing_rows(use_case, sections),
        information_objects=information_objects,
        requirements=requirements,
        visible_related=visible_related,
    )


def scenario_step_rows(*, scenario: Scenario) -> list[StepNode]:
    """Every step of the scenario in reading order with its links, as the page numbers them: the print page's
    table of a scenario not shown in the page, in the same few queries whatever the number of steps."""
    return step_rows(step_tree(_steps(Step.objects.filter(scenario=scenario))))


def scenario_step_fragment(*, use_case: UseCase, scenario_pk: int, start: int = 0) -> StepFragment:
    """Rows `start` to `start + STEPS_PER_FRAGMENT` of the scenario's steps in reading order (each step before its
    sub-steps, numbered as the page numbers them): the order is read from a few columns of every step of the
    scenario, the rows shown in full with their links. A fixed number of queries."""
    scenario = get_object_or_404(Scenario.objects.filter(use_case=use_case), pk=scenario_pk)
    light = Step.objects.filter(scenario=scenario).only("pk", "parent_id", "number", "position")
    order = step_rows(step_tree(light.order_by("position", "id")))
    start = max(0, min(start, len(order)))
    page = order[start : start + STEPS_PER_FRAGMENT]
    full = {step.pk: step for step in _steps(Step.objects.filter(pk__in=[node.step.pk for node in page]))}
    steps = [StepNode(full[node.step.pk], node.number, node.depth) for node in page if node.step.pk in full]
    return StepFragment(use_case=use_case, scenario=scenario, steps=steps, start=start, total=len(order))


def step_fragment_locate(*, use_case: UseCase, step_pk: int) -> tuple[int, int]:
    """(scenario pk, start) of the fragment of the use case's steps that holds the step (a 404 for a step of
    another use case): where a link to a step of a collapsed table leads."""
    step = get_object_or_404(Step.objects.filter(scenario__use_case=use_case).only("pk", "scenario_id"), pk=step_pk)
    light = Step.objects.filter(scenario_id=step.scenario_id).only("pk", "parent_id", "number", "position")
    order = [node.step.pk for node in step_rows(step_tree(light.order_by("position", "id")))]
    index = order.index(step.pk)
    return step.scenario_id, index - index % STEPS_PER_FRAGMENT
