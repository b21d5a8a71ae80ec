"""Reader for variant B, the 2015 working draft of IEC 62559-3 (namespace
`http://www.TC8.org/IEC62559/part3/V01/Build11022015`).

How it differs from variant C, and how it is mapped:

- Identity is a required `technicalId`, unique within the file; references carry it (plus, for actors, maybe only
  a name). The technicalId plays the mRID's part: it is normalised the same way and kept as `mrid`. An actor
  reference with a name but no technicalId is resolved by name in the actor library.
- Areas are a `DomainLibrary` of `Domain`s (business domains, not SGAM), and business cases refer to them.
- `prioritisation` with an s; `Assumption`, `Condition`, `TriggeringEvent` and `Remark` hold `content` instead
  of `description`; a version's number is `versionNumber`; `Reference/originatorOrganisation`.
- Steps are `Scenario/MacroActivity/Step`; macro activities nest as `ChildMacroActivity`. A macro activity becomes a
  step whose children are its child macro activities and its steps; steps have no technicalId (no mRID).
- The per-use-case actor note is `ActorGrouping/Actor/furtherInformation`: each becomes one
  FurtherActorInformation for that actor.
- Drawing types are capitalised ("Use Case Overview"), and name macro activities and actions; `URI/@type` says
  `Image`.
- Actors and common terms have a global `identifier` we have no field for: kept in `extra["identifier"]`.
"""

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
from usecases.xml.readers._common import child, children, elements, sort_conditions, text, where
from usecases.xml.vocabulary import (
    normalise_actor_type,
    normalise_drawing_type,
    normalise_mrid,
    normalise_uri_type,
    parse_date,
)

NAMESPACE = "http://www.TC8.org/IEC62559/part3/V01/Build11022015"
STUB_FIELDS = {"name", "identifier", "technicalId", "nature"}


def read_variant_b(*, root: etree._Element) -> Repository:
    """The document a variant B file describes (the root must be its `UseCaseRepository`)."""
    return _Reader().repository(root)


