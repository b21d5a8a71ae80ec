"""Background jobs: a `BackgroundJob` row, written in the same transaction as the change that asks for it, is the
job and its entry in the outbox. After the commit the row's Celery message is sent (`job_dispatch`); when the
broker cannot take it, the request still succeeds and the dispatcher (`job_maintain`, every
`UCMR_JOB_MAINTAIN_SECONDS` from Celery beat) sends it later, with backoff. Nothing queued is lost.

A worker runs a delivery with `job_execute`: it claims the pending row and holds a lease on it (`lease_owner`,
`lease_expires`), renewed by a heartbeat thread while the work runs. A delivery of a job that is running under a
live lease is a duplicate (a broker redelivers a message whose connection dropped) and does nothing; a job whose
lease expired was lost with its worker, and is put back to pending and run again, or ended failed after
`MAX_ATTEMPTS` starts. `job_maintain` finds those too, without waiting for a redelivery: so a broker that loses
unacknowledged messages (the embedded one of `make run`) loses no job.

Jobs go to one of two queues: what a user started (imports, exports, "Validate now") and follow-ups (validation
after a change, diagram rendering). Workers consume both, user jobs first. A pending job may carry a
`dedupe_key`: at most one pending job per key exists, so ten quick edits of a use case queue one validation.

There is one Celery task, `ucmr.tasks.run_job`; what a job does is decided by its `kind`. An app registers a kind
with `@register_job_kind("kind")` on a function `work(job, progress) -> result dict`, in its `jobs.py` module
(imported on first use of the registry, in web and worker processes alike). Start a job with `job_start`.
"""

import functools
import json
import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from celery import current_app
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from ucmr.models import BackgroundJob
from ucmr.permissions import visible_to

logger = logging.getLogger(__name__)

# A job is started at most this often; a job whose worker was lost this many times ends failed.
MAX_ATTEMPTS = 2
LOST_NOTE = "The worker running this job was lost"
# The dispatcher's backoff after the broker refused a message: 2, 4, 8 ... seconds, at most this long.
DISPATCH_BACKOFF_MAX = timedelta(minutes=5)
# A job the on-commit send is still busy with is left to it for this long before the dispatcher sends it too.
DISPATCH_GRACE = timedelta(seconds=10)

Progress = Callable[[int, str], None]
JobWork = Callable[[BackgroundJob, Progress], dict[str, Any] | None]

JobContext = Callable[..., dict[str, Any]]

_job_kinds: dict[str, JobWork] = {}
_job_labels: dict[str, str] = {}
_job_contexts: dict[str, JobContext] = {}


def register_job_kind(kind: str, *, label: str = "", context: JobContext | None = None) -> Callable[[JobWork], JobWork]:
    """Decorator: `work(job, progress)` runs the jobs of this kind; its return value becomes the job's result.
    `label`: what the pages call such a job ("Import"); `context(user=, job=)`: what the job's page shows beside
    its status (an import's report, an export's download link)."""
    if label:
        _job_labels[kind] = label
    if context is not None:
        _job_contexts[kind] = context

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


def job_label(job: BackgroundJob) -> str:
    """What the pages call the job: its kind's label, and whether it is a dry run."""
    _import_job_modules()
    label = _job_labels.get(job.kind) or job.kind.replace("_", " ").capitalize()
    return f"{label} (dry run)" if (job.params or {}).get("dry_run") else label


def job_page_context(*, user, job: BackgroundJob) -> dict[str, Any]:
    """What the job's page shows for its kind, beside status and progress (nothing for most kinds)."""
    _import_job_modules()
    context = _job_contexts.get(job.kind)
    return context(user=user, job=job) if context is not None else {}


def _unknown_kind(job: BackgroundJob, progress: Progress) -> None:
    raise LookupError(f"Unknown job kind '{job.kind}': no installed app registers it.")


def lease_duration() -> timedelta:
    return timedelta(seconds=settings.UCMR_JOB_LEASE_SECONDS)


def queue_name(queue: str) -> str:
    """The broker's name of one of the two queues (`BackgroundJob.Queue`)."""
    return f"{settings.UCMR_QUEUE_PREFIX}.{queue}"


def worker_queues() -> str:
    """The queues a worker consumes, user jobs first (`celery worker -Q ...`)."""
    return ",".join(queue_name(queue) for queue in BackgroundJob.Queue.values)


def _runs_inline() -> bool:
    return bool(current_app.conf.task_always_eager)


