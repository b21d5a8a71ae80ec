"""What a user sees when something behind the application fails: a busy SQLite database, a broker that is down, a
cache that is down. Never a 500; nothing committed is lost; nothing half done."""

import sqlite3

import pytest
from celery import current_app
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from rest_framework.test import APIClient

from tests.factories import UseCaseFactory, WorkspaceFactory, member_of
from tests.workers import publishing_to
from ucmr.jobs import job_dispatch_pending
from ucmr.models import BackgroundJob
from usecases.models import UseCase

pytestmark = pytest.mark.django_db
CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused at once


@pytest.fixture
def grid():
    return WorkspaceFactory(slug="grid", name="Grid")


@pytest.fixture
def author(grid):
    return member_of(grid, "author", username="author")


@pytest.fixture
def api(author):
    client = APIClient()
    client.force_authenticate(author)
    return client


@pytest.fixture
def broker_down():
    """This process publishes to a broker that refuses connections, as a deployment whose Redis is down."""
    options = {"socket_connect_timeout": 1, "socket_timeout": 1}
    with publishing_to(CLOSED_PORT_REDIS, broker_transport_options=options, broker_connection_timeout=1) as app:
        yield app


@pytest.fixture
def broker_not_consumed():
    """This process publishes to an in-memory broker that no worker reads: jobs stay queued."""
    with publishing_to("memory://") as app:
        yield app


def _post_import(api, grid, iec_dir, django_capture_on_commit_callbacks) -> BackgroundJob:
    data = (iec_dir / "examples/variant-c/elering-14_manage-sub-meter-data.xml").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/imports/", {"file": SimpleUploadedFile("e.xml", data), "workspace": grid.pk}, format="multipart"
        )
    assert response.status_code == 202
    return BackgroundJob.objects.get(pk=response.json()["id"])


def test_an_import_answers_at_once_and_leaves_the_work_to_a_worker(
    api, grid, iec_dir, broker_not_consumed, django_capture_on_commit_callbacks
):
    job = _post_import(api, grid, iec_dir, django_capture_on_commit_callbacks)
    # The request returned before the job started: nothing read, nothing imported; the message is with the broker.
    assert job.status == BackgroundJob.Status.PENDING and job.started is None and job.dispatched is not None
    assert not UseCase.objects.exists()


def test_a_patch_answers_200_when_the_broker_is_down_and_its_validation_is_sent_later(
    api, grid, author, broker_down, django_capture_on_commit_callbacks
):
    use_case = UseCaseFactory(workspace=grid, created_by=author, name="Before")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(f"/api/use-cases/{use_case.pk}/", {"document": {"name": "After"}}, format="json")

    assert response.status_code == 200
    use_case.refresh_from_db()
    assert use_case.name == "After"
    job = BackgroundJob.objects.get(kind="validate")
    assert job.status == BackgroundJob.Status.PENDING and job.dispatched is None
    assert "Connection" in job.dispatch_error and job.dispatch_after is not None
    # A second edit while the first validation waits in the outbox queues nothing more: the waiting one will run.
    with django_capture_on_commit_callbacks(execute=True):
        assert api.patch(f"/api/use-cases/{use_case.pk}/", {"document": {"name": "Again"}}).status_code == 200
    assert BackgroundJob.objects.filter(kind="validate").count() == 1


def test_an_import_answers_202_when_the_broker_is_down_and_runs_when_it_is_back(
    api, grid, iec_dir, broker_down, django_capture_on_commit_callbacks
):
    job = _post_import(api, grid, iec_dir, django_capture_on_commit_callbacks)
    assert job.status == BackgroundJob.Status.PENDING and job.dispatched is None and job.dispatch_error

    current_app.conf.task_always_eager = True  # the broker is back (here: run inline)
    BackgroundJob.objects.filter(pk=job.pk).update(dispatch_after=None, created=job.created.replace(year=2000))
    assert job_dispatch_pending() == 1

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.SUCCEEDED, job.error
    assert UseCase.objects.filter(workspace=grid).count() == 1  # imported, once


def test_the_api_answers_when_the_cache_is_down(api, grid, settings, caplog, monkeypatch):
    monkeypatch.setattr("ucmr.api.throttling._last_warning", 0.0)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.UCMR_API_THROTTLE_USER = "1000/hour"
    UseCaseFactory(workspace=grid)

    for _ in range(2):
        response = api.get("/api/use-cases/")
        assert response.status_code == 200, response.content[:300]
    assert response.json()["count"] == 1
    assert "throttling is off" in caplog.text or "cache is unreachable" in caplog.text


@pytest.fixture
def sqlite_lock(transactional_db):
    """`take()`: another process takes SQLite's write lock (as a long import's write phase would); Django's
    connection then waits 0.2 s for it instead of the configured busy timeout."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single-writer lock")
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0.2, isolation_level=None)

    def take() -> None:
        connection.ensure_connection()
        connection.connection.execute("PRAGMA busy_timeout = 200")
        other.execute("BEGIN IMMEDIATE")

    try:
        yield take
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()
        connection.close()  # a fresh connection, with the configured busy timeout, for what comes next


@pytest.mark.django_db(transaction=True)
def test_a_write_that_cannot_get_the_lock_answers_503_in_every_shape(sqlite_lock, client):
    grid = WorkspaceFactory(slug="grid", name="Grid")
    author = member_of(grid, "author", username="author")
    use_case = UseCaseFactory(workspace=grid, created_by=author, name="Before")
    api = APIClient()
    api.force_authenticate(author)
    client.force_login(author)
    sqlite_lock()

    response = api.patch(f"/api/use-cases/{use_case.pk}/", {"document": {"name": "After"}}, format="json")
    assert response.status_code == 503, response.content[:500]
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["code"] == "database_busy" and "Nothing was saved" in body["message"]

    page_url = f"http://testserver/use-cases/{use_case.pk}/"
    page = client.post(f"/use-cases/{use_case.pk}/validate/", HTTP_REFERER=page_url)  # "Validate now" writes a job
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert b"Busy, try again" in page.content
    assert f'<a href="{page_url}">Try again</a>' in page.content.decode()  # the page, not the form's address
    elsewhere = client.post(f"/use-cases/{use_case.pk}/validate/", HTTP_REFERER="https://evil.example/")
    assert '<a href="/">Try again</a>' in elsewhere.content.decode()

    fragment = client.post(f"/use-cases/{use_case.pk}/validate/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 503 and fragment["HX-Retarget"] == "#busy-message"
    assert b"Nothing was saved" in fragment.content
    assert UseCase.objects.get(pk=use_case.pk).name == "Before" and not BackgroundJob.objects.exists()