class _Reader:
    """Walks one file; actor names are known once the actor library is read, to resolve references by name."""

    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.actor_names: dict[str, str] = {}

    def refs(self, parent: etree._Element, name: str) -> list[str]:
        return [mrid for mrid in map(self.resolve, children(parent, name)) if mrid]

    def resolve(self, element: etree._Element) -> str:
        """The technicalId a reference carries, or (actor references may carry only a name) the named actor's."""
        mrid = normalise_mrid(text(element, "technicalId"))
        if not mrid:
            mrid = self.actor_names.get(text(element, "name").strip().lower(), "")
        if not mrid:
            self.warnings.append(f"Ignored a reference we cannot resolve at {where(element)}.")
        return mrid

    def repository(self, root: etree._Element) -> Repository:
        repository = Repository(
            mrid_raw=text(root, "technicalId"), name=text(root, "name"), description=text(root, "description")
        )
        for library in children(root, "ActorLibrary"):
            for element in children(library, "Actor"):
                repository.actors.append(self.actor(element))
        self.actor_names = {actor.name.strip().lower(): actor.mrid for actor in repository.actors}
        for library in children(root, "DomainLibrary"):
            repository.areas += [
                Area(mrid_raw=text(e, "technicalId"), name=text(e, "name"), description=text(e, "description"))
                for e in children(library, "Domain")
            ]
        for library in children(root, "BusinessCaseLibrary"):
            repository.business_cases += [
                BusinessCase(
                    mrid_raw=text(e, "technicalId"),
                    name=text(e, "name"),
                    description=text(e, "description"),
                    area_refs=self.refs(e, "Domain"),
                )
                for e in children(library, "BusinessCase")
            ]
        for library in children(root, "BusinessObjectLibrary"):
            repository.information_objects += [
                InformationObject(
                    mrid_raw=text(e, "technicalId"),
                    name=text(e, "name"),
                    description=text(e, "description"),
                    requirement_refs=self.refs(e, "Requirement"),
                )
                for e in children(library, "BusinessObject")
            ]
        for library in children(root, "CommonTermLibrary"):
            for element in children(library, "CommonTerm"):
                term = CommonTerm(
                    mrid_raw=text(element, "technicalId"),
                    term=text(element, "name"),
                    definition=text(element, "description"),
                )
                if text(element, "identifier"):
                    term.extra["identifier"] = text(element, "identifier")
                repository.common_terms.append(term)
        for library in children(root, "RequirementLibrary"):
            repository.requirement_categories += [self.category(e) for e in children(library, "RequirementCategory")]
        for library in children(root, "UseCaseLibrary"):
            repository.use_cases += [self.use_case(e) for e in children(library, "UseCase")]
        repository.warnings += self.warnings
        return repository

    def actor(self, element: etree._Element) -> Actor:
        code, spelling = normalise_actor_type(text(element, "type"))
        actor = Actor(
            mrid_raw=text(element, "technicalId"),
            name=text(element, "name"),
            type=code,
            type_text=spelling,
            description=text(element, "description"),
        )
        if text(element, "identifier"):
            actor.extra["identifier"] = text(element, "identifier")
        return actor

    def category(self, element: etree._Element) -> RequirementCategory:
        return RequirementCategory(
            identifier=text(element, "identifier"),
            name=text(element, "name"),
            description=text(element, "description"),
            requirements=[
                Requirement(
                    mrid_raw=text(e, "technicalId"),
                    identifier=text(e, "identifier"),
                    name=text(e, "name"),
                    description=text(e, "description"),
                )
                for e in children(element, "Requirement")
            ],
        )

    def use_case(self, element: etree._Element) -> UseCase:
        narrative = child(element, "Narrative")
        conditions = [
            Condition(kind=kind, name=text(e, "name"), description=text(e, "content"))
            for tag, kind in (("Assumption", "assumption"), ("Prerequisite", "prerequisite"))
            for e in children(element, tag)
        ]
        return UseCase(
            mrid_raw=text(element, "technicalId"),
            identifier=text(element, "identifier"),
            name=text(element, "name"),
            is_stub=all(local_name(e) in STUB_FIELDS for e in elements(element)),
            scope=text(element, "scope"),
            short_description=text(narrative, "shortDescription") if narrative is not None else "",
            complete_description=text(narrative, "completeDescription") if narrative is not None else "",
            level_of_depth=text(element, "levelOfDepth"),
            prioritisation=text(element, "prioritisation"),
            classification=text(element, "classification"),
            nature=text(element, "nature"),
            keywords=text(element, "keywords"),
            versions=[self.version(e) for e in children(element, "Version")],
            objectives=[
                Objective(mrid_raw=text(e, "technicalId"), name=text(e, "name"), description=text(e, "description"))
                for e in children(element, "RelatedObjective")
            ],
            business_case_refs=self.refs(element, "BusinessCase"),
            kpis=[
                Kpi(
                    mrid_raw=text(e, "technicalId"),
                    name=text(e, "name"),
                    description=text(e, "description"),
                    objective_refs=self.refs(e, "Objective"),
                )
                for e in children(element, "KeyPerformanceIndicator")
            ],
            conditions=sort_conditions(conditions, kinds=USE_CASE_CONDITION_KINDS),
            relations=[UseCaseRelation(use_case_ref=mrid) for mrid in self.refs(element, "RelatedUseCase")],
            remarks=[Remark(text=text(e, "content")) for e in children(element, "Remark")],
            drawings=[self.drawing(e) for e in children(element, "Drawing")],
            actor_groupings=[self.actor_grouping(e) for e in children(element, "ActorGrouping")],
            primary_actor_refs=self.refs(element, "PrimaryActor"),
            references=[
                Reference(
                    number=text(e, "identifier"),
                    reference_type=text(e, "type"),
                    name=text(e, "name"),
                    status=text(e, "status"),
                    impact=text(e, "impact"),
                    originator=text(e, "originatorOrganisation"),
                    link=text(e, "link"),
                    description=text(e, "description"),
                )
                for e in children(element, "Reference")
            ],
            scenarios=[self.scenario(e) for e in children(element, "Scenario")],
            custom_information=[
                CustomInformation(key=text(e, "key"), value=text(e, "value"), reference=text(e, "reference"))
                for e in children(element, "CustomInformation")
            ],
            common_term_refs=self.refs(element, "CommonTerm"),
        )

    def version(self, element: etree._Element) -> Version:
        date_text = text(element, "date")
        version = Version(
            number=text(element, "versionNumber"),
            date=parse_date(date_text),
            authors=[Author(name=text(e, "name")) for e in children(element, "Author")],
            changes=text(element, "changes"),
            approval_status=text(element, "approvalStatus"),
        )
        if version.date is None and date_text.strip():
            version.extra["date"] = date_text
            self.warnings.append(f"Version {version.number!r}: {date_text!r} is not a date we can read.")
        return version

    def drawing(self, element: etree._Element) -> Drawing:
        uri = child(element, "URI")
        found_type = text(element, "drawingType")
        drawing = Drawing(
            name=text(element, "name"),
            drawing_type=normalise_drawing_type(found_type) or "other",
            uri=text(element, "URI"),
            uri_type=normalise_uri_type(uri.get("type", "") if uri is not None else ""),
        )
        if normalise_drawing_type(found_type) is None:
            self.warnings.append(f"Drawing type {found_type!r} at {where(element)} is not one we know; read as other.")
        return drawing

    def actor_grouping(self, element: etree._Element) -> ActorGrouping:
        grouping = ActorGrouping(name=text(element, "name"), description=text(element, "description"))
        if text(element, "identifier"):
            identifier = text(element, "identifier")
            self.warnings.append(f"Actor grouping identifier {identifier!r} at {where(element)} is not kept.")
        for actor in children(element, "Actor"):
            mrid = self.resolve(actor)
            grouping.further_actor_information.append(
                FurtherActorInformation(
                    actor_refs=[mrid] if mrid else [], description=text(actor, "furtherInformation")
                )
            )
        return grouping

    def scenario(self, element: etree._Element) -> Scenario:
        conditions = [
            Condition(kind=kind, name=text(e, "name"), description=text(e, "content"))
            for tag, kind in (
                ("Postcondition", "postcondition"),
                ("Precondition", "precondition"),
                ("TriggeringEvent", "triggering_event"),
            )
            for e in children(element, tag)
        ]
        return Scenario(
            mrid_raw=text(element, "technicalId"),
            number=text(element, "identifier"),
            name=text(element, "name"),
            description=text(element, "description"),
            primary_actor_refs=self.refs(element, "PrimaryActor"),
            requirement_refs=self.refs(element, "Requirement"),
            conditions=sort_conditions(conditions, kinds=SCENARIO_CONDITION_KINDS),
            drawings=[self.drawing(e) for e in children(element, "Drawing")],
            steps=[self.macro_activity(e) for e in children(element, "MacroActivity")],
        )

    def macro_activity(self, element: etree._Element) -> Step:
        return Step(
            mrid_raw=text(element, "technicalId"),
            name=text(element, "name"),
            description=text(element, "description"),
            primary_actor_refs=self.refs(element, "PrimaryActor"),
            requirement_refs=self.refs(element, "Requirement"),
            drawings=[self.drawing(e) for e in children(element, "Drawing")],
            children=[
                *(self.macro_activity(e) for e in children(element, "ChildMacroActivity")),
                *(self.step(e) for e in children(element, "Step")),
            ],
        )

    def step(self, element: etree._Element) -> Step:
        return Step(
            number=text(element, "identifier"),
            event=text(element, "event"),
            name=text(element, "name"),
            description=text(element, "description"),
            service=text(element, "service"),
            producer_refs=self.refs(element, "InformationProducer"),
            receiver_refs=self.refs(element, "InformationReceiver"),
            information_object_refs=self.refs(element, "BusinessObject"),
            requirement_refs=self.refs(element, "Requirement"),
            drawings=[self.drawing(e) for e in children(element, "Drawing")],
        )
