"""GET /api/access-matrix/ and /api/access-matrix/policy/: the cells of the use cases the list's filters select,
with their justifying steps, on the real Elering files; what the client may not see contributes nothing, in the
cells and in the counts; the number of queries does not grow with the number of use cases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import (
    ActorFactory,
    InformationObjectFactory,
    ScenarioFactory,
    StepFactory,
    UseCaseFactory,
    UserFactory,
    WorkspaceFactory,
    make_complete_use_case,
    member_of,
    with_repository_role,
)
from tests.sgam.test_access_matrix import elering  # noqa: F401 - the fixture
from usecases.models import InformationObject, Step

pytestmark = pytest.mark.django_db

URL = "/api/access-matrix/"
POLICY = "/api/access-matrix/policy/"


@pytest.fixture(autouse=True)
def no_throttling(settings):
    settings.UCMR_API_THROTTLE_USER = ""
    settings.UCMR_API_THROTTLE_ANON = ""


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _exchange(use_case, *, producer, receiver, information):
    step = StepFactory(scenario=ScenarioFactory(use_case=use_case), number="1", name="Sends")
    step.producers.set([producer])
    step.receivers.set([receiver])
    step.information_objects.set([information])
    return step


def test_a_step_of_the_elering_files_gives_its_producer_and_receiver_their_cells(elering):  # noqa: F811
    InformationObject.objects.filter(name="Any Data").update(data_class="non_operational", standards="IEC 62325")
    step = Step.objects.get(scenario__use_case__name="Aggregate energy data", number="1.4")
    producer, receiver, information = step.producers.get(), step.receivers.get(), step.information_objects.get()
    client = _client(with_repository_role(UserFactory(), "administrator"))
    body = client.get(URL, {"workspace": "elering", "page_size": 500}).json()
    assert len(body["use_cases"]) == 3 and body["count"] == len(body["results"])
    cells = {(cell["role"]["name"], cell["information"]["mrid"]): cell for cell in body["results"]}
    produced = cells[(producer.name, str(information.mrid))]
    received = cells[(receiver.name, str(information.mrid))]
    assert "write" in produced["permissions"] and "read" in received["permissions"]
    assert received["information"]["data_class"] == "non_operational"
    assert received["information"]["standards"] == "IEC 62325"
    (justification,) = [item for item in received["justifications"] if item["url"].endswith(f"#step-{step.pk}")]
    assert (justification["step"], justification["side"], justification["use_case_id"]) == (
        "1.4",
        "receiver",
        step.scenario.use_case_id,
    )
    assert any(finding["rule"] == "AM001" for finding in body["findings"])

    policy = client.get(POLICY, {"workspace": "elering", "role": str(receiver.pk)}).json()
    assert [role["role"] for role in policy["roles"]] == [receiver.name]
    any_data = next(item for item in policy["roles"][0]["permissions"] if item["information"]["name"] == "Any Data")
    assert "read" in any_data["access"] and any_data["data_class"] == "non_operational"


def test_hidden_use_cases_contribute_nothing_also_in_counts():
    grid = WorkspaceFactory(slug="grid")
    viewer = member_of(grid, "viewer")
    hub, aggregator = ActorFactory(name="Data hub"), ActorFactory(name="Aggregator")
    usage = InformationObjectFactory(name="Usage", data_class="meter_usage")
    secret = InformationObjectFactory(name="Secret")
    seen = UseCaseFactory(workspace=grid)
    _exchange(seen, producer=hub, receiver=aggregator, information=usage)
    hidden = UseCaseFactory(name="Hidden")
    _exchange(hidden, producer=aggregator, receiver=hub, information=secret)
    _exchange(hidden, producer=aggregator, receiver=hub, information=usage)

    body = _client(viewer).get(URL).json()
    assert body["count"] == 2 and len(body["use_cases"]) == 1
    assert {cell["information"]["name"] for cell in body["results"]} == {"Usage"}
    assert {cell["access"] for cell in body["results"]} == {"produces", "receives"}  # never "both" from hidden
    assert all(item["use_case_id"] != hidden.pk for cell in body["results"] for item in cell["justifications"])
    assert _client(viewer).get(URL, {"use_case": str(hidden.pk)}).json()["count"] == 0
    policy = _client(viewer).get(POLICY).json()
    assert [item["id"] for item in policy["selection"]["use_cases"]] == [seen.pk]
    admin_body = _client(with_repository_role(UserFactory(), "administrator")).get(URL).json()
    assert admin_body["count"] == 4


def test_invalid_filters_are_a_400_naming_them():
    response = _client(UserFactory()).get(URL, {"status": "nonsense"})
    assert response.status_code == 400
    assert "status" in str(response.json())


def test_the_query_count_does_not_grow_with_the_number_of_use_cases():
    admin = with_repository_role(UserFactory(), "administrator")
    client = _client(admin)
    workspace = WorkspaceFactory(slug="many")
    make_complete_use_case(workspace=workspace, steps=6)

    def counted(url) -> int:
        client.get(url, {"workspace": "many"})
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"workspace": "many"}).status_code == 200
        return len(queries)

    before = counted(URL), counted(POLICY)
    for _ in range(9):
        make_complete_use_case(workspace=workspace, steps=6)
    assert (counted(URL), counted(POLICY)) == before
