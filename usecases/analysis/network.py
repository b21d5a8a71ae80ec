"""The repository-wide network and impact analysis, as networkx graphs: `repository_network` holds the actors,
information objects and use cases of the whole repository (or the part of it a question needs), `impact_analysis`
what depends on one actor or information object, directly and through related use cases. Node ids are made from
primary keys only. `usecases.analysis.impact` reads the rows and shows the answer on the pages.
"""

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from usecases.analysis.graphs import actor_node

# A relation "A <type> B" makes A depend on B; an association makes both depend on each other.
SYMMETRIC_RELATIONS = {"associate"}


def usecase_node(pk: int) -> str:
    return f"usecase-{pk}"


def information_node(pk: int) -> str:
    return f"information-{pk}"


def repository_network(
    *,
    use_cases: Iterable[tuple[int, str]],
    actor_links: Iterable[tuple[int, int, str]],
    information_links: Iterable[tuple[int, int, int | None, str]],
    relations: Iterable[tuple[int, int, str]],
) -> nx.MultiDiGraph:
    """Use cases, actors and information objects of a repository (or the part of it a question needs).

    - `use_cases`: (use case pk, label);
    - `actor_links`: (use case pk, actor pk, how) with how "listed" (3.1), "produces", "receives" or "primary";
    - `information_links`: (use case pk, information object pk, actor pk or None, how) with how "produces" or
      "receives" (the actor's part in a step exchanging it; None and "exchanged" for a step naming no actor);
    - `relations`: (use case pk, related use case pk, relation type).

    Edges: use case -> actor (`kind` "involves", `how`), use case -> information object ("exchanges"), actor ->
    information object ("produces"/"receives", `use_case`), use case -> use case ("relation", `type`).
    """
    graph = nx.MultiDiGraph()
    for pk, label in use_cases:
        graph.add_node(usecase_node(pk), kind="usecase", pk=pk, label=label)

    def ensure(node: str, kind: str, pk: int) -> str:
        if node not in graph:
            graph.add_node(node, kind=kind, pk=pk)
        return node

    for use_case_pk, actor_pk, how in actor_links:
        use_case = ensure(usecase_node(use_case_pk), "usecase", use_case_pk)
        actor = ensure(actor_node(actor_pk), "actor", actor_pk)
        graph.add_edge(use_case, actor, key=f"involves-{how}", kind="involves", how=how)
    for use_case_pk, information_pk, actor_pk, how in information_links:
        use_case = ensure(usecase_node(use_case_pk), "usecase", use_case_pk)
        information = ensure(information_node(information_pk), "information", information_pk)
        graph.add_edge(use_case, information, key="exchanges", kind="exchanges")
        if actor_pk is not None:
            actor = ensure(actor_node(actor_pk), "actor", actor_pk)
            graph.add_edge(actor, information, key=f"{how}-{use_case_pk}", kind=how, use_case=use_case_pk)
    for use_case_pk, related_pk, relation_type in relations:
        source = ensure(usecase_node(use_case_pk), "usecase", use_case_pk)
        target = ensure(usecase_node(related_pk), "usecase", related_pk)
        graph.add_edge(source, target, key=f"relation-{relation_type}", kind="relation", type=relation_type)
    return graph


@dataclass(frozen=True)
class IndirectImpact:
    """A use case that depends on an affected one: `via` (its pk), the relation `type`, and `distance` (1: it
    depends on a use case that uses the object directly)."""

    via: int
    type: str
    distance: int


@dataclass
class Impact:
    """What depends on an actor or an information object.

    - `direct`: use case pk -> how it uses the object (listed, produces, receives, primary, exchanges);
    - `indirect`: use case pk -> `IndirectImpact`, for use cases that depend on an affected use case;
    - `information_objects` (of an actor): pk -> how the actor takes part (produces, receives);
    - `actors` (of an information object): pk -> how they take part (produces, receives).
    """

    direct: dict[int, set[str]] = field(default_factory=dict)
    indirect: dict[int, IndirectImpact] = field(default_factory=dict)
    information_objects: dict[int, set[str]] = field(default_factory=dict)
    actors: dict[int, set[str]] = field(default_factory=dict)


def _dependants(graph: nx.MultiDiGraph, use_case: str) -> Iterable[tuple[str, str]]:
    """(use case node, relation type) of the use cases that depend on `use_case`."""
    for source, _, data in graph.in_edges(use_case, data=True):
        if data.get("kind") == "relation":
            yield source, data["type"]
    for _, target, data in graph.out_edges(use_case, data=True):
        if data.get("kind") == "relation" and data["type"] in SYMMETRIC_RELATIONS:
            yield target, data["type"]


def impact_analysis(graph: nx.MultiDiGraph, node: str) -> Impact:
    """What depends on `node` (an actor or information object node of `repository_network`): the use cases using
    it directly, then, breadth first, the use cases depending on those through their relations (each reached by
    its shortest path), and the objects it exchanges or the actors exchanging it."""
    impact = Impact()
    if node not in graph:
        return impact
    for source, _, data in graph.in_edges(node, data=True):
        kind = data.get("kind")
        if kind == "involves":
            impact.direct.setdefault(graph.nodes[source]["pk"], set()).add(data["how"])
        elif kind == "exchanges":
            impact.direct.setdefault(graph.nodes[source]["pk"], set()).add("exchanges")
        elif kind in ("produces", "receives"):
            impact.actors.setdefault(graph.nodes[source]["pk"], set()).add(kind)
    for _, target, data in graph.out_edges(node, data=True):
        if data.get("kind") in ("produces", "receives"):
            impact.information_objects.setdefault(graph.nodes[target]["pk"], set()).add(data["kind"])

    queue = deque((usecase_node(pk), 0) for pk in sorted(impact.direct))
    reached = {usecase_node(pk) for pk in impact.direct}
    while queue:
        current, distance = queue.popleft()
        for dependant, relation_type in sorted(_dependants(graph, current)):
            if dependant in reached:
                continue
            reached.add(dependant)
            impact.indirect[graph.nodes[dependant]["pk"]] = IndirectImpact(
                via=graph.nodes[current]["pk"], type=relation_type, distance=distance + 1
            )
            queue.append((dependant, distance + 1))
    return impact
