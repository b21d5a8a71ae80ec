"""The neutral middle of the XML exchange pipeline: a use case repository as plain, database-free dataclasses.

Readers (one per dialect) turn a file into a `Repository`; the loader upserts it through the services; the dumper
fills one from the database; the writer serialises it as variant C; the REST API's full-document JSON is the same
objects. Keeping this one shape between every pair of ends is what lets each end be written and tested alone.

The classes mirror our model, not any dialect: a step has `children` (variant C's ChildActivity, variant B's
macro activities), conditions carry a `kind`, SGAM placements are codes from `sgam.reference`.

Identity: every object keeps the `mrid` it had in the file, normalised (braces stripped, lower case, see
`vocabulary.normalise_mrid`), and `mrid_raw`, the spelling found, which is provenance and not compared. References
are lists of normalised mRIDs; a reference may point at nothing in the document (real files hold such dangling
references), the loader decides what to do with it. Dialect content we have no field for goes into `extra`
(name -> text), so that nothing a file says is silently dropped. `warnings` lists what a reader noticed and could
not place; it is not part of the content and not compared.
"""

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import ClassVar

from usecases.xml.vocabulary import normalise_mrid

USE_CASE_CONDITION_KINDS = ("assumption", "prerequisite")
# Variant C's alphabetical order (Postcondition, Precondition, TriggeringEvent); readers keep conditions in it so
# that a document read from any dialect survives a trip through variant C unchanged.
SCENARIO_CONDITION_KINDS = ("postcondition", "precondition", "triggering_event")


@dataclass(kw_only=True)
class Node:
    """An object with an mRID and room for what a dialect says that our model has no field for."""

    KIND: ClassVar[str] = ""

    mrid: str = ""
    mrid_raw: str = field(default="", compare=False, repr=False)
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.mrid = normalise_mrid(self.mrid or self.mrid_raw)


@dataclass(frozen=True, kw_only=True)
class SgamPlacement:
    """An SGAM cell, or a whole row or column of cells (codes from `sgam.reference`; blank = open)."""

    layer: str = ""
    domain: str = ""
    zone: str = ""

    def as_text(self) -> str:
        """`layer=...;domain=...;zone=...`, blank parts left out: the form the `ucmr:*sgam` keys carry."""
        parts = (("layer", self.layer), ("domain", self.domain), ("zone", self.zone))
        return ";".join(f"{name}={value}" for name, value in parts if value)

    @classmethod
    def from_text(cls, text: str) -> "SgamPlacement":
        values = dict(part.split("=", 1) for part in text.split(";") if "=" in part)
        return cls(
            layer=values.get("layer", "").strip(),
            domain=values.get("domain", "").strip(),
            zone=values.get("zone", "").strip(),
        )


# Libraries (shared by all use cases of the repository)


@dataclass(kw_only=True)
class Actor(Node):
    """An actor of the library. `type` is our code (blank when the file does not say); `type_text` keeps a spelling
    that differs from ours ("Business actor", "Legal entity") so an export says what the import said."""

    KIND: ClassVar[str] = "actor"

    name: str = ""
    type: str = ""
    type_text: str = ""
    description: str = ""
    sgam: list[SgamPlacement] = field(default_factory=list)
    nist: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class Area(Node):
    """A business area (variant C's AreaLibrary, variant B's DomainLibrary)."""

    KIND: ClassVar[str] = "area"

    name: str = ""
    description: str = ""


@dataclass(kw_only=True)
class BusinessCase(Node):
    KIND: ClassVar[str] = "business_case"

    name: str = ""
    description: str = ""
    area_refs: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class InformationObject(Node):
    """Section 5: information exchanged (variant C's BusinessObject)."""

    KIND: ClassVar[str] = "information_object"

    identifier: str = ""
    name: str = ""
    description: str = ""
    requirement_refs: list[str] = field(default_factory=list)
    data_class: str = ""
    standards: str = ""
    sgam: list[SgamPlacement] = field(default_factory=list)
    nist: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class CommonTerm(Node):
    """Section 7."""

    KIND: ClassVar[str] = "common_term"

    term: str = ""
    definition: str = ""


@dataclass(kw_only=True)
class Requirement(Node):
    KIND: ClassVar[str] = "requirement"

    identifier: str = ""
    name: str = ""
    description: str = ""


