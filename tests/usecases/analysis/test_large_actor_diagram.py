"""The actor interaction diagram of a use case whose 5,000 steps connect every two of its 50 actors (2,450
producer -> receiver pairs): drawn as one labelled line per two actors around a circle, which Graphviz finishes
within its time limit (one arrow per pair laid out by dot did not finish), every exchange still in the tooltips."""

import xml.etree.ElementTree as ET

import networkx as nx

from usecases.analysis.dot import graphviz_run
from usecases.analysis.graphs import actor_node
from usecases.analysis.rendering import actor_interaction_dot

ACTORS, STEPS = 50, 5000
SVG, XLINK = "{http://www.w3.org/2000/svg}", "{http://www.w3.org/1999/xlink}"


def dense_graph() -> nx.MultiDiGraph:
    """Step n goes from one actor to another, every ordered pair of actors first, then around again."""
    graph = nx.MultiDiGraph()
    for pk in range(ACTORS):
        graph.add_node(actor_node(pk), label=f"Actor {pk}", actor_type="System", listed=True)
    pairs = [(a, b) for a in range(ACTORS) for b in range(ACTORS) if a != b]
    for n in range(STEPS):
        producer, receiver = pairs[n % len(pairs)]
        graph.add_edge(
            actor_node(producer),
            actor_node(receiver),
            key=f"step-{n}",
            information=[f"Reading {n}"],
            information_ids=[f"IO{n} Reading {n}"],
            scenario_number="1",
            number=str(n + 1),
        )
    return graph


def edges_of(svg: bytes) -> dict[str, tuple[str, list[str]]]:
    """Title (`actor-1->actor-2`) -> (tooltip, the label's lines) of each edge of an SVG Graphviz wrote."""
    edges = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):  # noqa: S314 - our own Graphviz output
        if group.get("class") == "edge":
            title = group.find(f"{SVG}title").text
            link = next(group.iter(f"{SVG}a"))
            texts = [item.text for item in group.iter(f"{SVG}text") if item.text.strip()]
            edges[title] = (link.get(f"{XLINK}title"), texts)
    return edges


def test_a_dense_actor_diagram_draws_one_line_per_two_actors_and_finishes():
    svg, _ = graphviz_run(dot=actor_interaction_dot(dense_graph()), output_format="svg")  # the default time limit

    edges = edges_of(svg)
    assert len(edges) == ACTORS * (ACTORS - 1) // 2
    tooltip, label = edges[f"{actor_node(0)}->{actor_node(1)}"]
    # Actor 0 -> Actor 1 is steps 1, 2,451 and 4,901 (every 2,450 steps); Actor 1 -> Actor 0 steps 50, 2,500, 4,950.
    assert label == ["6", "Reading 0 +5"]  # how many exchanges, the first information name and how many more
    assert tooltip.splitlines() == [
        "Actor 0 -> Actor 1: Reading 0 (sc. 1 step 1); Reading 2450 (sc. 1 step 2451); Reading 4900 (sc. 1 step 4901)",
        "Actor 1 -> Actor 0: Reading 49 (sc. 1 step 50); Reading 2499 (sc. 1 step 2500); "
        "Reading 4949 (sc. 1 step 4950)",
    ]
