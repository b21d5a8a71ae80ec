import uuid

import pytest
from django.test import RequestFactory
from django.urls import reverse

from actors.services import actor_create
from tests.factories import (
    ActorFactory,
    CommonTermFactory,
    InformationObjectFactory,
    RequirementFactory,
    UseCaseFactory,
    UserFactory,
    WorkspaceFactory,
    WorkspaceMembershipFactory,
)
from ucmr.models import BackgroundJob
from ucmr.views import JobDetailView
from usecases.home_views import HomeView

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", ["/", "/jobs/6b1f0c52-4d0e-4a8e-9c1e-1f2a3b4c5d6e/"])
def test_anonymous_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_home_counts_what_the_repository_holds_as_far_as_the_user_may_see(reader, user):
    team = WorkspaceFactory()
    WorkspaceMembershipFactory(workspace=team, user=user, role="viewer")
    UseCaseFactory.create_batch(3, workspace=team)
    UseCaseFactory.create_batch(2)  # drafts of a workspace the reader is not in
    ActorFactory.create_batch(4)
    RequirementFactory.create_batch(5)
    InformationObjectFactory.create_batch(6)
    CommonTermFactory.create_batch(7)

    response = reader.get(reverse("home"))

    assert response.status_code == 200
    assert response.context["counts"] == {
        "use_cases": 3,
        "actors": 4,
        "requirements": 5,
        "information_objects": 6,
        "common_terms": 7,
    }
    text = response.content.decode()
    for count, label in [(3, "Use cases"), (4, "Actors"), (7, "Common terms")]:
        assert f'<div class="fs-3 fw-semibold">{count}</div>\n      <div class="text-body-secondary">{label}' in text


def test_sign_in_and_sign_out(client, user):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and 'name="password"' in page.content.decode()

    signed_in = client.post(reverse("login"), {"username": "reader", "password": "pw-reader-1"})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200

    assert client.get(reverse("logout")).status_code == 405
    signed_out = client.post(reverse("logout"))
    assert signed_out.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_shows_an_error(client, user):
    response = client.post(reverse("login"), {"username": "reader", "password": "wrong"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()


def test_every_page_has_the_navigation_and_local_assets_only(reader):
    text = reader.get(reverse("home")).content.decode()
    for url_name in (
        "usecases:usecase_list",
        "actors:actor_list",
        "requirements:requirement_list",
        "usecases:term_list",
    ):
        assert f'href="{reverse(url_name)}"' in text
    assert "/static/vendor/bootstrap/bootstrap.min.css" in text
    assert "/static/vendor/bootstrap/bootstrap.bundle.min.js" in text
    assert "//cdn" not in text and "https://" not in text


def test_job_detail_shows_status_progress_and_result(reader, user):
    job = BackgroundJob.objects.create(
        kind="xml_import", user=user, status=BackgroundJob.Status.SUCCEEDED, progress=100, result={"created": 12}
    )

    response = reader.get(job.get_absolute_url())

    text = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="h3">Import <' in text and "Succeeded" in text and "100%" in text
    assert "&quot;created&quot;: 12" in text
    assert 'http-equiv="refresh"' not in text and "hx-trigger" not in text


def test_running_job_page_follows_the_job_and_failed_job_shows_its_error(reader, user):
    running = BackgroundJob.objects.create(kind="render", user=user, status=BackgroundJob.Status.RUNNING, progress=40)
    failed = BackgroundJob.objects.create(
        kind="render", user=user, status=BackgroundJob.Status.FAILED, error="dot not found <here>"
    )

    page = reader.get(running.get_absolute_url()).content.decode()
    url = running.get_absolute_url()
    assert f'<div id="job" hx-get="{url}" hx-trigger="load delay:1s" hx-select="#job"' in page  # polls its block
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page  # reloads without script
    assert "dot not found &lt;here&gt;" in reader.get(failed.get_absolute_url()).content.decode()


def test_a_waiting_job_says_what_it_waits_for(reader, user):
    BackgroundJob.objects.create(kind="xml_import", user=UserFactory())  # another user's, queued earlier
    waiting = BackgroundJob.objects.create(kind="xml_import", user=user)
    unsent = BackgroundJob.objects.create(
        kind="xml_import", user=user, dispatch_error="OperationalError: connection refused", dispatch_attempts=3
    )

    assert (
        "Waiting for a worker: 1 job of this queue before it."
        in reader.get(waiting.get_absolute_url()).content.decode()
    )
    page = reader.get(unsent.get_absolute_url()).content.decode()
    assert "The job queue cannot be reached right now" in page and "nothing is lost" in page
    assert "connection refused" not in page  # the broker's own words are for the operator's log


def test_job_of_someone_else_or_unknown_is_404(reader):
    other_job = BackgroundJob.objects.create(kind="xml_import", user=UserFactory())
    assert reader.get(other_job.get_absolute_url()).status_code == 404
    assert reader.get(reverse("job_detail", kwargs={"pk": uuid.uuid4()})).status_code == 404


@pytest.mark.parametrize("view", [HomeView, JobDetailView])
def test_rendering_home_and_job_pages_runs_no_query(user, staff_user, django_assert_num_queries, view):
    actor_create(user=staff_user, data={"name": "Aggregator", "type": "organisation"})
    job = BackgroundJob.objects.create(kind="xml_import", user=user, result={"created": 1})
    request = RequestFactory().get("/")
    request.user = user
    response = view.as_view()(request, **({"pk": job.pk} if view is JobDetailView else {}))

    with django_assert_num_queries(0):
        response.render()

    assert ("Actors" if view is HomeView else '<h1 class="h3">Import <') in response.content.decode()
