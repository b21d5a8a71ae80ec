"""Graphs built from a use case's tables, as networkx graphs: plain functions of prefetched objects, no queries.

- `actor_interaction_graph`: who sends what to whom, an edge per information exchange (step x producer x receiver);
- `sequence_graph`: one scenario's steps in reading order as messages between lifelines, macro steps as frames;
- `sgam_plane_graph`: one SGAM layer, elements in their domain x zone cells, connections between them;
- `nist_graph`: the NIST domains holding the actors, data flows between domains aggregated from the steps, and the
  energy flow between the power domains (bidirectional, as in the NIST conceptual model).

The repository-wide network and impact analysis are in `usecases.analysis.network`.

Pass a use case as `usecases.selectors.usecase_get` (`with_document()`) loads it, read by
`usecases.analysis.facts.usecase_facts`, and its effective placements (`sgam.selectors.usecase_placements`).
Node ids are made here from primary keys and codes only; user text travels in attributes, never in ids.
"""

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from sgam.selectors import Cell, UseCasePlacements
from usecases.analysis.facts import ScenarioFacts, StepFacts, UseCaseFacts
from usecases.models import Scenario

UNKNOWN_ACTOR = "actor-unknown"
UNPLACED = "unplaced"
# The power domains of the NIST conceptual model, along which energy flows both ways.
ENERGY_CHAIN = ("bulk_generation", "transmission", "distribution", "customer")


def actor_node(pk: int) -> str:
    return f"actor-{pk}"


def information_label(information_object) -> str:
    """What a diagram calls an information object: its name (its ID goes in the tooltip), its ID when it has no
    name (a validation finding, not something the diagram makes up)."""
    return information_object.name or information_object.identifier


def information_tooltip(information_object) -> str:
    return " ".join(part for part in (information_object.identifier, information_object.name) if part)


def _information(step: StepFacts) -> list[str]:
    return [label for label in map(information_label, step.information_objects) if label]


def _information_tooltips(step: StepFacts) -> list[str]:
    return [tip for tip in map(information_tooltip, step.information_objects) if tip]


def _exchange_label(information: list[str], scenario: Scenario, number: str) -> str:
    where = f"sc. {scenario.number or scenario.position}, step {number}"
    return f"{', '.join(information)} ({where})" if information else where


def actor_interaction_graph(*, facts: UseCaseFacts) -> nx.MultiDiGraph:
    """Nodes: every actor the use case names (`listed` tells whether 3.1 lists it). Edges: producer -> receiver,
    one per step and pair, keyed `step-<pk>`, with the information exchanged (names; `information_ids`: ID and
    name of each, for tooltips) and the step's full number."""
    graph = nx.MultiDiGraph(name=str(facts.use_case))
    listed = {role.actor_id for role in facts.roles}
    for actor in facts.actors:
        graph.add_node(
            actor_node(actor.pk),
            kind="actor",
            pk=actor.pk,
            label=actor.name,
            actor_type=actor.get_type_display(),
            listed=actor.pk in listed,
        )
    for scenario, step in facts.steps():
        information = _information(step)
        for producer in step.producers:
            for receiver in step.receivers:
                graph.add_edge(
                    actor_node(producer.pk),
                    actor_node(receiver.pk),
                    key=f"step-{step.step.pk}",
                    step=step.step.pk,
                    scenario=scenario.scenario.pk,
                    scenario_number=str(scenario.scenario.number or scenario.scenario.position),
                    number=step.number,
                    information=information,
                    information_ids=_information_tooltips(step),
                    service=step.step.service,
                    label=_exchange_label(information, scenario.scenario, step.number),
                )
    return graph


@dataclass(frozen=True)
class Frame:
    """A macro step around its sub-steps in a sequence diagram: from its header row to its last row."""

    step: int
    number: str
    name: str
    depth: int
    first_row: int
    last_row: int


# A sequence diagram of more rows than this is split into pages (a page of 60 rows is about 2,500 px tall).
SEQUENCE_PAGE_ROWS = 60


def _message_rows(step: StepFacts) -> int:
    """The rows a step takes in a sequence diagram (as `sequence_graph` lays them out)."""
    header = 1 if step.node.children else 0
    if step.node.children and not step.producers and not step.receivers:
        return header
    return header + max(1, len(step.producers)) * max(1, len(step.receivers))


def sequence_pages(*, scenario: ScenarioFacts, rows: int = SEQUENCE_PAGE_ROWS) -> list[list[StepFacts]]:
    """The scenario's steps split into pages of about `rows` rows, each page whole top-level steps (a macro step is
    never cut from its sub-steps); a scenario of fewer rows is one page. Draws nothing."""
    pages: list[list[StepFacts]] = [[]]
    used = 0
    group: list[StepFacts] = []
    group_rows = 0

    def close_group() -> None:
        nonlocal used
        if pages[-1] and used + group_rows > rows:
            pages.append([])
            used = 0
        pages[-1].extend(group)
        used += group_rows

    for step in scenario.steps:
        if step.node.depth == 0 and group:
            close_group()
            group, group_rows = [], 0
        group.append(step)
        group_rows += _message_rows(step)
    if group:
        close_group()
    return pages


