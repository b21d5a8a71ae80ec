"""The one Celery task: run the background job whose row id it is given. What the job does depends on its kind
(see `ucmr.jobs.register_job_kind`).

With `acks_late` and `reject_on_worker_lost` (see settings), a message whose worker dies is delivered again,
flagged "redelivered"; the job row still says "running" (the lost worker had claimed it), so `job_run` alone
would skip it and the job would stay running until `manage.py sweep_jobs`. Such a job is first put back to
pending (or ended failed after too many losses), then run as usual.

Redelivery also happens when a job outlives the broker's visibility timeout (Redis: one hour by default).
"""

from celery import shared_task

from ucmr.jobs import job_execute, job_recover_lost


@shared_task(bind=True)
def run_job(self, job_id: str) -> None:
    if (self.request.delivery_info or {}).get("redelivered"):
        job_recover_lost(job_id=job_id)
    job_execute(job_id=job_id)
