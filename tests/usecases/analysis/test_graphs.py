"""Effective placements and the graphs of a small known use case (tests/usecases/analysis/conftest.py: make_known)."""

import pytest

from sgam.selectors import Source, usecase_placements
from usecases.analysis import graphs
from usecases.analysis.facts import usecase_facts
from usecases.analysis.graphs import Frame, actor_node
from usecases.analysis.network import impact_analysis, information_node, repository_network, usecase_node

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(known, repository_reader):
    facts = usecase_facts(use_case=known.load(repository_reader))
    return facts, usecase_placements(facts=facts)


def scenario_of(facts, scenario):
    return next(item for item in facts.scenarios if item.scenario.pk == scenario.pk)


def cells_of(cells) -> set[tuple[str, str, str, str]]:
    return {
        (cell.layer.code, cell.domain.code if cell.domain else "*", cell.zone.code if cell.zone else "*", cell.source)
        for cell in cells
    }


def test_actors_inherit_their_default_placement_unless_the_use_case_places_them(known, loaded):
    _, placements = loaded

    assert cells_of(placements.actors[known.tso.pk]) == {("business", "transmission", "operation", Source.DEFAULT)}
    assert cells_of(placements.actors[known.dms.pk]) == {("component", "distribution", "station", Source.USE_CASE)}
    assert placements.actors[known.aggregator.pk] == [] and placements.actors[known.meter.pk] == []
    assert [domain.code for domain in placements.actor_nist[known.tso.pk]] == ["transmission", "operations"]
    # computed, not copied: the actors still have only their own rows
    assert known.dms.sgam_placements.count() == 1 and known.tso.sgam_placements.count() == 1


def test_information_objects_sit_on_the_information_layer_by_default(known, loaded):
    _, placements = loaded
    constraints, forecast = (step.information_objects.get() for step in (known.steps["3"], known.steps["1"]))

    assert cells_of(placements.information_objects[constraints.pk]) == {
        ("information", "distribution", "operation", Source.OWN)
    }
    # no placement of its own: where the actors producing it are (the DSO; the aggregator is not placed)
    assert cells_of(placements.information_objects[forecast.pk]) == {
        ("information", "distribution", "operation", Source.DERIVED)
    }
    assert cells_of(placements.use_case) == {("function", "distribution", "operation", Source.OWN)}


def test_actor_interaction_graph_has_an_edge_per_exchange(known, loaded):
    facts, _ = loaded
    graph = graphs.actor_interaction_graph(facts=facts)

    assert {graph.nodes[node]["label"] for node in graph} == {"TSO", "DSO", "DMS", "Aggregator", "Meter"}
    edges = {
        (graph.nodes[source]["label"], graph.nodes[target]["label"], data["number"], tuple(data["information"]))
        for source, target, data in graph.edges(data=True)
    }
    assert edges == {  # information by name, its ID in the tooltip
        ("DSO", "TSO", "1", ("Forecast",)),
        ("DMS", "TSO", "2.2", ("Grid constraints",)),
        ("DMS", "Aggregator", "2.2", ("Grid constraints",)),
        ("TSO", "DSO", "3", ("Grid constraints",)),
        ("Aggregator", "DSO", "1", ("Forecast",)),
    }
    assert {tuple(data["information_ids"]) for _, _, data in graph.edges(data=True)} == {
        ("IO-1 Grid constraints",),
        ("IO-2 Forecast",),
    }
    labels = {data["label"] for _, _, data in graph.edges(data=True)}
    assert "Grid constraints (sc. 1, step 2.2)" in labels and "Forecast (sc. 2, step 1)" in labels
    assert all(graph.nodes[node]["listed"] for node in graph)


def test_sequence_graph_orders_nested_steps_and_frames_the_macro_step(known, loaded):
    facts, _ = loaded
    graph = graphs.sequence_graph(scenario=scenario_of(facts, known.scenario))

    messages = sorted(
        (data["row"], graph.nodes[source]["label"], graph.nodes[target]["label"], data["number"], data["service"])
        for source, target, data in graph.edges(data=True)
    )
    assert messages == [
        (0, "DSO", "TSO", "1", "GET"),
        (2, "DMS", "DMS", "2.1", "EXECUTE"),  # no receiver: a message to itself
        (3, "DMS", "Aggregator", "2.2", "REPORT"),  # receivers in the actor library's order
        (4, "DMS", "TSO", "2.2", "REPORT"),
        (5, "TSO", "DSO", "3", "REPEAT(1-2)"),
    ]
    assert graph.graph["frames"] == [Frame(known.steps["2"].pk, "2", "Agree constraints", 0, 1, 4)]
    assert graph.graph["rows"] == 6
    assert [graph.nodes[node]["label"] for node in sorted(graph, key=lambda n: graph.nodes[n]["order"])] == [
        "DSO",
        "TSO",
        "DMS",
        "Aggregator",
    ]


