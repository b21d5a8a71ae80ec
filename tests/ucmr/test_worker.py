"""The worker tier: real Celery worker processes, on Redis and on the embedded SQLite broker of `make run`, with the
job rows in the test database (see tests/workers.py).

- A job started through `job_start` runs in a worker and reports its result.
- User jobs go first: one queued behind many follow-ups starts before almost all of them.
- A worker killed in the middle of an import (inside its write transaction) leaves no partial import; the job is
  run again to success by the next worker, found by the redelivered message (Redis) or by the sweep that beat runs
  (either broker). Killed twice, it ends failed with a message saying so, and nothing is half done.
"""

import os
import signal
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from tests.factories import ActorFactory, StepFactory, WorkspaceFactory, member_of
from tests.worker_jobs import SLOW_IMPORT
from tests.workers import WORKER_STOP_TIMEOUT, Workers
from ucmr.jobs import MAX_ATTEMPTS, job_start
from ucmr.models import BackgroundJob, ChangeLogEntry
from usecases.models import Step, UseCase

pytestmark = [pytest.mark.redis, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ELERING_5 = "examples/variant-c/elering-5_collect-energy-data.xml"


def test_a_real_worker_runs_a_job_queued_through_job_start(workers: Workers, staff_user):
    workers.start()
    StepFactory.create_batch(2, scenario__use_case__status="published")  # counted: staff_user may see them
    ActorFactory.create_batch(3)

    job = job_start(user=staff_user, kind="repository_stats", params={})

    workers.wait_done(job)
    assert job.status == BackgroundJob.Status.SUCCEEDED, f"{job.error}\n{workers.logs()}"
    assert job.progress == 100 and job.attempts == 1 and job.lease_expires is None
    assert job.result["counts"]["steps"] == 2 and job.result["counts"]["actors"] == 3


def test_a_user_job_queued_behind_many_follow_ups_goes_first(workers: Workers, staff_user):
    follow_ups = [job_start(user=None, kind="repository_stats", params={}) for _ in range(30)]
    mine = job_start(user=staff_user, kind="repository_stats", params={})
    assert {job.queue for job in follow_ups} == {"follow_up"} and mine.queue == "user"

    workers.start()
    workers.wait_done(mine)
    started_before = BackgroundJob.objects.filter(
        pk__in=[job.pk for job in follow_ups], started__lt=mine.started
    ).count()
    assert started_before <= 1, f"{started_before} follow-ups ran before the user's job"


def _slow_import(tmp_path: Path, iec_dir: Path, *, pause_attempts: list[int]) -> tuple[BackgroundJob, Path]:
    workspace = WorkspaceFactory()
    author = member_of(workspace, "author")
    job = BackgroundJob.objects.create(kind=SLOW_IMPORT, user=author)
    name = default_storage.save(f"imports/{job.pk}.xml", ContentFile((iec_dir / ELERING_5).read_bytes()))
    pause_file = tmp_path / "paused"
    job.params = {
        "file": name,
        "file_name": "elering-5.xml",
        "workspace": workspace.pk,
        "policy": "update",
        "dry_run": False,
        "pause_file": str(pause_file),
        "pause_attempts": pause_attempts,
    }
    job.save()
    from ucmr.jobs import job_dispatch

    assert job_dispatch(job_id=job.pk)
    return job, pause_file


def _kill_when_paused(workers: Workers, process, pause_file: Path, attempt: int) -> None:
    paused = Path(f"{pause_file}.{attempt}")
    workers.wait_for(paused.exists, what=f"attempt {attempt} to pause inside its write transaction")
    assert int(paused.read_text()) == process.pid
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=WORKER_STOP_TIMEOUT)


def test_a_worker_killed_in_an_import_leaves_nothing_and_the_next_worker_imports_it_once(
    workers: Workers, tmp_path, iec_dir
):
    job, pause_file = _slow_import(tmp_path, iec_dir, pause_attempts=[1])
    first, _ = workers.start(visibility_timeout=2)
    _kill_when_paused(workers, first, pause_file, attempt=1)

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.RUNNING  # no worker is left to say otherwise
    assert not UseCase.objects.exists() and not ChangeLogEntry.objects.exists()  # the transaction went with it

    workers.start(visibility_timeout=2, beat=True)
    workers.wait_done(job)
    assert job.status == BackgroundJob.Status.SUCCEEDED, f"{job.error}\n{job.log}\n{workers.logs()}"
    assert job.attempts == 2 and "was lost" in job.log and "Traceback" not in job.log
    assert UseCase.objects.count() == 1 and job.result["counts"]["use_case"] == {"created": 1}
    assert Step.objects.count() == sum(job.result["counts"]["step"].values())
    assert not default_storage.exists(job.params["file"])  # the upload goes with the job


def test_a_job_whose_worker_is_killed_twice_ends_failed_and_nothing_is_half_done(workers: Workers, tmp_path, iec_dir):
    job, pause_file = _slow_import(tmp_path, iec_dir, pause_attempts=[1, 2])
    for attempt in range(1, MAX_ATTEMPTS + 1):
        process, _ = workers.start(visibility_timeout=2, beat=attempt > 1)
        _kill_when_paused(workers, process, pause_file, attempt=attempt)

    workers.start(visibility_timeout=2, beat=True)
    workers.wait_done(job)
    assert job.status == BackgroundJob.Status.FAILED
    assert f"lost {MAX_ATTEMPTS} times" in job.error and "Start the job again" in job.error
    assert not UseCase.objects.exists() and not ChangeLogEntry.objects.exists()
    time.sleep(1)
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED  # final: no later delivery changes it
