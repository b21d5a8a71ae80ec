"""Which diagrams a use case has, and their DOT sources: `usecase_diagram_headings` names them (key, title, page)
without drawing them, `usecase_diagram_specs` draws each one (`graphs`, then `rendering` or `planes`). Both run no
query: they read the use case's facts and placements. What is stored and shown of them is in `diagrams`.

A diagram's key is the same in every repository holding the use case (no primary key in it): actors, nist,
sequence-<scenario mRID> (a long scenario's further pages sequence-<scenario mRID>-p<n>), sgam-<layer code>.
"""

from dataclasses import dataclass

from sgam.models import RenderedDiagram
from sgam.selectors import UseCasePlacements
from usecases.analysis import graphs, planes, rendering
from usecases.analysis.dot import DotSource
from usecases.analysis.facts import UseCaseFacts
from usecases.models import Scenario

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
    page: int = 1
    pages: int = 1


@dataclass(frozen=True, kw_only=True)
class DiagramSpec(DiagramHeading):
    """A diagram with its DOT source: what is rendered, and cached by content hash."""

    dot: DotSource

    @property
    def content_hash(self) -> str:
        return self.dot.content_hash


def _sequence_key(scenario: Scenario, page: int) -> str:
    return f"sequence-{scenario.mrid}" if page == 1 else f"sequence-{scenario.mrid}-p{page}"


def _sequence_headings(item) -> list[tuple["DiagramHeading", list]]:
    """The pages of a scenario's sequence diagram, each with its steps."""
    scenario = item.scenario
    pages = graphs.sequence_pages(scenario=item)
    title = f"Sequence diagram of scenario {scenario}"
    headings = []
    for page, steps in enumerate(pages, start=1):
        shown = title
        if len(pages) > 1:
            span = f"steps {steps[0].number} to {steps[-1].number}" if steps else "no steps"
            shown = f"{title}, page {page} of {len(pages)} ({span})"
        heading = DiagramHeading(
            key=_sequence_key(scenario, page),
            kind=Kind.SEQUENCE,
            subject=f"scenario-{scenario.pk}" if page == 1 else f"scenario-{scenario.pk}-p{page}",
            title=shown,
            scenario_id=scenario.pk,
            page=page,
            pages=len(pages),
        )
        headings.append((heading, steps))
    return headings


def usecase_diagram_headings(*, facts: UseCaseFacts, placements: UseCasePlacements) -> list[DiagramHeading]:
    """Every diagram of the use case, in the order the page shows them; runs no query and draws nothing."""
    headings = [DiagramHeading(key="actors", kind=Kind.ACTORS, subject="", title="Actor interaction")]
    for item in facts.scenarios:
        headings.extend(heading for heading, _ in _sequence_headings(item))
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
    pages = {heading.key: steps for item in facts.scenarios for heading, steps in _sequence_headings(item)}
    scenarios = {item.scenario.pk: item for item in facts.scenarios}

    def dot(heading: DiagramHeading) -> DotSource:
        if heading.kind == Kind.ACTORS:
            return rendering.actor_interaction_dot(graphs.actor_interaction_graph(facts=facts))
        if heading.kind == Kind.SEQUENCE:
            graph = graphs.sequence_graph(scenario=scenarios[heading.scenario_id], steps=pages[heading.key])
            return rendering.sequence_dot(graph)
        if heading.kind == Kind.SGAM:
            graph = graphs.sgam_plane_graph(facts=facts, placements=placements, layer_code=heading.subject)
            return planes.sgam_plane_dot(graph)
        return planes.nist_dot(graphs.nist_graph(facts=facts, placements=placements))

    return [
        DiagramSpec(
            key=heading.key,
            kind=heading.kind,
            subject=heading.subject,
            title=heading.title,
            scenario_id=heading.scenario_id,
            page=heading.page,
            pages=heading.pages,
            dot=dot(heading),
        )
        for heading in usecase_diagram_headings(facts=facts, placements=placements)
    ]
