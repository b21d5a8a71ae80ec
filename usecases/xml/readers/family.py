"""The reader of the IEC 62559-3 `UseCaseRepository` family: variant C (2016) and variant B (the 2015 draft).

Both dialects have the same root, libraries and use case tables; they differ in a few element names (the
`Spelling`) and in a few structures. `FamilyReader` reads the family as variant C spells it; a dialect passes its
`Spelling` and overrides the methods whose structure really differs (variant B: how references resolve, its
actor groupings and its macro activities). Reading an element a dialect's schema does not have finds nothing,
so a name only one dialect uses (`Narrative/mRID`, a KPI's `identifier`) is read for both.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from usecases.xml.document import (
    SCENARIO_CONDITION_KINDS,
    USE_CASE_CONDITION_KINDS,
    Actor,
    ActorGrouping,
    Area,
    Author,
    BusinessCase,
    CommonTerm,
    Condition,
    CustomInformation,
    Drawing,
    FurtherActorInformation,
    InformationObject,
    Kpi,
    Objective,
    Reference,
    Remark,
    Repository,
    Requirement,
    RequirementCategory,
    Scenario,
    Step,
    UseCase,
    UseCaseRelation,
    Version,
)
from usecases.xml.parsing import local_name
from usecases.xml.readers._common import children, elements, sort_conditions, text, unexpected, where
from usecases.xml.ucmr_keys import PREFIX
from usecases.xml.vocabulary import (
    normalise_actor_type,
    normalise_drawing_type,
    normalise_mrid,
    normalise_uri_type,
    parse_date,
)

# Marks a full use case the first pass of `stream_variant_c` cleared (the second reads it).
STREAMED = "{urn:ucmr:reader}streamed"
USE_CASE_CONDITIONS = (("Assumption", "assumption"), ("Prerequisite", "prerequisite"))
SCENARIO_CONDITIONS = (
    ("Postcondition", "postcondition"),
    ("Precondition", "precondition"),
    ("TriggeringEvent", "triggering_event"),
)


@dataclass(frozen=True)
class Spelling:
    """How one dialect of the family names what the other names otherwise."""

    namespace: str
    id: str  # the identity every object and reference carries: mRID, technicalId
    number: str  # the number a person sees on a scenario, step, reference, condition
    version_number: str
    content: str  # the text of a condition or remark
    prioritisation: str
    originator: str  # a reference's originator organisation
    areas: tuple[str, str]  # the library and its element
    ucmr_entries: bool  # our `ucmr:` custom information entries are read back into fields (not stub content)
    known: Mapping[str, frozenset[str]] = field(default_factory=dict)  # children a schema allows, warned when not

    @property
    def libraries(self) -> frozenset[str]:
        return frozenset(
            {
                "ActorLibrary",
                self.areas[0],
                "BusinessCaseLibrary",
                "BusinessObjectLibrary",
                "CommonTermLibrary",
                "RequirementLibrary",
                "UseCaseLibrary",
            }
        )


def is_full(element: etree._Element, *, spelling: Spelling) -> bool:
    """A use case written out, not a stub: it has more than an identifier, identity, name and nature (and our own
    `ucmr:` entries)."""
    stub_fields = {"identifier", spelling.id, "name", "nature"}
    return any(
        local_name(e) not in stub_fields
        and not (spelling.ucmr_entries and local_name(e) == "CustomInformation" and text(e, "key").startswith(PREFIX))
        for e in elements(element)
    )


class FamilyReader:
    """Walks one file, collecting warnings as it goes; actor names are known once the actor library is read."""

    def __init__(self, spelling: Spelling) -> None:
        self.spelling = spelling
        self.warnings: list[str] = []
        self.actor_names: dict[str, str] = {}

    def check(self, element: etree._Element, kind: str) -> None:
        if kind in self.spelling.known:
            unexpected(element, known=self.spelling.known[kind], warnings=self.warnings)

    def refs(self, parent: etree._Element, name: str) -> list[str]:
        return [mrid for mrid in map(self.resolve, children(parent, name)) if mrid]

    def resolve(self, element: etree._Element) -> str:
        mrid = normalise_mrid(text(element, self.spelling.id))
        if not mrid:
            self.warnings.append(f"Ignored a reference without {self.spelling.id} at {where(element)}.")
        return mrid

    def repository(self, root: etree._Element) -> Repository:
        """The libraries in file order, the actors first (references may name them)."""
        spelling = self.spelling
        self.check(root, "repository")
        repository = Repository(
            mrid_raw=text(root, spelling.id), name=text(root, "name"), description=text(root, "description")
        )
        for library in children(root, "ActorLibrary"):
            repository.actors += [self.actor(element) for element in children(library, "Actor")]
        self.actor_names = {actor.name.strip().lower(): actor.mrid for actor in repository.actors}
        for library in elements(root):
            name = local_name(library)
            if name in spelling.libraries and children(library, "name"):
                repository.library_names.setdefault(name, text(library, "name"))
            if name == spelling.areas[0]:
                repository.areas += [self.area(e) for e in children(library, spelling.areas[1])]
            elif name == "BusinessCaseLibrary":
                repository.business_cases += [self.business_case(e) for e in children(library, "BusinessCase")]
            elif name == "BusinessObjectLibrary":
                repository.information_objects += [
                    self.information_object(e) for e in children(library, "BusinessObject")
                ]
            elif name == "CommonTermLibrary":
                repository.common_terms += [self.common_term(e) for e in children(library, "CommonTerm")]
            elif name == "RequirementLibrary":
                repository.requirement_categories += [
                    self.category(e) for e in children(library, "RequirementCategory")
                ]
            elif name == "UseCaseLibrary":
                repository.use_cases += [
                    self.use_case(e) for e in children(library, "UseCase") if e.get(STREAMED) is None
                ]
        repository.warnings += self.warnings
        return repository

    def actor(self, element: etree._Element) -> Actor:
        code, spelling = normalise_actor_type(text(element, "type"))
        actor = Actor(
            mrid_raw=text(element, self.spelling.id),
            name=text(element, "name"),
            type=code,
            type_text=spelling,
            description=text(element, "description"),
        )
        _keep_identifier(element, extra=actor.extra)
        return actor

    def area(self, element: etree._Element) -> Area:
        return Area(
            mrid_raw=text(element, self.spelling.id),
            name=text(element, "name"),
            description=text(element, "description"),
        )

    def business_case(self, element: etree._Element) -> BusinessCase:
        return BusinessCase(
            mrid_raw=text(element, self.spelling.id),
            name=text(element, "name"),
            description=text(element, "description"),
            area_refs=self.refs(element, self.spelling.areas[1]),
        )

    def information_object(self, element: etree._Element) -> InformationObject:
        return InformationObject(
            mrid_raw=text(element, self.spelling.id),
            identifier=text(element, "identifier"),
            name=text(element, "name"),
            description=text(element, "description"),
            requirement_refs=self.refs(element, "Requirement"),
        )

    def common_term(self, element: etree._Element) -> CommonTerm:
        term = CommonTerm(
            mrid_raw=text(element, self.spelling.id),
            term=text(element, "name"),
            definition=text(element, "description"),
        )
        _keep_identifier(element, extra=term.extra)
        return term

    def category(self, element: etree._Element) -> RequirementCategory:
        return RequirementCategory(
            mrid_raw=text(element, self.spelling.id),
            identifier=text(element, "identifier"),
            name=text(element, "name"),
            description=text(element, "description"),
            requirements=[
                Requirement(
                    mrid_raw=text(e, self.spelling.id),
                    identifier=text(e, "identifier"),
                    name=text(e, "name"),
                    description=text(e, "description"),
                )
                for e in children(element, "Requirement")
            ],
        )

    def use_case(self, element: etree._Element) -> UseCase:
        spelling, own_id = self.spelling, self.spelling.id
        self.check(element, "use_case")
        narrative = children(element, "Narrative")
        return UseCase(
            mrid_raw=text(element, own_id),
            identifier=text(element, "identifier"),
            name=text(element, "name"),
            is_stub=not is_full(element, spelling=spelling),
            scope=text(element, "scope"),
            narrative_mrid=text(narrative[0], own_id) if narrative else "",
            short_description=text(narrative[0], "shortDescription") if narrative else "",
            complete_description=text(narrative[0], "completeDescription") if narrative else "",
            level_of_depth=text(element, "levelOfDepth"),
            prioritisation=text(element, spelling.prioritisation),
            classification=text(element, "classification"),
            nature=text(element, "nature"),
            keywords=text(element, "keywords"),
            versions=[self.version(e) for e in children(element, "Version")],
            objectives=[
                Objective(mrid_raw=text(e, own_id), name=text(e, "name"), description=text(e, "description"))
                for e in children(element, "RelatedObjective")
            ],
            business_case_refs=self.refs(element, "BusinessCase"),
            kpis=[self.kpi(e) for e in children(element, "KeyPerformanceIndicator")],
            conditions=self.conditions(element, USE_CASE_CONDITIONS, order=USE_CASE_CONDITION_KINDS),
            relations=[UseCaseRelation(use_case_ref=mrid) for mrid in self.refs(element, "RelatedUseCase")],
            remarks=[
                Remark(mrid_raw=text(e, own_id), text=text(e, spelling.content)) for e in children(element, "Remark")
            ],
            drawings=self.drawings(element),
            actor_groupings=[self.actor_grouping(e) for e in children(element, "ActorGrouping")],
            primary_actor_refs=self.refs(element, "PrimaryActor"),
            references=[self.reference(e) for e in children(element, "Reference")],
            scenarios=[self.scenario(e) for e in children(element, "Scenario")],
            custom_information=[
                CustomInformation(
                    mrid_raw=text(e, own_id), key=text(e, "key"), value=text(e, "value"), reference=text(e, "reference")
                )
                for e in children(element, "CustomInformation")
            ],
            common_term_refs=self.refs(element, "CommonTerm"),
        )

    def kpi(self, element: etree._Element) -> Kpi:
        return Kpi(
            mrid_raw=text(element, self.spelling.id),
            identifier=text(element, "identifier"),
            name=text(element, "name"),
            description=text(element, "description"),
            objective_refs=self.refs(element, "Objective"),
        )

    def version(self, element: etree._Element) -> Version:
        date_text = text(element, "date")
        version = Version(
            mrid_raw=text(element, self.spelling.id),
            number=text(element, self.spelling.version_number),
            date=parse_date(date_text),
            authors=[
                Author(mrid_raw=text(e, self.spelling.id), name=text(e, "name")) for e in children(element, "Author")
            ],
            changes=text(element, "changes"),
            approval_status=text(element, "approvalStatus"),
        )
        if version.date is None and date_text.strip() and not date_text.startswith("0001-01-01"):
            version.extra["date"] = date_text
            self.warnings.append(f"Version {version.number!r}: {date_text!r} is not a date we can read.")
        return version

    def conditions(
        self, element: etree._Element, tags: tuple[tuple[str, str], ...], *, order: tuple[str, ...]
    ) -> list[Condition]:
        found = [
            Condition(
                mrid_raw=text(e, self.spelling.id),
                kind=kind,
                number=text(e, self.spelling.number),
                name=text(e, "name"),
                description=text(e, self.spelling.content),
            )
            for tag, kind in tags
            for e in children(element, tag)
        ]
        return sort_conditions(found, kinds=order)

    def drawings(self, parent: etree._Element) -> list[Drawing]:
        return [self.drawing(e) for e in children(parent, "Drawing")]

    def drawing(self, element: etree._Element) -> Drawing:
        uri = children(element, "URI")
        found_type = text(element, "drawingType")
        drawing = Drawing(
            mrid_raw=text(element, self.spelling.id),
            name=text(element, "name"),
            drawing_type=normalise_drawing_type(found_type) or "other",
            uri=text(element, "URI"),
            uri_type=normalise_uri_type(uri[0].get("type", "") if uri else ""),
        )
        if normalise_drawing_type(found_type) is None:
            drawing.extra["drawing_type"] = found_type
            self.warnings.append(f"Drawing type {found_type!r} at {where(element)} is not one we know; read as other.")
        return drawing

    def actor_grouping(self, element: etree._Element) -> ActorGrouping:
        return ActorGrouping(
            mrid_raw=text(element, self.spelling.id),
            name=text(element, "name"),
            description=text(element, "description"),
            further_actor_information=[
                FurtherActorInformation(
                    mrid_raw=text(e, self.spelling.id),
                    actor_refs=self.refs(e, "Actor"),
                    description=text(e, "description"),
                )
                for e in children(element, "FurtherActorInformation")
            ],
        )

    def reference(self, element: etree._Element) -> Reference:
        return Reference(
            mrid_raw=text(element, self.spelling.id),
            number=text(element, self.spelling.number),
            reference_type=text(element, "type"),
            name=text(element, "name"),
            status=text(element, "status"),
            impact=text(element, "impact"),
            originator=text(element, self.spelling.originator),
            link=text(element, "link"),
            description=text(element, "description"),
        )

    def scenario(self, element: etree._Element) -> Scenario:
        self.check(element, "scenario")
        return Scenario(
            mrid_raw=text(element, self.spelling.id),
            number=text(element, self.spelling.number),
            name=text(element, "name"),
            description=text(element, "description"),
            primary_actor_refs=self.refs(element, "PrimaryActor"),
            requirement_refs=self.refs(element, "Requirement"),
            conditions=self.conditions(element, SCENARIO_CONDITIONS, order=SCENARIO_CONDITION_KINDS),
            drawings=self.drawings(element),
            steps=self.scenario_steps(element),
        )

    def scenario_steps(self, element: etree._Element) -> list[Step]:
        return [self.step(e) for e in children(element, "Activity")]

    def step_children(self, element: etree._Element) -> list[Step]:
        return [self.step(e) for e in children(element, "ChildActivity")]

    def step(self, element: etree._Element) -> Step:
        self.check(element, "step")
        return Step(
            mrid_raw=text(element, self.spelling.id),
            number=text(element, self.spelling.number),
            event=text(element, "event"),
            name=text(element, "name"),
            description=text(element, "description"),
            service=text(element, "service"),
            producer_refs=self.refs(element, "InformationProducer"),
            receiver_refs=self.refs(element, "InformationReceiver"),
            primary_actor_refs=self.refs(element, "PrimaryActor"),
            information_object_refs=self.refs(element, "BusinessObject"),
            requirement_refs=self.refs(element, "Requirement"),
            drawings=self.drawings(element),
            children=self.step_children(element),
        )


def _keep_identifier(element: etree._Element, *, extra: dict[str, str]) -> None:
    """An actor's or term's global `identifier` (variant B has one; we have no field for it)."""
    if text(element, "identifier"):
        extra["identifier"] = text(element, "identifier")