class _Lifelines:
    """Adds a lifeline to a sequence graph the first time an actor appears, numbering them left to right."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph
        self.order = 0

    def __call__(self, pk: int | None, label: str) -> str:
        node = actor_node(pk) if pk is not None else UNKNOWN_ACTOR
        if node not in self.graph:
            self.graph.add_node(
                node, kind="actor" if pk is not None else "unknown", pk=pk, label=label, order=self.order
            )
            self.order += 1
        return node


@dataclass
class _Frames:
    """The macro steps open around the current row, closed into `Frame`s when a step of their depth or above
    comes."""

    frames: list[Frame] = field(default_factory=list)
    open: list[tuple[StepFacts, int]] = field(default_factory=list)

    def close(self, depth: int, row: int) -> None:
        while self.open and self.open[-1][0].node.depth >= depth:
            facts, first = self.open.pop()
            self.frames.append(
                Frame(facts.step.pk, facts.number, facts.step.name, facts.node.depth, first, max(first, row - 1))
            )


def _add_messages(graph: nx.MultiDiGraph, step: StepFacts, producers: list[str], receivers: list[str], row: int) -> int:
    """A step's messages, one row each (every producer to every receiver, or to itself); returns the next row."""
    information = _information(step)
    for producer in producers:
        for receiver in receivers or [producer]:
            graph.add_edge(
                producer,
                receiver,
                key=f"m{row}",
                row=row,
                step=step.step.pk,
                number=step.number,
                name=step.step.name,
                service=step.step.service,
                information=information,
                information_ids=_information_tooltips(step),
                depth=step.node.depth,
            )
            row += 1
    return row


def sequence_graph(*, scenario: ScenarioFacts, steps: list[StepFacts] | None = None) -> nx.MultiDiGraph:
    """The scenario's steps in reading order (each step before its sub-steps); `steps`: only these (a page of
    them, from `sequence_pages`).

    Nodes: lifelines, left to right in order of first appearance (`order`); `actor-unknown` (no label: drawn as the
    start of a found message, not a lifeline) stands for a producer the step does not name. Edges: messages keyed
    `m<row>`, with `row` (top to bottom), the step's full `number`, `name`, `service`, `information` (names),
    `information_ids` and `depth`; a step without receivers is a message of its producer to itself.
    `graph.graph["frames"]`: a `Frame` per step that has sub-steps (one header row, then its rows).
    """
    graph = nx.MultiDiGraph(name=str(scenario.scenario), scenario=scenario.scenario.pk)
    lifeline = _Lifelines(graph)
    for actor in scenario.primary_actors:
        lifeline(actor.pk, actor.name)
    row = 0
    frames = _Frames()
    for step in scenario.steps if steps is None else steps:
        frames.close(step.node.depth, row)
        if step.node.children:
            frames.open.append((step, row))
            row += 1  # the frame's header
        producers = [lifeline(actor.pk, actor.name) for actor in step.producers]
        receivers = [lifeline(actor.pk, actor.name) for actor in step.receivers]
        if step.node.children and not producers and not receivers:
            continue  # a macro step that only groups its sub-steps: its frame says it all
        row = _add_messages(graph, step, producers or [lifeline(None, "")], receivers, row)
    frames.close(0, row)
    graph.graph["frames"] = sorted(frames.frames, key=lambda frame: (frame.first_row, frame.depth))
    graph.graph["rows"] = row
    return graph


def _cell_code(cell: Cell) -> tuple[str, str]:
    return (cell.domain.code if cell.domain else "*", cell.zone.code if cell.zone else "*")


def _distance(a: Cell, b: Cell) -> int:
    a_domain, a_zone = (a.domain.order if a.domain else 0), (a.zone.order if a.zone else 0)
    b_domain, b_zone = (b.domain.order if b.domain else 0), (b.zone.order if b.zone else 0)
    return abs(a_domain - b_domain) + abs(a_zone - b_zone)


