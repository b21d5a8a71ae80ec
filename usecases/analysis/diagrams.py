"""The diagrams of a use case (section 2, "Generated diagrams") as stored and shown: what of them is rendered
already, the page's panel and the drawings an export lists. Which diagrams a use case has and their DOT sources are
in `specs` (`usecase_diagram_headings`, `usecase_diagram_specs`).

A spec is rendered once per hash (`services.diagram_render`). The rendering job, which builds the graphs, also
stores the use case's diagrams at its revision (`UseCaseDiagram`: key -> content hash), so that pages and downloads
find a rendered diagram by (use case, revision, key), or by its content hash, in a query or two and without building
any graph: `usecase_generated_get` (the page's panel) and `usecase_diagram_get` (a download).
`usecase_generated_drawings` is how an IEC 62559-3 export lists them.

A diagram's key is the same in every repository holding the use case (no primary key in it), so the address
`usecases:diagram_by_mrid` (use case mRID + key) that exports write names the same diagram after an import elsewhere.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from sgam.models import RenderedDiagram, UseCaseDiagram
from sgam.selectors import UseCasePlacements, placement_rows, usecase_placements
from usecases.analysis.dot import RENDERER_VERSION
from usecases.analysis.facts import UseCaseFacts, plain_rows, usecase_facts
from usecases.analysis.specs import DiagramHeading, DiagramSpec, usecase_diagram_headings, usecase_diagram_specs
from usecases.analysis.validation.selectors import UseCaseValidation, usecase_validation_get
from usecases.models import ActorRole, Scenario, Step, UseCase

READY, RENDERING, FAILED = "ready", "rendering", "failed"
Kind = RenderedDiagram.Kind


def usecase_diagrams_store(
    *, use_case: UseCase, diagrams: Iterable[DiagramHeading], ignore_conflicts: bool = False
) -> list[UseCaseDiagram]:
    """Store the rows naming the diagrams of the use case at its revision, in their order: specs with their content
    hash, headings without one yet (the rendering job fills them in). `ignore_conflicts` keeps rows another reader
    stored first."""
    return UseCaseDiagram.objects.bulk_create(
        [
            UseCaseDiagram(
                use_case_id=use_case.pk,
                revision=use_case.revision,
                renderer=RENDERER_VERSION,
                key=diagram.key,
                kind=diagram.kind,
                subject=diagram.subject,
                title=diagram.title[:300],
                scenario_id=diagram.scenario_id,
                page=diagram.page,
                pages=diagram.pages,
                content_hash=diagram.content_hash if isinstance(diagram, DiagramSpec) else "",
                position=position,
            )
            for position, diagram in enumerate(diagrams)
        ],
        ignore_conflicts=ignore_conflicts,
    )


@dataclass
class DiagramEntry:
    """A diagram as a page shows it: what names it (a spec, a heading, or its stored `UseCaseDiagram` row, which
    have the same attributes), its content hash ("" while unknown), its stored rendering (without the SVG and PNG
    bytes) and state."""

    use_case_id: int
    spec: DiagramHeading | UseCaseDiagram
    content_hash: str
    rendered: RenderedDiagram | None

    @property
    def state(self) -> str:
        if self.rendered is None:
            return RENDERING
        return FAILED if self.rendered.error else READY

    @property
    def error(self) -> str:
        return self.rendered.error if self.rendered is not None else ""

    @property
    def version(self) -> str:
        return self.content_hash[:12]

    def url(self, output_format: str) -> str:
        return reverse(
            "usecases:diagram_download",
            kwargs={"pk": self.use_case_id, "key": self.spec.key, "output_format": output_format},
        )

    @property
    def svg_url(self) -> str:
        return self.url("svg")

    @property
    def png_url(self) -> str:
        return self.url("png")

    def as_json(self) -> dict:
        return {
            "key": self.spec.key,
            "title": self.spec.title,
            "state": self.state,
            "error": self.error,
            "svg": self.svg_url,
            "png": self.png_url,
            "version": self.version,
            "page": self.spec.page,
            "pages": self.spec.pages,
        }


@dataclass
class DiagramCard:
    """What one card of the page shows: a diagram, or the pages of a sequence diagram (the first one drawn)."""

    entries: list[DiagramEntry]

    @property
    def first(self) -> DiagramEntry:
        return self.entries[0]

    @property
    def paged(self) -> bool:
        return len(self.entries) > 1


def _with_rendered(use_case_id: int, named: list[tuple[DiagramHeading | UseCaseDiagram, str]]) -> list[DiagramEntry]:
    """Entries of the (heading, content hash) pairs, with their stored renderings: one query."""
    hashes = [content_hash for _, content_hash in named if content_hash]
    stored = RenderedDiagram.objects.filter(content_hash__in=hashes).defer("svg", "png", "source") if hashes else []
    by_hash = {diagram.content_hash: diagram for diagram in stored}
    return [DiagramEntry(use_case_id, spec, content_hash, by_hash.get(content_hash)) for spec, content_hash in named]


def usecase_diagram_specs_get(*, use_case: UseCase) -> list[DiagramSpec]:
    """The diagrams of a use case loaded by `usecase_get` or `usecase_diagram_facts_load` (a fixed number of queries
    for the placements). Builds every graph: the rendering job's work, not a page's."""
    facts = usecase_facts(use_case=use_case)
    return usecase_diagram_specs(facts=facts, placements=usecase_placements(facts=facts))


def usecase_diagrams_get(*, use_case: UseCase) -> list[DiagramEntry]:
    """The use case's current diagrams and their rendering state, computed from its rows (builds the graphs)."""
    specs = usecase_diagram_specs_get(use_case=use_case)
    return _with_rendered(use_case.pk, [(spec, spec.content_hash) for spec in specs])


