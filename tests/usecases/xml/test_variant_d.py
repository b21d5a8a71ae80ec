"""Variant D, the OFFIS UCMR export: inline actors, SGAM words (German too), derived mRIDs, extras kept."""

import pytest

from usecases.xml import read_document
from usecases.xml.document import SgamPlacement

OFFIS_EXAMPLE = "examples/variant-d/offis-2_1201.xml"


@pytest.fixture
def offis(iec_dir):
    return read_document(data=(iec_dir / OFFIS_EXAMPLE).read_bytes())


def _small(body: str) -> bytes:
    declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    return f"{declaration}\n<UseCase>\n<id>7</id>\n{body}\n</UseCase>".encode()


def test_the_use_case_keeps_its_id_and_html_escaped_texts_as_found(offis):
    [use_case] = offis.use_cases
    assert (use_case.identifier, use_case.name) == ("1201", "Architekturdokumentation und Repository")
    assert use_case.scope.startswith("<p>&Uuml;bergeordnetes Ziel")
    assert use_case.prioritisation == "Mittel" and use_case.level_of_depth == "Use Case"


def test_alle_places_the_use_case_in_every_sgam_cell(offis):
    domains = ("generation", "transmission", "distribution", "der", "customer_premises")
    assert offis.use_cases[0].sgam == [SgamPlacement(domain=code) for code in domains]  # whole columns


def test_inline_actors_become_the_actor_library_and_groupings_refer_to_them(offis):
    [use_case] = offis.use_cases
    assert [actor.name for actor in offis.actors] == [
        "SGAM Coach",
        "Use Case Owner",
        "UCMR Nutzer",
        "UCMR Admin",
        "UCMR",
        "enera Sharepoint",
        "SGAM Visualisierung",
    ]
    by_mrid = {actor.mrid: actor.name for actor in offis.actors}
    people, applications = use_case.actor_groupings
    assert people.name == "Personen"
    assert [by_mrid[ref] for info in applications.further_actor_information for ref in info.actor_refs] == [
        "UCMR",
        "enera Sharepoint",
        "SGAM Visualisierung",
    ]
    first_step = use_case.scenarios[0].steps[0]
    assert [by_mrid[ref] for ref in first_step.producer_refs + first_step.receiver_refs] == ["SGAM Coach"] * 2


def test_mrids_are_derived_stably_and_marked_as_not_from_the_file(offis, iec_dir):
    again = read_document(data=(iec_dir / OFFIS_EXAMPLE).read_bytes())
    assert [actor.mrid for actor in again.actors] == [actor.mrid for actor in offis.actors]
    assert all(actor.mrid and not actor.mrid_raw for actor in offis.actors)
    assert len({step.mrid for scenario in offis.use_cases[0].scenarios for step in scenario.steps}) == 23


def test_conditions_kpis_and_versions_map_onto_our_fields_and_extras(offis):
    [use_case] = offis.use_cases
    assumption, prerequisite = use_case.conditions
    assert assumption.kind == "assumption" and assumption.description.startswith("<p>Um die Use Cases erfassen")
    assert (prerequisite.kind, prerequisite.description) == ("prerequisite", "Use Cases identifiziert")
    kpi = use_case.kpis[0]
    objective_names = {objective.mrid: objective.name for objective in use_case.objectives}
    assert [objective_names[ref] for ref in kpi.objective_refs] == ["Use Cases erfassen"]
    assert kpi.extra["calculationDescription"].startswith("<p>Anzahl aller Use Cases</p>")
    newest = use_case.versions[0]
    assert newest.extra == {"domainExpert": "Marie Clausen (marie.clausen@offis.de)"}
    assert newest.date.isoformat() == "2018-06-05T00:00:00+02:00"
    assert [author.name for author in use_case.versions[1].authors] == ["Marie Clausen"]
    scenario = use_case.scenarios[0]
    assert [c.kind for c in scenario.conditions] == ["postcondition", "precondition", "triggering_event"]
    assert use_case.drawings[0].extra["description"].startswith("<p>Dreidimensionaler SGAM-W&uuml;rfel")
    assert use_case.drawings[0].uri == "https://sgam.offis.de/"


def test_requirements_known_only_by_id_are_listed_with_a_warning(offis):
    [category] = offis.requirement_categories
    assert category.identifier == "91"
    assert sorted(r.identifier for r in category.requirements) == ["383", "384", "386", "387", "388", "389", "390"]
    assert sum("not described in the file" in warning for warning in offis.warnings) == 7


def test_sgam_words_in_english_and_german_become_placements_and_others_are_kept():
    document = read_document(
        data=_small(
            "<name>Small</name><scope>s</scope>"
            "<Domain>Distribution</Domain><Domain>DER</Domain><Domain>Irgendwo</Domain>"
            "<Zone>Betrieb</Zone><Zone>Feld</Zone>"
        )
    )
    [use_case] = document.use_cases
    assert use_case.sgam == [
        SgamPlacement(domain="distribution", zone="operation"),
        SgamPlacement(domain="distribution", zone="field"),
        SgamPlacement(domain="der", zone="operation"),
        SgamPlacement(domain="der", zone="field"),
    ]
    assert use_case.extra == {"Domain": "Irgendwo"}


def test_all_in_one_dimension_leaves_it_open():
    [use_case] = read_document(data=_small("<name>S</name><Domain>alle</Domain><Zone>Markt</Zone>")).use_cases
    assert use_case.sgam == [SgamPlacement(zone="market")]


def test_actors_only_referred_to_relations_and_unknown_elements():
    document = read_document(
        data=_small(
            "<name>S</name><scope>s</scope><color>blue</color>"
            "<ActorGrouping><id>1</id><name>G</name>"
            "<Actor><id>11</id><name>Grid operator</name><domain>Verteilung</domain><zone>Betrieb</zone></Actor>"
            "</ActorGrouping>"
            "<Scenario><id>5</id><name>Sc</name><Step><id>6</id><name>St</name>"
            "<InformationProducer><id>12</id><name>Meter</name></InformationProducer>"
            "<InformationReceiver><name>grid operator</name></InformationReceiver>"
            "<InformationObject><id>30</id><name>Reading</name></InformationObject></Step></Scenario>"
            "<UseCaseRelation><type>includes</type><RelatedUseCase><id>8</id><name>Other</name></RelatedUseCase>"
            "</UseCaseRelation>"
        )
    )
    grid, meter = document.actors
    assert grid.sgam == [SgamPlacement(domain="distribution", zone="operation")]
    step = document.use_cases[0].scenarios[0].steps[0]
    assert (step.producer_refs, step.receiver_refs) == ([meter.mrid], [grid.mrid])
    assert [item.name for item in document.information_objects] == ["Reading"]
    use_case, stub = document.use_cases
    assert stub.is_stub and (stub.identifier, stub.name) == ("8", "Other")
    assert [(r.use_case_ref, r.type) for r in use_case.relations] == [(stub.mrid, "include")]
    assert use_case.extra == {"color": "blue"}
    assert any("<color>" in warning for warning in document.warnings)
