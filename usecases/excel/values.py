"""What goes in a use case sheet's cells: template key (`layout.FIELDS`) -> the values, one per column (a single
value is a list of one), as the writer (`usecases.excel.writer`) lays them out.

Written so that `usecases.excel.reader` reads back what was written:
- A reference cell the Excel import kept as found (the reader's `extra`: a step's "producer", "receiver" and
  "information", a scenario's "primary_actor", a KPI's "objectives", an information item's "requirements", the use
  case's "relations") is written as found while the reader, reading it back, finds the same objects in it (its
  own `ActorIndex` and `InformationIndex` decide), text it could not resolve included; else the names of the
  objects referred to (information by ID).
- Actors take one column per grouping they are in, with the grouping's name and description in the same column
  (rows 44 and 45 aligned with the actors), which the reader takes as membership.
- Objectives are one a line in their one cell, by name (a KPI's row 24 names them the same way).
"""

from collections.abc import Callable
from typing import Any

from usecases.excel import layout
from usecases.excel.layout import Row
from usecases.exchange.office_names import (
    ActorIndex,
    InformationIndex,
    RequirementIndex,
    UseCaseIndex,
    fold,
    relation_parts,
    split_lines,
)
from usecases.template import Spelling, written_columns
from usecases.xml import document as doc
from usecases.xml.document import iter_steps
from usecases.xml.library import Library
from usecases.xml.vocabulary import actor_type_spelling

LIST_SEPARATOR = ", "  # what the template's comments ask for: authors, business cases, information IDs
NAME_SEPARATOR = "\n"  # actor and objective names may hold commas: one per line
UNGROUPED_NAME = "Actors"

# The tables of `usecases.template` the sheet writes as a block of rows, an object a column: the block, and the row
# of the block each of the table's columns is (by `Column.ref`; None where the block has no row for it). A column the
# block has no row for (one the template adds) gets one after the block's rows (`added_rows`), labelled as the
# template labels it. The template's order does not move the block's rows: the BRIDGE layout places them, and a
# reader falls back on their places.
BLOCKS: dict[str, tuple[str, dict[str, str | None]]] = {
    "versions": (
        layout.VERSIONS,
        {
            "number": "version.number",
            "date": "version.date",
            "authors": "version.authors",
            "changes": "version.changes",
            "approval_status": "version.approval_status",
        },
    ),
    "kpis": (
        layout.KPIS,
        {
            "identifier": "kpi.identifier",
            "name": "kpi.name",
            "description": "kpi.description",
            "objectives": "kpi.objectives",
        },
    ),
    "remarks": (layout.REMARKS, {"text": "remark"}),
    "drawings": (
        layout.DRAWINGS,
        {
            "name": "drawing.name",
            "drawing_type": "drawing.type",
            "scenario": None,  # what a drawing refers to: the template has no row for it
            "uri": "drawing.uri",
            "image": None,  # the image itself, in the URI's cell
        },
    ),
    "actors": (
        layout.ACTORS,
        {
            "actor": "actor.name",
            "actor_type": "actor.type",
            "Actor description": "actor.description",
            "grouping": None,  # rows 44 and 45, a block of their own
            "further_information": "actor.further_information",
        },
    ),
    "references": (
        layout.REFERENCES,
        {
            "number": "reference.number",
            "reference_type": "reference.type",
            "name": "reference.name",
            "status": "reference.status",
            "impact": "reference.impact",
            "originator": "reference.originator",
            "link": "reference.link",
        },
    ),
    "scenarios": (
        layout.SCENARIOS,
        {
            "number": "scenario.number",
            "name": "scenario.name",
            "description": "scenario.description",
            "primary_actors": "scenario.primary_actor",
            "Triggering event": "scenario.triggering_event",
            "Pre-condition": "scenario.precondition",
            "Post-condition": "scenario.postcondition",
            "requirements": None,  # the template has no row for a scenario's requirements
        },
    ),
    "steps": (
        layout.STEPS,
        {
            "number": "step.number",
            "event": "step.event",
            "name": "step.name",
            "description": "step.description",
            "service": "step.service",
            "producers": "step.producer",
            "receivers": "step.receiver",
            "information_objects": "step.information",
            "requirements": None,  # linked to the information a step exchanges (row 81), as the template has them
        },
    ),
    "information": (
        layout.INFORMATION,
        {
            "identifier": "information.identifier",
            "name": "information.name",
            "description": "information.description",
            "requirements": "information.requirements",
        },
    ),
    "requirements": (
        layout.REQUIREMENTS,
        {
            "Category": None,  # rows 87 to 89, a block of their own
            "Requirement R-ID": "requirement.identifier",
            "Requirement name": "requirement.name",
            "Requirement description": "requirement.description",
        },
    ),
}


