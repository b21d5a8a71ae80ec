"""The Word writer: a use case as a document in the IEC 62559-2 template (NIST's `IEC_UseCaseTemplate.docx`), read
back with python-docx: every heading of the template in its order, the captions and grey labels, one step table per
scenario with every step, every actor and information object, rich text, pictures and the page setting; and its
ways out: the pages, the API, export jobs and `export_usecases`, with the permissions of the other exports."""

import io
import zipfile
from io import StringIO
from pathlib import Path

import docx
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx.oxml.ns import qn
from docx.shared import Mm
from PIL import Image
from rest_framework.test import APIClient

from tests.factories import DrawingFactory, UseCaseFactory, UserFactory, WorkspaceFactory, member_of
from ucmr.models import BackgroundJob
from usecases.exchange.dumper import repository_export
from usecases.exchange.files import repository_import_file
from usecases.exchange.services import usecases_export_docx, usecases_export_docx_write
from usecases.models import ActorRole, InformationObject, Scenario, Step, UseCase
from usecases.word import layout
from usecases.word.writer import CONTENT_TYPE, PageSetup
from usecases.xml.document import iter_steps

pytestmark = pytest.mark.django_db

EXAMPLES = [
    "examples/variant-c/edf-1_BUC2-coordination-of-distributed-flexibility.xml",
    "examples/variant-c/elering-14_manage-sub-meter-data.xml",
    "examples/variant-c/elering-1_aggregate-energy-data.xml",
    "examples/variant-c/elering-5_collect-energy-data.xml",
    "examples/variant-d/offis-2_1201.xml",
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UCMR_EXPORT_SYNC_MAX = 3
    settings.UCMR_API_THROTTLE_USER = ""


def _document(data: bytes) -> docx.Document:
    return docx.Document(io.BytesIO(data))


def _export(use_case: UseCase) -> docx.Document:
    return _document(usecases_export_docx(user=None, use_cases=UseCase.objects.filter(pk=use_case.pk)))


def _headings(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name in ("Heading 1", "Heading 2")]


def _tables(document, caption: str) -> list:
    return [table for table in document.tables if table.rows[0].cells[0].text == caption]


def _column(table, label: str, *, header_row: int = 1) -> list[str]:
    """The values under the header `label`, below the header row."""
    labels = [cell.text for cell in table.rows[header_row].cells]
    index = labels.index(label)
    return [row.cells[index].text for row in table.rows[header_row + 1 :]]


def _fill(cell) -> str:
    shading = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return shading.get(qn("w:fill")) if shading is not None else ""


def _step_tables(document) -> list:
    return _tables(document, "Scenario")


def _header_row(table) -> int:
    """The index of a Steps table's header row: under the caption, the scenario's name and, when it has any, the
    scenario's own requirements."""
    return 3 if table.rows[2].cells[0].text == "Requirements of the scenario (R-IDs) :" else 2


def _steps_of(table) -> list[tuple[str, str]]:
    """(number, name) of each step row of a Steps table."""
    return [(row.cells[0].text, row.cells[2].text) for row in table.rows[_header_row(table) + 1 :]]


def _empty(text: str) -> str:
    return "" if text == layout.EMPTY_CELL else text


def check_document(document, use_case: UseCase) -> None:
    """What a reader of the document must find of the use case in the database."""
    assert _headings(document) == [heading.text for heading in layout.WRITTEN_HEADINGS]
    identification = _tables(document, "Use case identification")[0]
    assert [_empty(cell.text) for cell in identification.rows[2].cells] == [
        use_case.identifier,
        use_case.area,
        use_case.name,
    ]
    scenarios = list(Scenario.objects.filter(use_case=use_case).order_by("position", "pk"))
    tables = _step_tables(document)
    assert len(tables) == max(len(scenarios), 1)
    for scenario, table in zip(scenarios, tables, strict=False):
        assert table.rows[1].cells[0].text == "Scenario Name :"
        assert _empty(table.rows[1].cells[-1].text) == scenario.name
        assert [cell.text for cell in table.rows[_header_row(table)].cells] == list(
            layout.TABLES_BY_KEY["steps"].header
        )
        requirements = set(scenario.requirements.values_list("identifier", flat=True))
        if requirements:
            assert set(_empty(table.rows[2].cells[-1].text).split(", ")) == requirements
        names = set(Step.objects.filter(scenario=scenario).values_list("name", flat=True))
        assert {name for _, name in _steps_of(table)} == names or (not names and len(table.rows) == 4)
    # Every step and sub-step as the export has them (numbers as the file had them; a step a Modsarus file repeats
    # in the sequence, repeated), in their order.
    exported = repository_export(user=None, use_cases=UseCase.objects.filter(pk=use_case.pk)).full_use_cases[0]
    for scenario, table in zip(exported.scenarios, tables, strict=False):
        assert _steps_of(table) == [(step.number, step.name) for step in iter_steps(scenario.steps)] or (
            not scenario.steps and len(table.rows) == 4
        )
    actor_names = {
        _empty(name) for table in _tables(document, "Actors") for name in _column(table, "Actor name", header_row=3)
    }
    in_roles = set(ActorRole.objects.filter(use_case=use_case).values_list("actor__name", flat=True))
    in_steps = {
        actor.name
        for step in Step.objects.filter(scenario__use_case=use_case).prefetch_related("producers", "receivers")
        for actor in [*step.producers.all(), *step.receivers.all()]
    }
    assert in_roles | in_steps <= actor_names
    exchanged = set(
        InformationObject.objects.filter(steps__scenario__use_case=use_case).values_list("identifier", flat=True)
    )
    listed = {
        _empty(text) for text in _column(_tables(document, "Information Exchanged")[0], "Information exchanged ID")
    }
    assert exchanged <= listed


def test_the_demo_use_cases_as_documents_in_the_template():
    from tests.demo_snapshot import demo_repository

    demo_repository()
    use_cases = list(UseCase.objects.all())
    assert len(use_cases) >= 3

    for use_case in use_cases:
        check_document(_export(use_case), use_case)


def test_captions_and_labels_are_grey_as_in_the_template_and_values_white():
    from tests.demo_snapshot import demo_repository

    demo_repository()
    document = _export(UseCase.objects.order_by("identifier").first())

    for table in document.tables:
        caption = table.rows[0].cells[0]
        spec = layout.table_for_caption(caption.text)
        assert spec is not None, caption.text
        assert _fill(caption) == spec.fill
        assert caption.paragraphs[0].style.name == layout.LABEL_STYLE
    versions = _tables(document, "Version management")[0]
    assert all(_fill(cell) == layout.CAPTION_FILL for cell in versions.rows[1].cells)
    assert all(_fill(cell) == "" for cell in versions.rows[2].cells)
    scope = _tables(document, "Scope and objectives of use case")[0]
    assert [(row.cells[0].text, _fill(row.cells[0]), _fill(row.cells[1])) for row in scope.rows[1:]] == [
        ("Scope", "CCCCCC", ""),
        ("Objective(s)", "CCCCCC", ""),
        ("Related business case(s)", "CCCCCC", ""),
    ]
    assert _fill(_tables(document, "Scenario Conditions")[0].rows[1].cells[0]) == layout.SCENARIO_CONDITIONS_FILL


def test_one_actors_table_per_grouping_and_one_steps_table_per_scenario_with_requirement_ids():
    from tests.demo_snapshot import demo_repository

    demo_repository()
    use_case = max(UseCase.objects.all(), key=lambda item: item.actor_groupings.count())
    document = _export(use_case)

    groupings = [grouping.name for grouping in use_case.actor_groupings.all() if grouping.name]
    actors = _tables(document, "Actors")
    assert [table.rows[2].cells[0].text for table in actors][: len(groupings)] == groupings
    step = Step.objects.filter(scenario__use_case=use_case).exclude(requirements=None).first()
    table = _step_tables(document)[list(use_case.scenarios.order_by("position", "pk")).index(step.scenario)]
    row = next(row for row in table.rows[3:] if row.cells[0].text == step.number and row.cells[2].text == step.name)
    assert set(row.cells[-1].text.split(", ")) == {r.identifier for r in step.requirements.all()}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: Path(path).stem)
