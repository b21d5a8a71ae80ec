"""Reader for variant C (namespace `http://www.SYC.org/IEC62559/part3/UC/V01/Build08082016`), the format of
Modsarus, BRIDGE, EU-SysFlex and OneNet, and our own export format.

Only the root is namespace-qualified. References are `Ref_*` elements holding one mRID. Related use cases arrive
as stub `UseCase` entries (identifier, mRID, name, nature only). Our own exports add `ucmr:` custom information
entries (see `usecases.xml.ucmr_keys`), which are turned back into fields here.
"""

from collections.abc import Callable, Iterator

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
    StreamedRepository,
    UseCase,
    UseCaseRelation,
    Version,
)
from usecases.xml.parsing import local_name
from usecases.xml.readers._common import children, elements, sort_conditions, text, unexpected, where
from usecases.xml.ucmr_keys import PREFIX, apply_entries
from usecases.xml.vocabulary import (
    normalise_actor_type,
    normalise_drawing_type,
    normalise_mrid,
    normalise_uri_type,
    parse_date,
)

NAMESPACE = "http://www.SYC.org/IEC62559/part3/UC/V01/Build08082016"
STUB_FIELDS = {"identifier", "mRID", "name", "nature"}
USE_CASE_CHILDREN = {
    "ActorGrouping",
    "Assumption",
    "BusinessCase",
    "classification",
    "CommonTerm",
    "CustomInformation",
    "Drawing",
    "identifier",
    "KeyPerformanceIndicator",
    "keywords",
    "levelOfDepth",
    "mRID",
    "name",
    "Narrative",
    "nature",
    "Prerequisite",
    "PrimaryActor",
    "prioritization",
    "Reference",
    "RelatedObjective",
    "RelatedUseCase",
    "Remark",
    "Scenario",
    "scope",
    "Version",
}
SCENARIO_CHILDREN = {
    "Activity",
    "description",
    "Drawing",
    "mRID",
    "name",
    "number",
    "Postcondition",
    "Precondition",
    "PrimaryActor",
    "Requirement",
    "TriggeringEvent",
}
ACTIVITY_CHILDREN = {
    "BusinessObject",
    "ChildActivity",
    "description",
    "Drawing",
    "event",
    "InformationProducer",
    "InformationReceiver",
    "mRID",
    "name",
    "number",
    "PrimaryActor",
    "Requirement",
    "service",
}
# Marks a full use case the first pass of `stream_variant_c` cleared (the second reads it).
STREAMED = "{urn:ucmr:reader}streamed"
LIBRARIES = {
    "ActorLibrary",
    "AreaLibrary",
    "BusinessCaseLibrary",
    "BusinessObjectLibrary",
    "CommonTermLibrary",
    "RequirementLibrary",
    "UseCaseLibrary",
}


def read_variant_c(*, root: etree._Element) -> Repository:
    """The document a variant C file describes (the root must be its `UseCaseRepository`)."""
    reader = _Reader()
    repository = reader.repository(root)
    apply_entries(repository=repository)
    return repository


def stream_variant_c(*, events: Callable[[], Iterator[tuple[str, etree._Element]]]) -> StreamedRepository:
    """A variant C file read in two passes over `events` (see `parsing.checked_events`), in memory that does not
    grow with its number of use cases: the first reads the libraries and the stubs (and only the mRID, ID and name
    of each full use case), the second, run by `StreamedRepository.batches`, yields the full use cases a few at a
    time, each element cleared once read."""
    reader = _Reader()
    index: dict[str, UseCase] = {}
    count, last = 0, None
    for event, element in events():
        last = element
        if event == "end" and _is_listed_use_case(element) and _is_full(element):
            count += 1
            stub = UseCase(
                mrid_raw=text(element, "mRID"),
                identifier=text(element, "identifier"),
                name=text(element, "name"),
                is_stub=True,
            )
            if stub.mrid:
                index.setdefault(stub.mrid, stub)
            element.clear()
            element.set(STREAMED, "")
    head = reader.repository(last.getroottree().getroot())
    apply_entries(repository=head)

    def batches(size: int) -> Iterator[Repository]:
        reader, batch = _Reader(), Repository()
        for event, element in events():
            if event != "end" or element.getparent() is None:
                continue
            if _is_listed_use_case(element) and _is_full(element):
                batch.use_cases.append(reader.use_case(element))
                element.clear()
                if len(batch.use_cases) == size:
                    yield _finished(batch, reader)
                    reader, batch = _Reader(), Repository()
            elif element.getparent().getparent() is None and local_name(element) != "UseCaseLibrary":
                element.clear()  # a library: the first pass read it
        if batch.use_cases:
            yield _finished(batch, reader)

    return StreamedRepository(head=head, full_use_cases=index, count=count, batches=batches)


def _finished(batch: Repository, reader: "_Reader") -> Repository:
    apply_entries(repository=batch)
    batch.warnings += reader.warnings
    return batch


