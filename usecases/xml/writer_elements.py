"""The elements of a variant C file (`usecases.xml.writer`), in the order and with the required elements the
schema asks for: the libraries under the root, and a use case with its scenarios and steps."""

import re

from lxml import etree

from usecases.xml.document import (
    SCENARIO_CONDITION_KINDS,
    USE_CASE_CONDITION_KINDS,
    Actor,
    ActorGrouping,
    Area,
    BusinessCase,
    CommonTerm,
    Condition,
    CustomInformation,
    Drawing,
    InformationObject,
    Kpi,
    Reference,
    Repository,
    RequirementCategory,
    Scenario,
    Step,
    UseCase,
    Version,
)
from usecases.xml.ucmr_keys import use_case_entries
from usecases.xml.vocabulary import actor_type_spelling, format_date

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CONDITION_TAGS = {
    "assumption": "Assumption",
    "prerequisite": "Prerequisite",
    "postcondition": "Postcondition",
    "precondition": "Precondition",
    "triggering_event": "TriggeringEvent",
}


def _add(parent: etree._Element, tag: str, value: str = "", *, required: bool = False) -> etree._Element | None:
    if not value and not required:
        return None
    element = etree.SubElement(parent, tag)
    element.text = _NOT_XML.sub("", value) if value else None
    return element


def _refs(parent: etree._Element, tag: str, mrids: list[str]) -> None:
    for mrid in mrids:
        _add(etree.SubElement(parent, tag), "mRID", mrid, required=True)


def libraries_element(root: etree._Element, document: Repository) -> etree._Element:
    """Everything under the root but the use cases, in the schema's order; returns the (empty) UseCaseLibrary."""
    names = document.library_names
    library = etree.SubElement(root, "ActorLibrary")
    for actor in document.actors:
        _actor(library, actor)
    _library_name(library, names, "ActorLibrary")

    library = etree.SubElement(root, "AreaLibrary")
    for area in document.areas:
        _area(library, area)
    _library_name(library, names, "AreaLibrary")

    library = etree.SubElement(root, "BusinessCaseLibrary")
    for business_case in document.business_cases:
        _business_case(library, business_case)
    _library_name(library, names, "BusinessCaseLibrary")

    library = etree.SubElement(root, "BusinessObjectLibrary")
    for information_object in document.information_objects:
        _information_object(library, information_object)
    _library_name(library, names, "BusinessObjectLibrary")

    library = etree.SubElement(root, "CommonTermLibrary")
    for term in document.common_terms:
        _common_term(library, term)
    _library_name(library, names, "CommonTermLibrary")

    _add(root, "description", document.description)
    _add(root, "mRID", document.mrid)
    _add(root, "name", document.name, required=True)

    library = etree.SubElement(root, "RequirementLibrary")
    _library_name(library, names, "RequirementLibrary")
    for category in document.all_categories():  # flat, parents first; the nesting travels in ucmr: entries
        _requirement_category(library, category)

    library = etree.SubElement(root, "UseCaseLibrary")
    _library_name(library, names, "UseCaseLibrary")
    return library


def _library_name(library: etree._Element, names: dict[str, str], key: str) -> None:
    if key in names:
        _add(library, "name", names[key], required=True)


def _actor(library: etree._Element, actor: Actor) -> None:
    element = etree.SubElement(library, "Actor")
    _add(element, "description", actor.description)
    _add(element, "mRID", actor.mrid)
    _add(element, "name", actor.name, required=True)
    _add(element, "type", actor.type_text or actor_type_spelling(actor.type))