@dataclass(kw_only=True)
class RequirementCategory(Node):
    """Section 6. Categories nest (`children`); variant C has no nesting and carries the parent in a key."""

    KIND: ClassVar[str] = "requirement_category"

    identifier: str = ""
    name: str = ""
    description: str = ""
    requirements: list[Requirement] = field(default_factory=list)
    children: list["RequirementCategory"] = field(default_factory=list)


# The use case and its tables


@dataclass(kw_only=True)
class Author(Node):
    KIND: ClassVar[str] = "author"

    name: str = ""


@dataclass(kw_only=True)
class Version(Node):
    """1.2. `date` is None when the file gives none (or none we can read: then `extra["date"]` keeps the text)."""

    KIND: ClassVar[str] = "version"

    number: str = ""
    date: datetime | None = None
    authors: list[Author] = field(default_factory=list)
    changes: str = ""
    approval_status: str = ""


@dataclass(kw_only=True)
class Objective(Node):
    KIND: ClassVar[str] = "objective"

    name: str = ""
    description: str = ""


@dataclass(kw_only=True)
class Kpi(Node):
    KIND: ClassVar[str] = "kpi"

    identifier: str = ""
    name: str = ""
    description: str = ""
    objective_refs: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class Condition(Node):
    """`kind`: assumption or prerequisite on the use case; triggering_event, precondition or postcondition on a
    scenario."""

    KIND: ClassVar[str] = "condition"

    kind: str = ""
    number: str = ""
    name: str = ""
    description: str = ""


@dataclass(kw_only=True)
class UseCaseRelation:
    """1.7 Relation to another use case. `type` is blank when the file does not say (variant C never does)."""

    use_case_ref: str = ""
    type: str = ""
    description: str = ""


@dataclass(kw_only=True)
class Remark(Node):
    KIND: ClassVar[str] = "remark"

    text: str = ""


@dataclass(kw_only=True)
class Drawing(Node):
    """A drawing of section 2. `content`: the bytes of an image the file embeds (an Excel workbook's picture), with
    the name it had there (`filename`); neither is compared nor shown, `digest` (SHA-256 of the bytes, set from
    them) stands for them, so that merging and idempotence compare a digest and not megabytes. A drawing read from
    XML has none: its image, if any, is the `uri`."""

    KIND: ClassVar[str] = "drawing"

    name: str = ""
    drawing_type: str = "use case overview"
    uri: str = ""
    uri_type: str = "image"
    content: bytes = field(default=b"", compare=False, repr=False)
    filename: str = field(default="", compare=False, repr=False)
    digest: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.content and not self.digest:
            self.digest = hashlib.sha256(self.content).hexdigest()


@dataclass(kw_only=True)
class GeneratedDrawing(Drawing):
    """A diagram the repository draws from the use case's tables (section 2, "Generated diagrams"), linked by its
    address. Exports carry it for whoever reads the file; it is marked `ucmr:drawing.generated`, and our reader
    leaves it out, so that an import never stores it as a drawing of the author's."""


@dataclass(kw_only=True)
class FurtherActorInformation(Node):
    """Actors of a grouping with what is specific to them in this use case."""

    KIND: ClassVar[str] = "further_actor_information"

    actor_refs: list[str] = field(default_factory=list)
    description: str = ""


@dataclass(kw_only=True)
class ActorGrouping(Node):
    KIND: ClassVar[str] = "actor_grouping"

    name: str = ""
    description: str = ""
    further_actor_information: list[FurtherActorInformation] = field(default_factory=list)


@dataclass(kw_only=True)
class Reference(Node):
    """3.2."""

    KIND: ClassVar[str] = "reference"

    number: str = ""
    reference_type: str = ""
    name: str = ""
    status: str = ""
    impact: str = ""
    originator: str = ""
    link: str = ""
    description: str = ""


@dataclass(kw_only=True)
class Step(Node):
    """4.2: a step; `children` are its sub-steps (variant C's ChildActivity)."""

    KIND: ClassVar[str] = "step"

    number: str = ""
    event: str = ""
    name: str = ""
    description: str = ""
    service: str = ""
    producer_refs: list[str] = field(default_factory=list)
    receiver_refs: list[str] = field(default_factory=list)
    primary_actor_refs: list[str] = field(default_factory=list)
    information_object_refs: list[str] = field(default_factory=list)
    requirement_refs: list[str] = field(default_factory=list)
    drawings: list[Drawing] = field(default_factory=list)
    children: list["Step"] = field(default_factory=list)


