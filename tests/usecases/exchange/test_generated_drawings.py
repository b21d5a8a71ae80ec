"""The diagrams UCMR generates travel in XML exports as IEC 62559-3 drawings: one per diagram the use case page
shows, with a stable mRID and an address without primary keys, valid against both schemas, and left out again by
the import, so that a round trip stores only the author's drawings and gives the same file."""

import uuid

import pytest
from lxml import etree

from actors.models import Actor
from sgam.models import Domain, Layer, SgamPlacement, Zone
from tests.demo_snapshot import demo_repository
from tests.factories import make_complete_use_case
from tests.usecases.exchange.conftest import PUBLISHED_XSD, canonical, empty_repository
from usecases.analysis.diagrams import usecase_diagram_specs_get
from usecases.exchange.documents import usecase_file_get
from usecases.exchange.dumper import repository_export
from usecases.exchange.loader import repository_import_xml
from usecases.models import ActorRole, Drawing, UseCase
from usecases.xml import schema_problems, write_variant_c
from usecases.xml.document import GeneratedDrawing

pytestmark = pytest.mark.django_db


def _export(**kwargs) -> bytes:
    return write_variant_c(document=repository_export(user=None, use_cases=UseCase.objects.all(), **kwargs))


def _generated(document_use_case) -> list[GeneratedDrawing]:
    """The generated drawings of a use case of the document: its own, then its scenarios' in scenario order."""
    drawings = [
        *document_use_case.drawings,
        *(d for scenario in document_use_case.scenarios for d in scenario.drawings),
    ]
    return [drawing for drawing in drawings if isinstance(drawing, GeneratedDrawing)]


def _key(drawing: GeneratedDrawing) -> str:
    return drawing.uri.rsplit("/", 1)[1].removesuffix(".svg")


def _placed_everywhere() -> UseCase:
    """A complete use case whose diagrams depend on every kind of placement: its own (Function layer, layer open),
    an actor placed in this use case only (Business), an actor's default placement (a system: Component) and the
    information objects that actor produces (placed from it: Information)."""
    use_case = make_complete_use_case(steps=9)
    first, second = ActorRole.objects.filter(use_case=use_case).order_by("position")[:2]
    distribution = Domain.objects.get(code="distribution")
    SgamPlacement.objects.create(actor_role=first, layer=Layer.objects.get(code="business"), domain=distribution)
    SgamPlacement.objects.create(actor=second.actor, zone=Zone.objects.get(code="station"))
    assert second.actor.type == Actor.Type.SYSTEM
    return use_case


def test_every_diagram_of_the_page_travels_as_a_drawing_after_the_authors_drawings(iec_dir):
    use_case = _placed_everywhere()
    specs = usecase_diagram_specs_get(use_case=UseCase.objects.with_document().get(pk=use_case.pk))

    document = repository_export(user=None, use_cases=UseCase.objects.filter(pk=use_case.pk))

    [exported] = document.full_use_cases
    generated = _generated(exported)
    assert sorted(_key(drawing) for drawing in generated) == sorted(spec.key for spec in specs)
    assert {"sgam-business", "sgam-component", "sgam-function", "sgam-information"} <= {_key(d) for d in generated}
    titles = {spec.key: spec.title for spec in specs}
    for drawing in generated:
        key = _key(drawing)
        assert drawing.mrid == str(uuid.uuid5(use_case.mrid, key))
        assert drawing.uri == f"/diagrams/{use_case.mrid}/{key}.svg" and drawing.uri_type == "image"
        assert drawing.name == titles[key]
    own = {_key(drawing): drawing.drawing_type for drawing in exported.drawings}
    assert own["actors"] == "use case overview" and own["nist"] == own["sgam-business"] == "domain overview"
    keys = list(own)
    assert (keys[0], keys[-1]) == ("actors", "nist")  # the page's order
    scenarios = use_case.scenarios.order_by("position")
    for scenario, item in zip(scenarios, exported.scenarios, strict=True):
        authors = list(scenario.drawings.order_by("position", "pk").values_list("name", flat=True))
        assert [drawing.name for drawing in item.drawings] == [*authors, f"Sequence diagram of scenario {scenario}"]
        assert _key(item.drawings[-1]) == f"sequence-{scenario.mrid}"
        assert item.drawings[-1].drawing_type == "scenario overview"
    data = write_variant_c(document=document)
    assert schema_problems(data=data) == []
    assert schema_problems(data=data, schema_path=iec_dir / PUBLISHED_XSD) == []


def test_the_export_names_the_diagrams_the_demo_use_cases_show():
    demo_repository()
    document = repository_export(user=None, use_cases=UseCase.objects.all())

    for exported in document.full_use_cases:
        use_case = UseCase.objects.with_document().get(mrid=exported.mrid)
        specs = usecase_diagram_specs_get(use_case=use_case)
        assert sorted(_key(drawing) for drawing in _generated(exported)) == sorted(spec.key for spec in specs)
    assert any(_key(d).startswith("sgam-") for use_case in document.full_use_cases for d in _generated(use_case))


def test_generated_drawings_keep_their_mrids_from_one_database_to_the_next():
    use_case = _placed_everywhere()
    SgamPlacement.objects.filter(actor_role__isnull=False).delete()  # the export does not carry these (yet)
    document = repository_export(user=None, use_cases=UseCase.objects.filter(pk=use_case.pk))
    before = {drawing.mrid for drawing in _generated(document.full_use_cases[0])}
    first = write_variant_c(document=document)
    drawings = Drawing.objects.count()

    empty_repository()
    report = repository_import_xml(user=None, data=first, workspace=None)

    assert Drawing.objects.count() == drawings  # the author's, and no generated one
    assert not Drawing.objects.filter(uri__startswith="/diagrams/").exists()
    assert "created" in report.counts["drawing"] and report.counts["drawing"]["created"] == drawings
    after = repository_export(user=None, use_cases=UseCase.objects.filter(mrid=use_case.mrid))
    assert {drawing.mrid for drawing in _generated(after.full_use_cases[0])} == before
    assert canonical(write_variant_c(document=after)) == canonical(first)


def test_importing_our_own_export_again_stores_no_drawing():
    make_complete_use_case(steps=9)
    drawings = set(Drawing.objects.values_list("pk", "mrid", "name"))

    report = repository_import_xml(user=None, data=_export(), workspace=None)

    assert set(Drawing.objects.values_list("pk", "mrid", "name")) == drawings
    assert report.total("created") == report.total("updated") == report.total("deleted") == 0


def test_the_export_without_generated_drawings_has_none_and_no_marks():
    make_complete_use_case(steps=9)
    data = _export(generated_drawings=False)

    root = etree.fromstring(data)
    assert root.find(".//CustomInformation[key='ucmr:drawing.generated']") is None
    assert not root.xpath("//Drawing[starts-with(URI, '/diagrams/')]")


def test_the_api_document_holds_only_the_authors_drawings():
    """A client writes the whole-use-case document back: generated drawings in it would become the author's."""
    use_case = make_complete_use_case(steps=9)

    document = usecase_file_get(user=None, use_case=use_case).document

    drawings = [*document.drawings, *(d for scenario in document.scenarios for d in scenario.drawings)]
    assert sorted(drawing.name for drawing in drawings) == sorted(use_case.drawings.values_list("name", flat=True))
    assert not any(isinstance(drawing, GeneratedDrawing) for drawing in drawings)
