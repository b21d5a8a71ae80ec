"""The worker tier of the sgam jobs: real Celery workers against a real Redis, as in tests/ucmr/test_worker.py.

- A change queues the validation and the rendering of the diagrams; a worker does both.
- A worker killed in the middle of a job (SIGKILL while the job sits inside its write transaction) leaves no
  partial data, and the job never stays "running": a pool process killed under a live worker is redelivered at
  once and retried to success; a whole worker killed is retried when a worker comes back after the visibility
  timeout, or ended failed by the sweep (`manage.py sweep_jobs`) when none does.

Workers run with tests/sgam/worker_settings.py: the test-only slow job kind, and keys in Redis under a prefix of
this test alone.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from celery import Celery, current_app
from django.db import connection, transaction
from django.db.models import F

from sgam.followup import usecase_changed
from sgam.models import RenderedDiagram, ValidationFinding, ValidationResult
from sgam.validation.services import usecase_findings, validation_run
from tests.sgam.conftest import make_known
from tests.sgam.worker_jobs import PARTIAL_RULE, SLOW_VALIDATE
from tests.ucmr.test_worker import REDIS_URL, WORKER_STOP_TIMEOUT, redis_client  # noqa: F401 - a fixture
from ucmr.jobs import job_start, job_sweep_stale
from ucmr.models import BackgroundJob
from usecases.models import UseCase

ROOT = Path(__file__).resolve().parents[2]
JOB_TIMEOUT = 90

pytestmark = [pytest.mark.redis, pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def prefix(redis_client):  # noqa: F811 - the fixture imported above
    """This test's queue, and the prefix of every key it makes in Redis (removed afterwards)."""
    name = f"ucmr-test-{uuid.uuid4().hex}"
    yield name
    for key in redis_client.scan_iter(match=f"*{name}*"):
        redis_client.delete(key)


@pytest.fixture
def publisher(prefix):
    """This process publishes to Redis (under the test's prefix) instead of running tasks inline."""
    previous = current_app._get_current_object()
    with Celery("ucmr-sgam-worker-test", set_as_current=False) as app:
        app.config_from_object("django.conf:settings", namespace="CELERY")
        app.conf.update(
            broker_url=REDIS_URL,
            task_always_eager=False,
            task_default_queue=prefix,
            broker_transport_options={"global_keyprefix": prefix},
        )
        app.set_current()
        try:
            yield prefix
        finally:
            previous.set_current()
            app.pool.force_close_all()


@pytest.fixture
def start_worker(publisher, transactional_db, tmp_path):
    """Start `celery worker` processes on the test's queue and database; every one is stopped at the end."""
    started: list[tuple[subprocess.Popen, Path]] = []

    def start(*, pool: str = "solo", visibility_timeout: int = 3600) -> tuple[subprocess.Popen, Path]:
        log_path = tmp_path / f"worker-{len(started)}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.sgam.worker_settings",
            "CELERY_BROKER_URL": REDIS_URL,
            "UCMR_TEST_DB_NAME": str(connection.settings_dict["NAME"]),
            "UCMR_TEST_VISIBILITY_TIMEOUT": str(visibility_timeout),
            "UCMR_TEST_KEY_PREFIX": publisher,
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ucmr",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            f"--queues={publisher}",
            f"--hostname={publisher}-{len(started)}@%h",
            "--loglevel=INFO",
        ]
        with log_path.open("wb") as log:
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        started.append((process, log_path))
        return process, log_path

    yield start
    for process, _ in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=WORKER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=WORKER_STOP_TIMEOUT)


def logs(*paths: Path) -> str:
    return "\n".join(path.read_text(errors="replace")[-4000:] for path in paths if path.exists())


def wait_for(condition: Callable[[], bool], *, what: str, log_paths: tuple[Path, ...], timeout: float = JOB_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"Timed out waiting for {what}; worker logs:\n{logs(*log_paths)}")


def job_done(job: BackgroundJob) -> Callable[[], bool]:
    def done() -> bool:
        job.refresh_from_db()
        return job.is_done

    return done


def stored_findings(use_case: UseCase) -> list[tuple[str, str]]:
    return list(
        ValidationFinding.objects.filter(result__use_case=use_case).order_by("position").values_list("rule", "anchor")
    )


@pytest.fixture
def changed_use_case():
    """The known use case validated at its revision, then changed (scope emptied, revision up) without a new
    validation: the old findings are stored, a new validation would store others (UC002 on top)."""
    known = make_known()
    validation_run(use_case_ids=[known.use_case.pk])
    before = stored_findings(known.use_case)
    UseCase.objects.filter(pk=known.use_case.pk).update(scope="", revision=F("revision") + 1)
    use_case = UseCase.objects.get(pk=known.use_case.pk)
    after = [(finding.rule, finding.anchor) for finding in usecase_findings(use_case_id=use_case.pk)]
    assert before != after and ("UC002", "section-1-3") in after
    return use_case, before, after