def usecase_diagram_facts_load(*, use_case_id: int) -> UseCase | None:
    """The use case with what its diagrams are drawn from, each relation a plain list (`facts.prefetched` reads
    them), in the order `with_document()` gives them: a fixed number of queries."""
    links = ("producers", "receivers", "primary_actors", "information_objects", "requirements")
    steps = Step.objects.order_by("position", "id").prefetch_related(*(plain_rows(name) for name in links))
    scenarios = Scenario.objects.prefetch_related(
        plain_rows("primary_actors"), plain_rows("requirements"), plain_rows("steps", steps)
    )
    roles = ActorRole.objects.select_related("actor").prefetch_related(*placement_rows())
    use_case = (
        UseCase.objects.filter(pk=use_case_id)
        .prefetch_related(
            plain_rows("actor_roles", roles),
            plain_rows("primary_actors"),
            plain_rows("scenarios", scenarios),
            *placement_rows(),
        )
        .first()
    )
    return use_case


def usecase_diagram_rows(*, use_case: UseCase) -> list[UseCaseDiagram]:
    """The stored diagrams of the use case at its current revision (empty until the rendering job stored them)."""
    return list(
        UseCaseDiagram.objects.filter(use_case_id=use_case.pk, revision=use_case.revision, renderer=RENDERER_VERSION)
    )


def usecase_diagram_get(*, use_case: UseCase, key: str) -> UseCaseDiagram | None:
    """The stored diagram `key` of the use case at its current revision: one query, no graph built."""
    return UseCaseDiagram.objects.filter(
        use_case_id=use_case.pk, revision=use_case.revision, renderer=RENDERER_VERSION, key=key
    ).first()


def usecase_diagrams_known(*, use_case: UseCase) -> bool:
    """Whether the diagrams of the use case's current revision are stored (a key missing then is no diagram)."""
    return UseCaseDiagram.objects.filter(
        use_case_id=use_case.pk, revision=use_case.revision, renderer=RENDERER_VERSION
    ).exists()


def diagram_key_possible(*, use_case: UseCase, key: str) -> bool:
    """Whether `key` may name a diagram of the use case before its diagrams are stored: actors, nist, sgam-<layer>,
    or a sequence diagram of one of its scenarios (one query). What is not possible is a 404 at once."""
    if key in ("actors", "nist") or key.startswith("sgam-"):
        return True
    if not key.startswith("sequence-"):
        return False
    mrid = key.removeprefix("sequence-")[:36]
    try:
        mrid = str(uuid.UUID(mrid))
    except ValueError:
        return False
    return Scenario.objects.filter(use_case_id=use_case.pk, mrid=mrid).exists()


def rendered_diagram_get(*, content_hash: str) -> RenderedDiagram | None:
    return RenderedDiagram.objects.filter(content_hash=content_hash).first()


def rendered_diagram_visible_get(*, user, content_hash: str) -> RenderedDiagram | None:
    """The rendered diagram with this content hash, when it is a diagram of a use case the user may see."""
    from ucmr.permissions import visible_to

    visible = visible_to(user, UseCase.objects.all())
    if not UseCaseDiagram.objects.filter(content_hash=content_hash, use_case__in=visible).exists():
        return None
    return rendered_diagram_get(content_hash=content_hash)


@dataclass
class GeneratedPanel:
    """What the use case page shows of its analysis: the generated diagrams and the validation findings."""

    use_case: UseCase
    diagrams: list[DiagramEntry]
    validation: UseCaseValidation

    @property
    def rendering(self) -> bool:
        return any(entry.state == RENDERING for entry in self.diagrams)

    @property
    def pending(self) -> bool:
        return self.rendering or self.validation.stale

    @property
    def cards(self) -> list[DiagramCard]:
        """The diagrams as the page's cards: the pages of a sequence diagram on one card."""
        cards: list[DiagramCard] = []
        for entry in self.diagrams:
            if cards and entry.spec.page > 1 and cards[-1].first.spec.scenario_id == entry.spec.scenario_id:
                cards[-1].entries.append(entry)
            else:
                cards.append(DiagramCard([entry]))
        return cards

    @property
    def status_url(self) -> str:
        return reverse("usecases:usecase_generated_status", kwargs={"pk": self.use_case.pk})

    def as_json(self) -> dict:
        return {
            "pending": self.pending,
            "diagrams": [entry.as_json() for entry in self.diagrams],
            "validation": {
                **self.validation.as_json(),
                "findings": [
                    {
                        "rule": finding.rule,
                        "severity": finding.severity,
                        "message": finding.message,
                        "hint": finding.hint,
                        "anchor": finding.anchor,
                    }
                    for finding in self.validation.findings
                ],
            },
        }