def test_the_real_xml_examples_as_documents(iec_dir, example):
    path = iec_dir / example
    with path.open("rb") as data:
        repository_import_file(user=None, data=data, workspace=None, name=path.name)
    use_cases = list(UseCase.objects.listed())
    assert use_cases

    for use_case in use_cases:
        check_document(_export(use_case), use_case)


@pytest.mark.parametrize(
    ("setting", "width", "height", "landscape"),
    [
        ("a4-landscape", 297, 210, True),
        ("letter-landscape", 279.4, 215.9, True),
        ("letter", 279.4, 215.9, True),
        ("a4-portrait", 210, 297, False),
    ],
)
def test_the_page_is_the_setting(settings, setting, width, height, landscape):
    settings.UCMR_WORD_PAGE = setting
    section = _export(UseCaseFactory()).sections[0]

    assert (round(section.page_width.mm, 1), round(section.page_height.mm, 1)) == (width, height)
    assert (section.orientation == docx.enum.section.WD_ORIENT.LANDSCAPE) == landscape


def test_a4_landscape_is_the_default_and_a_wrong_setting_says_what_to_write(settings):
    del settings.UCMR_WORD_PAGE
    assert PageSetup.from_setting().width == Mm(297)
    with pytest.raises(ImproperlyConfigured, match="a4 or letter"):
        PageSetup.from_setting("legal-sideways")


