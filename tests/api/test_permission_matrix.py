"""Every API endpoint and method, requested by every kind of user, with the exact status each must get (the cases
are in matrix_*.py beside this file). Each request runs in a savepoint that is rolled back, so that every role
meets the same world (the `world` of tests/ucmr/test_permission_matrix.py)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from tests.api.matrix_access import ACCESS_MATRIX_API_CASES
from tests.api.matrix_comments import COMMENT_API_CASES
from tests.api.matrix_libraries import LIBRARY_API_CASES
from tests.api.matrix_usecases import USECASE_API_CASES
from tests.ucmr.test_permission_matrix import (
    ROLES,
    Case,
    world,  # noqa: F401 - the fixture
)

pytestmark = pytest.mark.django_db

API_CASES = USECASE_API_CASES + LIBRARY_API_CASES + ACCESS_MATRIX_API_CASES + COMMENT_API_CASES
DONE = (200, 201, 202, 204)


@pytest.fixture(autouse=True)
def no_throttling(settings):
    settings.UCMR_API_THROTTLE_USER = ""
    settings.UCMR_API_THROTTLE_ANON = ""


def api_request_as(world, case: Case, role: str) -> int | str:  # noqa: F811 - the fixture's value
    """The status `role` gets for the case; "<status> without effect" for a write answered as done that changed
    nothing."""
    client = APIClient()
    with transaction.atomic():
        if role != "anonymous":
            client.force_login(world.users[role])
        url = reverse(case.url_name, kwargs=case.kwargs(world))
        data = case.data(world)
        if case.method == "get":
            response = client.get(url, data)
        elif any(isinstance(value, SimpleUploadedFile) for value in data.values()):
            response = client.generic(case.method.upper(), url, **_multipart(client, data))
        else:
            response = client.generic(case.method.upper(), url, json.dumps(data), content_type="application/json")
        status = response.status_code
        if case.effect is not None and status in DONE and not case.effect(world):
            status = f"{status} without effect"
        transaction.set_rollback(True)
    return status


def _multipart(client: APIClient, data: dict) -> dict:
    body, content_type = client._encode_data(data, format="multipart")
    return {"data": body, "content_type": content_type}


@pytest.mark.parametrize("case", API_CASES, ids=[case.id for case in API_CASES])
def test_every_role_gets_the_expected_status(world, case):  # noqa: F811 - the fixture
    got = {role: api_request_as(world, case, role) for role in ROLES}
    assert got == case.expected


@pytest.mark.parametrize("case", API_CASES, ids=[case.id for case in API_CASES])
def test_anonymous_clients_read_what_the_setting_opens(world, settings, case):  # noqa: F811 - the fixture
    settings.UCMR_PUBLIC_READ = True
    expected = case.public if case.public is not None else case.expected["anonymous"]
    assert api_request_as(world, case, "anonymous") == expected
