"""The Excel writer on its own: a workbook in the BRIDGE template's layout (a sheet per use case, the template's
labels in column B at its rows, one column per object, its comments and colours), only what the user may see, the
same workbook streamed batch by batch, and its ways out: the pages, the API, export jobs and `export_usecases`."""

import io
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from tests.factories import UseCaseFactory, WorkspaceFactory, make_complete_use_case, member_of
from ucmr.models import BackgroundJob
from usecases.excel import guidance
from usecases.excel.layout import ROWS
from usecases.excel.writer import CONTENT_TYPE, INSTRUCTIONS_SHEET, WorkbookWriter, sheet_values
from usecases.exchange.dumper import repository_export
from usecases.exchange.services import usecases_export_xlsx, usecases_export_xlsx_write
from usecases.models import Step, UseCase
from usecases.xml import document as doc

pytestmark = pytest.mark.django_db

BLUE, YELLOW, ORANGE = "00D9E1F2", "00FFF2CC", "00CF8D2A"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UCMR_EXPORT_SYNC_MAX = 3
    settings.UCMR_API_THROTTLE_USER = ""


def _workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def _row(sheet, key: str) -> list:
    """The values of a template field, from column C to the last one written."""
    number = next(row.row for row in ROWS if row.key == key)
    values = [cell.value for cell in sheet[number][2:]]
    while values and values[-1] is None:
        values.pop()
    return values


def test_a_sheet_per_use_case_with_the_template_labels_comments_and_colours():
    first = make_complete_use_case(identifier="XL-1", steps=6)
    make_complete_use_case(identifier="XL-2", steps=3)

    book = _workbook(usecases_export_xlsx(user=None, use_cases=UseCase.objects.filter(identifier__startswith="XL-")))

    assert book.sheetnames == ["XL-1", "XL-2", INSTRUCTIONS_SHEET]  # related use cases are named, not written
    sheet = book["XL-1"]
    for row in ROWS:
        assert sheet.cell(row.row, 2).value == (row.label or None), row
        assert sheet.cell(row.row, 1).value == (row.heading or None), row
    for number, text in guidance.COMMENTS.items():
        assert sheet.cell(number, 2).comment.text == text
    assert (sheet["C4"].value, sheet["C6"].value) == ("XL-1", first.name)
    assert sheet["A1"].fill.fgColor.rgb == ORANGE and sheet["A1"].font.b
    assert sheet["C8"].fill.fgColor.rgb == YELLOW and sheet["D8"].fill.fgColor.rgb == BLUE
    assert sheet["B7"].font.b and not sheet["B8"].font.b
    assert book[INSTRUCTIONS_SHEET]["A1"].value == guidance.INSTRUCTIONS[0]


def test_one_column_per_actor_step_and_information_item_named_as_the_template_asks():
    use_case = make_complete_use_case(identifier="XL-1", steps=9, actors=5)
    steps = Step.objects.filter(scenario__use_case=use_case)

    sheet = _workbook(usecases_export_xlsx(user=None, use_cases=UseCase.objects.all()))["XL-1"]

    actors = _row(sheet, "actor.name")
    assert sorted(actors) == sorted(role.actor.name for role in use_case.actor_roles.all())
    assert len(_row(sheet, "step.name")) == steps.count()  # sub-steps too, in the flat run
    assert _row(sheet, "step.number") == [str(number) for number in _row(sheet, "step.number")]
    scenario_numbers = set(_row(sheet, "scenario.number"))
    assert set(_row(sheet, "step.scenario_number")) <= scenario_numbers
    named = {name for cell in _row(sheet, "step.producer") + _row(sheet, "step.receiver") for name in cell.split("\n")}
    assert named and named <= set(actors)
    identifiers = {item for cell in _row(sheet, "step.information") if cell for item in cell.split(", ")}
    assert identifiers and identifiers <= set(_row(sheet, "information.identifier"))
    assert _row(sheet, "information.requirements")[0].startswith("R-XL-1-")
    assert set(_row(sheet, "grouping.name")) == {"Grouping 1", "Grouping 2", "Actors"}  # a column per actor
    assert len(_row(sheet, "grouping.name")) == len(actors)