def _is_full(element: etree._Element) -> bool:
    """A use case written out, not a stub: it has more than an identifier, mRID, name and nature (and our own
    `ucmr:` entries)."""
    return any(
        local_name(e) not in STUB_FIELDS
        and not (local_name(e) == "CustomInformation" and text(e, "key").startswith(PREFIX))
        for e in elements(element)
    )


def _is_listed_use_case(element: etree._Element) -> bool:
    """A `UseCase` of the root's `UseCaseLibrary` (where every use case of the file stands)."""
    library = element.getparent()
    return (
        local_name(element) == "UseCase"
        and library is not None
        and local_name(library) == "UseCaseLibrary"
        and library.getparent() is not None
        and library.getparent().getparent() is None
    )


class _Reader:
    """Walks one file, collecting warnings as it goes."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def refs(self, parent: etree._Element, name: str) -> list[str]:
        found = []
        for element in children(parent, name):
            mrid = normalise_mrid(text(element, "mRID"))
            if mrid:
                found.append(mrid)
            else:
                self.warnings.append(f"Ignored a reference without mRID at {where(element)}.")
        return found

    def repository(self, root: etree._Element) -> Repository:
        unexpected(root, known=LIBRARIES | {"description", "mRID", "name"}, warnings=self.warnings)
        repository = Repository(
            mrid_raw=text(root, "mRID"), name=text(root, "name"), description=text(root, "description")
        )
        for library in elements(root):
            name = local_name(library)
            if name not in LIBRARIES:
                continue
            if children(library, "name"):
                repository.library_names.setdefault(name, text(library, "name"))
            if name == "ActorLibrary":
                repository.actors += [self.actor(element) for element in children(library, "Actor")]
            elif name == "AreaLibrary":
                repository.areas += [
                    Area(mrid_raw=text(e, "mRID"), name=text(e, "name"), description=text(e, "description"))
                    for e in children(library, "Area")
                ]
            elif name == "BusinessCaseLibrary":
                repository.business_cases += [
                    BusinessCase(
                        mrid_raw=text(e, "mRID"),
                        name=text(e, "name"),
                        description=text(e, "description"),
                        area_refs=self.refs(e, "Area"),
                    )
                    for e in children(library, "BusinessCase")
                ]
            elif name == "BusinessObjectLibrary":
                repository.information_objects += [
                    InformationObject(
                        mrid_raw=text(e, "mRID"),
                        identifier=text(e, "identifier"),
                        name=text(e, "name"),
                        description=text(e, "description"),
                        requirement_refs=self.refs(e, "Requirement"),
                    )
                    for e in children(library, "BusinessObject")
                ]
            elif name == "CommonTermLibrary":
                repository.common_terms += [
                    CommonTerm(mrid_raw=text(e, "mRID"), term=text(e, "name"), definition=text(e, "description"))
                    for e in children(library, "CommonTerm")
                ]
            elif name == "RequirementLibrary":
                repository.requirement_categories += [
                    self.category(element) for element in children(library, "RequirementCategory")
                ]
            else:
                repository.use_cases += [
                    self.use_case(element) for element in children(library, "UseCase") if element.get(STREAMED) is None
                ]
        repository.warnings += self.warnings
        return repository

    def actor(self, element: etree._Element) -> Actor:
        code, spelling = normalise_actor_type(text(element, "type"))
        return Actor(
            mrid_raw=text(element, "mRID"),
            name=text(element, "name"),
            type=code,
            type_text=spelling,
            description=text(element, "description"),
        )

    def category(self, element: etree._Element) -> RequirementCategory:
        return RequirementCategory(
            mrid_raw=text(element, "mRID"),
            identifier=text(element, "identifier"),
            name=text(element, "name"),
            description=text(element, "description"),
            requirements=[
                Requirement(
                    mrid_raw=text(e, "mRID"),
                    identifier=text(e, "identifier"),
                    name=text(e, "name"),
                    description=text(e, "description"),
                )
                for e in children(element, "Requirement")
            ],
        )

    def use_case(self, element: etree._Element) -> UseCase:
        unexpected(element, known=USE_CASE_CHILDREN, warnings=self.warnings)
        narrative = children(element, "Narrative")
        conditions = [
            self.condition(e, kind=kind)
            for tag, kind in (("Assumption", "assumption"), ("Prerequisite", "prerequisite"))
            for e in children(element, tag)
        ]
        return UseCase(
            mrid_raw=text(element, "mRID"),
            identifier=text(element, "identifier"),
            name=text(element, "name"),
            is_stub=not _is_full(element),
            scope=text(element, "scope"),
            narrative_mrid=text(narrative[0], "mRID") if narrative else "",
            short_description=text(narrative[0], "shortDescription") if narrative else "",
            complete_description=text(narrative[0], "completeDescription") if narrative else "",
            level_of_depth=text(element, "levelOfDepth"),
            prioritisation=text(element, "prioritization"),
            classification=text(element, "classification"),
            nature=text(element, "nature"),
            keywords=text(element, "keywords"),
            versions=[self.version(e) for e in children(element, "Version")],
            objectives=[
                Objective(mrid_raw=text(e, "mRID"), name=text(e, "name"), description=text(e, "description"))
                for e in children(element, "RelatedObjective")
            ],
            business_case_refs=self.refs(element, "BusinessCase"),
            kpis=[
                Kpi(
                    mrid_raw=text(e, "mRID"),
                    identifier=text(e, "identifier"),
                    name=text(e, "name"),
                    description=text(e, "description"),
                    objective_refs=self.refs(e, "Objective"),
                )
                for e in children(element, "KeyPerformanceIndicator")
            ],
            conditions=sort_conditions(conditions, kinds=USE_CASE_CONDITION_KINDS),
            relations=[UseCaseRelation(use_case_ref=mrid) for mrid in self.refs(element, "RelatedUseCase")],
            remarks=[
                Remark(mrid_raw=text(e, "mRID"), text=text(e, "description")) for e in children(element, "Remark")
            ],
            drawings=[self.drawing(e) for e in children(element, "Drawing")],
            actor_groupings=[self.actor_grouping(e) for e in children(element, "ActorGrouping")],
            primary_actor_refs=self.refs(element, "PrimaryActor"),
            references=[self.reference(e) for e in children(element, "Reference")],
            scenarios=[self.scenario(e) for e in children(element, "Scenario")],
            custom_information=[
                CustomInformation(
                    mrid_raw=text(e, "mRID"), key=text(e, "key"), value=text(e, "value"), reference=text(e, "reference")
                )
                for e in children(element, "CustomInformation")
            ],
            common_term_refs=self.refs(element, "CommonTerm"),
        )

    def version(self, element: etree._Element) -> Version:
        date_text = text(element, "date")
        version = Version(
            mrid_raw=text(element, "mRID"),
            number=text(element, "number"),
            date=parse_date(date_text),
            authors=[Author(mrid_raw=text(e, "mRID"), name=text(e, "name")) for e in children(element, "Author")],
            changes=text(element, "changes"),
            approval_status=text(element, "approvalStatus"),
        )
        if version.date is None and date_text.strip() and not date_text.startswith("0001-01-01"):
            version.extra["date"] = date_text
            self.warnings.append(f"Version {version.number!r}: {date_text!r} is not a date we can read.")
        return version

    def condition(self, element: etree._Element, *, kind: str) -> Condition:
        return Condition(
            mrid_raw=text(element, "mRID"),
            kind=kind,
            number=text(element, "number"),
            name=text(element, "name"),
            description=text(element, "description"),
        )

    def drawing(self, element: etree._Element) -> Drawing:
        uri = children(element, "URI")
        found_type = text(element, "drawingType")
        drawing = Drawing(
            mrid_raw=text(element, "mRID"),
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
            mrid_raw=text(element, "mRID"),
            name=text(element, "name"),
            description=text(element, "description"),
            further_actor_information=[
                FurtherActorInformation(
                    mrid_raw=text(e, "mRID"), actor_refs=self.refs(e, "Actor"), description=text(e, "description")
                )
                for e in children(element, "FurtherActorInformation")
            ],
        )

    def reference(self, element: etree._Element) -> Reference:
        return Reference(
            mrid_raw=text(element, "mRID"),
            number=text(element, "number"),
            reference_type=text(element, "type"),
            name=text(element, "name"),
            status=text(element, "status"),
            impact=text(element, "impact"),
            originator=text(element, "originatorOrganization"),
            link=text(element, "link"),
            description=text(element, "description"),
        )

    def scenario(self, element: etree._Element) -> Scenario:
        unexpected(element, known=SCENARIO_CHILDREN, warnings=self.warnings)
        conditions = [
            self.condition(e, kind=kind)
            for tag, kind in (
                ("Postcondition", "postcondition"),
                ("Precondition", "precondition"),
                ("TriggeringEvent", "triggering_event"),
            )
            for e in children(element, tag)
        ]
        return Scenario(
            mrid_raw=text(element, "mRID"),
            number=text(element, "number"),
            name=text(element, "name"),
            description=text(element, "description"),
            primary_actor_refs=self.refs(element, "PrimaryActor"),
            requirement_refs=self.refs(element, "Requirement"),
            conditions=sort_conditions(conditions, kinds=SCENARIO_CONDITION_KINDS),
            drawings=[self.drawing(e) for e in children(element, "Drawing")],
            steps=[self.step(e) for e in children(element, "Activity")],
        )

    def step(self, element: etree._Element) -> Step:
        unexpected(element, known=ACTIVITY_CHILDREN, warnings=self.warnings)
        return Step(
            mrid_raw=text(element, "mRID"),
            number=text(element, "number"),
            event=text(element, "event"),
            name=text(element, "name"),
            description=text(element, "description"),
            service=text(element, "service"),
            producer_refs=self.refs(element, "InformationProducer"),
            receiver_refs=self.refs(element, "InformationReceiver"),
            primary_actor_refs=self.refs(element, "PrimaryActor"),
            information_object_refs=self.refs(element, "BusinessObject"),
            requirement_refs=self.refs(element, "Requirement"),
            drawings=[self.drawing(e) for e in children(element, "Drawing")],
            children=[self.step(e) for e in children(element, "ChildActivity")],
        )
