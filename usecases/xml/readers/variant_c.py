"""Reader for variant C (namespace `http://www.SYC.org/IEC62559/part3/UC/V01/Build08082016`), the format of
Modsarus, BRIDGE, EU-SysFlex and OneNet, and our own export format.

Only the root is namespace-qualified. References are `Ref_*` elements holding one mRID. Related use cases arrive
as stub `UseCase` entries (identifier, mRID, name, nature only). Our own exports add `ucmr:` custom information
entries (see `usecases.xml.ucmr_keys`), which are turned back into fields here. The family reader
(`readers.family`) reads variant C as it is; this module says how variant C is spelled and streams large files.
"""

from collections.abc import Callable, Iterator

from lxml import etree

from usecases.xml.document import Repository, StreamedRepository, UseCase
from usecases.xml.parsing import local_name
from usecases.xml.readers._common import text
from usecases.xml.readers.family import STREAMED, FamilyReader, Spelling, is_full
from usecases.xml.ucmr_keys import apply_entries

NAMESPACE = "http://www.SYC.org/IEC62559/part3/UC/V01/Build08082016"
LIBRARIES = frozenset(
    {
        "ActorLibrary",
        "AreaLibrary",
        "BusinessCaseLibrary",
        "BusinessObjectLibrary",
        "CommonTermLibrary",
        "RequirementLibrary",
        "UseCaseLibrary",
    }
)
SPELLING = Spelling(
    namespace=NAMESPACE,
    id="mRID",
    number="number",
    version_number="number",
    content="description",
    prioritisation="prioritization",
    originator="originatorOrganization",
    areas=("AreaLibrary", "Area"),
    ucmr_entries=True,
    known={
        "repository": LIBRARIES | {"description", "mRID", "name"},
        "use_case": frozenset(
            {
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
        ),
        "scenario": frozenset(
            {
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
        ),
        "step": frozenset(
            {
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
        ),
    },
)


def read_variant_c(*, root: etree._Element) -> Repository:
    """The document a variant C file describes (the root must be its `UseCaseRepository`)."""
    repository = FamilyReader(SPELLING).repository(root)
    apply_entries(repository=repository)
    return repository


def stream_variant_c(*, events: Callable[[], Iterator[tuple[str, etree._Element]]]) -> StreamedRepository:
    """A variant C file read in two passes over `events` (see `parsing.checked_events`), in memory that does not
    grow with its number of use cases: the first reads the libraries and the stubs (and only the mRID, ID and name
    of each full use case), the second, run by `StreamedRepository.batches`, yields the full use cases a few at a
    time, each element cleared once read."""
    index: dict[str, UseCase] = {}
    count, last = 0, None
    for event, element in events():
        last = element
        if event == "end" and _is_listed_use_case(element) and is_full(element, spelling=SPELLING):
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
    head = read_variant_c(root=last.getroottree().getroot())

    def batches(size: int) -> Iterator[Repository]:
        reader, batch = FamilyReader(SPELLING), Repository()
        for event, element in events():
            if event != "end" or element.getparent() is None:
                continue
            if _is_listed_use_case(element) and is_full(element, spelling=SPELLING):
                batch.use_cases.append(reader.use_case(element))
                element.clear()
                if len(batch.use_cases) == size:
                    yield _finished(batch, reader)
                    reader, batch = FamilyReader(SPELLING), Repository()
            elif element.getparent().getparent() is None and local_name(element) != "UseCaseLibrary":
                element.clear()  # a library: the first pass read it
        if batch.use_cases:
            yield _finished(batch, reader)

    return StreamedRepository(head=head, full_use_cases=index, count=count, batches=batches)


def _finished(batch: Repository, reader: FamilyReader) -> Repository:
    apply_entries(repository=batch)
    batch.warnings += reader.warnings
    return batch


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
