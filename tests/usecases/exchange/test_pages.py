"""The import page and its background job, the job page's report, and the XML downloads, with their permissions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import UseCaseFactory, UserFactory, WorkspaceFactory, member_of, with_repository_role
from tests.usecases.exchange.conftest import PUBLISHED_XSD, fingerprint
from ucmr.models import BackgroundJob
from ucmr.views import JobDetailView
from usecases.models import UseCase
from usecases.xml import read_document, schema_problems

pytestmark = pytest.mark.django_db

ELERING_1 = "examples/variant-c/elering-1_aggregate-energy-data.xml"
IMPORT_URL = reverse("usecases:import")
LIST_EXPORT_URL = reverse("usecases:usecase_list_export")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _exported_by_job(client, capture_on_commit, params=None) -> bytes:
    """An export the page hands to a job: follow it to the job page, then download the file it links to."""
    with capture_on_commit(execute=True):
        response = client.get(LIST_EXPORT_URL, params or {})
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    job = BackgroundJob.objects.get(kind="xml_export")
    assert job.status == BackgroundJob.Status.SUCCEEDED, job.error
    download = reverse("usecases:export_download", kwargs={"pk": job.pk})
    assert f'href="{download}"' in client.get(response["Location"]).content.decode()
    return b"".join(client.get(download).streaming_content)


def _upload(iec_dir, name: str = ELERING_1) -> SimpleUploadedFile:
    path = iec_dir / name
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/xml")


@pytest.fixture
def workspace():
    return WorkspaceFactory(name="Elering", slug="elering")


@pytest.fixture
def author(workspace):
    return member_of(workspace, "author", username="author")


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", IMPORT_URL),
        ("post", IMPORT_URL),
        ("post", reverse("usecases:import_confirm", kwargs={"pk": "6b1f0c52-4d0e-4a8e-9c1e-1f2a3b4c5d6e"})),
        ("get", LIST_EXPORT_URL),
        ("get", reverse("usecases:usecase_export", kwargs={"pk": 1})),
    ],
)
def test_anonymous_is_sent_to_sign_in(client, method, url):
    response = getattr(client, method)(url)

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_reader_may_export_but_not_import(repository_reader, iec_dir):
    use_case = UseCaseFactory()
    client = _client(repository_reader)

    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"file": _upload(iec_dir), "policy": "update"}).status_code == 403
    assert client.get(reverse("usecases:usecase_export", kwargs={"pk": use_case.pk})).status_code == 200
    assert client.get(LIST_EXPORT_URL, {"status": "draft"}).status_code == 200
    assert not BackgroundJob.objects.exists()


def test_an_author_sees_the_import_form_with_their_workspaces(author, workspace):
    WorkspaceFactory(name="Not theirs")

    response = _client(author).get(IMPORT_URL)

    text = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in text
    assert "Elering" in text and "Not theirs" not in text
    assert "As the file says" not in text  # authors may not create workspaces: one must be chosen


def test_an_administrator_may_leave_the_workspace_to_the_file(user):
    response = _client(with_repository_role(user, "administrator")).get(IMPORT_URL)

    assert "As the file says" in response.content.decode()


def test_the_import_flow_dry_run_then_confirm(author, workspace, iec_dir, django_capture_on_commit_callbacks):
    client = _client(author)
    before = fingerprint()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            IMPORT_URL,
            {"file": _upload(iec_dir), "workspace": workspace.pk, "policy": "update", "dry_run": "on"},
        )

    dry_run = BackgroundJob.objects.get(kind="xml_import")
    assert response.status_code == 302 and response.url == dry_run.get_absolute_url()
    assert dry_run.status == BackgroundJob.Status.SUCCEEDED, dry_run.error
    assert dry_run.result["dry_run"] is True and dry_run.result["counts"]["use_case"] == {"created": 1}
    assert not UseCase.objects.exists()
    page = client.get(dry_run.get_absolute_url()).content.decode()
    assert "Dry run: what the import would do" in page and "Confirm import" in page
    assert 'id="import-step"' in page  # the counts table has a row for steps
    assert "Aggregate energy data" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("usecases:import_confirm", kwargs={"pk": dry_run.pk}))

    real = BackgroundJob.objects.filter(kind="xml_import").exclude(pk=dry_run.pk).get()
    assert response.url == real.get_absolute_url()
    assert real.status == BackgroundJob.Status.SUCCEEDED, real.error
    use_case = UseCase.objects.get()
    assert use_case.workspace == workspace and use_case.created_by == author
    assert real.result["counts"]["use_case"] == {"created": 1}
    followed = BackgroundJob.objects.filter(params__use_case=use_case.pk).values_list("kind", flat=True)
    assert list(followed) == ["validate"]  # as after any change of a use case; diagrams wait for a viewer
    page = client.get(real.get_absolute_url()).content.decode()
    assert "What the import did" in page and "Confirm import" not in page
    assert reverse("usecases:usecase_detail", kwargs={"pk": use_case.pk}) in page
    assert fingerprint() != before
    # the uploaded file is gone once imported, so the dry run cannot be confirmed twice
    assert client.post(reverse("usecases:import_confirm", kwargs={"pk": dry_run.pk})).status_code == 400


def test_an_import_without_dry_run_runs_at_once(author, workspace, iec_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _client(author).post(IMPORT_URL, {"file": _upload(iec_dir), "workspace": workspace.pk, "policy": "update"})

    job = BackgroundJob.objects.get(kind="xml_import")
    assert job.status == BackgroundJob.Status.SUCCEEDED and job.result["dry_run"] is False
    assert UseCase.objects.count() == 1


def test_a_broken_file_fails_the_job_saying_where(author, workspace, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("broken.xml", b'<?xml version="1.0"?>\n<r>\n  <a>\n  </b>\n</r>')

    with django_capture_on_commit_callbacks(execute=True):
        _client(author).post(IMPORT_URL, {"file": upload, "workspace": workspace.pk, "policy": "update"})

    job = BackgroundJob.objects.get(kind="xml_import")
    assert job.status == BackgroundJob.Status.FAILED
    assert job.error.startswith("The file is not well-formed XML at line 4")
    page = _client(author).get(job.get_absolute_url()).content.decode()
    assert "line 4" in page and "Confirm import" not in page


def test_an_author_may_not_import_into_a_workspace_they_do_not_write(author, iec_dir):
    other = WorkspaceFactory()

    response = _client(author).post(IMPORT_URL, {"file": _upload(iec_dir), "workspace": other.pk, "policy": "update"})

    assert response.status_code == 200  # the form again, with the choice refused
    assert "Select a valid choice" in response.content.decode()
    assert not BackgroundJob.objects.exists()


def test_nobody_confirms_or_sees_someone_elses_import(author, workspace, iec_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _client(author).post(
            IMPORT_URL, {"file": _upload(iec_dir), "workspace": workspace.pk, "policy": "update", "dry_run": "on"}
        )
    dry_run = BackgroundJob.objects.get(kind="xml_import")
    other = _client(member_of(workspace, "author", username="colleague"))

    assert other.get(dry_run.get_absolute_url()).status_code == 404
    assert other.post(reverse("usecases:import_confirm", kwargs={"pk": dry_run.pk})).status_code == 404
    assert BackgroundJob.objects.filter(kind="xml_import").count() == 1 and not UseCase.objects.exists()


def test_the_job_page_renders_the_report_without_queries(author, django_assert_num_queries):
    job = BackgroundJob.objects.create(
        kind="xml_import",
        user=author,
        status=BackgroundJob.Status.SUCCEEDED,
        result={
            "dry_run": False,
            "policy": "update",
            "counts": {"use_case": {"created": 1}, "step": {"created": 7}},
            "warnings": ["Use case <b>x</b>: dates without a time zone were read as UTC (6)."],
            "use_cases": [{"mrid": "m", "identifier": "", "name": "Aggregate", "outcome": "created", "workspace": "W"}],
        },
    )
    request = RequestFactory().get("/")
    request.user = author
    response = JobDetailView.as_view()(request, pk=job.pk)

    with django_assert_num_queries(0):
        response.render()

    text = response.content.decode()
    assert '<tr id="import-step">' in text and "Steps" in text
    assert "Use case &lt;b&gt;x&lt;/b&gt;" in text  # texts from files are always escaped


def test_a_use_case_downloads_as_valid_xml(repository_reader, iec_dir):
    use_case = UseCaseFactory(identifier="UC-7", name="Meter reading")

    response = _client(repository_reader).get(reverse("usecases:usecase_export", kwargs={"pk": use_case.pk}))

    assert response["Content-Type"].startswith("application/xml")
    assert response["Content-Disposition"] == 'attachment; filename="uc-7.xml"'
    assert schema_problems(data=response.content) == []
    assert schema_problems(data=response.content, schema_path=iec_dir / PUBLISHED_XSD) == []
    assert [item.name for item in read_document(data=response.content).full_use_cases] == ["Meter reading"]


def test_the_list_exports_what_its_filters_select_of_what_the_user_may_see(user, django_capture_on_commit_callbacks):
    mine, theirs = WorkspaceFactory(slug="mine"), WorkspaceFactory(slug="theirs")
    viewer = member_of(mine, "viewer", username="viewer")
    UseCaseFactory(workspace=mine, name="Draft in mine")
    UseCaseFactory(workspace=mine, name="Published in mine", status=UseCase.Status.PUBLISHED)
    UseCaseFactory(workspace=theirs, name="Draft in theirs")
    UseCaseFactory(workspace=theirs, name="Published in theirs", status=UseCase.Status.PUBLISHED)
    client = _client(viewer)

    everything = read_document(data=_exported_by_job(client, django_capture_on_commit_callbacks))
    published = read_document(data=client.get(LIST_EXPORT_URL, {"status": "published"}).content)

    assert sorted(item.name for item in everything.full_use_cases) == [
        "Draft in mine",
        "Published in mine",
        "Published in theirs",
    ]
    assert sorted(item.name for item in published.full_use_cases) == ["Published in mine", "Published in theirs"]


def test_a_use_case_the_user_may_not_see_is_a_404():
    hidden = UseCaseFactory(workspace=WorkspaceFactory())
    outsider = _client(UserFactory())

    assert outsider.get(reverse("usecases:usecase_export", kwargs={"pk": hidden.pk})).status_code == 404
    assert read_document(data=outsider.get(LIST_EXPORT_URL, {"status": "draft"}).content).use_cases == []


def test_the_list_and_the_use_case_page_link_to_the_export(repository_reader):
    use_case = UseCaseFactory()
    client = _client(repository_reader)

    assert (
        f'href="{LIST_EXPORT_URL}?status=draft"'
        in client.get(reverse("usecases:usecase_list"), {"status": "draft"}).content.decode()
    )
    detail = client.get(use_case.get_absolute_url()).content.decode()
    assert reverse("usecases:usecase_export", kwargs={"pk": use_case.pk}) in detail
