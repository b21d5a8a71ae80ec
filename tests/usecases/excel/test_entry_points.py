"""Workbooks come in where XML comes in: `manage.py import_usecases`, the import page and `POST /api/imports/`, the
kind told by the content, not by the file's name."""

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import WorkspaceFactory, member_of
from ucmr.models import BackgroundJob
from usecases.models import Step, UseCase, Workspace

pytestmark = pytest.mark.django_db

EACL = "examples/excel/OneNet__EACL-HU-01__EACL-HU-01.xlsx"
WECL = "examples/excel/OneNet__WECL-ES-02__WECL-ES-02.xlsm"
ELERING_1 = "examples/variant-c/elering-1_aggregate-energy-data.xml"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def grid():
    return WorkspaceFactory(slug="grid", name="Grid")


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_workbooks_beside_xml_and_reports_warnings(iec_dir):
    out, _ = _run("import_usecases", str(iec_dir / EACL), str(iec_dir / ELERING_1), "--json")

    results = json.loads(out)
    assert [result["report"]["counts"]["use_case"] for result in results] == [{"created": 1}, {"created": 1}]
    assert any("Instructions" in warning for warning in results[0]["report"]["warnings"])
    assert set(UseCase.objects.values_list("identifier", flat=True)) >= {"EACL-HU-01"}
    assert Step.objects.filter(scenario__use_case__identifier="EACL-HU-01").count() == 24


def test_a_workbook_is_told_by_its_content_not_its_name(iec_dir, tmp_path):
    renamed = tmp_path / "not-a-workbook.xml"
    renamed.write_bytes((iec_dir / WECL).read_bytes())

    out, _ = _run("import_usecases", str(renamed))

    assert "Use cases: 1 created" in out
    assert "macros (VBA): they were neither run nor read" in out
    assert UseCase.objects.get().identifier == "WECL-ES-02"


def test_a_dry_run_writes_nothing_and_workspace_puts_new_use_cases_there(iec_dir):
    out, _ = _run("import_usecases", str(iec_dir / EACL), "--dry-run", "--json")
    assert json.loads(out)[0]["report"]["dry_run"] is True
    assert not UseCase.objects.exists()

    _run("import_usecases", str(iec_dir / EACL), "--workspace", "flex")

    assert UseCase.objects.get().workspace == Workspace.objects.get(slug="flex")


def test_a_refused_workbook_fails_its_file_with_the_reason(tmp_path):
    encrypted = tmp_path / "protected.xlsx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))

    with pytest.raises(CommandError):
        _run("import_usecases", str(encrypted))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_usecases", str(encrypted), "--json", stdout=out, stderr=StringIO())
    assert "encrypted" in json.loads(out.getvalue())[0]["error"]
    assert not UseCase.objects.exists()


def test_the_import_page_takes_a_workbook(grid, iec_dir, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(member_of(grid, "author"))
    upload = SimpleUploadedFile("EACL-HU-01.xlsx", (iec_dir / EACL).read_bytes())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("usecases:import"), {"file": upload, "workspace": grid.pk, "policy": "update"})

    job = BackgroundJob.objects.get(kind="xml_import")
    assert response.status_code == 302 and job.status == BackgroundJob.Status.SUCCEEDED, job.error
    assert job.result["counts"]["use_case"] == {"created": 1}
    assert UseCase.objects.get().workspace == grid


@pytest.mark.parametrize("raw_body", [False, True], ids=["multipart", "raw-body"])
def test_the_api_takes_a_workbook(grid, iec_dir, raw_body, django_capture_on_commit_callbacks):
    client = APIClient()
    client.force_authenticate(member_of(grid, "author"))
    data = (iec_dir / WECL).read_bytes()

    with django_capture_on_commit_callbacks(execute=True):
        if raw_body:
            response = client.post(
                f"/api/imports/?workspace={grid.pk}",
                data,
                content_type="application/vnd.ms-excel.sheet.macroEnabled.12",
            )
        else:
            upload = SimpleUploadedFile("WECL-ES-02.xlsm", data)
            response = client.post("/api/imports/", {"file": upload, "workspace": grid.pk}, format="multipart")

    assert response.status_code == 202, response.json()
    job = client.get(response["Location"]).json()
    assert job["status"] == "succeeded", job
    assert job["result"]["counts"]["use_case"]["created"] == 1
    assert UseCase.objects.get(workspace=grid).identifier == "WECL-ES-02"
