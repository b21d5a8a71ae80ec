"""Reads of the data access matrix: the use cases a selection names (only those the user may see), their steps read
into `Exchange`s in a fixed number of queries however many use cases there are (the same from the frozen documents
of a use case's versions: `sgam.access_matrix.versions`).

Where a step names an actor that is also the name of one of the use case's actor groupings (section 3.1), the step
stands for the actors of that grouping: each of them produces or receives, justified by the step "via" the grouping.
A role's SGAM zones and NIST domains are its effective placements in the use cases of the selection that give it a
cell: where a use case places the actor (its 3.1 row), else where the actor is placed by default."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace

from django.db.models import Q, QuerySet
from django.http import QueryDict

from actors.models import Actor
from sgam.access_matrix.filters import AccessMatrixFilterSet, cell_filter_from
from sgam.access_matrix.model import (
    AccessMatrix,
    Cell,
    CellFilter,
    Exchange,
    Information,
    Role,
    cells_filtered,
    name_key,
)
from sgam.models import NistDomain, NistPlacement, SgamPlacement, Zone
from ucmr.permissions import visible_to
from usecases.models import ActorRole, InformationObject, Step, UseCase
from usecases.selectors import USECASE_ORDERING, step_rows, step_tree


@dataclass(frozen=True, slots=True)
class StepRow:
    """What the matrix reads of a step (and `step_tree` nests): thousands of them are read, as plain rows."""

    pk: int
    parent_id: int | None
    number: str
    name: str
    scenario_id: int
    scenario_number: str
    scenario_name: str
    use_case_id: int


def access_matrix_usecases(*, user) -> QuerySet[UseCase]:
    """The use cases a selection may take: those the user may see (the list's filters narrow them further)."""
    return visible_to(user, UseCase.objects.listed().select_related("workspace")).order_by(*USECASE_ORDERING)


def _use_case_label(use_case: UseCase) -> str:
    return str(use_case)


def _zone_names(rows: Iterable[tuple], zones: dict[int, Zone]) -> dict[tuple, list[Zone]]:
    placed: dict[tuple, list[Zone]] = {}
    for *key, zone_id in rows:
        found = placed.setdefault(tuple(key), [])  # placed, even where the placement leaves the zone open
        if zone_id in zones and zones[zone_id] not in found:
            found.append(zones[zone_id])
    return placed


def _domains(rows: Iterable[tuple], domains: dict[int, NistDomain]) -> dict[tuple, list[NistDomain]]:
    placed: dict[tuple, list[NistDomain]] = {}
    for *key, domain_id in rows:
        found = placed.setdefault(tuple(key), [])
        if domains[domain_id] not in found:
            found.append(domains[domain_id])
    return placed


def _expand(actor_ids: Iterable[int], groupings: dict[str, list[int]], names: dict[int, str]) -> list[tuple[int, str]]:
    """The step's actors, those that name a grouping of the use case replaced by the grouping's actors."""
    expanded: dict[int, str] = {}
    for actor_id in actor_ids:
        members = groupings.get(name_key(names.get(actor_id, "")), [])
        members = [member for member in members if member != actor_id]
        if members:
            for member in members:
                expanded.setdefault(member, names.get(actor_id, ""))
        else:
            expanded[actor_id] = ""
    return list(expanded.items())


def _selection_steps(selection: QuerySet) -> list[StepRow]:
    """The steps of the selection's use cases, in the order the use case pages show them (one query)."""
    return [
        StepRow(*row)
        for row in Step.objects.filter(scenario__use_case__in=selection)
        .order_by("scenario__use_case_id", "scenario__position", "scenario_id", "position", "pk")
        .values_list(
            "pk",
            "parent_id",
            "number",
            "name",
            "scenario_id",
            "scenario__number",
            "scenario__name",
            "scenario__use_case_id",
        )
    ]


def _selection_links(selection: QuerySet) -> dict[str, dict[int, list[int]]]:
    """Each step's producers, receivers and information objects, by relation then step (one query each)."""
    links = {}
    for relation in ("producers", "receivers", "information_objects"):
        through = getattr(Step, relation).through
        target = getattr(Step, relation).field.m2m_reverse_field_name()
        rows = through.objects.filter(step__scenario__use_case__in=selection).values_list("step_id", f"{target}_id")
        by_step: dict[int, list[int]] = defaultdict(list)
        for step_id, target_id in rows.order_by("pk"):
            by_step[step_id].append(target_id)
        links[relation] = by_step
    return links


def _selection_groupings(grouped: QuerySet[ActorRole]) -> dict[int, dict[str, list[int]]]:
    """The actors of each use case's named groupings (section 3.1): use case -> grouping's name key -> actors."""
    groupings: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for use_case_id, grouping_name, actor_id in grouped.order_by("position", "pk").values_list(
        "use_case_id", "grouping__name", "actor_id"
    ):
        groupings[use_case_id][name_key(grouping_name)].append(actor_id)
    return groupings


def _selection_actors(selection: QuerySet, grouped: QuerySet[ActorRole]) -> tuple[dict[int, Actor], QuerySet]:
    """The actors producing or receiving in the selection's steps or in one of its groupings (one query), and the
    query naming their keys (which `_roles` reads again inside its own)."""
    in_steps = [
        getattr(Step, relation).through.objects.filter(step__scenario__use_case__in=selection).values("actor_id")
        for relation in ("producers", "receivers")
    ]
    involved = Q(pk__in=in_steps[0]) | Q(pk__in=in_steps[1]) | Q(pk__in=grouped.values("actor_id"))
    actor_ids = Actor.objects.filter(involved).values("pk")
    actors = {actor.pk: actor for actor in Actor.objects.filter(pk__in=actor_ids).only("pk", "name", "mrid")}
    return actors, actor_ids


def _selection_information(selection: QuerySet) -> dict[str, Information]:
    """The information objects the selection's steps exchange, by mRID (one query)."""
    information_ids = Step.information_objects.through.objects.filter(step__scenario__use_case__in=selection)
    return {
        str(item.mrid): Information(
            key=str(item.mrid),
            identifier=item.identifier,
            name=item.name,
            data_class=item.data_class,
            standards=item.standards,
            pk=item.pk,
            url=item.get_absolute_url(),
        )
        for item in InformationObject.objects.filter(pk__in=information_ids.values("informationobject_id")).only(
            "pk", "mrid", "identifier", "name", "data_class", "standards"
        )
    }


def access_matrix_get(*, use_cases: QuerySet[UseCase]) -> AccessMatrix:
    """The matrix of `use_cases` (already narrowed to what the user may see, see `access_matrix_usecases`) in a
    fixed number of queries (eleven), whatever the number of use cases, steps, actors and information objects."""
    selection = use_cases.order_by().values("pk")
    listed = list(use_cases.select_related("workspace").only("pk", "identifier", "name", "workspace__name"))
    labels = {use_case.pk: (_use_case_label(use_case), use_case.get_absolute_url()) for use_case in listed}
    steps = _selection_steps(selection)
    links = _selection_links(selection)
    grouped = ActorRole.objects.filter(use_case__in=selection, grouping__isnull=False).exclude(grouping__name="")
    groupings = _selection_groupings(grouped)
    actors, actor_ids = _selection_actors(selection, grouped)
    names = {pk: actor.name for pk, actor in actors.items()}
    information = _selection_information(selection)
    information_keys = {item.pk: key for key, item in information.items()}

    exchanges, involved = _exchanges(steps, links, groupings, names, labels, information_keys)
    roles = _roles(actors, involved, selection, actor_ids)
    return AccessMatrix.build(
        use_cases=[(use_case.pk, labels[use_case.pk][0]) for use_case in listed],
        exchanges=exchanges,
        roles=roles,
        information=information,
    )


def _exchanges(steps, links, groupings, names, labels, information_keys) -> tuple[list[Exchange], set[tuple]]:
    """Every step as an Exchange (those exchanging no information too: a role producing in them acts in the use
    case), numbered as the use case page numbers it; `involved`: (use case, actor) pairs that give a cell."""
    by_scenario: dict[int, list[StepRow]] = defaultdict(list)
    for step in steps:
        by_scenario[step.scenario_id].append(step)
    exchanges, involved = [], set()
    for scenario_steps in by_scenario.values():
        first = scenario_steps[0]
        use_case_id, scenario = first.use_case_id, f"{first.scenario_number} {first.scenario_name}".strip()
        label, url = labels[use_case_id]
        for node in step_rows(step_tree(scenario_steps)):
            step = node.step
            information = tuple(
                information_keys[pk] for pk in links["information_objects"].get(step.pk, ()) if pk in information_keys
            )
            sides = []
            for relation in ("producers", "receivers"):
                expanded = _expand(links[relation].get(step.pk, ()), groupings.get(use_case_id, {}), names)
                if information:
                    involved.update((use_case_id, actor_id) for actor_id, _ in expanded)
                sides.append(tuple((actor_id, via) for actor_id, via in expanded))
            exchanges.append(
                Exchange(
                    use_case_pk=use_case_id,
                    use_case=label,
                    use_case_url=url,
                    scenario=scenario,
                    step_pk=step.pk,
                    step_number=node.number,
                    step_name=step.name,
                    producers=tuple((name_key(names[pk]), via) for pk, via in sides[0]),
                    receivers=tuple((name_key(names[pk]), via) for pk, via in sides[1]),
                    information=information,
                )
            )
    return exchanges, involved


def _roles(actors: dict[int, Actor], involved: set[tuple[int, int]], selection, actor_ids) -> dict[str, Role]:
    """The roles with their effective zones and NIST domains over the use cases in which they exchange."""
    zones = {zone.pk: zone for zone in Zone.objects.all()}
    nist = {domain.pk: domain for domain in NistDomain.objects.all()}
    role_zones = _zone_names(
        SgamPlacement.objects.filter(actor_role__use_case__in=selection).values_list(
            "actor_role__use_case_id", "actor_role__actor_id", "zone_id"
        ),
        zones,
    )
    role_nist = _domains(
        NistPlacement.objects.filter(actor_role__use_case__in=selection).values_list(
            "actor_role__use_case_id", "actor_role__actor_id", "nist_domain_id"
        ),
        nist,
    )
    default_zones = _zone_names(
        SgamPlacement.objects.filter(actor__in=actor_ids).values_list("actor_id", "zone_id"), zones
    )
    default_nist = _domains(
        NistPlacement.objects.filter(actor__in=actor_ids).values_list("actor_id", "nist_domain_id"), nist
    )
    zones_of: dict[int, set[Zone]] = defaultdict(set)
    nist_of: dict[int, set[NistDomain]] = defaultdict(set)
    for use_case_id, actor_id in involved:
        key = (use_case_id, actor_id)
        zones_of[actor_id].update(role_zones[key] if key in role_zones else default_zones.get((actor_id,), []))
        nist_of[actor_id].update(role_nist[key] if key in role_nist else default_nist.get((actor_id,), []))
    roles = {}
    for actor_id in {actor_id for _, actor_id in involved}:
        actor = actors[actor_id]
        roles[name_key(actor.name)] = Role(
            key=name_key(actor.name),
            name=actor.name,
            pk=actor.pk,
            mrid=str(actor.mrid),
            url=actor.get_absolute_url(),
            zones=[zone.name for zone in sorted(zones_of[actor_id], key=lambda zone: zone.order)],
            nist_domains=[
                (domain.code, domain.name) for domain in sorted(nist_of[actor_id], key=lambda domain: domain.order)
            ],
        )
    return roles


def nist_domain_choices() -> list[tuple[str, str]]:
    return list(NistDomain.objects.order_by("order").values_list("code", "name"))


@dataclass
class MatrixSelection:
    """What a request selects: its filters (`valid` or not), the matrix of the use cases they select (among those
    the user may see) and the cells its cell filters keep, in their order."""

    filterset: AccessMatrixFilterSet
    valid: bool
    matrix: AccessMatrix
    cell_filter: CellFilter
    cells: list[Cell]


def access_matrix_select(*, user, params: QueryDict, request=None) -> MatrixSelection:
    """`request`: the page's or API's (the filters read their choices as its user); none outside a request."""
    request = request or SimpleNamespace(user=user)
    filterset = AccessMatrixFilterSet(params or None, queryset=access_matrix_usecases(user=user), request=request)
    valid = not filterset.is_bound or filterset.is_valid()
    use_cases = filterset.qs if valid else UseCase.objects.none()
    matrix = access_matrix_get(use_cases=use_cases)
    cell_filter = cell_filter_from(params)
    return MatrixSelection(filterset, valid, matrix, cell_filter, cells_filtered(matrix, cell_filter))
