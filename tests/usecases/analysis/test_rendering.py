"""DOT sources and Graphviz: user text never becomes markup, every render has a time limit, and a diagram is
rendered once per content (a second request costs no Graphviz call; a change renders it again)."""

import re
import uuid
import xml.etree.ElementTree as ET

import pytest

from sgam.models import Domain, RenderedDiagram, SgamPlacement, Zone
from sgam.selectors import usecase_placements
from usecases.analysis import graphs
from usecases.analysis.diagrams import usecase_diagram_specs_get, usecase_diagrams_get, usecase_generated_drawings
from usecases.analysis.dot import Dot, DotSource, RenderError, graphviz_run, html_label, text
from usecases.analysis.facts import usecase_facts
from usecases.analysis.services import diagram_png_render, usecase_diagrams_render
from usecases.services import usecase_row_update

pytestmark = pytest.mark.django_db

EVIL_NAMES = ["<script>alert('x')</script>", '"]; evil [label="pwned"]; x [label="', "a\\Nb & <b>c</b>\x07"]
SVG = "{http://www.w3.org/2000/svg}"


def svg_tree(svg: bytes) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own Graphviz output; parsing it proves it well-formed


@pytest.fixture
def evil_use_case(known):
    """The known use case with hostile names for an actor, an information object, a step and a scenario."""
    known.tso.name = EVIL_NAMES[0]
    known.tso.save()
    known.dso.name = EVIL_NAMES[1]
    known.dso.save()
    known.steps["1"].name = EVIL_NAMES[2]
    known.steps["1"].save()
    known.steps["1"].information_objects.update(identifier=EVIL_NAMES[1])
    known.scenario.name = EVIL_NAMES[0]
    known.scenario.save()
    return known


@pytest.mark.parametrize("value", EVIL_NAMES)
def test_label_text_is_escaped(value):
    label = html_label(text(value))
    inner = label[1:-1]
    assert "<script" not in inner and '"' not in inner and "\x07" not in inner
    assert re.fullmatch(r"[^<>]*", inner.replace("<BR/>", "")), inner


def test_hostile_names_stay_text_in_every_diagram(evil_use_case, repository_reader):
    use_case = evil_use_case.load(repository_reader)
    specs = usecase_diagram_specs_get(use_case=use_case)

    assert {spec.kind for spec in specs} == {"actors", "sequence", "sgam", "nist"}
    showing_the_dso = {"actors", f"sequence-{evil_use_case.scenario.mrid}", "sgam-business", "nist"}
    for spec in specs:
        if spec.key in showing_the_dso:
            unwrapped = spec.dot.source.replace("<BR/>", " ")  # long names are wrapped at spaces
            assert "&quot;]; evil [label=&quot;pwned&quot;]; x [label=&quot;" in unwrapped, spec.key
        assert not re.search(r"^\s*(evil|x)\b", spec.dot.source, re.MULTILINE), spec.key
        svg, _ = graphviz_run(dot=spec.dot, output_format="svg")
        tree = svg_tree(svg)
        tags = {element.tag.removeprefix(SVG) for element in tree.iter()}
        assert not tags & {"script", "foreignObject", "iframe"}, spec.key
        # tooltips are <a xlink:title> without a link
        links = [element.attrib for element in tree.iter(f"{SVG}a") if any("href" in name for name in element.attrib)]
        assert not links, spec.key
        # every node and edge is one of ours: ids made of kinds, primary keys and codes, never user text
        titles = [element.text for element in tree.iter(f"{SVG}title")]
        assert all(re.fullmatch(r"[\w-]+(->[\w-]+)?", title) for title in titles), (spec.key, titles)
        assert b"<script" not in svg, spec.key
    actors = next(spec for spec in specs if spec.key == "actors")
    svg = graphviz_run(dot=actors.dot, output_format="svg")[0].decode()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in svg
    graph = graphs.actor_interaction_graph(facts=usecase_facts(use_case=use_case))
    assert graph.number_of_nodes() == svg.count('class="node"')  # no node was smuggled in


def test_a_render_that_takes_too_long_is_stopped(known, repository_reader, settings):
    use_case = known.load(repository_reader)
    spec = usecase_diagram_specs_get(use_case=use_case)[0]
    settings.UCMR_DIAGRAM_TIMEOUT = 0.000001

    with pytest.raises(RenderError, match="longer than"):
        graphviz_run(dot=spec.dot, output_format="svg")

    result = usecase_diagrams_render(use_case_id=known.use_case.pk)
    assert len(result["failed"]) == len(result["failed"]) > 0 and not result["rendered"]
    failed = RenderedDiagram.objects.get(content_hash=spec.content_hash)
    assert failed.svg == "" and "longer than" in failed.error


def test_graphviz_errors_are_reported_not_raised_to_the_page(known, settings):
    settings.UCMR_GRAPHVIZ_DOT = "no-such-graphviz-binary"
    result = usecase_diagrams_render(use_case_id=known.use_case.pk)
    assert not result["rendered"] and all("not installed" in failure["error"] for failure in result["failed"])