def test_rich_text_keeps_paragraphs_lists_emphasis_and_links():
    use_case = UseCaseFactory(
        complete_description=(
            "<p>First paragraph with <b>bold</b> and <em>emphasis</em>.</p>"
            '<p>See <a href="https://example.org/spec">the spec</a>.</p>'
            "<ul><li>one</li><li>two</li></ul><ol><li>first</li><li>second</li></ol>"
        ),
        scope="Line one\nLine two",
    )
    document = _export(use_case)

    narrative = _tables(document, "Narrative of use case")[0]
    cell = narrative.rows[4].cells[0]
    texts = [paragraph.text for paragraph in cell.paragraphs]
    assert texts[:2] == ["First paragraph with bold and emphasis.", "See the spec."]
    assert texts[2:] == ["\u2022\tone", "\u2022\ttwo", "1.\tfirst", "2.\tsecond"]
    runs = {run.text: run for run in cell.paragraphs[0].runs}
    assert runs["bold"].bold and runs["emphasis"].italic and not runs["First paragraph with "].bold
    links = [rel.target_ref for rel in document.part.rels.values() if rel.reltype.endswith("/hyperlink")]
    assert links == ["https://example.org/spec"]
    scope = _tables(document, "Scope and objectives of use case")[0].rows[1].cells[1]
    assert scope.text == "Line one\nLine two"


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_uploaded_drawings_and_generated_diagrams_are_pictures_in_section_2(tmp_path):
    from tests.factories import make_complete_use_case

    use_case = make_complete_use_case(identifier="W-1", steps=4, actors=3)
    DrawingFactory(
        use_case=use_case, name="Overview sketch", image=SimpleUploadedFile("sketch.png", _png(3000, 600), "image/png")
    )
    output = tmp_path / "w-1.docx"

    with output.open("wb") as handle:
        usecases_export_docx_write(
            user=None, use_cases=UseCase.objects.filter(pk=use_case.pk), output=handle, several=False, render=True
        )

    document = _document(output.read_bytes())
    table = _tables(document, "Diagram of use case")[0]
    pictures = table._tbl.xpath(".//pic:pic")
    scenarios = use_case.scenarios.count()
    assert len(pictures) >= 1 + 1 + scenarios  # the sketch, the actors' diagram, a sequence diagram per scenario
    texts = [row.cells[0].text.strip() for row in table.rows[1:]]
    assert texts[0] == "Overview sketch: use case overview"
    assert any(text.startswith("Actor interaction") for text in texts)
    assert not any("Not drawn yet" in text for text in texts)
    drawn = [row for row in table.rows[1:] if row.cells[0].text.strip().startswith(("Overview", "Actor", "Sequence"))]
    assert len(drawn) == 2 + scenarios and all(row.cells[0]._tc.xpath(".//pic:pic") for row in drawn)
    width = document.sections[0].page_width - 2 * document.sections[0].left_margin
    assert all(shape.width <= width for shape in document.inline_shapes)


