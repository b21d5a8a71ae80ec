"""Background jobs: a `BackgroundJob` row first, the Celery task queued after commit with the row id as task
id, the task runs `job_run`, which claims the row (so a redelivered message does nothing) and always ends it
as succeeded or failed."""

import logging
import traceback
from collections.abc import Callable
from typing import Any

from celery import Task
from django.db import transaction
from django.utils import timezone

from ucmr.models import BackgroundJob

logger = logging.getLogger(__name__)

Progress = Callable[[int, str], None]


@transaction.atomic
def job_create(*, user, kind: str, params: dict[str, Any] | None = None) -> BackgroundJob:
    return BackgroundJob.objects.create(
        kind=kind, params=params or {}, user=user if user is not None and user.is_authenticated else None
    )


def job_enqueue(*, job: BackgroundJob, task: Task) -> None:
    """Queue `task(job_id)` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: task.apply_async(args=[str(job.pk)], task_id=str(job.pk)))


def job_report_progress(*, job_id, percent: int, message: str = "") -> None:
    BackgroundJob.objects.filter(pk=job_id).update(progress=max(0, min(100, percent)), progress_message=message[:300])


def job_run(*, job_id, work: Callable[[BackgroundJob, Progress], dict[str, Any] | None]) -> bool:
    """Claim the pending job and run `work(job, progress)`; its return value becomes the job's result.

    Returns False when the job was not pending (already claimed by another delivery of the same message).
    """
    claimed = BackgroundJob.objects.filter(pk=job_id, status=BackgroundJob.Status.PENDING).update(
        status=BackgroundJob.Status.RUNNING, started=timezone.now()
    )
    if not claimed:
        logger.info("Job %s is not pending; this delivery does nothing.", job_id)
        return False
    job = BackgroundJob.objects.get(pk=job_id)

    def progress(percent: int, message: str = "") -> None:
        job_report_progress(job_id=job_id, percent=percent, message=message)

    try:
        result = work(job, progress)
    except Exception as error:
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        BackgroundJob.objects.filter(pk=job_id).update(
            status=BackgroundJob.Status.FAILED,
            finished=timezone.now(),
            error=str(error) or type(error).__name__,
            log=traceback.format_exc()[-20000:],
        )
        return True
    BackgroundJob.objects.filter(pk=job_id).update(
        status=BackgroundJob.Status.SUCCEEDED,
        finished=timezone.now(),
        progress=100,
        result=result,
    )
    return True