def _added(table: str, subject: Callable[[Any], Any] = lambda row: row):
    """The columns of template table `table` its block has no row for, in the template's order."""
    keys = BLOCKS[table][1]
    spellings = {ref: Spelling(key) if key else None for ref, key in keys.items()}
    return [column for column in written_columns(table, spellings, subject) if not column.key]


def added_rows() -> list[Row]:
    """The rows of the template's columns the BRIDGE template has not, each after the rows of its block (as
    `_added` keys their values), in the template's order."""
    return [
        Row(0, column.label, key=_added_key(table, column.label), block=BLOCKS[table][0])
        for table in BLOCKS
        for column in _added(table)
    ]


def _added_key(table: str, label: str) -> str:
    return f"{table}:{label}"


def sheet_values(use_case: doc.UseCase, *, library: Library) -> dict[str, list[Any]]:
    """The values of a use case's sheet by `layout` key: for a single field a list of one, for a field of a repeated
    block the values of its objects, in column order."""
    values = _description_values(use_case, library)
    values |= _block(
        "drawings",
        written_drawings(use_case),
        {
            "drawing.name": lambda drawing: drawing.name,
            "drawing.type": lambda drawing: drawing.extra.get("drawing_type") or drawing.drawing_type.replace(" ", "_"),
            "drawing.uri_type": lambda drawing: drawing.uri_type,
            "drawing.uri": lambda drawing: drawing.uri,
        },
    )
    actor_values, actors = _actors(use_case, library)
    values |= actor_values
    values |= _block(
        "references",
        use_case.references,
        {
            "reference.name": lambda reference: reference.name,
            "reference.number": lambda reference: reference.number,
            "reference.type": lambda reference: reference.reference_type,
            "reference.description": lambda reference: reference.description,
            "reference.status": lambda reference: reference.status,
            "reference.impact": lambda reference: reference.impact,
            "reference.originator": lambda reference: reference.originator,
            "reference.link": lambda reference: reference.link,
        },
    )
    actor_index = ActorIndex(actors)
    values |= _scenario_values(use_case, library, actor_index)
    information = _used_information(use_case, library)
    values |= _step_values(use_case, library, actor_index, InformationIndex(information))
    values |= _information_values(information, library)
    return values


def _description_values(use_case: doc.UseCase, library: Library) -> dict[str, list[Any]]:
    """Section 1: the use case's own fields, its versions, KPIs, conditions and remarks."""
    values: dict[str, list[Any]] = {
        "identifier": [use_case.identifier],
        "area": [use_case.area],
        "name": [use_case.name],
        "scope": [use_case.scope],
        "objectives": [_objectives(use_case.objectives)],
        "business_cases": [_names(library.business_cases, use_case.business_case_refs, LIST_SEPARATOR)],
        "short_description": [use_case.short_description],
        "complete_description": [use_case.complete_description],
        "relations": [_relations(use_case, library)],
        "level_of_depth": [use_case.level_of_depth],
        "prioritisation": [use_case.prioritisation],
        "classification": [use_case.classification],
        "nature": [use_case.nature],
        "keywords": [use_case.keywords],
    }
    values |= _block("remarks", use_case.remarks, {"remark": lambda remark: remark.text})
    values |= _block(
        "versions",
        use_case.versions,
        {
            "version.number": lambda version: version.number,
            "version.date": lambda version: version.date or version.extra.get("date", ""),
            "version.authors": lambda version: LIST_SEPARATOR.join(a.name for a in version.authors if a.name),
            "version.changes": lambda version: version.changes,
            "version.approval_status": lambda version: version.approval_status,
        },
    )
    objectives = {objective.mrid: objective for objective in use_case.objectives}
    values |= _block(
        "kpis",
        use_case.kpis,
        {
            "kpi.identifier": lambda kpi: kpi.identifier,
            "kpi.name": lambda kpi: kpi.name,
            "kpi.description": lambda kpi: kpi.description,
            "kpi.objectives": lambda kpi: _reference_text(
                kpi.extra.get("objectives", ""),
                _objects(objectives, kpi.objective_refs),
                lambda text: _objective_refs(text, use_case.objectives),
            ),
        },
    )
    for kind in ("assumption", "prerequisite"):
        values[kind] = [_condition(c) for c in use_case.conditions if c.kind == kind]
    return values


