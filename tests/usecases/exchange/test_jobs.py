"""The `xml_import` job kind: what it reads, reports and leaves behind."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.factories import WorkspaceFactory, member_of
from ucmr.jobs import job_execute, job_kind_get
from ucmr.models import BackgroundJob
from usecases.exchange.loader import repository_import_xml
from usecases.exchange.services import ImportFailed
from usecases.models import UseCase

pytestmark = pytest.mark.django_db

ELERING_1 = "examples/variant-c/elering-1_aggregate-energy-data.xml"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _job(user, workspace, data: bytes, **params) -> BackgroundJob:
    job = BackgroundJob.objects.create(kind="xml_import", user=user)
    name = default_storage.save(f"imports/{job.pk}.xml", ContentFile(data))
    job.params = {"file": name, "file_name": "x.xml", "workspace": workspace.pk, "policy": "update", **params}
    job.save()
    return job


def test_the_import_reports_its_progress_in_order(iec_dir):
    seen = []

    repository_import_xml(
        user=None,
        data=(iec_dir / ELERING_1).read_bytes(),
        workspace=None,
        progress=lambda percent, message: seen.append((percent, message)),
    )

    messages = [message for _, message in seen]
    assert messages[0] == "Reading the file" and "Matching the libraries" in messages
    assert any(message.startswith("Use case 1 of 1: Aggregate energy data") for message in messages)
    assert messages[-1] == "Writing the change log"
    assert [percent for percent, _ in seen] == sorted(percent for percent, _ in seen)


@pytest.mark.django_db(transaction=True)
def test_the_job_imports_keeps_its_progress_and_returns_the_report(iec_dir):
    """Run as a worker runs it (committed; on PostgreSQL the progress is written by a second connection)."""
    workspace = WorkspaceFactory()
    job = _job(member_of(workspace, "author"), workspace, (iec_dir / ELERING_1).read_bytes(), dry_run=False)

    job_execute(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.SUCCEEDED, job.error
    assert (job.progress, job.progress_message) == (100, "Writing the change log")
    assert job.result["counts"]["use_case"] == {"created": 1} and job.result["file_name"] == "x.xml"
    assert UseCase.objects.get().workspace == workspace
    assert not default_storage.exists(job.params["file"])  # the file goes once it is imported


def test_a_dry_run_keeps_the_file_for_its_confirmation(iec_dir):
    workspace = WorkspaceFactory()
    job = _job(member_of(workspace, "author"), workspace, (iec_dir / ELERING_1).read_bytes(), dry_run=True)

    result = job_kind_get(kind="xml_import")(job, lambda percent, message: None)

    assert result["dry_run"] is True and not UseCase.objects.exists()
    assert default_storage.exists(job.params["file"])


def test_an_import_whose_user_is_gone_does_nothing(iec_dir):
    workspace = WorkspaceFactory()
    job = _job(None, workspace, (iec_dir / ELERING_1).read_bytes(), dry_run=False)

    with pytest.raises(ImportFailed, match="no longer exists"):
        job_kind_get(kind="xml_import")(job, lambda percent, message: None)

    assert not UseCase.objects.exists()


def test_refusals_become_the_jobs_error_text():
    workspace = WorkspaceFactory()
    job = _job(member_of(workspace, "author"), workspace, b"<UseCaseRepository/>", dry_run=False)

    with pytest.raises(ImportFailed) as caught:
        job_kind_get(kind="xml_import")(job, lambda percent, message: None)

    assert str(caught.value).startswith("Not an IEC 62559 use case file we can read: the root element at line 1")
