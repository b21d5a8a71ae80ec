import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from tests.factories import ActorFactory, ScenarioFactory, StepFactory, UseCaseFactory
from ucmr.jobs import (
    job_create,
    job_dispatch_pending,
    job_maintain,
    job_run,
    job_start,
    job_sweep_stale,
    register_job_kind,
    worker_identity,
)
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


def test_a_delivery_while_another_worker_runs_the_job_under_a_live_lease_does_nothing(staff_user):
    job = job_create(user=staff_user, kind="tests.counting", params={"value": 1})
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=BackgroundJob.Status.RUNNING,
        started=timezone.now(),
        lease_owner="other-host:42",
        lease_expires=timezone.now() + timedelta(seconds=30),
    )

    run_job(str(job.pk))  # e.g. Redis redelivered the message after the worker's connection dropped

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.RUNNING and job.lease_owner == "other-host:42"
    assert str(job.pk) not in runs_of_counting_kind and job.log == ""


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


def _job(status, *, started_ago=None, lease_left=None):
    job = job_create(user=None, kind="repository_stats")
    started = timezone.now() - started_ago if started_ago is not None else None
    lease = timezone.now() + lease_left if lease_left is not None else None
    BackgroundJob.objects.filter(pk=job.pk).update(status=status, started=started, lease_expires=lease, attempts=1)
    return job


def test_sweep_recovers_running_jobs_whose_lease_expired_and_leaves_live_ones(django_capture_on_commit_callbacks):
    lost = _job(BackgroundJob.Status.RUNNING, started_ago=timedelta(minutes=3), lease_left=-timedelta(seconds=1))
    live = _job(BackgroundJob.Status.RUNNING, started_ago=timedelta(hours=3), lease_left=timedelta(seconds=40))
    pending = _job(BackgroundJob.Status.PENDING)
    done = _job(BackgroundJob.Status.SUCCEEDED, started_ago=timedelta(days=2))

    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert job_sweep_stale() == 1

    statuses = dict(BackgroundJob.objects.values_list("pk", "status"))
    assert statuses == {
        lost.pk: BackgroundJob.Status.PENDING,  # to be run again: its message is sent again on commit
        live.pk: BackgroundJob.Status.RUNNING,  # a long job whose worker still beats
        pending.pk: BackgroundJob.Status.PENDING,
        done.pk: BackgroundJob.Status.SUCCEEDED,
    }
    assert len(sent) == 1
    lost.refresh_from_db()
    assert "was lost" in lost.log and lost.lease_expires is None and lost.dispatched is None


def test_sweep_jobs_command_recovers_lost_jobs_and_ends_those_running_too_long(capsys):
    lost = _job(BackgroundJob.Status.RUNNING, started_ago=timedelta(minutes=5), lease_left=-timedelta(seconds=5))
    endless = _job(BackgroundJob.Status.RUNNING, started_ago=timedelta(minutes=45), lease_left=timedelta(seconds=50))
    call_command("sweep_jobs", "--older-than", "60")
    assert BackgroundJob.objects.get(pk=lost.pk).status == BackgroundJob.Status.PENDING
    assert BackgroundJob.objects.get(pk=endless.pk).status == BackgroundJob.Status.RUNNING

    call_command("sweep_jobs", "--older-than", "30")

    endless.refresh_from_db()
    assert endless.status == BackgroundJob.Status.FAILED and "longer than any job may" in endless.error
    assert "1 job(s) recovered or ended" in capsys.readouterr().out


def test_a_live_worker_on_this_host_keeps_its_job_even_when_its_heartbeat_is_late(staff_user):
    """On SQLite a job's own write transaction holds up its heartbeat: the lease runs out while the process runs."""
    job = job_create(user=staff_user, kind="tests.counting", params={"value": 5})

    def long_write(job, progress):
        BackgroundJob.objects.filter(pk=job.pk).update(lease_expires=timezone.now() - timedelta(seconds=30))
        assert job_sweep_stale() == 0
        run_job(str(job.pk))  # and a redelivery is a duplicate
        return {"done": True}

    job_run(job_id=job.pk, work=long_write)

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.SUCCEEDED and job.attempts == 1 and job.result == {"done": True}


def test_a_stale_runner_cannot_overwrite_a_job_that_was_recovered(staff_user):
    """A worker whose lease expired (it hung) and whose job was handed to another must not write the job's end."""
    job = job_create(user=staff_user, kind="tests.counting", params={"value": 5})

    def hung_work(job, progress):
        # As seen from another host: the lease ran out (this worker hung, or lost the database for a while).
        BackgroundJob.objects.filter(pk=job.pk).update(
            lease_expires=timezone.now() - timedelta(seconds=1), lease_owner="other-host:1"
        )
        assert job_sweep_stale() == 1  # handed back to the queue
        return {"done": True}

    job_run(job_id=job.pk, work=hung_work)

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.PENDING and job.result is None


def test_a_job_claimed_by_a_worker_holds_a_lease_in_its_name(staff_user):
    job = job_create(user=staff_user, kind="tests.counting", params={"value": 5})
    seen = {}

    def work(job, progress):
        seen.update(BackgroundJob.objects.filter(pk=job.pk).values("lease_owner", "lease_expires", "attempts").get())
        return {}

    job_run(job_id=job.pk, work=work)

    assert seen["lease_owner"] == worker_identity() and seen["attempts"] == 1
    assert seen["lease_expires"] > timezone.now()
    assert BackgroundJob.objects.get(pk=job.pk).lease_expires is None  # released when it ended


