"""Rules about the scenarios and their steps (4.1, 4.2), the actors they name (3.1), the information they
exchange (5) and the requirements they refer to (6)."""

import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from usecases.analysis.validation.base import ERROR, INFO, WARNING, Context, Hit, rule, scenario_name, step_name

SERVICES = ("CREATE", "GET", "CHANGE", "DELETE", "CANCEL", "CLOSE", "EXECUTE", "REPORT", "TIMER")
REPEAT = re.compile(r"^REPEAT\s*\(\s*([^()\s-]+)\s*-\s*([^()\s-]+)\s*\)$", re.IGNORECASE)
SERVICE_LIST = ", ".join(SERVICES) + ", REPEAT(X-Y)"


# Steps and the actors of 3.1


def _listed_actors(context: Context) -> set[int]:
    return {role.actor_id for role in context.facts.roles}


def _unlisted_step_actors(context: Context, part: str) -> Iterable[Hit]:
    """A hit for each actor a step names as its `part` ("producer", "receiver") that 3.1 does not list."""
    listed = _listed_actors(context)
    for scenario, node in context.step_rows():
        for actor in getattr(node, f"{part}s"):
            if actor.pk not in listed:
                yield Hit(
                    "4.2",
                    f"step-{node.step.pk}",
                    f"{step_name(scenario, node)}: the information {part} {actor.name} is not listed among the "
                    "actors (3.1).",
                    f"Add {actor.name} to the actors in 3.1, or choose a listed actor as {part}.",
                )


@rule("UC007", ERROR, "Producer not among the actors")
def producer_not_listed(context: Context) -> Iterable[Hit]:
    return _unlisted_step_actors(context, "producer")


@rule("UC008", ERROR, "Receiver not among the actors")
def receiver_not_listed(context: Context) -> Iterable[Hit]:
    return _unlisted_step_actors(context, "receiver")


@rule("UC025", ERROR, "Primary actor not among the actors")
def primary_actor_not_listed(context: Context) -> Iterable[Hit]:
    listed = _listed_actors(context)
    for scenario in context.scenarios:
        for actor in scenario.primary_actors:
            if actor.pk not in listed:
                yield Hit(
                    "4.1",
                    f"scenario-{scenario.scenario.pk}",
                    f"The primary actor {actor.name} of {scenario_name(scenario.scenario)} is not listed among the "
                    "actors (3.1).",
                    f"Add {actor.name} to the actors in 3.1.",
                )


@rule("UC017", WARNING, "Actor takes part in no step")
def unused_actor(context: Context) -> Iterable[Hit]:
    used = {actor.pk for actor in context.facts.primary_actors}
    for scenario in context.scenarios:
        used |= {actor.pk for actor in scenario.primary_actors}
    for _, step in context.step_rows():
        used |= {actor.pk for actor in (*step.producers, *step.receivers, *step.primary_actors)}
    for role in context.facts.roles:
        if role.actor_id not in used:
            yield Hit(
                "3.1",
                f"actorrole-{role.pk}",
                f"The actor {role.actor.name} is listed but produces or receives nothing in any step and is no "
                "primary actor.",
                "Use the actor in a step, or remove it from 3.1.",
            )


@rule("UC023", WARNING, "Information without producer or receiver")
def exchange_without_party(context: Context) -> Iterable[Hit]:
    for scenario, node in context.step_rows():
        if not node.information_objects:
            continue
        missing = [part for part, actors in (("producer", node.producers), ("receiver", node.receivers)) if not actors]
        if missing:
            yield Hit(
                "4.2",
                f"step-{node.step.pk}",
                f"{step_name(scenario, node)} exchanges information but names no {' and no '.join(missing)}.",
                "Name who produces and who receives the information exchanged.",
            )


# Information objects and requirements


