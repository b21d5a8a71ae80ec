"""Workspaces over the API, as on the workspace pages: signed-in users see those they belong to or may see use cases
of, with their role; administrators add them; nobody changes or deletes them here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import UseCaseFactory, UserFactory, WorkspaceFactory, member_of, with_repository_role
from ucmr.models import ChangeLogEntry
from usecases.models import Workspace

pytestmark = pytest.mark.django_db

LIST = "api:workspace-list"


@pytest.fixture(autouse=True)
def no_throttling(settings):
    settings.UCMR_API_THROTTLE_USER = ""
    settings.UCMR_API_THROTTLE_ANON = ""


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _detail(workspace) -> str:
    return reverse("api:workspace-detail", kwargs={"slug": workspace.slug})


@pytest.fixture
def scene():
    grid = WorkspaceFactory(name="Grid", slug="grid")
    market = WorkspaceFactory(name="Market", slug="market")
    hidden = WorkspaceFactory(name="Hidden", slug="hidden")
    manager = member_of(grid, "manager", username="manager")
    UseCaseFactory.create_batch(2, workspace=grid)
    UseCaseFactory(workspace=market, status="published")
    UseCaseFactory(workspace=market)
    UseCaseFactory(workspace=hidden)
    return locals()


def _rows(response) -> dict[str, dict]:
    assert response.status_code == 200, response.json()
    return {row["slug"]: row for row in response.json()["results"]}


def test_a_member_sees_their_workspaces_and_those_with_use_cases_they_may_see(scene):
    rows = _rows(client_for(scene["manager"]).get(reverse(LIST)))

    assert list(rows) == ["grid", "market"]
    assert {slug: (row["my_role"], row["use_case_count"]) for slug, row in rows.items()} == {
        "grid": ("manager", 2),
        "market": (None, 1),
    }
    assert rows["grid"]["url"] == f"http://testserver{_detail(scene['grid'])}"
    assert rows["grid"]["name"] == "Grid"


def test_a_user_without_a_role_sees_only_workspaces_with_published_use_cases_and_administrators_all(scene):
    assert list(_rows(client_for(UserFactory()).get(reverse(LIST)))) == ["market"]
    administrator = with_repository_role(UserFactory(), "administrator")
    assert list(_rows(client_for(administrator).get(reverse(LIST)))) == ["grid", "hidden", "market"]


def test_a_workspace_is_read_by_slug_and_one_the_user_may_not_see_is_a_404(scene):
    api = client_for(scene["manager"])

    grid = api.get(_detail(scene["grid"]))
    assert grid.status_code == 200
    assert grid.json()["my_role"] == "manager"
    assert grid["ETag"]
    hidden = api.get(_detail(scene["hidden"]))
    assert hidden.status_code == 404
    assert hidden.json()["status"] == 404


def test_anonymous_clients_must_authenticate_even_where_published_use_cases_are_public(scene, settings):
    settings.UCMR_PUBLIC_READ = True
    api = APIClient()

    assert api.get(reverse(LIST)).status_code == 401
    assert api.get(_detail(scene["market"])).status_code == 401


def test_an_administrator_adds_a_workspace_through_the_service():
    administrator = with_repository_role(UserFactory(), "administrator")

    response = client_for(administrator).post(
        reverse(LIST), {"name": "Flexibility markets", "description": "Market parties."}, format="json"
    )

    assert response.status_code == 201, response.json()
    workspace = Workspace.objects.get(name="Flexibility markets")
    assert (workspace.slug, workspace.description) == ("flexibility-markets", "Market parties.")
    assert response.json()["slug"] == "flexibility-markets"
    assert response["Location"] == f"http://testserver{_detail(workspace)}"
    assert ChangeLogEntry.objects.filter(action="create", object_id=str(workspace.pk), user=administrator).exists()


@pytest.mark.parametrize("role", ["manager", "curator", "no_role"])
def test_only_administrators_add_workspaces(scene, role):
    user = scene["manager"] if role == "manager" else UserFactory()
    if role == "curator":
        with_repository_role(user, "curator")

    response = client_for(user).post(reverse(LIST), {"name": "Mine"}, format="json")

    assert response.status_code == 403
    assert response.json()["message"] == "You may not add a new workspace."
    assert not Workspace.objects.filter(name="Mine").exists()


@pytest.mark.parametrize(
    ("body", "path"),
    [({"name": "Grid"}, "name"), ({"name": "Other", "slug": "grid"}, "slug"), ({"name": "X", "slug": "a b"}, "slug")],
)
def test_a_workspace_that_clashes_or_has_a_bad_slug_is_refused_naming_the_field(scene, body, path):
    administrator = with_repository_role(UserFactory(), "administrator")

    response = client_for(administrator).post(reverse(LIST), body, format="json")

    assert response.status_code == 400
    assert response.json()["status"] == 400
    assert [error["path"] for error in response.json()["errors"]] == [path]
    assert Workspace.objects.count() == 3


def test_a_name_whose_slug_is_taken_is_refused_by_the_service(scene):
    administrator = with_repository_role(UserFactory(), "administrator")

    response = client_for(administrator).post(reverse(LIST), {"name": "GRID!"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"path": "slug", "code": "unique", "message": "Workspace with this Slug already exists."}
    ]


def test_workspaces_are_not_changed_or_deleted_through_the_api(scene):
    api = client_for(with_repository_role(UserFactory(), "administrator"))
    url = _detail(scene["grid"])

    statuses = [
        api.put(url, {"name": "Renamed", "slug": "grid"}, format="json").status_code,
        api.patch(url, {"name": "Renamed"}, format="json").status_code,
        api.delete(url).status_code,
    ]

    assert statuses == [405, 405, 405]
    assert Workspace.objects.get(pk=scene["grid"].pk).name == "Grid"


def _make_workspaces(count: int) -> None:
    for workspace in WorkspaceFactory.create_batch(count):
        member_of(workspace, "author")
        UseCaseFactory(workspace=workspace, status="published")
        UseCaseFactory(workspace=workspace)


def test_the_list_queries_do_not_grow_with_the_rows():
    user = UserFactory()
    api = client_for(user)

    def count_queries() -> tuple[int, list[str]]:
        with CaptureQueriesContext(connection) as context:
            response = api.get(reverse(LIST), {"page_size": 50})
        assert response.status_code == 200
        return response.json()["count"], [query["sql"] for query in context.captured_queries]

    count_queries()  # the first asks for the user's permissions, which the user object then keeps
    _make_workspaces(2)
    few_rows, few = count_queries()
    _make_workspaces(28)
    many_rows, many = count_queries()

    assert (few_rows, many_rows) == (2, 30)
    assert len(many) == len(few) == 2, "\n".join(many)
