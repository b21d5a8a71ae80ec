"""Background jobs: a `BackgroundJob` row first, the Celery task queued after commit with the row id as task id,
the task runs `job_run`, which claims the row (so a redelivered message does nothing) and always ends it as
succeeded or failed.

There is one Celery task, `ucmr.tasks.run_job`; what a job does is decided by its `kind`. An app registers a kind
with `@register_job_kind("kind")` on a function `work(job, progress) -> result dict`, in its `jobs.py` module
(imported on first use of the registry, in web and worker processes alike). Start a job with `job_start`.
"""

import functools
import logging
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from celery import Task
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from ucmr.models import BackgroundJob
from ucmr.permissions import visible_to

logger = logging.getLogger(__name__)

# A job is tried at most this often when the worker running it is lost (killed, out of memory, host gone).
MAX_ATTEMPTS = 2
LOST_NOTE = "The worker running this job was lost"

Progress = Callable[[int, str], None]
JobWork = Callable[[BackgroundJob, Progress], dict[str, Any] | None]

_job_kinds: dict[str, JobWork] = {}


def register_job_kind(kind: str) -> Callable[[JobWork], JobWork]:
    """Decorator: `work(job, progress)` runs the jobs of this kind; its return value becomes the job's result."""

    def register(work: JobWork) -> JobWork:
        registered = _job_kinds.get(kind)
        if registered is not None and registered is not work:
            raise ImproperlyConfigured(
                f"Job kind '{kind}' is registered twice: {registered.__module__}.{registered.__qualname__} and "
                f"{work.__module__}.{work.__qualname__}."
            )
        _job_kinds[kind] = work
        return work

    return register


@functools.cache
def _import_job_modules() -> None:
    autodiscover_modules("jobs")


def job_kind_get(*, kind: str) -> JobWork | None:
    """The function registered for `kind`, or None."""
    _import_job_modules()
    return _job_kinds.get(kind)


def _unknown_kind(job: BackgroundJob, progress: Progress) -> None:
    raise LookupError(f"Unknown job kind '{job.kind}': no installed app registers it.")


@transaction.atomic
def job_create(*, user, kind: str, params: dict[str, Any] | None = None) -> BackgroundJob:
    return BackgroundJob.objects.create(
        kind=kind, params=params or {}, user=user if user is not None and user.is_authenticated else None
    )


