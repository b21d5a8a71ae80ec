"""A running import's progress on SQLite, where the import's one transaction holds the only write lock: its job row
cannot show the progress before the commit, so it is reported beside the uploads and read from there."""

import pytest
from django.db import connection

from tests.factories import UserFactory
from ucmr.models import BackgroundJob
from usecases.exchange.services import IMPORT_JOB_KIND, _visible_progress

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL writes the progress on a second connection")
def test_the_job_page_and_api_show_a_running_imports_progress_before_its_transaction_commits(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(username="importer")
    job = BackgroundJob.objects.create(user=user, kind=IMPORT_JOB_KIND, status=BackgroundJob.Status.RUNNING)
    client.force_login(user)
    row_reports = []  # what the import writes on its own connection: seen by others only once it commits

    with _visible_progress(job=job, progress=lambda percent, message="": row_reports.append(percent)) as report:
        report(40, "Use cases 81 to 120 of 300")
        page = client.get(job.get_absolute_url())
        answer = client.get(f"/api/jobs/{job.pk}/").json()

    assert row_reports == [40]
    assert 'aria-valuenow="40"' in page.content.decode()
    assert "Use cases 81 to 120 of 300" in page.content.decode()
    assert (answer["progress"], answer["progress_message"]) == (40, "Use cases 81 to 120 of 300")
    # Once the import is over, the row tells: nothing is left beside it.
    assert not list(tmp_path.rglob("*.json"))
    assert client.get(f"/api/jobs/{job.pk}/").json()["progress"] == 0


def test_a_finished_job_shows_its_rows_progress_whatever_was_reported_aside(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(username="importer")
    job = BackgroundJob.objects.create(
        user=user, kind=IMPORT_JOB_KIND, status=BackgroundJob.Status.FAILED, progress=10, error="Line 3: not XML."
    )
    (tmp_path / "job-progress").mkdir()
    (tmp_path / "job-progress" / f"{job.pk}.json").write_text('{"percent": 80, "message": "left over"}')
    client.force_login(user)

    assert client.get(f"/api/jobs/{job.pk}/").json()["progress"] == 10
