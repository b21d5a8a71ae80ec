"""Writes that change nothing write nothing: each real file of ../shared/iec62559/examples is imported, and every
use case it gave (placeholders of related use cases too) is read over the API and written back. A PUT of the
document read, or a PATCH of the values read, keeps the revision and the ETag and adds no audit entry, so that a
second client holding the same ETag is not refused; a write that changes one thing bumps the revision once and
records that one thing."""

import pytest
from rest_framework.test import APIClient

from tests.factories import WorkspaceFactory, member_of
from tests.usecases.exchange.conftest import EXAMPLE_IDS, EXAMPLES
from ucmr.models import ChangeLogEntry
from usecases.exchange.loader import repository_import_xml
from usecases.exchange.records import bookkeeping
from usecases.exchange.use_cases import PLACEHOLDER
from usecases.forms import USECASE_FIELDS
from usecases.models import UseCase

pytestmark = pytest.mark.django_db


@pytest.fixture(params=EXAMPLES, ids=EXAMPLE_IDS)
def imported(request, iec_dir) -> tuple[APIClient, list[UseCase]]:
    """(a client signed in as the author, the use cases the file gave)."""
    workspace = WorkspaceFactory(slug="grid", name="Grid")
    author = member_of(workspace, "author", username="author")
    data = (iec_dir / "examples" / request.param).read_bytes()
    repository_import_xml(user=author, data=data, workspace=workspace)
    client = APIClient()
    client.force_authenticate(author)
    use_cases = list(UseCase.objects.order_by("pk"))
    assert any(not bookkeeping(use_case).get(PLACEHOLDER) for use_case in use_cases)
    return client, use_cases


def _url(use_case: UseCase) -> str:
    return f"/api/use-cases/{use_case.pk}/"


def _state(use_case: UseCase) -> tuple[int, int]:
    return UseCase.objects.get(pk=use_case.pk).revision, ChangeLogEntry.objects.count()


def test_a_document_read_and_put_back_changes_nothing(imported):
    client, use_cases = imported
    for use_case in use_cases:
        read = client.get(_url(use_case))
        before = _state(use_case)

        written = client.put(_url(use_case), read.json(), format="json", HTTP_IF_MATCH=read["ETag"])

        assert written.status_code == 200, (use_case, written.json())
        assert written["ETag"] == read["ETag"], use_case
        assert _state(use_case) == before, use_case
        late = client.patch(_url(use_case), {"document": {}}, format="json", HTTP_IF_MATCH=read["ETag"])
        assert late.status_code == 200, "a second client holding the same ETag is not refused"


def test_the_loader_writes_nothing_for_a_document_it_wrote(imported):
    """Without its libraries the document is not the one read, so it goes through the loader, which finds every row
    as it is (dates in the file's time zone, positions, the file's spelling of shortened values)."""
    client, use_cases = imported
    for use_case in use_cases:
        if bookkeeping(use_case).get(PLACEHOLDER):
            continue  # a placeholder written as a whole document is a use case of its own
        read = client.get(_url(use_case))
        before = _state(use_case)

        written = client.put(_url(use_case), {"document": read.json()["document"]}, format="json")

        assert written.status_code == 200, (use_case, written.json())
        assert written["ETag"] == read["ETag"], use_case
        assert _state(use_case) == before, use_case


def test_a_patch_of_the_values_read_changes_nothing(imported):
    client, use_cases = imported
    for use_case in use_cases:
        read = client.get(_url(use_case))
        values = {name: read.json()["document"][name] for name in USECASE_FIELDS}
        before = _state(use_case)

        written = client.patch(_url(use_case), {"document": values}, format="json", HTTP_IF_MATCH=read["ETag"])

        assert written.status_code == 200, (use_case, written.json())
        assert written["ETag"] == read["ETag"], use_case
        assert _state(use_case) == before, use_case


def test_a_patch_that_changes_one_value_bumps_once_and_records_it(imported):
    client, use_cases = imported
    for use_case in use_cases:
        read = client.get(_url(use_case))
        values = {name: read.json()["document"][name] for name in USECASE_FIELDS}
        values["scope"] = "Changed over the API."
        revision, entries = _state(use_case)

        written = client.patch(_url(use_case), {"document": values}, format="json", HTTP_IF_MATCH=read["ETag"])

        assert written.status_code == 200, (use_case, written.json())
        assert written["ETag"] != read["ETag"]
        assert _state(use_case) == (revision + 1, entries + 1)
        entry = ChangeLogEntry.objects.latest("pk")
        assert {key for key in entry.after if entry.after[key] != entry.before[key]} == {"scope"}
        stale = client.patch(_url(use_case), {"document": values}, format="json", HTTP_IF_MATCH=read["ETag"])
        assert stale.status_code == 412


def test_a_put_that_changes_one_row_records_that_row(imported):
    client, use_cases = imported
    for use_case in use_cases:
        read = client.get(_url(use_case))
        body = read.json()
        scenarios = body["document"]["scenarios"]
        if not scenarios:
            continue
        scenarios[0]["name"] += " (renamed)"
        revision, entries = _state(use_case)

        written = client.put(_url(use_case), body, format="json", HTTP_IF_MATCH=read["ETag"])

        assert written.status_code == 200, (use_case, written.json())
        assert _state(use_case) == (revision + 1, entries + 1)
        entry = ChangeLogEntry.objects.latest("pk")
        assert (entry.content_type.model, entry.object_repr.endswith("(renamed)")) == ("scenario", True)