class Unreachable(OSError):
    pass


def refusing_broker(*args, **kwargs):
    raise Unreachable("Error 111 connecting to 127.0.0.1:6399. Connection refused.")


def test_a_broker_that_refuses_leaves_the_job_in_the_outbox_and_the_dispatcher_sends_it_later(
    staff_user, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(run_job, "apply_async", refusing_broker)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(user=staff_user, kind="tests.counting", params={"value": 9})  # does not raise

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.PENDING and job.dispatched is None
    assert job.dispatch_attempts == 1 and "Connection refused" in job.dispatch_error
    assert job.dispatch_after > timezone.now()
    assert job_dispatch_pending() == 0  # not due yet: backoff

    monkeypatch.undo()
    BackgroundJob.objects.filter(pk=job.pk).update(dispatch_after=timezone.now() - timedelta(seconds=1))
    assert job_dispatch_pending() == 1

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.SUCCEEDED and job.result == {"seen": 9}  # inline in the tests
    assert job.dispatched is not None and job.dispatch_error == ""


def test_the_dispatcher_sends_again_what_was_sent_long_ago_and_never_claimed(staff_user, settings, monkeypatch):
    sent = []
    monkeypatch.setattr(run_job, "apply_async", lambda *args, **kwargs: sent.append(kwargs["task_id"]))
    old = job_create(user=staff_user, kind="tests.counting", params={"value": 1})
    recent = job_create(user=staff_user, kind="tests.counting", params={"value": 2})
    now = timezone.now()
    BackgroundJob.objects.filter(pk=old.pk).update(
        dispatched=now - timedelta(seconds=settings.UCMR_JOB_REDISPATCH_SECONDS + 1)
    )
    BackgroundJob.objects.filter(pk=recent.pk).update(dispatched=now - timedelta(seconds=5))

    assert job_dispatch_pending() == 1
    assert sent == [str(old.pk)]


def test_user_jobs_and_follow_ups_go_to_their_queues(staff_user, monkeypatch, django_capture_on_commit_callbacks):
    queues = []
    monkeypatch.setattr(run_job, "apply_async", lambda *args, **kwargs: queues.append(kwargs["queue"]))
    with django_capture_on_commit_callbacks(execute=True):
        job_start(user=staff_user, kind="tests.counting", params={"value": 1})
        job_start(user=None, kind="tests.counting", params={"value": 2})
    assert queues == ["ucmr.user", "ucmr.follow_up"]


def test_one_pending_job_per_dedupe_key(staff_user, monkeypatch):
    monkeypatch.setattr(run_job, "apply_async", lambda *args, **kwargs: None)
    first = job_start(user=None, kind="tests.counting", params={"value": 1}, dedupe_key="count:1")
    again = job_start(user=None, kind="tests.counting", params={"value": 1}, dedupe_key="count:1")
    assert again.pk == first.pk and BackgroundJob.objects.count() == 1

    BackgroundJob.objects.filter(pk=first.pk).update(status=BackgroundJob.Status.RUNNING)
    after_start = job_start(user=None, kind="tests.counting", params={"value": 1}, dedupe_key="count:1")
    assert after_start.pk != first.pk  # what changed since the first started needs a run of its own


def test_maintenance_deletes_the_files_of_expired_jobs(staff_user, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("imports/dry-run.xml", ContentFile(b"<x/>"))
    job = job_create(user=staff_user, kind="tests.counting", params={"value": 1, "file": name, "dry_run": True})
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=BackgroundJob.Status.SUCCEEDED,
        finished=timezone.now() - timedelta(hours=settings.UCMR_JOB_FILE_HOURS + 1),
    )

    assert job_maintain()["files_expired"] == 1

    assert not default_storage.exists(name)
    job.refresh_from_db()
    assert "file" not in job.params and job.params["files_expired"] is True


def test_maintenance_deletes_old_finished_jobs_and_keeps_the_rest(staff_user, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    old = timezone.now() - timedelta(days=settings.UCMR_JOB_KEEP_DAYS, hours=1)
    name = default_storage.save("exports/old.xml", ContentFile(b"<x/>"))
    jobs = {
        status: job_create(user=staff_user, kind="tests.counting", params={"value": 1, "output": name})
        for status in (BackgroundJob.Status.SUCCEEDED, BackgroundJob.Status.FAILED, BackgroundJob.Status.PENDING)
    }
    BackgroundJob.objects.filter(pk__in=[job.pk for job in jobs.values()]).update(finished=old)
    for status, job in jobs.items():
        BackgroundJob.objects.filter(pk=job.pk).update(status=status)
    recent = job_create(user=staff_user, kind="tests.counting", params={"value": 2})
    BackgroundJob.objects.filter(pk=recent.pk).update(status=BackgroundJob.Status.SUCCEEDED, finished=timezone.now())

    assert job_maintain()["jobs_deleted"] == 2

    left = set(BackgroundJob.objects.values_list("pk", flat=True))
    assert left == {jobs[BackgroundJob.Status.PENDING].pk, recent.pk}
    assert not default_storage.exists(name)
