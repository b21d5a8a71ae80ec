import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from tests.factories import ActorFactory, ScenarioFactory, StepFactory, UseCaseFactory
from ucmr.jobs import job_create, job_run, job_start, job_sweep_stale, register_job_kind
from ucmr.models import BackgroundJob
from ucmr.tasks import run_job
from usecases.models import UseCase

pytestmark = pytest.mark.django_db

runs_of_counting_kind: list[str] = []


@register_job_kind("tests.counting")
def counting_kind(job, progress):
    runs_of_counting_kind.append(str(job.pk))
    progress(50, "Half way")
    return {"seen": job.params["value"]}


@register_job_kind("tests.failing")
def failing_kind(job, progress):
    progress(30, "Reading the file")
    raise ValueError("Line 12: the file is not IEC 62559-3 XML.")


def test_repository_stats_runs_after_commit_and_succeeds_with_counts(staff_user, django_capture_on_commit_callbacks):
    scenario = ScenarioFactory(use_case=UseCaseFactory(status=UseCase.Status.PUBLISHED))
    StepFactory.create_batch(3, scenario=scenario)
    UseCaseFactory(workspace=scenario.use_case.workspace)
    ActorFactory.create_batch(2)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = job_start(user=staff_user, kind="repository_stats", params={})
        assert BackgroundJob.objects.get(pk=job.pk).status == BackgroundJob.Status.PENDING

    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.SUCCEEDED, job.error
    assert job.progress == 100 and job.progress_message
    assert job.user == staff_user and job.started is not None and job.finished >= job.started
    # The draft is in no workspace of staff_user: the result counts only what the job's user may see.
    counts = job.result["counts"]
    assert [counts[name] for name in ("workspaces", "use_cases", "scenarios", "steps", "actors")] == [1, 1, 1, 3, 2]
    assert job.result["use_cases_by_status"] == {"published": 1}


def test_failing_kind_ends_failed_with_the_error_text(staff_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(user=staff_user, kind="tests.failing")

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert job.error == "Line 12: the file is not IEC 62559-3 XML."
    assert "ValueError" in job.log and job.finished is not None
    assert job.progress == 30 and job.result is None


def test_a_second_delivery_of_the_same_job_does_nothing(staff_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(user=staff_user, kind="tests.counting", params={"value": 7})
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.SUCCEEDED and job.result == {"seen": 7}

    run_job(str(job.pk))

    assert runs_of_counting_kind.count(str(job.pk)) == 1
    finished = job.finished
    job.refresh_from_db()
    assert job.finished == finished and job.result == {"seen": 7}


def test_a_delivery_while_another_worker_runs_the_job_does_nothing(staff_user):
    job = job_create(user=staff_user, kind="tests.counting", params={"value": 1})
    BackgroundJob.objects.filter(pk=job.pk).update(status=BackgroundJob.Status.RUNNING, started=timezone.now())

    run_job(str(job.pk))

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.RUNNING
    assert str(job.pk) not in runs_of_counting_kind


def test_unknown_kind_is_refused_at_start_and_fails_cleanly_when_delivered(staff_user):
    with pytest.raises(ValidationError, match="Unknown job kind 'no_such_kind'"):
        job_start(user=staff_user, kind="no_such_kind")
    assert not BackgroundJob.objects.exists()

    job = job_create(user=staff_user, kind="no_such_kind")  # e.g. queued by a newer release, run by an older worker
    run_job(str(job.pk))

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert "Unknown job kind 'no_such_kind'" in job.error


def test_delivery_of_a_deleted_job_does_nothing():
    run_job(str(uuid.uuid4()))
    assert not BackgroundJob.objects.exists()


def test_job_started_inside_a_transaction_waits_for_the_commit(staff_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_start(user=staff_user, kind="tests.counting", params={"value": 3})

    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.PENDING and str(job.pk) not in runs_of_counting_kind


def _job(status, *, started_ago=None):
    job = job_create(user=None, kind="repository_stats")
    started = timezone.now() - started_ago if started_ago is not None else None
    BackgroundJob.objects.filter(pk=job.pk).update(status=status, started=started)
    return job


def test_sweep_marks_stale_running_jobs_failed_and_leaves_the_others():
    stale = _job(BackgroundJob.Status.RUNNING, started_ago=timedelta(hours=3))
    fresh = _job(BackgroundJob.Status.RUNNING, started_ago=timedelta(minutes=5))
    pending = _job(BackgroundJob.Status.PENDING)
    done = _job(BackgroundJob.Status.SUCCEEDED, started_ago=timedelta(days=2))

    assert job_sweep_stale(older_than=timedelta(hours=1)) == 1

    statuses = dict(BackgroundJob.objects.values_list("pk", "status"))
    assert statuses == {
        stale.pk: BackgroundJob.Status.FAILED,
        fresh.pk: BackgroundJob.Status.RUNNING,
        pending.pk: BackgroundJob.Status.PENDING,
        done.pk: BackgroundJob.Status.SUCCEEDED,
    }
    stale.refresh_from_db()
    assert stale.error.startswith("Worker lost") and stale.finished is not None


def test_sweep_jobs_command_uses_minutes(capsys):
    stale = _job(BackgroundJob.Status.RUNNING, started_ago=timedelta(minutes=45))
    call_command("sweep_jobs", "--older-than", "60")
    assert BackgroundJob.objects.get(pk=stale.pk).status == BackgroundJob.Status.RUNNING

    call_command("sweep_jobs", "--older-than", "30")

    assert BackgroundJob.objects.get(pk=stale.pk).status == BackgroundJob.Status.FAILED
    assert "Marked 1 stale job(s) as failed." in capsys.readouterr().out


def test_a_swept_job_that_finishes_after_all_ends_succeeded_without_the_error(staff_user):
    job = job_create(user=staff_user, kind="tests.counting", params={"value": 5})

    def slow_work(job, progress):
        job_sweep_stale(older_than=timedelta(microseconds=1))
        assert BackgroundJob.objects.get(pk=job.pk).status == BackgroundJob.Status.FAILED
        return {"done": True}

    job_run(job_id=job.pk, work=slow_work)

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.SUCCEEDED and job.error == "" and job.result == {"done": True}
