"""The fault tier: a real Redis and real workers, with the faults a production deployment meets. Each test ends with
a correct, final job status, and no committed write answers 5xx.

- Redis drops the worker's connections while a job runs: Celery restores the unacknowledged message and delivers
  it again; the job's live lease makes that delivery a no-op, so the job runs once and ends succeeded.
- Redis is unreachable when a job is started (a PATCH's validation, an import): the request succeeds, the job
  waits in the outbox, and the dispatcher sends it when Redis is back; a worker runs it.
(Workers killed once and twice: tests/ucmr/test_worker.py. The cache down during API calls and a busy SQLite:
tests/ucmr/test_resilience.py.)
"""

import time
from contextlib import ExitStack

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests.factories import UseCaseFactory, WorkspaceFactory, member_of
from tests.worker_jobs import SLEEP
from tests.workers import Workers, publishing_to, redis_reachable
from ucmr.jobs import job_dispatch_pending, job_start
from ucmr.models import BackgroundJob
from usecases.models import UseCase

pytestmark = [pytest.mark.redis, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ELERING_1 = "examples/variant-c/elering-1_aggregate-energy-data.xml"


def _worker_client_ids(client, prefix: str) -> list[str]:
    """The Redis connections of the worker processes (every client but this process's own ones)."""
    mine = client.client_id()
    return [str(entry["id"]) for entry in client.client_list() if int(entry["id"]) != mine]


def test_dropped_broker_connections_during_a_job_do_not_run_it_twice(redis_workers: Workers, staff_user):
    client = redis_reachable()
    redis_workers.start(pool="prefork", concurrency=2, visibility_timeout=2)
    job = job_start(user=staff_user, kind=SLEEP, params={"seconds": 8})
    redis_workers.wait_for(
        lambda: BackgroundJob.objects.filter(pk=job.pk, status="running").exists(), what="the job to start"
    )

    killed = 0
    for _ in range(3):  # the connections come back; drop them again while the job runs
        for client_id in _worker_client_ids(client, redis_workers.prefix):
            killed += client.execute_command("CLIENT", "KILL", "ID", client_id)
        time.sleep(1.5)
    assert killed

    redis_workers.wait_done(job, timeout=60)
    assert job.status == BackgroundJob.Status.SUCCEEDED, f"{job.error}\n{job.log}\n{redis_workers.logs()}"
    assert job.attempts == 1 and job.log == "" and job.error == "" and job.result == {"slept": 8}
    assert "this delivery is a duplicate, it does nothing" in redis_workers.logs()  # the redelivery happened
    time.sleep(3)  # a late redelivery changes nothing either
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.SUCCEEDED and job.attempts == 1


@pytest.fixture
def redis_down():
    """This process publishes to a Redis that refuses connections until `back()` is called."""
    options = {"socket_connect_timeout": 1, "socket_timeout": 1}
    with ExitStack() as stack:
        stack.enter_context(
            publishing_to("redis://127.0.0.1:1/0", broker_transport_options=options, broker_connection_timeout=1)
        )
        yield stack.close


def test_a_patch_and_an_import_while_redis_is_down_succeed_and_their_jobs_run_when_it_is_back(
    redis_workers: Workers, redis_down, iec_dir
):
    grid = WorkspaceFactory(slug="grid", name="Grid")
    author = member_of(grid, "author", username="author")
    use_case = UseCaseFactory(workspace=grid, created_by=author, name="Before")
    api = APIClient()
    api.force_authenticate(author)

    patched = api.patch(f"/api/use-cases/{use_case.pk}/", {"document": {"name": "After"}}, format="json")
    data = (iec_dir / ELERING_1).read_bytes()
    imported = api.post(
        "/api/imports/", {"file": SimpleUploadedFile("e.xml", data), "workspace": grid.pk}, format="multipart"
    )

    assert patched.status_code == 200 and imported.status_code == 202
    jobs = list(BackgroundJob.objects.order_by("created"))
    assert [job.kind for job in jobs] == ["validate", "xml_import"]
    assert all(job.status == "pending" and job.dispatched is None and job.dispatch_error for job in jobs)

    redis_down()  # Redis is back
    redis_workers.start()
    BackgroundJob.objects.update(dispatch_after=None, created=jobs[0].created.replace(year=2000))
    assert job_dispatch_pending() == 2

    for job in jobs:
        redis_workers.wait_done(job)
        assert job.status == BackgroundJob.Status.SUCCEEDED, f"{job.error}\n{redis_workers.logs()}"
    assert UseCase.objects.get(pk=use_case.pk).name == "After"
    assert UseCase.objects.filter(workspace=grid).count() == 2  # the one patched and the one imported
