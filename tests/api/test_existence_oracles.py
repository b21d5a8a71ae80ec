"""No existence oracle in the API's use case documents: an mRID held by a use case the client may not see is
answered exactly as one held by a use case it sees (create: the mRID is taken, nothing more is said) or as one that
nothing holds (a relation: no such use case). Each test compares the two answers byte for byte after replacing the
identifiers."""

import json
import uuid

import pytest
from rest_framework.test import APIClient

from tests.factories import UseCaseFactory, WorkspaceFactory, member_of
from usecases.models import UseCase, UseCaseRelation

pytestmark = pytest.mark.django_db

HIDDEN = str(uuid.uuid4())
VISIBLE = str(uuid.uuid4())
UNKNOWN = str(uuid.uuid4())


@pytest.fixture
def grid():
    grid = WorkspaceFactory(name="Grid", slug="grid")
    UseCaseFactory(workspace=grid, mrid=VISIBLE, identifier="UC-V", name="Visible")
    UseCaseFactory(workspace=WorkspaceFactory(name="Secret merger"), mrid=HIDDEN, identifier="UC-H", name="Hidden")
    return grid


@pytest.fixture
def api(grid):
    client = APIClient()
    client.force_authenticate(member_of(grid, "author"))
    return client


def _answer(response, *identifiers: str) -> tuple[int, bytes]:
    body = response.content
    for identifier in identifiers:
        body = body.replace(identifier.encode(), b"<mRID>")
    return response.status_code, body


def test_creating_with_the_mrid_of_a_hidden_use_case_answers_as_for_a_visible_one(api, grid):
    def create(mrid: str):
        body = {"workspace": grid.pk, "document": {"mrid": mrid, "identifier": "UC-NEW", "name": "New"}}
        return api.post("/api/use-cases/", body, format="json")

    hidden, visible = create(HIDDEN), create(VISIBLE)

    assert _answer(hidden, HIDDEN) == _answer(visible, VISIBLE)
    assert hidden.status_code == 400
    text = hidden.content.decode()
    assert "A use case with this mRID already exists" in text
    assert "Secret merger" not in text and "UC-H" not in text
    assert not UseCase.objects.filter(identifier="UC-NEW").exists()


def _with_relation(grid, ref: str) -> dict:
    return {
        "workspace": grid.pk,
        "document": {"identifier": "UC-REL", "name": "Related", "relations": [{"use_case_ref": ref, "type": "uses"}]},
    }


def test_a_relation_to_a_hidden_use_case_is_refused_as_one_to_nothing(api, grid):
    hidden = api.post("/api/use-cases/", _with_relation(grid, HIDDEN), format="json")
    unknown = api.post("/api/use-cases/", _with_relation(grid, UNKNOWN), format="json")

    assert _answer(hidden, HIDDEN) == _answer(unknown, UNKNOWN)
    assert hidden.status_code == 400 and "No use case with the mRID" in hidden.content.decode()
    assert not UseCaseRelation.objects.exists()


def test_a_relation_to_a_visible_use_case_is_kept(api, grid):
    response = api.post("/api/use-cases/", _with_relation(grid, VISIBLE), format="json")
    assert response.status_code == 201, response.json()
    assert UseCaseRelation.objects.get().related.mrid == uuid.UUID(VISIBLE)


def test_put_with_a_relation_to_a_hidden_use_case_answers_as_for_one_to_nothing(api, grid):
    created = api.post("/api/use-cases/", _with_relation(grid, VISIBLE), format="json").json()
    url = f"/api/use-cases/{created['id']}/"

    def put(ref: str):
        body = {**created, "document": {**created["document"], "relations": [{"use_case_ref": ref}]}}
        return api.put(url, body, format="json")

    hidden, unknown = put(HIDDEN), put(UNKNOWN)

    assert _answer(hidden, HIDDEN) == _answer(unknown, UNKNOWN)
    assert hidden.status_code == 400


def _without_keys(value):
    """An answer without the keys of new rows and the revision tags, which differ from one run to the next."""
    if isinstance(value, dict):
        return {key: _without_keys(item) for key, item in value.items() if key not in ("id", "links")}
    if isinstance(value, list):
        return [_without_keys(item) for item in value]
    return value


def test_a_relation_to_a_hidden_use_case_with_its_stub_is_answered_as_one_to_an_unknown_mrid(api, grid):
    def create(ref: str) -> tuple[int, str]:
        body = _with_relation(grid, ref)
        body["document"]["mrid"] = "9d0c6f3a-0000-4000-8000-000000000001"
        body["libraries"] = {"related_use_cases": [{"mrid": ref, "identifier": "UC-S", "name": "Stub"}]}
        response = api.post("/api/use-cases/", body, format="json")
        answer = response.status_code, json.dumps(_without_keys(response.json()), sort_keys=True).replace(ref, "<mRID>")
        UseCase.objects.filter(workspace=grid).exclude(mrid=VISIBLE).delete()
        return answer

    hidden, unknown = create(HIDDEN), create(UNKNOWN)

    assert hidden == unknown
    assert hidden[0] == 201 and "Secret merger" not in hidden[1] and "UC-H" not in hidden[1]


def test_an_import_into_a_hidden_workspace_is_answered_as_one_into_no_workspace(api, grid):
    secret = UseCase.objects.get(mrid=HIDDEN).workspace

    def start(workspace_id: int):
        return api.post(f"/api/imports/?workspace={workspace_id}", b"<x/>", content_type="application/xml")

    hidden, unknown = start(secret.pk), start(secret.pk + 1000)

    assert _answer(hidden, str(secret.pk)) == _answer(unknown, str(secret.pk + 1000))
    assert hidden.status_code == 400 and "Secret" not in hidden.content.decode()