def _used_by_steps(context: Context, field: str) -> dict[int, tuple[object, list[str]]]:
    """Library objects named by the steps' `field` (information_objects, requirements), each with the steps."""
    users: dict[int, tuple[object, list[str]]] = {}
    for scenario, node in context.step_rows():
        for item in getattr(node, field):
            users.setdefault(item.pk, (item, []))[1].append(step_name(scenario, node).lower())
    return users


def _information_users(context: Context) -> dict[int, tuple[object, list[str]]]:
    return _used_by_steps(context, "information_objects")


# The information objects and requirements are the libraries', which only curators change: what is wrong with them
# the author of a use case cannot fix, so it is a warning, fixed in the library (the Fix of who may change it).


@rule("UC009", WARNING, "Information exchanged without ID")
def information_without_id(context: Context) -> Iterable[Hit]:
    for information_object, numbers in _information_users(context).values():
        if not information_object.identifier.strip():
            yield Hit(
                "5",
                f"informationobject-{information_object.pk}",
                f"The information exchanged '{information_object.name}' has no ID ({', '.join(numbers)}).",
                "A library curator gives it an information exchanged ID in the library (section 5).",
            )


def _ambiguous(items: Iterable) -> Iterable[tuple[Any, str]]:
    """Those of `items` whose ID (ignoring case and surrounding space) another of them has too, each with its ID. Only
    a use case's own objects are compared: an ID such as "Info1" means something in its use case, and other files
    reuse it for other objects."""
    items = list(items)
    counts = Counter(key for item in items if (key := item.identifier.strip().casefold()))
    for item in items:
        identifier = item.identifier.strip()
        if counts[identifier.casefold()] > 1:
            yield item, identifier


@rule("UC026", WARNING, "Information exchanged ID defined twice")
def information_id_ambiguous(context: Context) -> Iterable[Hit]:
    information_objects = (information_object for information_object, _ in _information_users(context).values())
    for information_object, identifier in _ambiguous(information_objects):
        yield Hit(
            "5",
            f"informationobject-{information_object.pk}",
            f"The information exchanged ID {identifier} names more than one information object of this use case, so "
            "it is ambiguous.",
            "A library curator merges the information objects or gives one of them another ID.",
        )


def _requirement_users(context: Context) -> dict[int, tuple[object, list[str]]]:
    users = _used_by_steps(context, "requirements")
    for scenario in context.scenarios:
        for requirement in scenario.requirements:
            users.setdefault(requirement.pk, (requirement, []))[1].append(scenario_name(scenario.scenario))
    return users


@rule("UC010", WARNING, "Requirement without R-ID")
def requirement_without_id(context: Context) -> Iterable[Hit]:
    for requirement, users in _requirement_users(context).values():
        if not requirement.identifier.strip():
            yield Hit(
                "6",
                f"requirement-{requirement.pk}",
                f"The requirement '{requirement.name}' has no R-ID ({', '.join(users)}).",
                "A library curator gives the requirement an R-ID in the requirement library.",
            )


@rule("UC027", WARNING, "R-ID defined twice")
def requirement_id_ambiguous(context: Context) -> Iterable[Hit]:
    for requirement, identifier in _ambiguous(requirement for requirement, _ in _requirement_users(context).values()):
        yield Hit(
            "6",
            f"requirement-{requirement.pk}",
            f"The R-ID {identifier} names more than one requirement of this use case, so it is ambiguous.",
            "A library curator merges the requirements or gives one of them another R-ID.",
        )


# Numbering


@rule("UC013", ERROR, "Duplicate scenario number")
def duplicate_scenario_number(context: Context) -> Iterable[Hit]:
    scenarios = [item.scenario for item in context.scenarios]
    counts = Counter(scenario.number.strip() for scenario in scenarios if scenario.number.strip())
    for scenario in scenarios:
        number = scenario.number.strip()
        if counts[number] > 1:
            yield Hit(
                "4.1",
                f"scenario-{scenario.pk}",
                f"The scenario number {number} is used by {counts[number]} scenarios ('{scenario.name}').",
                "Number the scenarios uniquely.",
            )