def test_sequence_graph_names_a_missing_producer(known, repository_reader):
    known.steps["1"].producers.clear()
    facts = usecase_facts(use_case=known.load(repository_reader))

    graph = graphs.sequence_graph(scenario=scenario_of(facts, known.scenario))

    assert graph.nodes[graphs.UNKNOWN_ACTOR]["kind"] == "unknown"
    assert graph.has_edge(graphs.UNKNOWN_ACTOR, actor_node(known.tso.pk))


def test_sgam_plane_places_elements_in_their_cells_and_connects_them(known, loaded):
    facts, placements = loaded

    assert graphs.sgam_layers_in_use(placements=placements) == [
        "business",
        "function",
        "information",
        "component",
    ]
    business = graphs.sgam_plane_graph(facts=facts, placements=placements, layer_code="business")
    assert {(data["label"], data["domain"], data["zone"]) for _, data in business.nodes(data=True)} == {
        ("TSO", "transmission", "operation"),
        ("DSO", "distribution", "operation"),
    }
    assert {
        (business.nodes[s]["label"], business.nodes[t]["label"], tuple(d["numbers"]), tuple(d["information"]))
        for s, t, d in business.edges(data=True)
    } == {("DSO", "TSO", ("1",), ("Forecast",)), ("TSO", "DSO", ("3",), ("Grid constraints",))}

    component = graphs.sgam_plane_graph(facts=facts, placements=placements, layer_code="component")
    assert [(data["label"], data["zone"]) for _, data in component.nodes(data=True)] == [("DMS", "station")]
    assert component.number_of_edges() == 0

    information = graphs.sgam_plane_graph(facts=facts, placements=placements, layer_code="information")
    assert sorted((data["label"], data["tooltip"], data["source"]) for _, data in information.nodes(data=True)) == [
        ("Forecast", "IO-2 Forecast", "derived"),
        ("Grid constraints", "IO-1 Grid constraints", "own"),
    ]


def test_nist_graph_holds_actors_in_their_domains_and_aggregates_flows(known, loaded):
    facts, placements = loaded
    graph = graphs.nist_graph(facts=facts, placements=placements)

    members = {(data["label"], data["domain"]) for _, data in graph.nodes(data=True) if data["kind"] == "actor"}
    assert members == {
        ("TSO", "transmission"),
        ("TSO", "operations"),
        ("DSO", "distribution"),
        ("DMS", "operations"),
        ("Aggregator", "unplaced"),
        ("Meter", "unplaced"),
    }
    flows = {
        (graph.nodes[s]["code"], graph.nodes[t]["code"]): (d["count"], tuple(d["numbers"]))
        for s, t, d in graph.edges(data=True)
        if d["kind"] == "data"
    }
    assert flows == {
        ("distribution", "transmission"): (1, ("1",)),
        ("operations", "operations"): (1, ("2.2",)),  # DMS and TSO share the operations domain
        ("operations", "unplaced"): (1, ("2.2",)),
        ("transmission", "distribution"): (1, ("3",)),
        ("unplaced", "distribution"): (1, ("1",)),
    }
    energy = {
        (graph.nodes[s]["code"], graph.nodes[t]["code"]) for s, t, d in graph.edges(data=True) if d["kind"] == "energy"
    }
    assert energy == {
        ("bulk_generation", "transmission"),
        ("transmission", "distribution"),
        ("distribution", "customer"),
    }


def test_impact_analysis_follows_relations_to_dependants():
    # use case 1 lists the actor; 2 includes 1; 3 extends 2; 4 is associated with 1 (both ways); 5 is unrelated
    network = repository_network(
        use_cases=[(pk, f"UC {pk}") for pk in range(1, 6)],
        actor_links=[(1, 10, "listed"), (1, 10, "produces"), (5, 11, "listed")],
        information_links=[(1, 20, 10, "produces"), (5, 20, 11, "receives"), (5, 21, None, "exchanged")],
        relations=[(2, 1, "include"), (3, 2, "extend"), (1, 4, "associate"), (1, 5, "invoke")],
    )

    actor = impact_analysis(network, actor_node(10))
    assert actor.direct == {1: {"listed", "produces"}}
    assert {pk: (step.via, step.type, step.distance) for pk, step in actor.indirect.items()} == {
        2: (1, "include", 1),
        3: (2, "extend", 2),
        4: (1, "associate", 1),
    }  # 5 is invoked by 1: 5 does not depend on 1
    assert actor.information_objects == {20: {"produces"}}

    information = impact_analysis(network, information_node(20))
    assert information.direct == {1: {"exchanges"}, 5: {"exchanges"}}
    assert information.actors == {10: {"produces"}, 11: {"receives"}}
    assert set(information.indirect) == {2, 3, 4}
    assert impact_analysis(network, usecase_node(99)).direct == {}
