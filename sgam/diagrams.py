"""The diagrams a use case shows (section 2, "Generated diagrams"), and what of them is rendered already.

`usecase_diagram_headings` names the diagrams of a use case (key, title) without drawing them;
`usecase_diagram_specs` adds each one's DOT source and content hash. A spec is rendered once per hash
(`sgam.services.diagram_render`), so `usecase_diagrams_get` can tell, in one query, which diagrams are ready, still
rendering or failed. `usecase_generated_drawings` is how an IEC 62559-3 export lists them.

A diagram's key is the same in every repository holding the use case (no primary key in it), so the address
`sgam:diagram_by_mrid` (use case mRID + key) that exports write names the same diagram after an import elsewhere.
"""

import uuid
from dataclasses import dataclass

from django.urls import reverse

from sgam import graphs, rendering
from sgam.dot import DotSource
from sgam.models import RenderedDiagram
from sgam.selectors import UseCaseFacts, UseCasePlacements, usecase_facts, usecase_placements
from sgam.validation.selectors import UseCaseValidation, usecase_validation_get
from usecases.models import UseCase

READY, RENDERING, FAILED = "ready", "rendering", "failed"
Kind = RenderedDiagram.Kind


@dataclass(frozen=True, kw_only=True)
class DiagramHeading:
    """What names one diagram of a use case, known without drawing it. `key` names it in URLs and exports: actors,
    nist, sequence-<scenario mRID>, sgam-<layer code>; `scenario_id` is the scenario a sequence diagram shows."""

    key: str
    kind: str
    subject: str
    title: str
    scenario_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class DiagramSpec(DiagramHeading):
    """A diagram with its DOT source: what is rendered, and cached by content hash."""

    dot: DotSource

    @property
    def content_hash(self) -> str:
        return self.dot.content_hash


def usecase_diagram_headings(*, facts: UseCaseFacts, placements: UseCasePlacements) -> list[DiagramHeading]:
    """Every diagram of the use case, in the order the page shows them; runs no query and draws nothing."""
    headings = [DiagramHeading(key="actors", kind=Kind.ACTORS, subject="", title="Actor interaction")]
    for item in facts.scenarios:
        scenario = item.scenario
        headings.append(
            DiagramHeading(
                key=f"sequence-{scenario.mrid}",
                kind=Kind.SEQUENCE,
                subject=f"scenario-{scenario.pk}",
                title=f"Sequence diagram of scenario {scenario}",
                scenario_id=scenario.pk,
            )
        )
    for layer_code in graphs.sgam_layers_in_use(placements=placements):
        layer = placements.reference.layer(layer_code)
        headings.append(
            DiagramHeading(
                key=f"sgam-{layer_code}", kind=Kind.SGAM, subject=layer_code, title=f"SGAM {layer.name} layer"
            )
        )
    headings.append(DiagramHeading(key="nist", kind=Kind.NIST, subject="", title="NIST domains and flows"))
    return headings


def usecase_diagram_specs(*, facts: UseCaseFacts, placements: UseCasePlacements) -> list[DiagramSpec]:
    """Every diagram of the use case with its DOT source, in the order the page shows them; runs no query."""
    scenarios = {item.scenario.pk: item for item in facts.scenarios}

    def dot(heading: DiagramHeading) -> DotSource:
        if heading.kind == Kind.ACTORS:
            return rendering.actor_interaction_dot(graphs.actor_interaction_graph(facts=facts))
        if heading.kind == Kind.SEQUENCE:
            return rendering.sequence_dot(graphs.sequence_graph(scenario=scenarios[heading.scenario_id]))
        if heading.kind == Kind.SGAM:
            graph = graphs.sgam_plane_graph(facts=facts, placements=placements, layer_code=heading.subject)
            return rendering.sgam_plane_dot(graph)
        return rendering.nist_dot(graphs.nist_graph(facts=facts, placements=placements))

    return [
        DiagramSpec(
            key=heading.key,
            kind=heading.kind,
            subject=heading.subject,
            title=heading.title,
            scenario_id=heading.scenario_id,
            dot=dot(heading),
        )
        for heading in usecase_diagram_headings(facts=facts, placements=placements)
    ]


@dataclass
class DiagramEntry:
    """A diagram as a page shows it: its spec, its stored rendering (without the SVG and PNG bytes) and state."""

    use_case_id: int
    spec: DiagramSpec
    rendered: RenderedDiagram | None

    @property
    def state(self) -> str:
        if self.rendered is None:
            return RENDERING
        return FAILED if self.rendered.error else READY

    @property
    def error(self) -> str:
        return self.rendered.error if self.rendered is not None else ""

    def url(self, output_format: str) -> str:
        return reverse(
            "sgam:diagram_download",
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
            "version": self.spec.content_hash[:12],
        }


def usecase_diagram_specs_get(*, use_case: UseCase) -> list[DiagramSpec]:
    """The diagrams of a use case loaded by `usecase_get` (a fixed number of queries for the placements)."""
    facts = usecase_facts(use_case=use_case)
    return usecase_diagram_specs(facts=facts, placements=usecase_placements(facts=facts))


def usecase_diagrams_get(*, use_case: UseCase) -> list[DiagramEntry]:
    """The use case's diagrams and their rendering state, in one query beyond the placements."""
    specs = usecase_diagram_specs_get(use_case=use_case)
    stored = RenderedDiagram.objects.filter(content_hash__in=[spec.content_hash for spec in specs]).defer(
        "svg", "png", "source"
    )
    by_hash = {diagram.content_hash: diagram for diagram in stored}
    return [DiagramEntry(use_case.pk, spec, by_hash.get(spec.content_hash)) for spec in specs]


def usecase_diagram_spec_get(*, use_case: UseCase, key: str) -> DiagramSpec | None:
    """The current spec of one diagram of the use case, or None when it has no diagram of that name."""
    return next((spec for spec in usecase_diagram_specs_get(use_case=use_case) if spec.key == key), None)


def rendered_diagram_get(*, spec: DiagramSpec) -> RenderedDiagram | None:
    return RenderedDiagram.objects.filter(content_hash=spec.content_hash).first()


@dataclass
class GeneratedPanel:
    """What the use case page shows of the sgam app: the generated diagrams and the validation findings."""

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
    def status_url(self) -> str:
        return reverse("sgam:usecase_generated_status", kwargs={"pk": self.use_case.pk})

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


def usecase_generated_get(*, use_case: UseCase) -> GeneratedPanel:
    """Diagrams and validation of a use case loaded by `usecase_get` (the caller has checked the user may see it),
    in a fixed number of queries whatever its size."""
    return GeneratedPanel(
        use_case=use_case,
        diagrams=usecase_diagrams_get(use_case=use_case),
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
                "sgam:diagram_by_mrid", kwargs={"mrid": use_case_mrid, "key": heading.key, "output_format": "svg"}
            ),
        )
        for heading in usecase_diagram_headings(facts=facts, placements=placements)
    ]
