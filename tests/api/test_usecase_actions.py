"""The use case API beyond the document: XML both ways, imports as jobs, the workflow, versions, history,
throttling, tokens."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests.factories import UseCaseFactory, UserFactory, WorkspaceFactory, make_complete_use_case, member_of
from ucmr.models import BackgroundJob
from ucmr.tokens import api_token_create
from usecases.models import UseCase
from usecases.xml import validate_variant_c

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid():
    return WorkspaceFactory(slug="grid", name="Grid")


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_use_case_exports_as_valid_variant_c(grid):
    author = member_of(grid, "author")
    use_case = make_complete_use_case(workspace=grid, created_by=author)
    response = client_of(author).get(f"/api/use-cases/{use_case.pk}/xml/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    validate_variant_c(data=response.content)
    assert use_case.name.encode() in response.content


def test_the_selection_export_takes_the_list_filters_and_ids(grid):
    author = member_of(grid, "author")
    chosen = UseCaseFactory(workspace=grid, name="Chosen one")
    UseCaseFactory(workspace=grid, name="Left out")
    response = client_of(author).get("/api/use-cases/xml/", {"id": chosen.pk})
    assert response.status_code == 200
    assert b"Chosen one" in response.content and b"Left out" not in response.content
    assert client_of(author).get("/api/use-cases/xml/", {"id": "x"}).status_code == 400


def test_an_import_answers_202_with_the_job_that_reports_it(grid, iec_dir, django_capture_on_commit_callbacks):
    author = member_of(grid, "author")
    data = (iec_dir / "examples/variant-c/elering-1_aggregate-energy-data.xml").read_bytes()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(author).post(
            "/api/imports/", {"file": SimpleUploadedFile("e1.xml", data), "workspace": grid.pk}, format="multipart"
        )

    assert response.status_code == 202, response.json()
    assert type(response.headers["Location"]) is str  # WSGI servers refuse str subclasses (DRF's Hyperlink)
    job = client_of(author).get(response["Location"]).json()
    assert job["status"] == "succeeded" and job["progress"] == 100
    assert job["result"]["counts"]["use_case"]["created"] == 1
    created = UseCase.objects.get(workspace=grid)
    assert any(link.endswith(f"/api/use-cases/{created.pk}/") for link in job["links"].values())


def test_a_raw_xml_body_imports_too_and_a_dry_run_is_confirmed_later(grid, iec_dir, django_capture_on_commit_callbacks):
    author = member_of(grid, "author")
    data = (iec_dir / "examples/variant-c/elering-5_collect-energy-data.xml").read_bytes()
    client = client_of(author)

    with django_capture_on_commit_callbacks(execute=True):
        dry = client.post(f"/api/imports/?workspace={grid.pk}&dry_run=true", data, content_type="application/xml")

    assert dry.status_code == 202, dry.json()
    report = client.get(dry["Location"]).json()
    assert report["status"] == "succeeded" and report["result"]["dry_run"] is True
    assert not UseCase.objects.filter(workspace=grid).exists()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(f"/api/imports/{dry.json()['id']}/confirm/")
    assert confirmed.status_code == 202
    assert client.get(confirmed["Location"]).json()["status"] == "succeeded"
    assert UseCase.objects.filter(workspace=grid).count() == 1


@pytest.mark.parametrize(
    "body, content_type",
    [(b"<not xml", "application/xml"), (b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "application/xml")],
    ids=["broken", "entities"],
)
def test_a_bad_file_fails_its_job_with_a_clear_error_not_a_500(
    grid, body, content_type, django_capture_on_commit_callbacks
):
    author = member_of(grid, "author")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(author).post(f"/api/imports/?workspace={grid.pk}", body, content_type=content_type)
    assert response.status_code == 202
    job = BackgroundJob.objects.get(pk=response.json()["id"])
    assert job.status == "failed" and job.error


def test_an_import_without_a_file_is_a_400(grid):
    response = client_of(member_of(grid, "author")).post("/api/imports/", {}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "file"


def test_the_workflow_runs_through_the_api(grid):
    author, reviewer, manager = (member_of(grid, role) for role in ("author", "reviewer", "manager"))
    use_case = make_complete_use_case(workspace=grid, created_by=author)
    url = f"/api/use-cases/{use_case.pk}"

    assert client_of(author).post(f"{url}/submit/").json()["status"] == "in_review"
    sent_back = client_of(reviewer).post(f"{url}/send-back/", {"comment": ""}, format="json")
    assert sent_back.status_code == 400 and sent_back.json()["errors"][0]["path"] == "comment"
    assert client_of(reviewer).post(f"{url}/approve/").json()["status"] == "approved"
    wrong = client_of(reviewer).post(f"{url}/approve/")
    assert wrong.status_code == 400 and "Only a use case that is" in wrong.json()["message"]
    assert client_of(manager).post(f"{url}/publish/").json()["status"] == "published"

    versions = client_of(author).get(f"{url}/versions/").json()
    assert [version["status"] for version in versions] == ["published", "approved", "in_review"]  # frozen at submission
    frozen = client_of(author).get(versions[-1]["url"]).json()
    assert frozen["document"]["sections"]
    compare = client_of(author).get(f"{url}/versions/compare/", {"old": "1", "new": "current"})
    assert compare.status_code == 200 and isinstance(compare.json(), list)
    assert client_of(author).get(f"{url}/versions/compare/", {"old": "9"}).status_code == 400
    history = client_of(author).get(f"{url}/history/").json()
    assert history["count"] >= 3


def test_a_submission_with_validation_errors_is_refused_with_the_findings(grid):
    author = member_of(grid, "author")
    use_case = UseCaseFactory(workspace=grid, created_by=author)
    response = client_of(author).post(f"/api/use-cases/{use_case.pk}/submit/")
    assert response.status_code == 400
    assert UseCase.objects.get(pk=use_case.pk).status == "draft"


def test_a_token_authenticates_and_throttling_answers_429(grid, settings):
    author = member_of(grid, "author")
    _, key = api_token_create(user=author, name="script")
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    settings.UCMR_API_THROTTLE_USER = "2/minute"
    cache.clear()  # the counts of earlier tests' users (whose ids repeat)
    assert client.get("/api/use-cases/").status_code == 200
    assert client.get("/api/use-cases/").status_code == 200
    throttled = client.get("/api/use-cases/")
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled" and "Retry-After" in throttled


def test_lists_filter_search_and_page_like_the_html_list(grid):
    viewer = member_of(grid, "viewer")
    UseCaseFactory(workspace=grid, name="Battery control", status="published")
    UseCaseFactory(workspace=grid, name="Meter reading")
    UseCaseFactory(name="Elsewhere")
    client = client_of(viewer)
    assert [row["name"] for row in client.get("/api/use-cases/", {"q": "battery"}).json()["results"]] == [
        "Battery control"
    ]
    assert client.get("/api/use-cases/", {"status": "draft"}).json()["count"] == 1
    assert client.get("/api/use-cases/", {"workspace": "grid", "page_size": 1}).json()["next"]
    assert client.get("/api/use-cases/", {"status": "nonsense"}).status_code == 400
    names = [row["name"] for row in client.get("/api/use-cases/", {"ordering": "-name"}).json()["results"]]
    assert names == ["Meter reading", "Battery control"]


def test_an_anonymous_client_gets_401_with_the_token_scheme():
    response = APIClient().get("/api/use-cases/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["status"] == 401


def test_a_user_without_rights_sees_nothing(grid):
    use_case = UseCaseFactory(workspace=grid)
    client = client_of(UserFactory())
    assert client.get("/api/use-cases/").json()["count"] == 0
    assert client.get(f"/api/use-cases/{use_case.pk}/").status_code == 404
