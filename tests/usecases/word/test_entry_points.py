"""Word documents come in where workbooks and XML come in: `manage.py import_usecases`, the import page and
`POST /api/imports/`, the kind told by the content, not by the file's name, with the same rights."""

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import UserFactory, WorkspaceFactory, member_of
from tests.usecases.word.documents import nist_document, save
from ucmr.models import BackgroundJob
from usecases.exchange.forms import ImportForm
from usecases.models import Step, UseCase, Workspace

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def grid():
    return WorkspaceFactory(slug="grid", name="Grid")


@pytest.fixture
def document_path(tmp_path):
    path = tmp_path / "flexibility.docx"
    path.write_bytes(save(nist_document()))
    return path


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_a_document_and_reports_its_warnings(document_path):
    out, _ = _run("import_usecases", str(document_path), "--json")

    [result] = json.loads(out)
    assert result["report"]["counts"]["use_case"] == {"created": 1}
    assert any("'TSO'" in warning for warning in result["report"]["warnings"])
    assert UseCase.objects.get().identifier == "UC-W1"
    assert Step.objects.count() == 5


def test_a_dry_run_writes_nothing_and_a_document_is_told_by_its_content(document_path, tmp_path):
    renamed = tmp_path / "not-a-document.xml"
    renamed.write_bytes(document_path.read_bytes())

    out, _ = _run("import_usecases", str(renamed), "--dry-run", "--json")

    [result] = json.loads(out)
    assert result["report"]["dry_run"] is True and result["report"]["counts"]["use_case"] == {"created": 1}
    assert not UseCase.objects.exists()

    _run("import_usecases", str(renamed), "--workspace", "flex")

    assert UseCase.objects.get().workspace == Workspace.objects.get(slug="flex")


def test_a_refused_document_fails_its_file_with_the_reason(tmp_path):
    encrypted = tmp_path / "protected.docx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le"))

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_usecases", str(encrypted), "--json", stdout=out, stderr=StringIO())

    assert "password-protected Word document" in json.loads(out.getvalue())[0]["error"]
    assert not UseCase.objects.exists()


def test_the_import_form_offers_word_documents():
    field = ImportForm(workspaces=Workspace.objects.none(), as_file_says=True).fields["file"]

    assert ".docx" in field.widget.attrs["accept"] and ".docm" in field.widget.attrs["accept"]
    assert "Word document" in field.label and "NIST 2014 or TC8 2012" in field.help_text


def test_the_import_page_takes_a_document_and_confirms_its_dry_run(grid, django_capture_on_commit_callbacks):
    client = Client()
    author = member_of(grid, "author")
    client.force_login(author)
    upload = SimpleUploadedFile("flexibility.docx", save(nist_document()))

    page = client.get(reverse("usecases:import"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("usecases:import"), {"file": upload, "workspace": grid.pk, "policy": "update", "dry_run": "on"}
        )

    assert b"Word documents in the" in page.content
    dry_run = BackgroundJob.objects.get(kind="xml_import")
    assert response.status_code == 302 and dry_run.status == BackgroundJob.Status.SUCCEEDED, dry_run.error
    assert dry_run.result["dry_run"] and dry_run.result["counts"]["use_case"] == {"created": 1}
    assert not UseCase.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("usecases:import_confirm", kwargs={"pk": dry_run.pk}))

    assert UseCase.objects.get().workspace == grid
    assert Step.objects.count() == 5


@pytest.mark.parametrize("raw_body", [False, True], ids=["multipart", "raw-body"])
def test_the_api_takes_a_document(grid, raw_body, django_capture_on_commit_callbacks):
    client = APIClient()
    client.force_authenticate(member_of(grid, "author"))
    data = save(nist_document())

    with django_capture_on_commit_callbacks(execute=True):
        if raw_body:
            response = client.post(f"/api/imports/?workspace={grid.pk}", data, content_type=DOCX)
        else:
            upload = SimpleUploadedFile("flexibility.docx", data)
            response = client.post("/api/imports/", {"file": upload, "workspace": grid.pk}, format="multipart")

    assert response.status_code == 202, response.json()
    job = client.get(response["Location"]).json()
    assert job["status"] == "succeeded", job
    assert job["result"]["counts"]["use_case"]["created"] == 1
    assert UseCase.objects.get(workspace=grid).identifier == "UC-W1"


def test_a_refused_document_fails_its_api_job_with_the_reason(grid, django_capture_on_commit_callbacks):
    client = APIClient()
    client.force_authenticate(member_of(grid, "author"))
    data = save(nist_document())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/imports/?workspace={grid.pk}", data[: len(data) // 2], content_type=DOCX)

    job = client.get(response["Location"]).json()
    assert job["status"] == "failed" and "damaged" in job["error"]
    assert not UseCase.objects.exists()


@pytest.mark.parametrize(
    ("role", "page_status", "api_status"),
    [
        ("anonymous", 302, 401),
        ("no_role", 403, 403),
        ("viewer", 403, 403),
        ("reviewer", 403, 403),
        ("author", 302, 202),
        ("manager", 302, 202),
    ],
)
def test_who_may_import_a_document_as_for_workbooks(grid, role, page_status, api_status):
    user = None
    if role == "no_role":
        user = UserFactory()
    elif role != "anonymous":
        user = member_of(grid, role)
    page, api = Client(), APIClient()
    if user is not None:
        page.force_login(user)
        api.force_authenticate(user)
    data = save(nist_document())

    page_response = page.post(
        reverse("usecases:import"),
        {"file": SimpleUploadedFile("f.docx", data), "workspace": grid.pk, "policy": "update", "dry_run": "on"},
    )
    api_response = api.post(f"/api/imports/?workspace={grid.pk}&dry_run=true", data, content_type=DOCX)

    assert (page_response.status_code, api_response.status_code) == (page_status, api_status)
    assert BackgroundJob.objects.filter(kind="xml_import").count() == (2 if api_status == 202 else 0)