def _scenario_values(use_case: doc.UseCase, library: Library, actor_index: ActorIndex) -> dict[str, list[Any]]:
    """Section 4.1: a column per scenario."""
    return _block(
        "scenarios",
        use_case.scenarios,
        {
            "scenario.number": lambda scenario: scenario.number,
            "scenario.name": lambda scenario: scenario.name,
            "scenario.description": lambda scenario: scenario.description,
            "scenario.primary_actor": lambda scenario: _reference_text(
                scenario.extra.get("primary_actor", ""),
                _objects(library.actors, scenario.primary_actor_refs),
                actor_index.resolve,
            ),
            "scenario.triggering_event": lambda scenario: _conditions(scenario, "triggering_event"),
            "scenario.precondition": lambda scenario: _conditions(scenario, "precondition"),
            "scenario.postcondition": lambda scenario: _conditions(scenario, "postcondition"),
        },
    )


def _used_information(use_case: doc.UseCase, library: Library) -> list[doc.InformationObject]:
    """Section 5: the information the use case's steps exchange, in the library's order."""
    used = {
        ref
        for scenario in use_case.scenarios
        for step in iter_steps(scenario.steps)
        for ref in step.information_object_refs
    }
    return sorted(
        (library.information_objects[ref] for ref in used if ref in library.information_objects),
        key=lambda item: library.information_order.get(item.mrid, len(library.information_order)),
    )


def _step_values(
    use_case: doc.UseCase, library: Library, actor_index: ActorIndex, information_index: InformationIndex
) -> dict[str, list[Any]]:
    """Section 4.2: a column per step, the scenarios' steps one after the other."""
    steps = [(scenario, step) for scenario in use_case.scenarios for step in iter_steps(scenario.steps)]
    return _block(
        "steps",
        steps,
        {
            "step.scenario_name": lambda pair: pair[0].name,
            "step.number": lambda pair: pair[1].number,
            "step.event": lambda pair: pair[1].event,
            "step.name": lambda pair: pair[1].name,
            "step.description": lambda pair: pair[1].description,
            "step.service": lambda pair: pair[1].service,
            "step.producer": lambda pair: _reference_text(
                pair[1].extra.get("producer", ""), _objects(library.actors, pair[1].producer_refs), actor_index.resolve
            ),
            "step.receiver": lambda pair: _reference_text(
                pair[1].extra.get("receiver", ""), _objects(library.actors, pair[1].receiver_refs), actor_index.resolve
            ),
            "step.information": lambda pair: _reference_text(
                pair[1].extra.get("information", ""),
                _objects(library.information_objects, pair[1].information_object_refs),
                information_index.resolve,
                separator=LIST_SEPARATOR,
            ),
            "step.scenario_number": lambda pair: pair[0].number,
        },
        subject=lambda pair: pair[1],
    )


def _information_values(information: list[doc.InformationObject], library: Library) -> dict[str, list[Any]]:
    """Section 5 (a column per information item), and 6: the requirements the information links, each in a column
    of its own with its category in the same column, which the reader takes as membership (the ETRA variant's rows
    86 to 93)."""
    requirements = _objects(library.requirements, [ref for item in information for ref in item.requirement_refs])
    requirement_index = RequirementIndex(requirements)
    values = _block(
        "information",
        information,
        {
            "information.requirements": lambda item: _reference_text(
                item.extra.get("requirements", ""),
                _objects(library.requirements, item.requirement_refs),
                requirement_index.resolve,
                separator=LIST_SEPARATOR,
            ),
            "information.identifier": lambda item: item.identifier,
            "information.name": lambda item: item.name,
            "information.description": lambda item: item.description,
        },
    )
    if requirements:
        categories = [library.categories.get(requirement.mrid) for requirement in requirements]
        values |= _block(
            "requirements",
            list(zip(requirements, categories, strict=True)),
            {
                "category.identifier": lambda pair: pair[1].identifier if pair[1] else "",
                "category.name": lambda pair: pair[1].name if pair[1] else "",
                "category.description": lambda pair: pair[1].description if pair[1] else "",
                "requirement.identifier": lambda pair: pair[0].identifier,
                "requirement.name": lambda pair: pair[0].name,
                "requirement.description": lambda pair: pair[0].description,
            },
            subject=lambda pair: pair[0],
        )
    return values