def test_second_request_for_an_unchanged_diagram_costs_no_graphviz_call(known, graphviz_calls):
    first = usecase_diagrams_render(use_case_id=known.use_case.pk)
    calls_after_first = len(graphviz_calls)
    second = usecase_diagrams_render(use_case_id=known.use_case.pk)

    assert calls_after_first == len(first["rendered"]) == 8  # actors, 2 sequences, 4 SGAM layers, NIST
    assert len(graphviz_calls) == calls_after_first, "a cached diagram was rendered again"
    assert second["rendered"] == [] and len(second["cached"]) == 8 and second["pruned"] == 0


def test_a_change_makes_the_diagrams_it_affects_stale_and_renders_only_those(known, repository_reader, graphviz_calls):
    type(known.use_case).objects.filter(pk=known.use_case.pk).update(status="draft")  # only drafts are edited
    usecase_diagrams_render(use_case_id=known.use_case.pk)
    graphviz_calls.clear()
    use_case = known.load(repository_reader)
    assert all(entry.state == "ready" for entry in usecase_diagrams_get(use_case=use_case))

    usecase_row_update(user=repository_reader, row=known.steps["2.1"], data={"name": "Compute again"})

    use_case = known.load(repository_reader)
    stale = {entry.spec.key for entry in usecase_diagrams_get(use_case=use_case) if entry.state == "rendering"}
    assert stale == {f"sequence-{known.scenario.mrid}"}  # the only diagram that shows the step's name
    result = usecase_diagrams_render(use_case_id=known.use_case.pk)
    assert result["rendered"] == sorted(stale) and graphviz_calls == ["svg"]
    assert result["pruned"] == 1  # the old sequence diagram
    assert RenderedDiagram.objects.filter(use_case=known.use_case).count() == 8


def test_png_is_rendered_on_request_only_once(known, graphviz_calls):
    usecase_diagrams_render(use_case_id=known.use_case.pk)
    diagram = RenderedDiagram.objects.get(use_case=known.use_case, kind="nist")
    assert diagram.png is None and graphviz_calls.count("png") == 0

    diagram_png_render(diagram=diagram)
    diagram_png_render(diagram=RenderedDiagram.objects.get(pk=diagram.pk))

    assert graphviz_calls.count("png") == 1
    assert bytes(RenderedDiagram.objects.get(pk=diagram.pk).png).startswith(b"\x89PNG")


def test_the_dot_writer_takes_only_its_own_ids_and_quotes_every_other_value():
    dot = Dot()
    dot.node("actor-1", label=html_label(text('<b>"x"</b>')), tooltip='say "hi" \\ bye\nthere')

    assert '"actor-1" [label=<&lt;b&gt;&quot;x&quot;&lt;/b&gt;> tooltip="say \\"hi\\" \\\\ bye\\nthere"]' in dot.source
    for name in ('evil"]; x [label="', "a b", "<script>", ""):
        with pytest.raises(ValueError, match="Not a node id"):
            dot.node(name)
    assert DotSource(dot.source).content_hash != DotSource(dot.source + " ").content_hash


def test_placements_open_in_domain_or_zone_get_a_column_or_row_of_their_own(known, repository_reader):
    SgamPlacement.objects.create(actor=known.aggregator, zone=Zone.objects.get(code="market"))
    SgamPlacement.objects.create(actor=known.meter, domain=Domain.objects.get(code="customer_premises"))
    specs = {spec.key: spec for spec in usecase_diagram_specs_get(use_case=known.load(repository_reader))}

    business, component = specs["sgam-business"], specs["sgam-component"]
    assert "Any domain" in business.dot.source and "Any zone" in component.dot.source
    for spec in (business, component):
        svg, _ = graphviz_run(dot=spec.dot, output_format="svg")
        assert b"Aggregator" in svg or b"Meter" in svg


def test_generated_drawings_for_an_export_name_every_diagram_without_primary_keys(known, repository_reader):
    use_case = known.load(repository_reader)
    facts = usecase_facts(use_case=use_case)

    drawings = {
        drawing.key: drawing
        for drawing in usecase_generated_drawings(facts=facts, placements=usecase_placements(facts=facts))
    }

    specs = usecase_diagram_specs_get(use_case=use_case)
    assert list(drawings) == [spec.key for spec in specs]  # rendered or not: the address renders on demand
    assert [drawing.name for drawing in drawings.values()] == [spec.title for spec in specs]
    sequence = drawings[f"sequence-{known.scenario.mrid}"]
    assert (sequence.scenario_id, sequence.drawing_type) == (known.scenario.pk, "scenario overview")
    assert drawings["actors"].scenario_id is None and drawings["nist"].drawing_type == "domain overview"
    assert sequence.path == f"/diagrams/{known.use_case.mrid}/sequence-{known.scenario.mrid}.svg"
    assert sequence.mrid == uuid.uuid5(known.use_case.mrid, f"sequence-{known.scenario.mrid}")