@transaction.atomic
def job_create(
    *, user, kind: str, params: dict[str, Any] | None = None, queue: str = "", dedupe_key: str = ""
) -> BackgroundJob:
    """The job's row, pending and not yet sent. With `dedupe_key`, the pending job of that key when there is one
    (then nothing is created: the waiting job will do the work)."""
    return _job_get_or_create(user=user, kind=kind, params=params, queue=queue, dedupe_key=dedupe_key)[0]


def _job_get_or_create(*, user, kind, params, queue, dedupe_key) -> tuple[BackgroundJob, bool]:
    user = user if user is not None and user.is_authenticated else None
    fields = {
        "kind": kind,
        "params": params or {},
        "user": user,
        "queue": queue or (BackgroundJob.Queue.USER if user is not None else BackgroundJob.Queue.FOLLOW_UP),
        "dedupe_key": dedupe_key,
    }
    if not dedupe_key:
        return BackgroundJob.objects.create(**fields), True
    waiting = BackgroundJob.objects.filter(status=BackgroundJob.Status.PENDING, dedupe_key=dedupe_key).first()
    if waiting is not None:
        return waiting, False
    try:
        with transaction.atomic():
            return BackgroundJob.objects.create(**fields), True
    except IntegrityError:  # another transaction queued the same work a moment ago
        waiting = BackgroundJob.objects.filter(status=BackgroundJob.Status.PENDING, dedupe_key=dedupe_key).first()
        if waiting is None:
            raise
        return waiting, False


def job_start(
    *, user, kind: str, params: dict[str, Any] | None = None, queue: str = "", dedupe_key: str = ""
) -> BackgroundJob:
    """Write the job's row in the current transaction; its message is sent when the transaction commits (at once
    outside one). A broker that is down does not fail the caller: the dispatcher sends the message later.

    `queue`: `BackgroundJob.Queue` (default: user jobs for a user, follow-ups for the application). With
    `dedupe_key`, a pending job of the same key is returned instead of a new one. With
    `CELERY_TASK_ALWAYS_EAGER` (the tests, or `UCMR_JOBS_INLINE` in a script) the job has run by the time the
    outermost transaction has committed.
    """
    if job_kind_get(kind=kind) is None:
        raise ValidationError({"kind": f"Unknown job kind '{kind}'."})
    with transaction.atomic():
        job, created = _job_get_or_create(user=user, kind=kind, params=params, queue=queue, dedupe_key=dedupe_key)
        if created:
            transaction.on_commit(functools.partial(job_dispatch, job_id=job.pk))
    return job


def job_dispatch(*, job_id) -> bool:
    """Send the message of a pending job to the broker, and note it; never raises. A broker that refuses (down,
    unreachable, paused) is noted on the row with the time of the next try (exponential backoff), for
    `job_maintain`. Returns whether the broker took the message."""
    from ucmr.tasks import run_job  # the task module imports this one

    job = BackgroundJob.objects.filter(pk=job_id, status=BackgroundJob.Status.PENDING).first()
    if job is None:
        return False
    try:
        run_job.apply_async(args=[str(job.pk)], task_id=str(job.pk), queue=queue_name(job.queue), retry=False)
    except Exception as error:  # noqa: BLE001 - any broker failure: the outbox keeps the job
        attempts = job.dispatch_attempts + 1
        delay = min(timedelta(seconds=2**attempts), DISPATCH_BACKOFF_MAX)
        logger.warning("Job %s could not be queued (try %d, next in %s): %s", job.pk, attempts, delay, error)
        BackgroundJob.objects.filter(pk=job.pk, status=BackgroundJob.Status.PENDING).update(
            dispatch_attempts=attempts,
            dispatch_after=timezone.now() + delay,
            dispatch_error=f"{type(error).__name__}: {error}"[:2000],
        )
        return False
    BackgroundJob.objects.filter(pk=job.pk).update(
        dispatched=timezone.now(), dispatch_attempts=F("dispatch_attempts") + 1, dispatch_after=None, dispatch_error=""
    )
    return True


def job_report_progress(*, job_id, percent: int, message: str = "") -> None:
    BackgroundJob.objects.filter(pk=job_id).update(progress=max(0, min(100, percent)), progress_message=message[:300])


def _progress_aside_path(job_id) -> Path:
    return Path(settings.MEDIA_ROOT) / "job-progress" / f"{job_id}.json"


