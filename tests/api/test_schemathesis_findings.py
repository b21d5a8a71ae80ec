"""What tests/api/test_schemathesis.py found, each as the plain request that showed it: answers in a shape or with a
status the schema did not declare, and a 500."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from sgam.models import Domain, SgamPlacement
from tests.factories import UseCaseFactory, UserFactory, with_repository_role
from usecases.models import UseCase
from usecases.workflow import usecase_approve

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_throttling(settings):
    settings.UCMR_API_THROTTLE_USER = ""
    settings.UCMR_API_THROTTLE_ANON = ""


@pytest.fixture
def administrator():
    return with_repository_role(UserFactory(username="administrator"), "administrator")


@pytest.fixture
def api(administrator) -> APIClient:
    client = APIClient()
    client.force_authenticate(administrator)
    return client


@pytest.fixture
def schema(api) -> dict:
    return api.get(reverse("api:schema"), {"format": "json"}).json()


def _is_error(response, status: int) -> bool:
    body = response.json()
    return (
        response.status_code == status
        and response["Content-Type"] == "application/json"
        and body["status"] == status
        and set(body) == {"status", "code", "message", "errors"}
    )


@pytest.mark.parametrize("value", ["²", "9223372036854775808", "-1", "x"])
def test_an_xml_export_of_ids_that_cannot_be_ids_is_a_400_not_a_500(api, value):
    response = api.get("/api/use-cases/xml/", {"id": ["1", value]})

    assert _is_error(response, 400)
    assert response.json()["errors"][0]["path"] == "id"


def test_an_error_of_an_xml_download_is_json_in_the_error_shape_not_xml(api):
    missing = api.get("/api/use-cases/0/xml/")
    not_an_id = api.get("/api/use-cases/xml/", {"id": "x"})

    assert _is_error(missing, 404)
    assert _is_error(not_an_id, 400)
    assert not_an_id.json()["errors"][0]["path"] == "id"


@pytest.mark.parametrize(
    "path",
    [
        "/api/jobs/not-a-job/",
        "/api/imports/000000000000000000000000000000000000/confirm/",
        "/api/use-cases/1/versions/latest/",
        "/api/sgam/layers/a.b%0Ac/",
        "/api/no-such-collection/",
    ],
)
def test_an_address_under_api_that_names_nothing_is_a_404_in_the_error_shape(api, path):
    assert _is_error(api.get(path), 404)
    assert _is_error(api.post(path), 404)


def test_an_unknown_address_still_asks_an_anonymous_client_to_sign_in():
    response = APIClient().get("/api/no-such-collection/")

    assert _is_error(response, 401)
    assert response["WWW-Authenticate"] == "Token"


def test_the_versions_of_a_use_case_are_a_plain_list_as_the_schema_says(api, administrator, schema):
    use_case = UseCaseFactory(status=UseCase.Status.IN_REVIEW)
    usecase_approve(user=administrator, use_case=use_case)

    response = api.get(f"/api/use-cases/{use_case.pk}/versions/", {"page": "2", "status": "draft"})

    assert response.status_code == 200
    assert [version["status"] for version in response.json()] == ["approved"]
    operation = schema["paths"]["/api/use-cases/{id}/versions/"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    assert [parameter["name"] for parameter in operation["parameters"]] == ["id"]


@pytest.mark.parametrize("basename", ["sgam-placement", "nist-placement"])
@pytest.mark.parametrize("value", ["-87923793635850939936632140201984", "9223372036854775808", "1.5"])
def test_a_placement_filter_by_an_id_the_database_cannot_hold_is_a_400_not_a_500(api, basename, value):
    response = api.get(reverse(f"api:{basename}-list"), {"information_object": value})

    assert _is_error(response, 400)
    assert response.json()["errors"][0]["path"] == "information_object"


def test_a_placement_filter_by_the_largest_id_finds_nothing(api):
    SgamPlacement.objects.create(use_case=UseCaseFactory(status="published"), domain=Domain.objects.first())

    response = api.get(reverse("api:sgam-placement-list"), {"use_case": str(2**63 - 1)})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_every_operation_declares_its_refusals_in_the_error_shape(schema):
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"401", "403", "429"} <= set(responses), (method, path)
            for status, response in responses.items():
                if status >= "400":
                    assert response["content"] == {"application/json": {"schema": error}}, (method, path, status)
    use_case = schema["paths"]["/api/use-cases/{id}/"]
    assert {"400", "404", "409", "412", "413", "415"} <= set(use_case["put"]["responses"])
    assert "412" not in use_case["get"]["responses"]
