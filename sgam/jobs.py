"""Background job kinds of the sgam app, and the recovery of a job whose worker was lost.

- "render_diagrams": params `use_case` (pk), optional `force` (render again), `png` (keys of diagrams that also
  need a PNG). Result: what was rendered, found in the cache, failed, and how long Graphviz took.
- "validate": params `use_case` (one), `use_cases` (a list), or `scope` "visible" (the use cases the job's user may
  see) or "all".
"""

from typing import Any

from django.utils import timezone

from sgam.services import usecase_diagrams_render
from sgam.validation.services import validation_run
from ucmr.jobs import Progress, register_job_kind
from ucmr.models import BackgroundJob
from ucmr.permissions import visible_to
from usecases.models import UseCase

# A job is tried at most this often when the worker running it is lost (killed, out of memory, host gone).
MAX_ATTEMPTS = 2
LOST_NOTE = "The worker running this job was lost"


@register_job_kind("render_diagrams")
def render_diagrams(job: BackgroundJob, progress: Progress) -> dict[str, Any]:
    return usecase_diagrams_render(
        use_case_id=job.params["use_case"],
        force=bool(job.params.get("force")),
        png_keys=job.params.get("png", []),
        progress=progress,
    )


@register_job_kind("validate")
def validate(job: BackgroundJob, progress: Progress) -> dict[str, Any]:
    if "use_case" in job.params:
        ids = [job.params["use_case"]]
    elif "use_cases" in job.params:
        ids = list(job.params["use_cases"])
    elif job.params.get("scope") == "visible":
        ids = list(visible_to(job.user, UseCase.objects.order_by("pk")).values_list("pk", flat=True))
    elif job.params.get("scope") == "all":
        ids = list(UseCase.objects.order_by("pk").values_list("pk", flat=True))
    else:
        raise ValueError("Say what to validate: a use case, or the scope 'visible' or 'all'.")
    return validation_run(use_case_ids=ids, progress=progress)


def job_recover_lost(*, job_id) -> str:
    """Called for a redelivered message (the worker that had it was lost before acknowledging it): a job still
    "running" was abandoned by that worker, and `ucmr.jobs.job_run` would skip it (it only claims pending jobs),
    leaving it running for ever. Put it back to pending so this delivery runs it again, or, after `MAX_ATTEMPTS`,
    end it failed. Every write of these jobs is whole on its own (one rendered diagram; one use case's findings, in
    one transaction), so the lost attempt left nothing half done, and running again is safe.

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