def test_sheet_titles_are_ones_excel_accepts():
    writer = WorkbookWriter()
    for identifier in ("A/B:C*?[x]", "a/b:c*?[x]", "", "x" * 40):
        writer.add(doc.UseCase(identifier=identifier, name="Named"), library=sheet_library())
    output = io.BytesIO()
    writer.finish(output=output)

    titles = _workbook(output.getvalue()).sheetnames
    assert titles == ["A-B-C---x-", "a-b-c---x- (2)", "Named", "x" * 31, INSTRUCTIONS_SHEET]


def sheet_library():
    from usecases.xml.library import Library

    return Library()


def test_reference_cells_keep_the_text_an_import_found_while_it_names_the_same_actors():
    actors = [
        doc.Actor(mrid=f"a{n}", name=name) for n, name in enumerate(["Distribution System Operator (DSO)", "TSO"])
    ]
    grouping = doc.ActorGrouping(
        name="Operators", further_actor_information=[doc.FurtherActorInformation(actor_refs=["a0", "a1"])]
    )
    found = doc.Step(name="kept", producer_refs=["a0"], extra={"producer": "DSO (flexibility register), Grid tool"})
    stale = doc.Step(name="edited", producer_refs=["a1"], extra={"producer": "DSO"})
    use_case = doc.UseCase(
        name="U", actor_groupings=[grouping], scenarios=[doc.Scenario(number="1", steps=[found, stale])]
    )
    library = sheet_library()
    library.actors = {actor.mrid: actor for actor in actors}

    values = sheet_values(use_case, library=library)

    assert values["step.producer"] == ["DSO (flexibility register), Grid tool", "TSO"]


def test_only_what_the_user_may_see_is_exported():
    grid = WorkspaceFactory(slug="grid")
    UseCaseFactory(workspace=grid, identifier="UC-SEEN")
    UseCaseFactory(identifier="UC-HIDDEN")
    viewer = member_of(grid, "viewer")

    book = _workbook(usecases_export_xlsx(user=viewer, use_cases=UseCase.objects.all()))

    assert book.sheetnames == ["UC-SEEN", INSTRUCTIONS_SHEET]


def _cells(data: bytes) -> dict[str, list]:
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in _workbook(data)}


def test_the_streamed_workbook_is_the_one_written_at_once(tmp_path):
    for number in range(3):
        make_complete_use_case(identifier=f"XL-{number}", steps=4)
    target = tmp_path / "out.xlsx"

    with target.open("wb") as output:
        count = usecases_export_xlsx_write(user=None, use_cases=UseCase.objects.all(), output=output, batch_size=1)

    assert count == UseCase.objects.count()  # with the related use cases make_complete_use_case adds
    assert _cells(target.read_bytes()) == _cells(usecases_export_xlsx(user=None, use_cases=UseCase.objects.all()))
    assert _row(_workbook(target.read_bytes())["XL-0"], "relations")  # relations to use cases of other batches


def test_the_export_reads_a_fixed_number_of_queries_whatever_the_number_of_use_cases():
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            usecases_export_xlsx(user=None, use_cases=UseCase.objects.filter(identifier__startswith="XL-"))
        return len(captured)

    make_complete_use_case(identifier="XL-0", steps=4)
    few = queries()
    for number in range(1, 4):
        make_complete_use_case(identifier=f"XL-{number}", steps=4)

    assert queries() == few


def test_generated_diagrams_are_not_written_as_the_authors_drawings():
    make_complete_use_case(identifier="XL-1", steps=4)
    generated = [
        drawing.name
        for use_case in repository_export(user=None, use_cases=UseCase.objects.all()).full_use_cases
        for drawing in use_case.drawings
        if isinstance(drawing, doc.GeneratedDrawing)
    ]

    sheet = _workbook(usecases_export_xlsx(user=None, use_cases=UseCase.objects.all()))["XL-1"]

    assert generated and not set(generated) & set(_row(sheet, "drawing.name"))


# The ways out


@pytest.fixture
def viewer():
    grid = WorkspaceFactory(slug="grid")
    for number in range(5):
        UseCaseFactory(workspace=grid, identifier=f"UC-{number}", status=UseCase.Status.DRAFT)
    return member_of(grid, "viewer", username="viewer")