def use_case_element(library: etree._Element, use_case: UseCase, *, carried: list[CustomInformation]) -> None:
    _check_condition_kinds(use_case.conditions, allowed=USE_CASE_CONDITION_KINDS, owner=f"Use case {use_case.name!r}")
    element = etree.SubElement(library, "UseCase")
    for grouping in use_case.actor_groupings:
        _actor_grouping(element, grouping)
    for condition in _of_kind(use_case.conditions, "assumption"):
        _condition(element, condition)
    _refs(element, "BusinessCase", use_case.business_case_refs)
    _add(element, "classification", use_case.classification)
    _refs(element, "CommonTerm", use_case.common_term_refs)
    for entry in [*use_case.custom_information, *use_case_entries(use_case=use_case), *carried]:
        _custom_information(element, entry)
    for drawing in use_case.drawings:
        _drawing(element, drawing)
    _add(element, "identifier", use_case.identifier, required=True)
    for kpi in use_case.kpis:
        _kpi(element, kpi)
    _add(element, "keywords", use_case.keywords)
    _add(element, "levelOfDepth", use_case.level_of_depth)
    _add(element, "mRID", use_case.mrid)
    _add(element, "name", use_case.name, required=True)
    if use_case.short_description or use_case.complete_description or use_case.narrative_mrid:
        item = etree.SubElement(element, "Narrative")
        _add(item, "completeDescription", use_case.complete_description)
        _add(item, "mRID", use_case.narrative_mrid)
        _add(item, "shortDescription", use_case.short_description, required=True)
    _add(element, "nature", use_case.nature)
    for condition in _of_kind(use_case.conditions, "prerequisite"):
        _condition(element, condition)
    _refs(element, "PrimaryActor", use_case.primary_actor_refs)
    _add(element, "prioritization", use_case.prioritisation)
    for reference in use_case.references:
        _reference(element, reference)
    for objective in use_case.objectives:
        item = etree.SubElement(element, "RelatedObjective")
        _add(item, "description", objective.description)
        _add(item, "mRID", objective.mrid)
        _add(item, "name", objective.name, required=True)
    _refs(element, "RelatedUseCase", [relation.use_case_ref for relation in use_case.relations])
    for remark in use_case.remarks:
        item = etree.SubElement(element, "Remark")
        _add(item, "description", remark.text)
        _add(item, "mRID", remark.mrid)
    for scenario in use_case.scenarios:
        _scenario(element, scenario)
    _add(element, "scope", use_case.scope)
    for version in use_case.versions:
        _version(element, version)


def _check_condition_kinds(conditions: list[Condition], *, allowed: tuple[str, ...], owner: str) -> None:
    """Variant C has a place for each kind only on its owner; a document that mixes them up is refused."""
    misplaced = sorted({condition.kind for condition in conditions if condition.kind not in allowed})
    if misplaced:
        raise ValueError(f"{owner} holds conditions of kinds it cannot have: {', '.join(misplaced)}.")


def _of_kind(conditions: list[Condition], kind: str) -> list[Condition]:
    return [condition for condition in conditions if condition.kind == kind]


def _condition(parent: etree._Element, condition: Condition) -> None:
    item = etree.SubElement(parent, _CONDITION_TAGS[condition.kind])
    _add(item, "description", condition.description)
    _add(item, "mRID", condition.mrid)
    _add(item, "name", condition.name)
    if condition.kind != "triggering_event":  # its number travels as ucmr:condition.number
        _add(item, "number", condition.number)


def _actor_grouping(parent: etree._Element, grouping: ActorGrouping) -> None:
    element = etree.SubElement(parent, "ActorGrouping")
    _add(element, "description", grouping.description)
    for information in grouping.further_actor_information:
        item = etree.SubElement(element, "FurtherActorInformation")
        _refs(item, "Actor", information.actor_refs)
        _add(item, "description", information.description)
        _add(item, "mRID", information.mrid)
    _add(element, "mRID", grouping.mrid)
    _add(element, "name", grouping.name)


def _drawing(parent: etree._Element, drawing: Drawing) -> None:
    element = etree.SubElement(parent, "Drawing")
    _add(element, "drawingType", drawing.drawing_type, required=True)
    _add(element, "mRID", drawing.mrid)
    _add(element, "name", drawing.name, required=True)
    _add(element, "URI", drawing.uri, required=True).set("type", drawing.uri_type)


def _version(parent: etree._Element, version: Version) -> None:
    element = etree.SubElement(parent, "Version")
    _add(element, "approvalStatus", version.approval_status)
    for author in version.authors:
        item = etree.SubElement(element, "Author")
        _add(item, "mRID", author.mrid)
        _add(item, "name", author.name)
    _add(element, "changes", version.changes)
    _add(element, "date", format_date(version.date), required=True)
    _add(element, "mRID", version.mrid)
    _add(element, "number", version.number)