def job_progress_aside(*, job_id, percent: int, message: str = "") -> None:
    """The progress of a job whose work runs in one transaction on a database with one writer (SQLite): its row would
    show it only at the commit, and a second connection could not write it meanwhile. It goes to a small file beside
    the uploads instead, replaced whole at each report, which `job_progress_shown` reads."""
    path = _progress_aside_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial_path = path.with_name(f"{path.name}.{os.getpid()}.part")
    partial_path.write_text(json.dumps({"percent": max(0, min(100, percent)), "message": message[:300]}))
    os.replace(partial_path, path)


def job_progress_aside_clear(*, job_id) -> None:
    _progress_aside_path(job_id).unlink(missing_ok=True)


def job_progress_shown(job: BackgroundJob) -> BackgroundJob:
    """`job` with the progress its work reported aside (`job_progress_aside`) while it runs, where that is further
    than its row's."""
    if job.status != BackgroundJob.Status.RUNNING:
        return job
    try:
        reported = json.loads(_progress_aside_path(job.pk).read_text())
    except (OSError, ValueError):
        return job
    if isinstance(reported, dict) and int(reported.get("percent", 0)) > job.progress:
        job.progress, job.progress_message = int(reported["percent"]), str(reported.get("message", ""))[:300]
    return job


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@contextmanager
def _heartbeat(*, job_id, owner: str) -> Iterator[None]:
    """Renew the job's lease every quarter of the lease while the work runs, from a thread of its own (with its own
    database connection), so that a job busy in one long statement keeps its lease. Inline jobs need none."""
    if _runs_inline():
        yield
        return
    stop = threading.Event()
    interval = settings.UCMR_JOB_LEASE_SECONDS / 4

    def beat() -> None:
        try:
            while not stop.wait(interval):
                try:
                    BackgroundJob.objects.filter(
                        pk=job_id, status=BackgroundJob.Status.RUNNING, lease_owner=owner
                    ).update(lease_expires=timezone.now() + lease_duration())
                except Exception:  # a missed beat is retried; the lease allows three
                    logger.warning("Job %s: could not renew its lease", job_id, exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"job-heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval + 30)


def _owner_here(owner: str) -> int | None:
    """The process id of a lease's owner when it runs on this host, else None."""
    host, _, pid = owner.rpartition(":")
    return int(pid) if host == socket.gethostname() and pid.isdigit() else None


def _process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        return True
    return True


def _lease_alive(job: BackgroundJob) -> bool:
    """Whether the job's worker still has it. Of a process on this host that is known for sure, whatever the
    lease's time says: its heartbeat may be held up (on SQLite a job's own long write transaction keeps every
    other writer waiting, the heartbeat included), and a killed one is known at once. Of a process on another host,
    its lease's time decides."""
    pid = _owner_here(job.lease_owner)
    if pid is not None:
        return _process_runs(pid)
    return job.lease_expires is not None and job.lease_expires > timezone.now()


def job_run(*, job_id, work: JobWork) -> bool:
    """Claim the pending job, hold its lease and run `work(job, progress)`; its return value becomes the job's
    result. Returns False when the job was not pending (another delivery of the same message has it)."""
    owner = worker_identity()
    now = timezone.now()
    claimed = BackgroundJob.objects.filter(pk=job_id, status=BackgroundJob.Status.PENDING).update(
        status=BackgroundJob.Status.RUNNING,
        started=now,
        attempts=F("attempts") + 1,
        lease_owner=owner,
        lease_expires=now + lease_duration(),
        dispatch_after=None,
    )
    if not claimed:
        logger.info("Job %s is not pending; this delivery does nothing.", job_id)
        return False
    job = BackgroundJob.objects.get(pk=job_id)
    mine = BackgroundJob.objects.filter(pk=job_id, status=BackgroundJob.Status.RUNNING, lease_owner=owner)

    def progress(percent: int, message: str = "") -> None:
        job_report_progress(job_id=job_id, percent=percent, message=message)

    try:
        with _heartbeat(job_id=job_id, owner=owner):
            result = work(job, progress)
    except Exception as error:
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        mine.update(
            status=BackgroundJob.Status.FAILED,
            finished=timezone.now(),
            error=str(error) or type(error).__name__,
            log=(job.log + traceback.format_exc())[-20000:],
            lease_expires=None,
        )
        _job_files_delete(job)
        return True
    ended = mine.update(
        status=BackgroundJob.Status.SUCCEEDED,
        finished=timezone.now(),
        progress=100,
        result=result,
        error="",
        lease_expires=None,
    )
    if not ended:
        logger.warning("Job %s finished here after its lease was taken for lost; its end is not written.", job_id)
    return True


def job_execute(*, job_id) -> bool:
    """What the `run_job` task does with a delivery: run the job with the function registered for its kind.

    A delivery of a job that runs under a live lease is a duplicate and does nothing; one whose lease expired
    recovers the job first (`job_recover_lost`). A job of an unknown kind ends failed with a message saying so.
    Returns False when the delivery did nothing."""
    job = BackgroundJob.objects.filter(pk=job_id).only("kind", "status", "lease_owner", "lease_expires").first()
    if job is None:
        logger.warning("Job %s does not exist; this delivery does nothing.", job_id)
        return False
    if job.status == BackgroundJob.Status.RUNNING:
        if _lease_alive(job):
            logger.info("Job %s runs on %s; this delivery is a duplicate, it does nothing.", job_id, job.lease_owner)
            return False
        if job_recover_lost(job_id=job_id, dispatch=False) != "retry":
            return False
    return job_run(job_id=job_id, work=job_kind_get(kind=job.kind) or _unknown_kind)


def job_recover_lost(*, job_id, dispatch: bool = True) -> str:
    """A job still "running" whose lease expired was abandoned by its worker (killed, out of memory, host gone).
    Put it back to pending so that it runs again (its message sent again when `dispatch`), or, after
    `MAX_ATTEMPTS` starts, end it failed. Every job kind must keep this safe: its writes are whole on their own (one
    rendered diagram; one use case's findings; a whole import, in one transaction), so the lost attempt left
    nothing half done.

    Returns what it did: "retry", "failed" or "" (the job was not running under an expired lease)."""
    now = timezone.now()
    job = BackgroundJob.objects.filter(pk=job_id, status=BackgroundJob.Status.RUNNING).first()
    if job is None or _lease_alive(job):
        return ""
    started = f"{job.started:%Y-%m-%d %H:%M:%S %Z}" if job.started else "at an unknown time"
    owner = f" on {job.lease_owner}" if job.lease_owner else ""
    note = f"{LOST_NOTE}{owner} during attempt {job.attempts} (started {started}).\n"
    # The same claim as read: a job that another delivery recovered and restarted meanwhile is left alone.
    running = BackgroundJob.objects.filter(
        pk=job.pk, status=BackgroundJob.Status.RUNNING, lease_owner=job.lease_owner, attempts=job.attempts
    )
    if job.attempts >= MAX_ATTEMPTS:
        updated = running.update(
            status=BackgroundJob.Status.FAILED,
            finished=now,
            error=f"{LOST_NOTE} {job.attempts} times; giving up. Start the job again.",
            log=job.log + note,
            lease_expires=None,
        )
        if updated:
            _job_files_delete(job)
        return "failed" if updated else ""
    updated = running.update(
        status=BackgroundJob.Status.PENDING,
        started=None,
        progress=0,
        progress_message="Waiting to be run again",
        log=job.log + note,
        lease_owner="",
        lease_expires=None,
        dispatched=None,
        dispatch_attempts=0,
    )
    if updated and dispatch:
        transaction.on_commit(functools.partial(job_dispatch, job_id=job.pk))
    return "retry" if updated else ""


def job_dispatch_pending(*, limit: int = 500) -> int:
    """The outbox's dispatcher: send the pending jobs whose message the broker has not taken (the on-commit send
    failed, or the process died before it), and again those sent longer than `UCMR_JOB_REDISPATCH_SECONDS` ago
    that no worker has claimed (a broker without acknowledgements may have lost them with a killed worker; a
    second message of a job is harmless). Returns how many the broker took."""
    now = timezone.now()
    due = BackgroundJob.objects.filter(status=BackgroundJob.Status.PENDING).filter(
        Q(dispatched__isnull=True, dispatch_after__isnull=True, created__lt=now - DISPATCH_GRACE)
        | Q(dispatched__isnull=True, dispatch_after__lte=now)
        | Q(dispatched__lt=now - timedelta(seconds=settings.UCMR_JOB_REDISPATCH_SECONDS))
    )
    sent = 0
    for job_id in due.order_by("created").values_list("pk", flat=True)[:limit]:
        sent += job_dispatch(job_id=job_id)
    return sent


def job_sweep_stale(*, older_than: timedelta | None = None) -> int:
    """Recover the running jobs whose lease expired or whose process on this host is gone (see `job_recover_lost`);
    with `older_than`, also end failed those running for longer than that whatever their lease says. Returns the
    number of jobs recovered or ended."""
    now = timezone.now()
    count = 0
    here = f"{socket.gethostname()}:"
    lost = BackgroundJob.objects.filter(status=BackgroundJob.Status.RUNNING).filter(
        Q(lease_expires__lt=now)
        | Q(lease_expires__isnull=True, started__lt=now - lease_duration())
        | Q(lease_owner__startswith=here)  # of this host: `job_recover_lost` checks whether its process runs
    )
    for job_id in lost.values_list("pk", flat=True):
        count += bool(job_recover_lost(job_id=job_id))
    if older_than is not None:
        if older_than <= timedelta(0):
            raise ValueError("older_than must be positive.")
        stale = BackgroundJob.objects.filter(status=BackgroundJob.Status.RUNNING, started__lt=now - older_than)
        count += stale.update(
            status=BackgroundJob.Status.FAILED,
            finished=now,
            lease_expires=None,
            error=(
                f"The job was still running {older_than} after it started, longer than any job may; it was "
                "ended. Start the job again."
            ),
        )
    return count


# Job kinds that keep files (an upload, an export) name them in params: these keys.
JOB_FILE_PARAMS = ("file", "output")
JOB_EXPIRE_BATCH = 5000


def _job_files_delete(job: BackgroundJob) -> None:
    """Delete the files a job kept (its upload, its output): when it failed, or expired."""
    from django.core.files.storage import default_storage

    for source in (job.params, job.result):
        for key in JOB_FILE_PARAMS:
            name = source.get(key) if isinstance(source, dict) else None
            if not name:
                continue
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("Job %s: could not delete its file %s", job.pk, name, exc_info=True)


def job_files_expire(*, older_than: timedelta | None = None) -> int:
    """Delete the files of finished jobs older than `UCMR_JOB_FILE_HOURS` (an unconfirmed dry run's upload, an
    export nobody downloaded). Returns the number of jobs whose files went."""
    older_than = older_than or timedelta(hours=settings.UCMR_JOB_FILE_HOURS)
    done = BackgroundJob.objects.filter(
        status__in=(BackgroundJob.Status.SUCCEEDED, BackgroundJob.Status.FAILED),
        finished__lt=timezone.now() - older_than,
    ).filter(Q(params__has_key="file") | Q(params__has_key="output") | Q(result__has_key="output"))
    count = 0
    for job in done.only("pk", "params", "result"):
        _job_files_delete(job)
        params = {key: value for key, value in job.params.items() if key not in JOB_FILE_PARAMS}
        result = job.result
        if isinstance(result, dict):
            result = {key: value for key, value in result.items() if key not in JOB_FILE_PARAMS}
        BackgroundJob.objects.filter(pk=job.pk).update(params={**params, "files_expired": True}, result=result)
        count += 1
    return count


def job_rows_expire(*, older_than: timedelta | None = None) -> int:
    """Delete finished jobs older than `UCMR_JOB_KEEP_DAYS` (with any file they still keep), so that the table does
    not grow for ever with the follow-ups of every change. The change log, not the jobs, is the history. Returns the
    number of jobs deleted; at most `JOB_EXPIRE_BATCH` a run (beat runs it again soon)."""
    older_than = older_than or timedelta(days=settings.UCMR_JOB_KEEP_DAYS)
    done = BackgroundJob.objects.filter(
        status__in=(BackgroundJob.Status.SUCCEEDED, BackgroundJob.Status.FAILED),
        finished__lt=timezone.now() - older_than,
    )
    jobs = list(done.order_by("finished").only("pk", "params", "result")[:JOB_EXPIRE_BATCH])
    for job in jobs:
        _job_files_delete(job)
    return BackgroundJob.objects.filter(pk__in=[job.pk for job in jobs]).delete()[0]


def job_maintain() -> dict[str, int]:
    """What Celery beat runs every `UCMR_JOB_MAINTAIN_SECONDS`: send what the outbox holds, recover the jobs of lost
    workers, delete the files of expired jobs and the jobs themselves once old."""
    recovered = job_sweep_stale()
    sent = job_dispatch_pending()
    expired = job_files_expire()
    deleted = job_rows_expire()
    if recovered or sent or expired or deleted:
        logger.info(
            "Jobs: %d recovered, %d sent, files of %d deleted, %d old jobs deleted", recovered, sent, expired, deleted
        )
    return {"recovered": recovered, "sent": sent, "files_expired": expired, "jobs_deleted": deleted}


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


@register_job_kind("repository_stats", label="Repository statistics")
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