def written_drawings(use_case: doc.UseCase) -> list[doc.Drawing]:
    """The drawings of section 2 a sheet has, one a column (not the diagrams UCMR generates)."""
    return [drawing for drawing in use_case.drawings if not isinstance(drawing, doc.GeneratedDrawing)]


def _block(
    table: str, objects: list, getters: dict[str, Any], *, subject: Callable[[Any], Any] = lambda row: row
) -> dict[str, list[Any]]:
    """The values of the block of template table `table`: its rows' (`getters`, by key) and those of the template's
    columns it has no row for (`added_rows`), of the objects in column order."""
    values = {key: [getter(item) for item in objects] for key, getter in getters.items()}
    for column in _added(table, subject):
        values[_added_key(table, column.label)] = [column.cell(item) for item in objects]
    return values


def _objects(objects: dict[str, Any], refs: list[str]) -> list:
    """The objects `refs` names, in its order, once each (an mRID the document does not define is left out)."""
    return [objects[ref] for ref in dict.fromkeys(refs) if ref in objects]


def _label(item: Any) -> str:
    """How a cell names an object: information and requirements by their ID, the others by name."""
    return getattr(item, "identifier", "") or getattr(item, "name", "")


def _names(objects: dict[str, Any], refs: list[str], separator: str) -> str:
    return separator.join(dict.fromkeys(label for label in map(_label, _objects(objects, refs)) if label))


def _reference_text(
    raw: str,
    chosen: list,
    resolve: Callable[[str], tuple[list[str], list[str]] | list[str]],
    *,
    separator: str = NAME_SEPARATOR,
) -> str:
    """A cell that names objects (`chosen`): the text the Excel import found there while the reader, reading it
    back (`resolve`), finds exactly these objects in it, so that what it could not resolve is kept; else their
    labels, one a line (IDs comma-separated)."""
    if raw:
        resolved = resolve(raw)
        refs = resolved[0] if isinstance(resolved, tuple) else resolved
        if refs == [item.mrid for item in chosen]:
            return raw
    return separator.join(dict.fromkeys(label for label in map(_label, chosen) if label))


def _objective_refs(text: str, objectives: list[doc.Objective]) -> list[str]:
    """The objectives a KPI's row 24 names, as the reader finds them (`reader._SheetReader.kpis`)."""
    if fold(text) in {"all", "all objectives"}:
        return [objective.mrid for objective in objectives]
    by_name = {fold(objective.name): objective.mrid for objective in objectives}
    parts = [fold(part) for part in [text, *split_lines(text.replace(",", "\n"))]]
    return list(dict.fromkeys(by_name[part] for part in parts if part in by_name))


def _objectives(objectives: list[doc.Objective]) -> str:
    """All objectives in the one cell the template has, one a line, by name (a KPI names them so in row 24)."""
    return NAME_SEPARATOR.join(objective.name for objective in objectives if objective.name)


def _condition(condition: doc.Condition) -> str:
    return condition.description or condition.name


def _conditions(scenario: doc.Scenario, kind: str) -> str:
    return NAME_SEPARATOR.join(_condition(c) for c in scenario.conditions if c.kind == kind and _condition(c))


