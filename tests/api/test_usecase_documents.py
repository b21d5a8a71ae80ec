"""Whole use case documents over the API: read, create, replace, PATCH, ETags, errors, query budgets."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from tests.factories import UseCaseFactory, WorkspaceFactory, make_complete_use_case, member_of
from ucmr.models import ChangeLogEntry
from usecases.api.serializers import UseCaseListSerializer
from usecases.models import Step, UseCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid():
    return WorkspaceFactory(slug="grid", name="Grid")


@pytest.fixture
def author(grid):
    return member_of(grid, "author", username="author")


@pytest.fixture
def api(author):
    client = APIClient()
    client.force_authenticate(author)
    return client


def _detail(use_case) -> str:
    return f"/api/use-cases/{use_case.pk}/"


def test_a_document_put_back_unchanged_changes_nothing(api, grid, author):
    use_case = make_complete_use_case(workspace=grid, created_by=author)
    response = api.get(_detail(use_case))
    assert response.status_code == 200
    body = response.json()
    assert body["document"]["scenarios"][0]["steps"], "the steps are in the document"
    assert body["libraries"]["actors"], "the actors the steps name come along"
    revision, entries = use_case.revision, ChangeLogEntry.objects.count()

    again = api.put(_detail(use_case), body, format="json", HTTP_IF_MATCH=response["ETag"])

    assert again.status_code == 200, again.json()
    assert again.json()["document"] == body["document"]
    assert again["ETag"] == response["ETag"]
    assert UseCase.objects.get(pk=use_case.pk).revision == revision
    assert ChangeLogEntry.objects.count() == entries


def test_put_replaces_the_tables_and_records_the_change(api, grid, author):
    use_case = make_complete_use_case(workspace=grid, created_by=author)
    body = api.get(_detail(use_case)).json()
    scenario = max(body["document"]["scenarios"], key=lambda scenario: len(scenario["steps"]))
    removed = scenario["steps"].pop()
    scenario["steps"][0]["name"] = "Renamed by a tool"

    response = api.put(_detail(use_case), body, format="json")

    assert response.status_code == 200, response.json()
    steps = Step.objects.filter(scenario__use_case=use_case)
    assert steps.filter(name="Renamed by a tool").exists()
    assert not steps.filter(name=removed["name"], number=removed["number"]).exists()
    assert UseCase.objects.get(pk=use_case.pk).revision > use_case.revision
    assert ChangeLogEntry.objects.filter(action="update", object_repr__contains="Renamed by a tool").exists()


def test_a_stale_if_match_gets_412_and_changes_nothing(api, grid, author):
    use_case = make_complete_use_case(workspace=grid, created_by=author)
    first = api.get(_detail(use_case))
    assert api.patch(_detail(use_case), {"document": {"name": "Someone else's"}}, format="json").status_code == 200
    body = first.json()
    body["document"]["name"] = "Mine"

    for method in (api.put, api.patch):
        data = body if method is api.put else {"document": {"name": "Mine"}}
        response = method(_detail(use_case), data, format="json", HTTP_IF_MATCH=first["ETag"])
        assert response.status_code == 412
        assert response.json()["code"] == "precondition_failed"
    assert UseCase.objects.get(pk=use_case.pk).name == "Someone else's"


def test_if_none_match_gets_304(api, grid, author):
    use_case = make_complete_use_case(workspace=grid, created_by=author)
    etag = api.get(_detail(use_case))["ETag"]
    assert api.get(_detail(use_case), HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_post_creates_a_whole_use_case_with_new_library_objects(api, grid):
    body = {
        "workspace": grid.pk,
        "document": {
            "identifier": "UC-API-1",
            "name": "Control a battery",
            "nature": "SUC",
            "primary_actor_refs": ["act-operator"],
            "scenarios": [
                {
                    "number": "1",
                    "name": "Normal operation",
                    "steps": [
                        {
                            "number": "1",
                            "name": "Send a set point",
                            "producer_refs": ["act-operator"],
                            "receiver_refs": ["act-battery"],
                            "information_object_refs": ["io-setpoint"],
                            "children": [{"number": "1.1", "name": "Acknowledge", "producer_refs": ["act-battery"]}],
                        }
                    ],
                }
            ],
            "sgam": [{"layer": "", "domain": "der", "zone": "field"}],
        },
        "libraries": {
            "actors": [
                {"mrid": "act-operator", "name": "API grid operator", "type": "role"},
                {"mrid": "act-battery", "name": "API battery", "type": "device"},
            ],
            "information_objects": [{"mrid": "io-setpoint", "identifier": "IO-1", "name": "Set point"}],
        },
    }

    response = api.post("/api/use-cases/", body, format="json")

    assert response.status_code == 201, response.json()
    created = UseCase.objects.get(identifier="UC-API-1")
    assert response["Location"].endswith(_detail(created))
    assert created.status == "draft" and created.workspace == grid
    step = Step.objects.get(scenario__use_case=created, name="Send a set point")
    assert [actor.name for actor in step.producers.all()] == ["API grid operator"]
    assert Step.objects.get(parent=step).name == "Acknowledge"
    document = response.json()["document"]
    assert document["scenarios"][0]["steps"][0]["children"][0]["name"] == "Acknowledge"


def test_references_to_nothing_are_refused_with_their_path(api, grid):
    body = {
        "workspace": grid.pk,
        "document": {
            "name": "Dangling",
            "scenarios": [{"name": "S", "steps": [{"name": "Step", "producer_refs": ["nobody"]}]}],
            "sgam": [{"domain": "nowhere"}],
        },
    }

    response = api.post("/api/use-cases/", body, format="json")

    assert response.status_code == 400
    paths = {error["path"] for error in response.json()["errors"]}
    assert paths == {"document.scenarios[0].steps[0].producer_refs[0]", "document.sgam[0].domain"}
    assert not UseCase.objects.filter(name="Dangling").exists()


def test_errors_have_one_shape_with_paths(api, grid):
    response = api.post(
        "/api/use-cases/", {"workspace": grid.pk, "document": {"scenarios": [{"steps": "no"}]}}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"status", "code", "message", "errors"}
    assert body["errors"][0]["path"] == "document.scenarios[0].steps"


def test_patch_changes_scalar_fields_as_the_edit_page_validates_them(api, grid, author):
    use_case = UseCaseFactory(workspace=grid, created_by=author, name="Before")
    response = api.patch(_detail(use_case), {"document": {"name": "After", "scope": "Wider"}}, format="json")
    assert response.status_code == 200
    assert response.json()["document"]["name"] == "After"

    too_long = api.patch(_detail(use_case), {"document": {"name": "x" * 301}}, format="json")
    assert too_long.status_code == 400
    assert too_long.json()["errors"][0]["path"] == "document.name"

    table = api.patch(_detail(use_case), {"document": {"scenarios": []}}, format="json")
    assert table.status_code == 400


def test_only_drafts_are_edited(api, grid, author):
    use_case = UseCaseFactory(workspace=grid, created_by=author, status="in_review")
    response = api.patch(_detail(use_case), {"document": {"name": "After"}}, format="json")
    assert response.status_code == 409
    assert "Only drafts are edited" in response.json()["message"]


@pytest.mark.parametrize("kind", ["list", "detail"])
def test_query_counts_do_not_grow_with_the_use_case(api, grid, author, kind):
    def count(steps: int) -> int:
        use_case = make_complete_use_case(workspace=grid, created_by=author, steps=steps, actors=steps // 4 + 2)
        url = "/api/use-cases/" if kind == "list" else _detail(use_case)
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url).status_code == 200
        return len(queries)

    count(6)  # the first request fills Django's caches (content types, sites)
    assert count(6) == count(60)


@pytest.mark.parametrize("path", ["/api/use-cases/", "/api/use-cases.json"])
def test_list_rows_are_what_the_serializers_fields_say(api, grid, author, path, settings):
    # The list reads its rows through a plan made once per response (URLs reversed once): the same row, field for
    # field, as DRF's generic rendering of the serializer's fields, links included (with a format suffix too).
    settings.ALLOWED_HOSTS = ["ucmr.example"]
    UseCaseFactory(workspace=grid, created_by=author, identifier="UC-1", keywords="")
    UseCaseFactory(workspace=grid, created_by=author, identifier="UC-2", status="in_review")

    response = api.get(path, HTTP_HOST="ucmr.example")

    assert response.status_code == 200
    rows = response.json()["results"]
    request = response.renderer_context["request"]
    context = response.renderer_context["view"].get_serializer_context()
    by_pk = UseCase.objects.in_bulk([row["id"] for row in rows])
    for row in rows:
        use_case = by_pk[row["id"]]
        use_case.scenario_count, use_case.actor_count = row["scenario_count"], row["actor_count"]
        generic = serializers.ModelSerializer.to_representation(UseCaseListSerializer(context=context), use_case)
        assert json.loads(json.dumps(row)) == json.loads(JSONRenderer().render(generic))
        assert row["url"].startswith("http://ucmr.example/api/use-cases/")
        assert row["html_url"] == request.build_absolute_uri(use_case.get_absolute_url())
    assert len(rows) == 2


def test_a_patch_works_out_the_documents_version_once_before_and_once_after_it_writes(api, grid, author, monkeypatch):
    from usecases.api.viewsets import use_cases as viewsets

    use_case = make_complete_use_case(workspace=grid, created_by=author)
    etag = api.get(_detail(use_case))["ETag"]
    calls = []
    real = viewsets.usecase_document_version

    def counted(**kwargs):
        calls.append(kwargs["use_case"].revision)
        return real(**kwargs)

    monkeypatch.setattr(viewsets, "usecase_document_version", counted)

    response = api.patch(_detail(use_case), {"document": {"scope": "Changed"}}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 200
    assert calls == [use_case.revision, use_case.revision + 1]  # If-Match and what it shows; then the answer's ETag
    assert response["ETag"] != etag and response.json()["document"]["scope"] == "Changed"


def test_malformed_json_is_a_400_and_a_body_over_the_limit_a_413(api, grid, settings):
    broken = api.post("/api/use-cases/", b'{"workspace": ', content_type="application/json")
    assert broken.status_code == 400 and broken.json()["code"] == "parse_error"
    settings.UCMR_XML_MAX_BYTES = 1000
    large = api.post("/api/use-cases/", {"workspace": grid.pk, "document": {"name": "x" * 2000}}, format="json")
    assert large.status_code == 413
    assert not UseCase.objects.exists()