@dataclass(frozen=True)
class PollSchedule:
    """When the page asks again for what is still pending: after `delay` ms (growing from 1.5 s to 10 s), as poll
    number `next`; `delay` 0 after the last poll, when the page says to reload in a while."""

    next: int
    delay: int

    FIRST_MS = 1500
    MAX_MS = 10000
    MAX_POLLS = 120

    @classmethod
    def after(cls, polls: int) -> "PollSchedule":
        if polls >= cls.MAX_POLLS:
            return cls(polls, 0)
        return cls(polls + 1, round(min(cls.MAX_MS, cls.FIRST_MS * 1.15**polls)))


def _stored_or_named(use_case: UseCase) -> list[DiagramEntry]:
    """The page's diagrams without building a graph: those stored for the use case's revision; else, while the
    rendering job has not stored them yet, those of the latest stored revision (the same cards, all rendering);
    else, for a use case never rendered, its diagrams named from its rows (no graph built: once per use case)."""
    rows = usecase_diagram_rows(use_case=use_case)
    if rows:
        return _with_rendered(use_case.pk, [(row, row.content_hash) for row in rows])
    latest = (
        UseCaseDiagram.objects.filter(use_case_id=use_case.pk, renderer=RENDERER_VERSION)
        .order_by("-revision")
        .values_list("revision", flat=True)
        .first()
    )
    if latest is not None:
        named = UseCaseDiagram.objects.filter(use_case_id=use_case.pk, renderer=RENDERER_VERSION, revision=latest)
        return [DiagramEntry(use_case.pk, row, "", None) for row in named]
    loaded = usecase_diagram_facts_load(use_case_id=use_case.pk)
    if loaded is None:
        return []
    facts = usecase_facts(use_case=loaded)
    headings = usecase_diagram_headings(facts=facts, placements=usecase_placements(facts=facts))
    # Kept for the revision without a content hash (the job fills them in), so the page's polls while the job runs,
    # and other readers, name them from here instead of reading the rows again.
    usecase_diagrams_store(use_case=use_case, diagrams=headings, ignore_conflicts=True)
    return [DiagramEntry(use_case.pk, heading, "", None) for heading in headings]


def usecase_generated_get(*, use_case: UseCase) -> GeneratedPanel:
    """Diagrams and validation of a use case (the caller has checked the user may see it; its rows need not be
    loaded), in a fixed number of queries whatever its size, building no graph."""
    return GeneratedPanel(
        use_case=use_case,
        diagrams=_stored_or_named(use_case),
        validation=usecase_validation_get(use_case=use_case),
    )


# How generated diagrams travel in IEC 62559-3 exports: as Drawings (section 2) of the use case, a sequence diagram
# as a Drawing of its scenario, each with a stable mRID made from the use case's mRID and the diagram's key.
EXPORT_DRAWING_TYPES = {
    Kind.ACTORS: "use case overview",
    Kind.SEQUENCE: "scenario overview",
    Kind.SGAM: "domain overview",
    Kind.NIST: "domain overview",
}


@dataclass(frozen=True)
class GeneratedDrawing:
    """A diagram as an export lists it: `scenario_id` None for a drawing of the use case itself, `path` the
    address of its SVG on this repository, without primary keys (make it absolute with the site's address)."""

    key: str
    mrid: uuid.UUID
    name: str
    drawing_type: str
    scenario_id: int | None
    path: str


def usecase_generated_drawings(*, facts: UseCaseFacts, placements: UseCasePlacements) -> list[GeneratedDrawing]:
    """The use case's diagrams as drawings of an export, whether rendered yet or not (the address renders on
    demand); runs no query. The same use case gives the same drawings in every repository."""
    use_case_mrid = facts.use_case.mrid
    return [
        GeneratedDrawing(
            key=heading.key,
            mrid=uuid.uuid5(use_case_mrid, heading.key),
            name=heading.title,
            drawing_type=EXPORT_DRAWING_TYPES[heading.kind],
            scenario_id=heading.scenario_id,
            path=reverse(
                "usecases:diagram_by_mrid", kwargs={"mrid": use_case_mrid, "key": heading.key, "output_format": "svg"}
            ),
        )
        for heading in usecase_diagram_headings(facts=facts, placements=placements)
    ]
