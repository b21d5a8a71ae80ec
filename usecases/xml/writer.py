"""Writer of variant C, the project's export format: a `Repository` document to UTF-8 XML bytes.

What the output promises (and `tests/usecases/xml` checks against our XSD and the published Build08082016 XSD):

- Root `UC:UseCaseRepository` in `http://www.SYC.org/IEC62559/part3/UC/V01/Build08082016`; only the root is
  namespace-qualified, every other element is unqualified.
- The children of every element come in case-insensitive alphabetical order, as the schema's sequences require
  (so `Postcondition` before `Precondition`, `identifier` before `KeyPerformanceIndicator`).
- Required elements are always present, empty when we know nothing (`identifier`, a use case's `name`,
  `Narrative/shortDescription`, `Reference/originatorOrganization`, an activity's `description`, ...); optional
  text elements only when they have a value. All libraries are written, even empty ones, as Modsarus does.
- Dates are xs:dateTime; a version without a date gets `0001-01-01T00:00:00`, which our reader reads as none.
- mRIDs are written normalised (lower case, no braces).
- What variant C has no element for goes into `ucmr:` custom information entries, see `usecases.xml.ucmr_keys`.
- Characters XML 1.0 cannot hold (control characters pasted from other tools) are left out, since lxml would
  otherwise refuse the whole export.

`VariantCStreamWriter` writes the same bytes use case by use case, for exports too big to hold in memory.
"""

import re
import tempfile
from typing import BinaryIO

from lxml import etree

from usecases.xml.document import (
    SCENARIO_CONDITION_KINDS,
    USE_CASE_CONDITION_KINDS,
    Actor,
    ActorGrouping,
    Condition,
    CustomInformation,
    Drawing,
    Repository,
    Scenario,
    Step,
    UseCase,
    Version,
)
from usecases.xml.readers.variant_c import NAMESPACE
from usecases.xml.ucmr_keys import carrier_entry, library_entries, use_case_entries
from usecases.xml.vocabulary import actor_type_spelling, derived_mrid, format_date

CARRIER_NAME = "UCMR library data (not a use case)"
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
WRITER_COMMENT = " Written by UCMR. Entries with keys starting ucmr: carry what IEC 62559-3 has no element for. "
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CONDITION_TAGS = {
    "assumption": "Assumption",
    "prerequisite": "Prerequisite",
    "postcondition": "Postcondition",
    "precondition": "Precondition",
    "triggering_event": "TriggeringEvent",
}


def write_variant_c(*, document: Repository) -> bytes:
    """The document as a variant C file (UTF-8, with XML declaration, indented)."""
    root = etree.Element(etree.QName(NAMESPACE, "UseCaseRepository"), nsmap={"UC": NAMESPACE})
    library = _libraries(root, document)
    for use_case, carried in _with_carrier(document, list(document.use_cases), carrier=_carrier(document)):
        _use_case(library, use_case, carried=carried)
    root.addprevious(etree.Comment(WRITER_COMMENT))
    return XML_DECLARATION + etree.tostring(root.getroottree(), encoding="UTF-8", pretty_print=True)