def sgam_plane_graph(*, facts: UseCaseFacts, placements: UseCasePlacements, layer_code: str) -> nx.DiGraph:
    """One SGAM layer. Nodes: an element (actor, information object, the use case) once per cell it occupies on
    this layer, with `domain` and `zone` codes ("*" when open), `kind`, `pk`, `label` (a name), `tooltip` (the ID)
    and `source` of the placement. Edges: producer -> receiver between actors on this layer, aggregated per pair
    (between their nearest cells), with the `information` exchanged (names) and the step `numbers`."""
    reference = placements.reference
    layer = reference.layer(layer_code)
    use_case = facts.use_case
    graph = nx.DiGraph(
        name=f"{use_case} - {layer.name} layer",
        layer=layer.code,
        layer_name=layer.name,
        domains=[(domain.code, domain.name) for domain in reference.domains],
        zones=[(zone.code, zone.name) for zone in reference.zones],
    )

    def add(kind: str, pk: int, label: str, cells: list[Cell], tooltip: str = "") -> list[tuple[str, Cell]]:
        added = []
        for cell in cells:
            if cell.layer.pk != layer.pk:
                continue
            domain, zone = _cell_code(cell)
            node = f"{kind}-{pk}-in-{domain}-{zone}".replace("*", "any")
            graph.add_node(
                node, kind=kind, pk=pk, label=label, tooltip=tooltip, domain=domain, zone=zone, source=cell.source
            )
            added.append((node, cell))
        return added

    add("usecase", use_case.pk, use_case.name or use_case.identifier, placements.use_case, use_case.identifier)
    actor_cells = {
        actor.pk: add("actor", actor.pk, actor.name, placements.actors.get(actor.pk, [])) for actor in facts.actors
    }
    for information_object in facts.information_objects:
        cells = placements.information_objects.get(information_object.pk, [])
        label, tooltip = information_label(information_object), information_tooltip(information_object)
        add("information", information_object.pk, label, cells, tooltip)

    for _, step in facts.steps():
        for producer in step.producers:
            for receiver in step.receivers:
                sources, targets = actor_cells.get(producer.pk), actor_cells.get(receiver.pk)
                if not sources or not targets or producer.pk == receiver.pk:
                    continue
                (source, _), (target, _) = min(
                    ((s, t) for s in sources for t in targets), key=lambda pair: _distance(pair[0][1], pair[1][1])
                )
                if not graph.has_edge(source, target):
                    graph.add_edge(source, target, information=[], numbers=[])
                data = graph.edges[source, target]
                data["numbers"].append(step.number)
                for item in _information(step):
                    if item not in data["information"]:
                        data["information"].append(item)
    return graph


def sgam_layers_in_use(*, placements: UseCasePlacements) -> list[str]:
    """The codes of the layers on which something of the use case is placed, in SGAM order."""
    used = {cell.layer.pk for cell in placements.use_case}
    used |= {cell.layer.pk for cells in placements.actors.values() for cell in cells}
    used |= {cell.layer.pk for cells in placements.information_objects.values() for cell in cells}
    return [layer.code for layer in placements.reference.layers if layer.pk in used]


def nist_node(code: str) -> str:
    return f"nist-{code}"


def nist_graph(*, facts: UseCaseFacts, placements: UseCasePlacements) -> nx.MultiDiGraph:
    """Nodes: the seven NIST domains (`kind` "domain", plus "unplaced" when an actor has no NIST domain) and every
    actor once per domain it belongs to (`kind` "actor", `domain` code). Edges between domain nodes: `kind`
    "data" (key "data"), the flows of the steps aggregated per pair of domains, with `count`, `information` and
    step `numbers` (a flow within one domain is a loop); `kind` "energy" (key "energy") along the power chain.

    An actor in several domains sends from, and receives in, its first domain, unless producer and receiver
    share a domain: that flow stays within the shared domain."""
    reference = placements.reference
    graph = nx.MultiDiGraph(name=f"{facts.use_case} - NIST domains")
    for domain in reference.nist_domains:
        graph.add_node(nist_node(domain.code), kind="domain", code=domain.code, label=domain.name, order=domain.order)
    for left, right in itertools.pairwise(ENERGY_CHAIN):
        graph.add_edge(nist_node(left), nist_node(right), key="energy", kind="energy")

    def domains_of(actor_pk: int) -> list[str]:
        return [domain.code for domain in placements.actor_nist.get(actor_pk, [])] or [UNPLACED]

    for actor in facts.actors:
        for code in domains_of(actor.pk):
            if code == UNPLACED and nist_node(UNPLACED) not in graph:
                graph.add_node(nist_node(UNPLACED), kind="domain", code=UNPLACED, label="No NIST domain", order=99)
            graph.add_node(f"actor-{actor.pk}-in-{code}", kind="actor", pk=actor.pk, label=actor.name, domain=code)

    for _, step in facts.steps():
        for producer in step.producers:
            for receiver in step.receivers:
                sent, received = domains_of(producer.pk), domains_of(receiver.pk)
                shared = [code for code in sent if code in received]
                source, target = (shared[0], shared[0]) if shared else (sent[0], received[0])
                key = (nist_node(source), nist_node(target), "data")
                if not graph.has_edge(*key):
                    graph.add_edge(*key, kind="data", count=0, information=[], numbers=[])
                data = graph.edges[key]
                data["count"] += 1
                if step.number not in data["numbers"]:
                    data["numbers"].append(step.number)
                for item in _information(step):
                    if item not in data["information"]:
                        data["information"].append(item)
    return graph


def exchanges_by_pair(graph: nx.MultiDiGraph) -> dict[tuple[str, str], list[dict]]:
    """The edges of an actor interaction graph grouped by (producer, receiver) node, in insertion order."""
    grouped: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for source, target, data in graph.edges(data=True):
        grouped[(source, target)].append(data)
    return grouped
