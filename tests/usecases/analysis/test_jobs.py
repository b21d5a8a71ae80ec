"""Follow-up jobs after a change (the `usecase_changed` hook), the job kinds, and recovery of a job whose worker
was lost (a redelivered message of a job left "running")."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sgam.models import Domain, RenderedDiagram, ValidationResult
from sgam.services import sgam_placement_add
from tests.factories import RequirementFactory, UseCaseFactory
from ucmr.jobs import MAX_ATTEMPTS, job_create, job_recover_lost, job_start
from ucmr.models import BackgroundJob
from ucmr.tasks import run_job
from usecases.analysis.followup import RENDER_KIND, VALIDATE_KIND, usecase_changed, validation_key
from usecases.analysis.impact import usecase_ids_using
from usecases.services import usecase_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_known(known):
    """The known use case as a draft: only drafts are edited."""
    type(known.use_case).objects.filter(pk=known.use_case.pk).update(status="draft")
    known.use_case.refresh_from_db()
    return known


def jobs_of(use_case) -> list[tuple[str, str]]:
    return sorted(BackgroundJob.objects.filter(params__use_case=use_case.pk).values_list("kind", "status"))


def test_changes_in_one_transaction_queue_one_validation_and_render_nothing(
    draft_known, staff_user, django_capture_on_commit_callbacks
):
    known = draft_known
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for name in ("First", "Second", "Third"):
            usecase_update(user=staff_user, use_case=known.use_case, data={"name": name})
            usecase_changed(use_case=known.use_case)

    assert jobs_of(known.use_case) == [(VALIDATE_KIND, "succeeded")]
    known.use_case.refresh_from_db()
    assert ValidationResult.objects.get(use_case=known.use_case).revision == known.use_case.revision
    assert not RenderedDiagram.objects.filter(use_case=known.use_case).exists()  # diagrams wait for a viewer


def test_ten_quick_edits_give_one_validation_of_the_latest_revision(draft_known, staff_user, monkeypatch):
    known = draft_known
    """Each edit commits on its own, while no worker has taken the first validation yet."""
    monkeypatch.setattr(run_job, "apply_async", lambda *args, **kwargs: None)  # a broker nobody consumes yet
    for number in range(10):
        with transaction.atomic():
            usecase_update(user=staff_user, use_case=known.use_case, data={"name": f"Edit {number}"})

    waiting = BackgroundJob.objects.get(kind=VALIDATE_KIND, status="pending")
    monkeypatch.undo()
    run_job(str(waiting.pk))

    assert jobs_of(known.use_case) == [(VALIDATE_KIND, "succeeded")]
    known.use_case.refresh_from_db()
    assert ValidationResult.objects.get(use_case=known.use_case).revision == known.use_case.revision


def test_nothing_is_queued_while_the_same_job_waits_for_a_worker(known, django_capture_on_commit_callbacks):
    job_create(
        user=None,
        kind=VALIDATE_KIND,
        params={"use_case": known.use_case.pk},
        dedupe_key=validation_key(known.use_case.pk),
    )

    with django_capture_on_commit_callbacks(execute=True):
        usecase_changed(use_case=known.use_case)

    assert jobs_of(known.use_case) == [(VALIDATE_KIND, "pending")]


def test_a_page_asks_for_the_diagrams_it_shows_once(known, client, staff_user, monkeypatch):
    monkeypatch.setattr(run_job, "apply_async", lambda *args, **kwargs: None)
    client.force_login(staff_user)
    url = reverse("usecases:usecase_generated_status", kwargs={"pk": known.use_case.pk})
    for _ in range(3):  # the page polls
        assert client.get(url).status_code == 200

    assert BackgroundJob.objects.filter(kind=RENDER_KIND, params__use_case=known.use_case.pk).count() == 1


def test_a_rolled_back_change_queues_nothing(known, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                usecase_changed(use_case=known.use_case)
                raise RuntimeError("the change fails")
        except RuntimeError:
            pass
    assert jobs_of(known.use_case) == []


def test_the_hook_can_be_turned_off(known, settings, django_capture_on_commit_callbacks):
    settings.UCMR_FOLLOW_UP_ON_CHANGE = False
    with django_capture_on_commit_callbacks(execute=True):
        usecase_changed(use_case=known.use_case)
    assert jobs_of(known.use_case) == []


def test_validate_job_for_the_use_cases_the_user_may_see(known, user, django_capture_on_commit_callbacks):
    hidden = UseCaseFactory(status="draft")  # `user` holds no role in its workspace
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(user=user, kind=VALIDATE_KIND, params={"scope": "visible"})

    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert job.result["validated"] == 1
    assert ValidationResult.objects.filter(use_case=known.use_case).exists()
    assert not ValidationResult.objects.filter(use_case=hidden).exists()


def test_validate_job_without_a_subject_fails_with_a_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(user=None, kind=VALIDATE_KIND, params={})
    job.refresh_from_db()
    assert job.status == "failed" and "Say what to validate" in job.error


def lost_job(use_case, *, attempts: int = 1) -> BackgroundJob:
    """A job a worker claimed and then died running: its lease ran out."""
    job = job_create(user=None, kind=VALIDATE_KIND, params={"use_case": use_case.pk})
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=BackgroundJob.Status.RUNNING,
        started=timezone.now() - timedelta(seconds=90),
        attempts=attempts,
        lease_owner="gone-host:1",
        lease_expires=timezone.now() - timedelta(seconds=30),
    )
    return job


def test_a_delivery_of_a_job_whose_lease_is_alive_leaves_it_to_its_worker(known):
    job = lost_job(known.use_case)
    BackgroundJob.objects.filter(pk=job.pk).update(lease_expires=timezone.now() + timedelta(seconds=30))
    run_job(str(job.pk))
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.RUNNING and not ValidationResult.objects.exists()


def test_a_delivery_of_a_job_whose_lease_expired_runs_it_again_to_success(known):
    job = lost_job(known.use_case)

    run_job(str(job.pk))

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.SUCCEEDED, job.error
    assert "worker running this job was lost on gone-host:1 during attempt 1" in job.log
    assert job.attempts == 2
    assert ValidationResult.objects.get(use_case=known.use_case).revision == known.use_case.revision


def test_a_job_whose_worker_is_lost_again_and_again_ends_failed(known):
    job = lost_job(known.use_case, attempts=MAX_ATTEMPTS)

    run_job(str(job.pk))

    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED and job.finished is not None
    assert f"lost {MAX_ATTEMPTS} times" in job.error
    assert job_recover_lost(job_id=job.pk) == ""  # ended: nothing more to recover


def test_placing_a_library_actor_validates_the_use_cases_using_it_again(
    known, clean_use_case, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for domain in Domain.objects.filter(code__in=["der", "customer_premises"]):
            sgam_placement_add(user=staff_user, subject=known.aggregator, domain=domain)

    job = BackgroundJob.objects.get(kind=VALIDATE_KIND)  # one for the transaction
    assert job.params == {"library_objects": [["actors.Actor", known.aggregator.pk]]} and job.status == "succeeded"
    assert job.result["validated"] == 1
    findings = ValidationResult.objects.get(use_case=known.use_case).findings
    assert not findings.filter(anchor=f"actorrole-{known.use_case.actor_roles.get(actor=known.aggregator).pk}")


@pytest.mark.parametrize("what", ["actor", "information", "requirement"])
def test_use_cases_using_a_library_object(known, clean_use_case, what):
    step = known.steps["3"]
    obj = {
        "actor": known.meter,
        "information": step.information_objects.get(),
        "requirement": RequirementFactory(),
    }[what]
    if what == "requirement":
        step.requirements.add(obj)
    assert usecase_ids_using(obj=obj) == [known.use_case.pk]