def job_enqueue(*, job: BackgroundJob, task: Task) -> None:
    """Queue `task(job_id)` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: task.apply_async(args=[str(job.pk)], task_id=str(job.pk)))


@transaction.atomic
def job_start(*, user, kind: str, params: dict[str, Any] | None = None) -> BackgroundJob:
    """Create the job's row and queue it for a worker when the current transaction commits.

    In eager mode (no broker) the job has run by the time the outermost transaction has committed.
    """
    from ucmr.tasks import run_job  # the task module imports this one

    if job_kind_get(kind=kind) is None:
        raise ValidationError({"kind": f"Unknown job kind '{kind}'."})
    job = job_create(user=user, kind=kind, params=params)
    job_enqueue(job=job, task=run_job)
    return job


def job_report_progress(*, job_id, percent: int, message: str = "") -> None:
    BackgroundJob.objects.filter(pk=job_id).update(progress=max(0, min(100, percent)), progress_message=message[:300])


def job_run(*, job_id, work: JobWork) -> bool:
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
    # `error` is cleared for a job that `job_sweep_stale` gave up on but that finished after all.
    BackgroundJob.objects.filter(pk=job_id).update(
        status=BackgroundJob.Status.SUCCEEDED,
        finished=timezone.now(),
        progress=100,
        result=result,
        error="",
    )
    return True


def job_execute(*, job_id) -> bool:
    """Run the job with the function registered for its kind: what the `run_job` task does with a delivery.

    A job of an unknown kind ends failed with a message saying so. Returns False when the delivery did nothing.
    """
    kind = BackgroundJob.objects.filter(pk=job_id).values_list("kind", flat=True).first()
    if kind is None:
        logger.warning("Job %s does not exist; this delivery does nothing.", job_id)
        return False
    return job_run(job_id=job_id, work=job_kind_get(kind=kind) or _unknown_kind)


def job_recover_lost(*, job_id) -> str:
    """Called for a redelivered message (the worker that had it was lost before acknowledging it): a job still
    "running" was abandoned by that worker, and `ucmr.jobs.job_run` would skip it (it only claims pending jobs),
    leaving it running for ever. Put it back to pending so this delivery runs it again, or, after `MAX_ATTEMPTS`,
    end it failed. Every job kind must keep this safe: its writes are whole on their own (one rendered diagram; one
    use case's findings; a whole import, in one transaction), so the lost attempt left nothing half done.

    Returns what it did: "retry", "failed" or "" (the job was not running: nothing to recover).
    """
    job = BackgroundJob.objects.filter(pk=job_id, status=BackgroundJob.Status.RUNNING).first()
    if job is None:
        return ""
    attempt = job.log.count(LOST_NOTE) + 1
    started = f"{job.started:%Y-%m-%d %H:%M:%S %Z}" if job.started else "at an unknown time"
    note = f"{LOST_NOTE} during attempt {attempt} (started {started}).\n"
    running = BackgroundJob.objects.filter(pk=job.pk, status=BackgroundJob.Status.RUNNING, started=job.started)
    if attempt >= MAX_ATTEMPTS:
        updated = running.update(
            status=BackgroundJob.Status.FAILED,
            finished=timezone.now(),
            error=f"{LOST_NOTE} {attempt} times; giving up. Start the job again.",
            log=job.log + note,
        )
        return "failed" if updated else ""
    updated = running.update(status=BackgroundJob.Status.PENDING, started=None, progress=0, log=job.log + note)
    return "retry" if updated else ""


def job_sweep_stale(*, older_than: timedelta) -> int:
    """Mark jobs that have been running for longer than `older_than` as failed: their worker was lost (killed,
    out of memory, host gone), and the claim keeps a redelivered message from running them again.

    Returns the number of jobs marked.
    """
    if older_than <= timedelta(0):
        raise ValueError("older_than must be positive.")
    now = timezone.now()
    return BackgroundJob.objects.filter(status=BackgroundJob.Status.RUNNING, started__lt=now - older_than).update(
        status=BackgroundJob.Status.FAILED,
        finished=now,
        error=(
            f"Worker lost: the job was still running {older_than} after it started, so the worker that ran it "
            "has stopped. Start the job again."
        ),
    )


REPOSITORY_STATS_COUNTED = (
    ("workspaces", "usecases.Workspace"),
    ("use_cases", "usecases.UseCase"),
    ("scenarios", "usecases.Scenario"),
    ("steps", "usecases.Step"),
    ("actors", "actors.Actor"),
    ("information_objects", "usecases.InformationObject"),
    ("requirements", "requirements.Requirement"),
    ("requirement_categories", "requirements.RequirementCategory"),
    ("common_terms", "usecases.CommonTerm"),
    ("changes", "ucmr.ChangeLogEntry"),
)


def _counted(job: BackgroundJob, label: str):
    """The rows the job counts: those its user may see (a job started by the application counts them all)."""
    rows = apps.get_model(label).objects.order_by()
    return rows if job.user is None else visible_to(job.user, rows)


@register_job_kind("repository_stats")
def repository_stats(job: BackgroundJob, progress: Progress) -> dict[str, Any]:
    """How big the repository is, as far as the job's user may see: rows per library and table, and use cases per
    status. Cheap, so it also serves as the smoke test of a worker deployment."""
    counts: dict[str, int] = {}
    for done, (name, label) in enumerate(REPOSITORY_STATS_COUNTED, start=1):
        counts[name] = _counted(job, label).count()
        progress(round(90 * done / len(REPOSITORY_STATS_COUNTED)), f"Counted {name.replace('_', ' ')}")
    by_status = _counted(job, "usecases.UseCase").values_list("status").annotate(count=Count("pk"))
    progress(100, "Counted use cases per status")
    return {"counts": counts, "use_cases_by_status": dict(by_status)}