@rule("UC014", WARNING, "Scenario without number")
def scenario_without_number(context: Context) -> Iterable[Hit]:
    for scenario in (item.scenario for item in context.scenarios):
        if not scenario.number.strip():
            yield Hit(
                "4.1",
                f"scenario-{scenario.pk}",
                f"The scenario '{scenario.name}' has no number.",
                "Number the scenarios (1, 2, ...).",
            )


@rule("UC015", ERROR, "Duplicate step number")
def duplicate_step_number(context: Context) -> Iterable[Hit]:
    for item in context.scenarios:
        scenario, rows = item.scenario, item.steps
        counts = Counter(node.number for node in rows if node.step.number.strip())
        for node in rows:
            if node.step.number.strip() and counts[node.number] > 1:
                yield Hit(
                    "4.2",
                    f"step-{node.step.pk}",
                    f"The step number {node.number} appears {counts[node.number]} times in "
                    f"{scenario_name(scenario)} ('{node.step.name}').",
                    "Number the steps of a scenario uniquely (sub-steps as 2.1, 2.2, ...).",
                )


@rule("UC016", WARNING, "Step without number")
def step_without_number(context: Context) -> Iterable[Hit]:
    for scenario, node in context.step_rows():
        if not node.step.number.strip():
            yield Hit(
                "4.2",
                f"step-{node.step.pk}",
                f"A step of {scenario_name(scenario)} has no number ('{node.step.name}', shown as {node.number}).",
                "Number every step (its Fix offers the number it is shown as).",
            )


@rule("UC024", WARNING, "Scenario without steps")
def scenario_without_steps(context: Context) -> Iterable[Hit]:
    for scenario in (item.scenario for item in context.scenarios if not item.steps):
        yield Hit(
            "4.2",
            f"scenario-{scenario.pk}-steps",
            f"The {scenario_name(scenario)} ('{scenario.name}') has no steps.",
            "Describe the scenario step by step (4.2).",
        )


# Services


@rule("UC018", WARNING, "Service outside the IEC 62559-2 list")
def service_not_in_list(context: Context) -> Iterable[Hit]:
    for scenario, node in context.step_rows():
        service = node.step.service.strip()
        if service and service.upper() not in SERVICES and not REPEAT.match(service):
            hint = (
                "REPEAT needs the steps it repeats: REPEAT(X-Y)."
                if service.upper() == "REPEAT"
                else f"Use one of {SERVICE_LIST}; describe internal processing in the step's description."
            )
            yield Hit(
                "4.2",
                f"step-{node.step.pk}",
                f"{step_name(scenario, node)}: the service '{service}' is not one of the IEC 62559-2 list.",
                hint,
            )


@rule("UC019", WARNING, "REPEAT refers to missing steps")
def repeat_refers_to_missing_steps(context: Context) -> Iterable[Hit]:
    for item in context.scenarios:
        scenario, rows = item.scenario, item.steps
        numbers = {node.number for node in rows} | {node.step.number.strip() for node in rows}
        for node in rows:
            found = REPEAT.match(node.step.service.strip())
            if not found:
                continue
            missing = [number for number in found.groups() if number not in numbers]
            if missing:
                yield Hit(
                    "4.2",
                    f"step-{node.step.pk}",
                    f"{step_name(scenario, node)}: {node.step.service.strip()} refers to step "
                    f"{' and '.join(missing)}, which {scenario_name(scenario)} does not have.",
                    "Name the first and last step to repeat, by their numbers in this scenario.",
                )


@rule("UC030", INFO, "Step without service")
def step_without_service(context: Context) -> Iterable[Hit]:
    for scenario, node in context.step_rows():
        if not node.step.service.strip() and (node.producers or node.receivers):
            yield Hit(
                "4.2",
                f"step-{node.step.pk}",
                f"{step_name(scenario, node)} names no service.",
                f"Say how the information is exchanged: {SERVICE_LIST}.",
            )