def test_an_export_job_draws_only_the_diagrams_not_drawn_for_the_use_case_revision(tmp_path, monkeypatch):
    """Diagrams stored for the revision (the rendering job's SVGs, without PNGs) get their PNGs from the stored
    sources, without building the graphs again; a second export draws nothing."""
    from tests.factories import make_complete_use_case
    from usecases.analysis import services as analysis

    use_case = make_complete_use_case(identifier="W-2", steps=3, actors=2)
    analysis.usecase_diagrams_render(use_case_id=use_case.pk)  # the page's job: SVGs only
    built, drawn = [], []
    specs_get, graphviz_run = analysis.usecase_diagram_specs_get, analysis.graphviz_run
    monkeypatch.setattr(analysis, "usecase_diagram_specs_get", lambda **kw: built.append(1) or specs_get(**kw))
    monkeypatch.setattr(analysis, "graphviz_run", lambda **kw: drawn.append(kw["output_format"]) or graphviz_run(**kw))

    def export() -> list:
        output = tmp_path / "w-2.docx"
        with output.open("wb") as handle:
            usecases_export_docx_write(
                user=None, use_cases=UseCase.objects.filter(pk=use_case.pk), output=handle, several=False, render=True
            )
        return _tables(_document(output.read_bytes()), "Diagram of use case")[0]._tbl.xpath(".//pic:pic")

    pictures = export()
    assert (built, drawn) == ([], ["png"] * len(pictures)) and len(pictures) >= 2
    drawn.clear()
    assert len(export()) == len(pictures)
    assert (built, drawn) == ([], [])


def test_a_download_uses_the_diagrams_drawn_and_says_which_are_not_yet():
    use_case = UseCaseFactory()

    table = _tables(_export(use_case), "Diagram of use case")[0]

    first = table.rows[1].cells[0].text
    assert first == "Actor interaction: use case overview. Not drawn yet: export again in a moment"
    assert not table._tbl.xpath(".//pic:pic")


# The ways out


@pytest.fixture
def viewer():
    grid = WorkspaceFactory(slug="grid")
    for number in range(5):
        UseCaseFactory(workspace=grid, identifier=f"UC-{number}", status=UseCase.Status.DRAFT)
    return member_of(grid, "viewer", username="viewer")


def _client(user, api: bool = False):
    client = APIClient() if api else Client()
    if user is not None:
        client.force_login(user)
    return client


def _zip_names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sorted(archive.namelist())


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_one_use_case_as_a_document(viewer, api):
    use_case = UseCase.objects.get(identifier="UC-1")
    url = (
        reverse("api:usecase-docx", kwargs={"pk": use_case.pk})
        if api
        else reverse("usecases:usecase_export_docx", kwargs={"pk": use_case.pk})
    )

    response = _client(viewer, api).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="uc-1.docx"'
    check_document(_document(response.content), use_case)


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_a_few_use_cases_as_a_zip_of_documents(viewer, api):
    url = reverse("api:usecase-export-docx") if api else reverse("usecases:usecase_list_export_docx")

    response = _client(viewer, api).get(url, {"q": "UC-1"})

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="use-cases.zip"'
    assert _zip_names(response.content) == ["UC-1.docx"]
    assert not BackgroundJob.objects.filter(kind="xml_export").exists()


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_who_may_not_see_the_use_case_gets_what_the_excel_export_answers(viewer, api, who):
    use_case = UseCase.objects.get(identifier="UC-1")
    client = _client(None if who == "anonymous" else UserFactory(), api)
    route = "api:usecase-{}" if api else "usecases:usecase_export_{}"

    word = client.get(reverse(route.format("docx"), kwargs={"pk": use_case.pk}))
    excel = client.get(reverse(route.format("xlsx"), kwargs={"pk": use_case.pk}))

    assert word.status_code == excel.status_code
    assert word.status_code in (302, 401, 403, 404)
    assert word.get("Content-Type") != CONTENT_TYPE


def test_the_list_exports_only_what_the_user_may_see(viewer):
    UseCaseFactory(workspace=WorkspaceFactory(slug="hidden"), identifier="UC-10", status=UseCase.Status.DRAFT)

    response = _client(viewer).get(reverse("usecases:usecase_list_export_docx"), {"q": "UC-1"})

    assert response.status_code == 200
    assert _zip_names(response.content) == ["UC-1.docx"]