@dataclass(kw_only=True)
class Scenario(Node):
    """4.1 with its steps. `conditions` are in SCENARIO_CONDITION_KINDS order."""

    KIND: ClassVar[str] = "scenario"

    number: str = ""
    name: str = ""
    description: str = ""
    primary_actor_refs: list[str] = field(default_factory=list)
    requirement_refs: list[str] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    drawings: list[Drawing] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)


@dataclass(kw_only=True)
class CustomInformation(Node):
    """Section 8, as the author wrote it (the `ucmr:` entries of our own exports are read into fields instead)."""

    KIND: ClassVar[str] = "custom_information"

    key: str = ""
    value: str = ""
    reference: str = ""


@dataclass(kw_only=True)
class UseCase(Node):
    """A use case. `is_stub`: it came only as a reference target (identifier, mRID, name, nature), as related use
    cases travel in variant C; the loader must not overwrite a real use case with a stub. `status` and
    `workspace` are blank when the file does not say. `conditions` are in USE_CASE_CONDITION_KINDS order."""

    KIND: ClassVar[str] = "use_case"

    identifier: str = ""
    name: str = ""
    is_stub: bool = False
    status: str = ""
    workspace: str = ""
    area: str = ""
    scope: str = ""
    narrative_mrid: str = ""
    short_description: str = ""
    complete_description: str = ""
    level_of_depth: str = ""
    prioritisation: str = ""
    classification: str = ""
    nature: str = ""
    view_point: str = ""
    keywords: str = ""
    versions: list[Version] = field(default_factory=list)
    objectives: list[Objective] = field(default_factory=list)
    business_case_refs: list[str] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    relations: list[UseCaseRelation] = field(default_factory=list)
    remarks: list[Remark] = field(default_factory=list)
    drawings: list[Drawing] = field(default_factory=list)
    actor_groupings: list[ActorGrouping] = field(default_factory=list)
    primary_actor_refs: list[str] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    scenarios: list[Scenario] = field(default_factory=list)
    custom_information: list[CustomInformation] = field(default_factory=list)
    common_term_refs: list[str] = field(default_factory=list)
    sgam: list[SgamPlacement] = field(default_factory=list)
    nist: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.narrative_mrid = normalise_mrid(self.narrative_mrid)


@dataclass(kw_only=True)
class Repository(Node):
    """A whole file's worth: the libraries and the use cases. `library_names` keeps the names variant C gives its
    libraries ("Actor Library"), keyed by library element name."""

    KIND: ClassVar[str] = "repository"

    name: str = ""
    description: str = ""
    library_names: dict[str, str] = field(default_factory=dict)
    actors: list[Actor] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    business_cases: list[BusinessCase] = field(default_factory=list)
    information_objects: list[InformationObject] = field(default_factory=list)
    common_terms: list[CommonTerm] = field(default_factory=list)
    requirement_categories: list[RequirementCategory] = field(default_factory=list)
    use_cases: list[UseCase] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list, compare=False)

    @property
    def full_use_cases(self) -> list[UseCase]:
        return [use_case for use_case in self.use_cases if not use_case.is_stub]

    def all_requirements(self) -> list[Requirement]:
        return [requirement for category in self.all_categories() for requirement in category.requirements]

    def all_categories(self) -> list[RequirementCategory]:
        """Every category, parents before their children (depth first)."""
        return [
            node
            for category in self.requirement_categories
            for node in iter_nodes(category)
            if isinstance(node, RequirementCategory)
        ]


@dataclass
class StreamedRepository:
    """A large file read in pieces: `head` holds its libraries, its stubs and its warnings (no full use case);
    `batches(size)` reads the full use cases again from the file, `size` at a time, each batch a `Repository` of
    those use cases and their warnings; `full_use_cases` stands for each of them by mRID (a stub: ID and name), so
    that a relation to a use case of a later batch can be made before that batch is read; `count` how many."""

    head: Repository
    full_use_cases: dict[str, UseCase]
    count: int
    batches: Callable[[int], Iterator[Repository]]


def iter_nodes(node: Node) -> Iterator[Node]:
    """`node` and every Node inside it, depth first, in document order."""
    yield node
    for item in fields(node):
        value = getattr(node, item.name)
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, Node):
                yield from iter_nodes(child)


def iter_steps(steps: list[Step]) -> Iterator[Step]:
    """Steps and their sub-steps, depth first."""
    for step in steps:
        yield step
        yield from iter_steps(step.children)