def _scenario(parent: etree._Element, scenario: Scenario) -> None:
    _check_condition_kinds(scenario.conditions, allowed=SCENARIO_CONDITION_KINDS, owner=f"Scenario {scenario.name!r}")
    element = etree.SubElement(parent, "Scenario")
    for step in scenario.steps:
        _step(element, step, tag="Activity")
    _add(element, "description", scenario.description)
    for drawing in scenario.drawings:
        _drawing(element, drawing)
    _add(element, "mRID", scenario.mrid)
    _add(element, "name", scenario.name, required=True)
    _add(element, "number", scenario.number)
    for condition in _of_kind(scenario.conditions, "postcondition"):
        _condition(element, condition)
    for condition in _of_kind(scenario.conditions, "precondition"):
        _condition(element, condition)
    _refs(element, "PrimaryActor", scenario.primary_actor_refs)
    _refs(element, "Requirement", scenario.requirement_refs)
    for condition in _of_kind(scenario.conditions, "triggering_event"):
        _condition(element, condition)


def _step(parent: etree._Element, step: Step, *, tag: str) -> None:
    element = etree.SubElement(parent, tag)
    _refs(element, "BusinessObject", step.information_object_refs)
    for child in step.children:
        _step(element, child, tag="ChildActivity")
    _add(element, "description", step.description, required=True)
    for drawing in step.drawings:
        _drawing(element, drawing)
    _add(element, "event", step.event)
    _refs(element, "InformationProducer", step.producer_refs)
    _refs(element, "InformationReceiver", step.receiver_refs)
    _add(element, "mRID", step.mrid)
    _add(element, "name", step.name, required=True)
    _add(element, "number", step.number)
    _refs(element, "PrimaryActor", step.primary_actor_refs)
    _refs(element, "Requirement", step.requirement_refs)
    _add(element, "service", step.service)


def _area(library: etree._Element, area: Area) -> None:
    element = etree.SubElement(library, "Area")
    _add(element, "description", area.description)
    _add(element, "mRID", area.mrid)
    _add(element, "name", area.name, required=True)


def _business_case(library: etree._Element, business_case: BusinessCase) -> None:
    element = etree.SubElement(library, "BusinessCase")
    _refs(element, "Area", business_case.area_refs)
    _add(element, "description", business_case.description)
    _add(element, "mRID", business_case.mrid)
    _add(element, "name", business_case.name, required=True)


def _information_object(library: etree._Element, information_object: InformationObject) -> None:
    element = etree.SubElement(library, "BusinessObject")
    _add(element, "description", information_object.description)
    _add(element, "identifier", information_object.identifier, required=True)
    _add(element, "mRID", information_object.mrid)
    _add(element, "name", information_object.name, required=True)
    _refs(element, "Requirement", information_object.requirement_refs)


def _common_term(library: etree._Element, term: CommonTerm) -> None:
    element = etree.SubElement(library, "CommonTerm")
    _add(element, "description", term.definition)
    _add(element, "mRID", term.mrid)
    _add(element, "name", term.term)


def _requirement_category(library: etree._Element, category: RequirementCategory) -> None:
    element = etree.SubElement(library, "RequirementCategory")
    _add(element, "description", category.description)
    _add(element, "identifier", category.identifier, required=True)
    _add(element, "mRID", category.mrid)
    _add(element, "name", category.name, required=True)
    for requirement in category.requirements:
        item = etree.SubElement(element, "Requirement")
        _add(item, "description", requirement.description)
        _add(item, "identifier", requirement.identifier)
        _add(item, "mRID", requirement.mrid)
        _add(item, "name", requirement.name)


def _custom_information(parent: etree._Element, entry: CustomInformation) -> None:
    item = etree.SubElement(parent, "CustomInformation")
    _add(item, "key", entry.key)
    _add(item, "mRID", entry.mrid)
    _add(item, "reference", entry.reference)
    _add(item, "value", entry.value)


def _kpi(parent: etree._Element, kpi: Kpi) -> None:
    item = etree.SubElement(parent, "KeyPerformanceIndicator")
    _add(item, "description", kpi.description)
    _add(item, "identifier", kpi.identifier)
    _add(item, "mRID", kpi.mrid)
    _add(item, "name", kpi.name)
    _refs(item, "Objective", kpi.objective_refs)


def _reference(parent: etree._Element, reference: Reference) -> None:
    item = etree.SubElement(parent, "Reference")
    _add(item, "description", reference.description)
    _add(item, "impact", reference.impact)
    _add(item, "link", reference.link)
    _add(item, "mRID", reference.mrid)
    _add(item, "name", reference.name, required=True)
    _add(item, "number", reference.number)
    _add(item, "originatorOrganization", reference.originator, required=True)
    _add(item, "status", reference.status)
    _add(item, "type", reference.reference_type)