class VariantCStreamWriter:
    """A variant C file written use case by use case, in memory independent of their number, byte for byte what
    `write_variant_c` writes for the same document.

    `add` takes the full use cases in the file's order and writes each (indented for its place in the file) to a
    temporary part with lxml's incremental writer. The libraries come first in the file but are only known once
    every use case is read, and the first use case carries the libraries' ucmr: entries: so `finish` writes the
    file: declaration, libraries, then in the UseCaseLibrary the first use case, the part's bytes and the stubs.
    """

    _PART_TAG = "UseCaseLibrary"

    def __init__(self) -> None:
        self._part = tempfile.TemporaryFile()  # noqa: SIM115 - closed by finish() or close()
        self._part_file = etree.xmlfile(self._part, encoding="UTF-8")
        self._part_writer = self._part_file.__enter__()
        self._part_element = self._part_writer.element(self._PART_TAG)
        self._part_element.__enter__()
        self._first: UseCase | None = None
        self.count = 0

    def add(self, use_case: UseCase) -> None:
        """The next full (not stub) use case of the file."""
        self.count += 1
        if self._first is None:
            self._first = use_case
            return
        self._write_use_case(self._part_writer, use_case, [])

    def finish(self, *, output: BinaryIO, document: Repository) -> None:
        """Write the file to `output`. `document` holds the libraries, and the stub use cases as its use cases."""
        self._part_element.__exit__(None, None, None)
        self._part_file.__exit__(None, None, None)
        holder = etree.Element("Libraries")  # no namespace: its children serialise without declarations
        library = _libraries(holder, document)
        holder.remove(library)
        stubs = list(document.use_cases)
        carrier = self._first or (stubs[0] if stubs else None)
        entries = _with_carrier(document, [self._first, *stubs] if self._first else stubs, carrier=carrier)
        output.write(XML_DECLARATION + etree.tostring(etree.Comment(WRITER_COMMENT)) + b"\n")
        with (
            etree.xmlfile(output, encoding="UTF-8") as writer,
            writer.element(etree.QName(NAMESPACE, "UseCaseRepository"), nsmap={"UC": NAMESPACE}),
        ):
            for element in holder:
                writer.write("\n  ")
                writer.write(_indented(element, level=1))
            writer.write("\n  ")
            if not entries and not len(library):
                writer.write(library)
            else:
                with writer.element(self._PART_TAG):
                    for element in library:
                        writer.write("\n    ")
                        writer.write(_indented(element, level=2))
                    held = 1 if self._first is not None else 0  # the first use case, then the part's
                    for use_case, carried in entries[:held]:
                        self._write_use_case(writer, use_case, carried)
                    self._copy_part(writer, output)
                    for use_case, carried in entries[held:]:
                        self._write_use_case(writer, use_case, carried)
                    writer.write("\n  ")
            writer.write("\n")
        output.write(b"\n")
        self.close()

    @staticmethod
    def _write_use_case(writer, use_case: UseCase, carried: list[CustomInformation]) -> None:
        holder = etree.Element("UseCaseLibrary")
        _use_case(holder, use_case, carried=carried)
        writer.write("\n    ")
        writer.write(_indented(holder[0], level=2))

    def _copy_part(self, writer, output: BinaryIO) -> None:
        """The part's use cases, without the element that held them there."""
        writer.flush()
        end = self._part.seek(0, 2) - len(f"</{self._PART_TAG}>")
        self._part.seek(len(f"<{self._PART_TAG}>"))
        remaining = end - self._part.tell()
        while remaining > 0:
            block = self._part.read(min(remaining, 1 << 20))
            output.write(block)
            remaining -= len(block)

    def close(self) -> None:
        self._part.close()


def _indented(element: etree._Element, *, level: int) -> etree._Element:
    """The element indented as `pretty_print` indents it at this depth of the whole file."""
    etree.indent(element, space="  ", level=level)
    return element


def _add(parent: etree._Element, tag: str, value: str = "", *, required: bool = False) -> etree._Element | None:
    if not value and not required:
        return None
    element = etree.SubElement(parent, tag)
    element.text = _NOT_XML.sub("", value) if value else None
    return element


def _refs(parent: etree._Element, tag: str, mrids: list[str]) -> None:
    for mrid in mrids:
        _add(etree.SubElement(parent, tag), "mRID", mrid, required=True)


