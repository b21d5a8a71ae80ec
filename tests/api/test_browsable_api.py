"""The browsable API: every list and detail route of the API, asked for with `Accept: text/html` by every kind of
user, renders a page (never a 500) with the same status as the JSON answer (the cases of the permission matrix)."""

import pytest
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from tests.api.test_permission_matrix import API_CASES
from tests.ucmr.test_permission_matrix import (
    ROLES,
    world,  # noqa: F401 - the fixture
)

pytestmark = pytest.mark.django_db

# The schema is a document (YAML or JSON) with a reader of its own (api:docs), not a page.
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # what chromium sends
READS = [case for case in API_CASES if case.method == "get" and case.url_name != "api:schema"]


@pytest.fixture(autouse=True)
def no_throttling(settings):
    settings.UCMR_API_THROTTLE_USER = ""
    settings.UCMR_API_THROTTLE_ANON = ""


def html_status(world, case, role: str) -> int | str:  # noqa: F811 - the fixture's value
    client = APIClient()
    with transaction.atomic():
        if role != "anonymous":
            client.force_login(world.users[role])
        response = client.get(
            reverse(case.url_name, kwargs=case.kwargs(world)), case.data(world), HTTP_ACCEPT=BROWSER_ACCEPT
        )
        status = response.status_code
        content_type = response.headers.get("Content-Type", "")
        downloads = (
            "application/xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/zip",  # several use cases as Word documents
        )
        if status == 200 and not content_type.startswith(("text/html", "application/javascript", *downloads)):
            status = f"200 as {content_type}"
        transaction.set_rollback(True)
    return status


@pytest.mark.parametrize("case", READS, ids=[case.id for case in READS])
def test_every_route_renders_as_html_for_every_role(world, case):  # noqa: F811 - the fixture
    got = {role: html_status(world, case, role) for role in ROLES}
    assert got == case.expected