def test_many_use_cases_go_to_an_export_job_whose_page_offers_the_zip(viewer, django_capture_on_commit_callbacks):
    client = _client(viewer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("usecases:usecase_list_export_docx"), {"status": "draft"})

    job = BackgroundJob.objects.get(kind="xml_export")
    assert response["Location"] == job.get_absolute_url()
    assert job.status == BackgroundJob.Status.SUCCEEDED, job.error
    assert (job.params["format"], job.result["output"]) == ("docx", f"exports/{job.pk}.zip")
    download = client.get(reverse("usecases:export_download", kwargs={"pk": job.pk}))
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"] == 'attachment; filename="use-cases.zip"'
    data = b"".join(download.streaming_content)
    assert _zip_names(data) == [f"UC-{number}.docx" for number in range(5)]


def test_the_api_answers_202_with_the_job_and_links_the_zip(viewer, django_capture_on_commit_callbacks):
    client = _client(viewer, api=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("api:usecase-export-docx"))

    assert response.status_code == 202
    link = client.get(response["Location"]).json()["links"]["download"]
    job = BackgroundJob.objects.get(kind="xml_export")
    assert link.endswith(reverse("api:usecase-docx-download", kwargs={"job": str(job.pk)}))
    download = client.get(link)
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert len(_zip_names(b"".join(download.streaming_content))) == 5


def test_the_schema_documents_the_word_exports():
    schema = _client(UserFactory(), api=True).get("/api/schema/", {"format": "json"}).json()

    one = schema["paths"]["/api/use-cases/{id}/docx/"]["get"]
    many = schema["paths"]["/api/use-cases/docx/"]["get"]
    assert CONTENT_TYPE in one["responses"]["200"]["content"]
    assert "application/zip" in many["responses"]["200"]["content"] and "202" in many["responses"]
    assert "/api/use-cases/docx/{job}/" in schema["paths"]


def test_export_usecases_writes_a_document_for_one_and_a_zip_for_several(tmp_path):
    for number in range(3):
        UseCaseFactory(identifier=f"W-{number}")
    one, several = tmp_path / "one.docx", tmp_path / "several.zip"
    err = StringIO()

    call_command("export_usecases", "--format", "docx", "--identifier", "W-1", "-o", str(one), stderr=err)
    call_command("export_usecases", "--format", "docx", "-o", str(several), stderr=err)

    assert "Exported 1 use case(s)" in err.getvalue() and "Exported 3 use case(s)" in err.getvalue()
    check_document(_document(one.read_bytes()), UseCase.objects.get(identifier="W-1"))
    assert _zip_names(several.read_bytes()) == ["W-0.docx", "W-1.docx", "W-2.docx"]
    assert not list(tmp_path.glob(".export-*"))


def test_export_usecases_refuses_to_write_a_document_to_the_terminal():
    with pytest.raises(CommandError, match="binary"):
        call_command("export_usecases", "--format", "docx", "-o", "-", stdout=StringIO())


def test_the_use_case_page_and_the_list_offer_the_document(viewer):
    use_case = UseCase.objects.get(identifier="UC-1")
    client = _client(viewer)

    page = client.get(use_case.get_absolute_url()).content.decode()
    listing = client.get(reverse("usecases:usecase_list"), {"q": "UC-1"}).content.decode()

    assert f'href="{reverse("usecases:usecase_export_docx", kwargs={"pk": use_case.pk})}" id="export-docx"' in page
    assert f'id="export-docx" href="{reverse("usecases:usecase_list_export_docx")}?q=UC-1"' in listing
    assert ">Export Word<" in page and ">Export Word<" in listing


def test_the_export_reads_a_fixed_number_of_queries_whatever_the_number_of_use_cases():
    from tests.factories import make_complete_use_case
    from usecases.analysis.services import usecase_diagrams_render

    for number in range(6):
        use_case = make_complete_use_case(identifier=f"Q-{number}", steps=3, actors=3, rows=1)
        usecase_diagrams_render(use_case_id=use_case.pk, png_all=True)

    def queries(count: int) -> int:
        selection = UseCase.objects.filter(identifier__in=[f"Q-{number}" for number in range(count)])
        with CaptureQueriesContext(connection) as captured:
            names = _zip_names(usecases_export_docx(user=None, use_cases=selection, several=True))
        assert len(names) == count
        return len(captured)

    assert queries(2) == queries(6)