def _relations(use_case: doc.UseCase, library: Library) -> str:
    """Row 29: the text the Excel import found there while the reader, reading it back, finds in it exactly the
    relations the use case has (`reader.relation_parts`, by ID or name), so that prose beside them is kept; else one
    related use case a line, by ID (else by name), the type of the relation in brackets."""
    relations = [relation for relation in use_case.relations if relation.use_case_ref in library.use_cases]
    raw = use_case.extra.get("relations", "")
    if raw:
        index = UseCaseIndex(list(library.use_cases.values()))
        found = {(index.find(part), part.type) for part in relation_parts(raw)} - {("", "")}
        found = {(ref, kind) for ref, kind in found if ref and ref != use_case.mrid}
        if found == {(relation.use_case_ref, relation.type) for relation in relations}:
            return raw
    lines = []
    for relation in relations:
        target = library.use_cases[relation.use_case_ref]
        label = target.identifier or target.name
        if label:
            lines.append(f"{label} ({relation.type})" if relation.type else label)
    return NAME_SEPARATOR.join(lines)


def _actors(use_case: doc.UseCase, library: Library) -> tuple[dict[str, list[Any]], list[doc.Actor]]:
    """(the values of rows 44 to 49, the actors of the use case): the actors of its groupings, then those a scenario
    or step names that are in none, with what is specific to each in this use case.

    Who is in which grouping is told as the reader understands it. Where every actor is in the grouping named as its
    type or in the default one (unnamed, or "Actors" as the reader calls the actors it finds in no grouping), the
    groupings are a list of their own, as most authors of the template write them; else each actor's column carries
    its grouping's name and description (an actor of two groupings has two columns), and groupings without actors
    are left out."""
    columns: list[tuple[doc.ActorGrouping | None, doc.Actor, str]] = []
    for grouping in use_case.actor_groupings:
        for information in grouping.further_actor_information:
            for ref in dict.fromkeys(information.actor_refs):
                if ref in library.actors:
                    columns.append((grouping, library.actors[ref], information.description))
    placed = {actor.mrid for _, actor, _ in columns}
    steps = [step for scenario in use_case.scenarios for step in iter_steps(scenario.steps)]
    named = [
        *use_case.primary_actor_refs,
        *(ref for scenario in use_case.scenarios for ref in scenario.primary_actor_refs),
        *(ref for step in steps for ref in [*step.producer_refs, *step.receiver_refs, *step.primary_actor_refs]),
    ]
    unplaced = [ref for ref in dict.fromkeys(named) if ref in library.actors and ref not in placed]
    columns += [(None, library.actors[ref], "") for ref in unplaced]
    actors = list({actor.mrid: actor for _, actor, _ in columns}.values())
    values = _block(
        "actors",
        columns,
        {
            "actor.name": lambda column: column[1].name,
            "actor.type": lambda column: _actor_type(column[1]),
            "actor.description": lambda column: column[1].description,
            "actor.further_information": lambda column: column[2],
        },
        subject=lambda column: column[1],
    )
    listed = [grouping for grouping in use_case.actor_groupings if not _is_default(grouping)]
    if _membership_by_type(columns, listed):
        return {
            "grouping.name": [grouping.name for grouping in listed],
            "grouping.description": [grouping.description for grouping in listed],
            **values,
        }, actors
    return {
        "grouping.name": [UNGROUPED_NAME if _is_default(grouping) else grouping.name for grouping, _, _ in columns],
        "grouping.description": [grouping.description if grouping else "" for grouping, _, _ in columns],
        **values,
    }, actors


def _actor_type(actor: doc.Actor) -> str:
    return actor.type_text or actor_type_spelling(actor.type)


def _is_default(grouping: doc.ActorGrouping | None) -> bool:
    """The grouping of actors that are in none: the dumper's unnamed one, or the reader's "Actors"."""
    return grouping is None or not grouping.name or (fold(grouping.name) == fold(UNGROUPED_NAME))


def _membership_by_type(columns: list, listed: list[doc.ActorGrouping]) -> bool:
    """Whether the reader finds each actor's grouping from the groupings listed on their own: by its type, or as one
    in none. Not when the two lists would line up column for column (the reader then goes by column)."""
    names = {fold(grouping.name) for grouping in listed}
    actors = [actor.mrid for _, actor, _ in columns]
    if len(set(actors)) < len(actors) or len(names) < len(listed):
        return False
    if listed and len(listed) == len(columns) and any(_is_default(grouping) for grouping, _, _ in columns):
        return False
    return all(
        fold(_actor_type(actor)) not in names
        if _is_default(grouping)
        else fold(grouping.name) == fold(_actor_type(actor))
        for grouping, actor, _ in columns
    )