def _client(user, api: bool = False):
    client = APIClient() if api else Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_one_use_case_as_a_workbook(viewer, api):
    use_case = UseCase.objects.get(identifier="UC-1")
    url = (
        reverse("api:usecase-xlsx", kwargs={"pk": use_case.pk})
        if api
        else reverse("usecases:usecase_export_xlsx", kwargs={"pk": use_case.pk})
    )

    response = _client(viewer, api).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="uc-1.xlsx"'
    assert _workbook(response.content).sheetnames == ["UC-1", INSTRUCTIONS_SHEET]


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_a_few_use_cases_at_once_the_list_filters_select(viewer, api):
    url = reverse("api:usecase-export-xlsx") if api else reverse("usecases:usecase_list_export_xlsx")

    response = _client(viewer, api).get(url, {"q": "UC-1"})

    assert response.status_code == 200 and response["Content-Type"] == CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="use-cases.xlsx"'
    assert _workbook(response.content).sheetnames == ["UC-1", INSTRUCTIONS_SHEET]
    assert not BackgroundJob.objects.exists()


def test_many_use_cases_go_to_an_export_job_whose_page_offers_the_workbook(viewer, django_capture_on_commit_callbacks):
    client = _client(viewer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("usecases:usecase_list_export_xlsx"), {"status": "draft"})

    job = BackgroundJob.objects.get(kind="xml_export")
    assert response["Location"] == job.get_absolute_url()
    assert job.status == BackgroundJob.Status.SUCCEEDED, job.error
    assert (job.params["format"], job.result["output"]) == ("xlsx", f"exports/{job.pk}.xlsx")
    download = client.get(reverse("usecases:export_download", kwargs={"pk": job.pk}))
    assert download["Content-Type"] == CONTENT_TYPE
    assert download["Content-Disposition"] == 'attachment; filename="use-cases.xlsx"'
    data = b"".join(download.streaming_content)
    assert _workbook(data).sheetnames == [f"UC-{number}" for number in range(5)] + [INSTRUCTIONS_SHEET]
    with default_storage.open(job.result["output"], "rb") as handle:
        assert handle.read() == data


def test_the_api_answers_202_with_the_job_and_links_the_workbook(viewer, django_capture_on_commit_callbacks):
    client = _client(viewer, api=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("api:usecase-export-xlsx"))

    assert response.status_code == 202
    link = client.get(response["Location"]).json()["links"]["download"]
    job = BackgroundJob.objects.get(kind="xml_export")
    assert link.endswith(reverse("api:usecase-xlsx-download", kwargs={"job": str(job.pk)}))
    download = client.get(link)
    assert download.status_code == 200 and download["Content-Type"] == CONTENT_TYPE
    assert len(_workbook(b"".join(download.streaming_content)).sheetnames) == 6


def test_export_usecases_writes_a_workbook(tmp_path):
    make_complete_use_case(identifier="XL-1", steps=3)
    target = tmp_path / "out.xlsx"
    err = StringIO()

    call_command("export_usecases", "--format", "xlsx", "--identifier", "XL-1", "-o", str(target), stderr=err)

    assert "Exported 1 use case(s)" in err.getvalue()
    assert _workbook(target.read_bytes()).sheetnames == ["XL-1", INSTRUCTIONS_SHEET]
    assert not list(tmp_path.glob(".export-*"))


def test_export_usecases_refuses_to_write_a_workbook_to_the_terminal():
    with pytest.raises(CommandError, match="binary"):
        call_command("export_usecases", "--format", "xlsx", "-o", "-", stdout=StringIO())


def test_the_use_case_page_and_the_list_offer_the_workbook(viewer):
    use_case = UseCase.objects.get(identifier="UC-1")
    client = _client(viewer)

    page = client.get(use_case.get_absolute_url()).content.decode()
    listing = client.get(reverse("usecases:usecase_list"), {"q": "UC-1"}).content.decode()

    assert f'href="{reverse("usecases:usecase_export_xlsx", kwargs={"pk": use_case.pk})}" id="export-xlsx"' in page
    assert f'id="export-xlsx" href="{reverse("usecases:usecase_list_export_xlsx")}?q=UC-1"' in listing
