"""The Celery tasks: `run_job` runs the background job whose row id it is given (what the job does depends on its
kind, see `ucmr.jobs.register_job_kind`); `maintain_jobs`, run by Celery beat, is the outbox's dispatcher and the
sweep of jobs whose worker was lost.

With `acks_late` and `reject_on_worker_lost` (see settings), a message whose worker dies is delivered again. So
is one whose connection dropped while its job still runs elsewhere, or one that outlived the broker's visibility
timeout: `ucmr.jobs.job_execute` tells these apart by the job's lease.
"""

from celery import shared_task

from ucmr.jobs import job_execute, job_maintain


@shared_task
def run_job(job_id: str) -> None:
    job_execute(job_id=job_id)


@shared_task
def maintain_jobs() -> dict[str, int]:
    return job_maintain()
