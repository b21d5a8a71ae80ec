"""The Celery task of the sgam jobs: `ucmr.tasks.run_job`, plus recovery of a job whose worker was lost.

With `acks_late` and `reject_on_worker_lost` (see settings), a message whose worker dies is delivered again,
flagged "redelivered"; the job row still says "running" (the lost worker had claimed it), so `job_run` alone
would skip it and the job would stay running until `manage.py sweep_jobs`. Here such a job is first put back to
pending (or ended failed after too many losses), then run as usual.

Redelivery also happens when a job outlives the broker's visibility timeout (Redis: one hour by default); jobs
queued here are far shorter (renders have a time limit, validation of 1,000 use cases takes seconds).
"""

from celery import shared_task

from sgam.jobs import job_recover_lost
from ucmr.jobs import job_execute


@shared_task(bind=True)
def run_job_recovering(self, job_id: str) -> None:
    if (self.request.delivery_info or {}).get("redelivered"):
        job_recover_lost(job_id=job_id)
    job_execute(job_id=job_id)