def start_slow_job(use_case: UseCase, tmp_path: Path) -> tuple[BackgroundJob, Path]:
    pause_file = tmp_path / "paused-at-pid"
    job = job_start(user=None, kind=SLOW_VALIDATE, params={"use_case": use_case.pk, "pause_file": str(pause_file)})
    return job, pause_file


def test_a_worker_validates_and_renders_after_a_change(start_worker):
    _, log_path = start_worker()
    known = make_known()

    with transaction.atomic():
        UseCase.objects.filter(pk=known.use_case.pk).update(name="Renamed", revision=F("revision") + 1)
        usecase_changed(use_case=known.use_case)
        usecase_changed(use_case=known.use_case)  # one follow-up per transaction

    jobs = list(BackgroundJob.objects.order_by("kind"))
    assert [job.kind for job in jobs] == ["render_diagrams", "validate"]
    for job in jobs:
        wait_for(job_done(job), what=f"the {job.kind} job", log_paths=(log_path,))
        assert job.status == BackgroundJob.Status.SUCCEEDED, f"{job.error}\n{logs(log_path)}"
    assert len(jobs[0].result["rendered"]) == 8 and not jobs[0].result["failed"]
    assert RenderedDiagram.objects.filter(use_case=known.use_case).exclude(svg="").count() == 8
    result = ValidationResult.objects.get(use_case=known.use_case)
    assert result.revision == known.use_case.revision + 1 and (result.errors, result.warnings) == (0, 1)


def test_a_killed_pool_process_is_redelivered_and_retried_to_success(start_worker, changed_use_case, tmp_path):
    use_case, before, after = changed_use_case
    worker, log_path = start_worker(pool="prefork")
    job, pause_file = start_slow_job(use_case, tmp_path)
    wait_for(pause_file.exists, what="the job to pause inside its transaction", log_paths=(log_path,))
    pid = int(pause_file.read_text())
    assert pid != worker.pid  # a pool process of the worker
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.RUNNING and stored_findings(use_case) == before

    os.kill(pid, signal.SIGKILL)

    wait_for(job_done(job), what="the job to end", log_paths=(log_path,))
    assert job.status == BackgroundJob.Status.SUCCEEDED, f"{job.error}\n{logs(log_path)}"
    assert "lost during attempt 1" in job.log
    assert stored_findings(use_case) == after  # the attempt killed wrote nothing that stayed
    result = ValidationResult.objects.get(use_case=use_case)
    assert result.revision == use_case.revision and result.errors == 1
    assert not ValidationFinding.objects.filter(rule=PARTIAL_RULE).exists()
    assert worker.poll() is None


def test_a_killed_worker_leaves_the_old_findings_and_the_sweep_ends_the_job(start_worker, changed_use_case, tmp_path):
    use_case, before, _ = changed_use_case
    worker, log_path = start_worker(pool="solo", visibility_timeout=1)
    job, pause_file = start_slow_job(use_case, tmp_path)
    wait_for(pause_file.exists, what="the job to pause inside its transaction", log_paths=(log_path,))
    assert int(pause_file.read_text()) == worker.pid

    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=WORKER_STOP_TIMEOUT)

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.RUNNING  # no worker is left to say otherwise
    assert stored_findings(use_case) == before and not ValidationFinding.objects.filter(rule=PARTIAL_RULE).exists()
    assert ValidationResult.objects.get(use_case=use_case).revision == use_case.revision - 1
    time.sleep(1.1)
    assert job_sweep_stale(older_than=timedelta(seconds=1)) == 1
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED and job.error.startswith("Worker lost")

    # A worker that comes back gets the unacknowledged message again: the job stays failed, nothing is written.
    _, second_log = start_worker(pool="solo", visibility_timeout=1)
    wait_for(
        lambda: "ucmr.tasks.run_job" in logs(second_log) and "succeeded" in logs(second_log),
        what="the message to be delivered again",
        log_paths=(log_path, second_log),
    )
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED and stored_findings(use_case) == before


def test_a_killed_worker_is_retried_to_success_by_the_next_worker(start_worker, changed_use_case, tmp_path):
    use_case, before, after = changed_use_case
    worker, log_path = start_worker(pool="solo", visibility_timeout=2)
    job, pause_file = start_slow_job(use_case, tmp_path)
    wait_for(pause_file.exists, what="the job to pause inside its transaction", log_paths=(log_path,))

    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=WORKER_STOP_TIMEOUT)
    assert stored_findings(use_case) == before
    time.sleep(2.1)  # the visibility timeout: the message may be delivered again
    _, second_log = start_worker(pool="solo", visibility_timeout=2)

    wait_for(job_done(job), what="the job to end", log_paths=(log_path, second_log))
    assert job.status == BackgroundJob.Status.SUCCEEDED, f"{job.error}\n{logs(second_log)}"
    assert "lost during attempt 1" in job.log
    assert stored_findings(use_case) == after
    assert not ValidationFinding.objects.filter(rule=PARTIAL_RULE).exists()
