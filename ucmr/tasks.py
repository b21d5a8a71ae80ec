"""The one Celery task: run the background job whose row id it is given. What the job does depends on its kind
(see `ucmr.jobs.register_job_kind`)."""

from celery import shared_task

from ucmr.jobs import job_execute


@shared_task
def run_job(job_id: str) -> None:
    job_execute(job_id=job_id)
