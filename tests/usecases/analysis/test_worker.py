"""The worker tier of the sgam jobs: real Celery workers on Redis and on the embedded broker (tests/workers.py).

- A change queues the validation, which a worker runs; the diagrams are rendered only when a page asks for them.
- A worker killed in the middle of a validation (SIGKILL while the job sits inside its write transaction) leaves no
  partial data, and the job never stays "running": a pool process killed under a live worker is delivered again
  at once and retried to success; a whole worker killed is retried to success by the next worker.
"""

import os
import signal
from pathlib import Path

import pytest
from django.db import transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse

from sgam.models import RenderedDiagram, ValidationFinding, ValidationResult
from tests.usecases.analysis.conftest import make_known
from tests.worker_jobs import PARTIAL_RULE, SLOW_VALIDATE
from tests.workers import WORKER_STOP_TIMEOUT, Workers
from ucmr.jobs import job_start
from ucmr.models import BackgroundJob
from usecases.analysis.followup import usecase_changed
from usecases.analysis.validation.services import usecase_findings, validation_run
from usecases.models import UseCase

pytestmark = [pytest.mark.redis, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


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


def test_a_worker_validates_after_a_change_and_renders_only_what_a_page_asks_for(workers: Workers, staff_user):
    workers.start()
    known = make_known()

    with transaction.atomic():
        UseCase.objects.filter(pk=known.use_case.pk).update(name="Renamed", revision=F("revision") + 1)
        usecase_changed(use_case=known.use_case)
        usecase_changed(use_case=known.use_case)  # one follow-up per transaction

    [job] = BackgroundJob.objects.all()
    workers.wait_done(job)
    assert job.kind == "validate" and job.status == BackgroundJob.Status.SUCCEEDED, f"{job.error}\n{workers.logs()}"
    result = ValidationResult.objects.get(use_case=known.use_case)
    assert result.revision == known.use_case.revision + 1 and (result.errors, result.warnings) == (0, 1)
    assert not RenderedDiagram.objects.exists()

    client = Client()
    client.force_login(staff_user)
    status = client.get(reverse("usecases:usecase_generated_status", kwargs={"pk": known.use_case.pk}))
    assert status.status_code == 200
    render = BackgroundJob.objects.get(kind="render_diagrams")
    workers.wait_done(render)
    assert render.status == BackgroundJob.Status.SUCCEEDED, f"{render.error}\n{workers.logs()}"
    assert RenderedDiagram.objects.filter(use_case=known.use_case).exclude(svg="").count() == 8


def test_a_killed_pool_process_is_delivered_again_and_retried_to_success(workers: Workers, changed_use_case, tmp_path):
    use_case, before, after = changed_use_case
    worker, _ = workers.start(pool="prefork")
    job, pause_file = start_slow_job(use_case, tmp_path)
    workers.wait_for(pause_file.exists, what="the job to pause inside its transaction")
    pid = int(pause_file.read_text())
    assert pid != worker.pid  # a pool process of the worker
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.RUNNING and stored_findings(use_case) == before

    os.kill(pid, signal.SIGKILL)

    workers.wait_done(job)
    assert job.status == BackgroundJob.Status.SUCCEEDED, f"{job.error}\n{workers.logs()}"
    assert "lost" in job.log and job.attempts == 2
    assert stored_findings(use_case) == after  # the attempt killed wrote nothing that stayed
    result = ValidationResult.objects.get(use_case=use_case)
    assert result.revision == use_case.revision and result.errors == 1
    assert not ValidationFinding.objects.filter(rule=PARTIAL_RULE).exists()
    assert worker.poll() is None


def test_a_killed_worker_leaves_the_old_findings_and_the_next_worker_validates(
    workers: Workers, changed_use_case, tmp_path
):
    use_case, before, after = changed_use_case
    worker, _ = workers.start(visibility_timeout=2)
    job, pause_file = start_slow_job(use_case, tmp_path)
    workers.wait_for(pause_file.exists, what="the job to pause inside its transaction")
    assert int(pause_file.read_text()) == worker.pid

    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=WORKER_STOP_TIMEOUT)
    assert stored_findings(use_case) == before and not ValidationFinding.objects.filter(rule=PARTIAL_RULE).exists()

    workers.start(visibility_timeout=2, beat=True)
    workers.wait_done(job)
    assert job.status == BackgroundJob.Status.SUCCEEDED, f"{job.error}\n{workers.logs()}"
    assert "lost" in job.log and stored_findings(use_case) == after
    assert not ValidationFinding.objects.filter(rule=PARTIAL_RULE).exists()