def _libraries(root: etree._Element, document: Repository) -> etree._Element:
    """Everything under the root but the use cases, in the schema's order; returns the (empty) UseCaseLibrary."""
    names = document.library_names
    library = etree.SubElement(root, "ActorLibrary")
    for actor in document.actors:
        _actor(library, actor)
    _library_name(library, names, "ActorLibrary")

    library = etree.SubElement(root, "AreaLibrary")
    for area in document.areas:
        element = etree.SubElement(library, "Area")
        _add(element, "description", area.description)
        _add(element, "mRID", area.mrid)
        _add(element, "name", area.name, required=True)
    _library_name(library, names, "AreaLibrary")

    library = etree.SubElement(root, "BusinessCaseLibrary")
    for business_case in document.business_cases:
        element = etree.SubElement(library, "BusinessCase")
        _refs(element, "Area", business_case.area_refs)
        _add(element, "description", business_case.description)
        _add(element, "mRID", business_case.mrid)
        _add(element, "name", business_case.name, required=True)
    _library_name(library, names, "BusinessCaseLibrary")

    library = etree.SubElement(root, "BusinessObjectLibrary")
    for information_object in document.information_objects:
        element = etree.SubElement(library, "BusinessObject")
        _add(element, "description", information_object.description)
        _add(element, "identifier", information_object.identifier, required=True)
        _add(element, "mRID", information_object.mrid)
        _add(element, "name", information_object.name, required=True)
        _refs(element, "Requirement", information_object.requirement_refs)
    _library_name(library, names, "BusinessObjectLibrary")

    library = etree.SubElement(root, "CommonTermLibrary")
    for term in document.common_terms:
        element = etree.SubElement(library, "CommonTerm")
        _add(element, "description", term.definition)
        _add(element, "mRID", term.mrid)
        _add(element, "name", term.term)
    _library_name(library, names, "CommonTermLibrary")

    _add(root, "description", document.description)
    _add(root, "mRID", document.mrid)
    _add(root, "name", document.name, required=True)

    library = etree.SubElement(root, "RequirementLibrary")
    _library_name(library, names, "RequirementLibrary")
    for category in document.all_categories():  # flat, parents first; the nesting travels in ucmr: entries
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

    library = etree.SubElement(root, "UseCaseLibrary")
    _library_name(library, names, "UseCaseLibrary")
    return library


def _with_carrier(
    document: Repository, use_cases: list[UseCase], *, carrier: UseCase | None
) -> list[tuple[UseCase, list[CustomInformation]]]:
    """Each use case with the library's ucmr: entries it carries: all of them on `carrier` (on a stub use case
    added at the end when there is none), none on the others."""
    carried = library_entries(repository=document)
    if carried and carrier is None:
        carrier = UseCase(mrid=derived_mrid("ucmr-carrier", document.mrid), name=CARRIER_NAME, is_stub=True)
        carried = [carrier_entry(), *carried]
        use_cases = [*use_cases, carrier]
    return [(use_case, carried if use_case is carrier else []) for use_case in use_cases]


def _library_name(library: etree._Element, names: dict[str, str], key: str) -> None:
    if key in names:
        _add(library, "name", names[key], required=True)


def _carrier(document: Repository) -> UseCase | None:
    """The use case that carries the library's ucmr: entries: the first full one, else the first one."""
    full = document.full_use_cases
    if full:
        return full[0]
    return document.use_cases[0] if document.use_cases else None


def _actor(library: etree._Element, actor: Actor) -> None:
    element = etree.SubElement(library, "Actor")
    _add(element, "description", actor.description)
    _add(element, "mRID", actor.mrid)
    _add(element, "name", actor.name, required=True)
    _add(element, "type", actor.type_text or actor_type_spelling(actor.type))


def _use_case(library: etree._Element, use_case: UseCase, *, carried: list[CustomInformation]) -> None:
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
        item = etree.SubElement(element, "CustomInformation")
        _add(item, "key", entry.key)
        _add(item, "mRID", entry.mrid)
        _add(item, "reference", entry.reference)
        _add(item, "value", entry.value)
    for drawing in use_case.drawings:
        _drawing(element, drawing)
    _add(element, "identifier", use_case.identifier, required=True)
    for kpi in use_case.kpis:
        item = etree.SubElement(element, "KeyPerformanceIndicator")
        _add(item, "description", kpi.description)
        _add(item, "identifier", kpi.identifier)
        _add(item, "mRID", kpi.mrid)
        _add(item, "name", kpi.name)
        _refs(item, "Objective", kpi.objective_refs)
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
        item = etree.SubElement(element, "Reference")
        _add(item, "description", reference.description)
        _add(item, "impact", reference.impact)
        _add(item, "link", reference.link)
        _add(item, "mRID", reference.mrid)
        _add(item, "name", reference.name, required=True)
        _add(item, "number", reference.number)
        _add(item, "originatorOrganization", reference.originator, required=True)
        _add(item, "status", reference.status)
        _add(item, "type", reference.reference_type)
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
