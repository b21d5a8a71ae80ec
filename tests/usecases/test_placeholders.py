"""Related use cases a file names only (identifier, mRID, name, nature) are placeholders: targets of relations, not
use cases. With every real file of ../shared/iec62559/examples imported, no list, count, facet, search or export
of "all" takes them for use cases; the use case that relates to one shows it as such."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.usecases.exchange.conftest import EXAMPLES
from usecases.exchange.dumper import repository_export
from usecases.exchange.loader import repository_import_xml
from usecases.models import UseCase
from usecases.xml import read_document, write_variant_c

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(iec_dir) -> tuple[list[UseCase], list[UseCase]]:
    """(the use cases proper, the placeholders) after importing every example file."""
    for name in EXAMPLES:
        repository_import_xml(user=None, data=(iec_dir / "examples" / name).read_bytes(), workspace=None)
    use_cases = list(UseCase.objects.order_by("pk"))
    placeholders = [use_case for use_case in use_cases if use_case.is_placeholder]
    proper = [use_case for use_case in use_cases if not use_case.is_placeholder]
    assert len(proper) == len(EXAMPLES) and placeholders
    return proper, placeholders


@pytest.fixture
def reader(client, repository_reader):
    client.force_login(repository_reader)
    return client


def _pks(use_cases) -> set[int]:
    return {use_case.pk for use_case in use_cases}


def test_the_list_its_search_and_its_facets_show_use_cases_only(imported, reader):
    proper, placeholders = imported
    url = reverse("usecases:usecase_list")

    page = reader.get(url)
    assert _pks(page.context["object_list"]) == _pks(proper)
    assert page.context["paginator"].count == len(proper)
    for facet in page.context["facets"]:
        if facet.name in ("workspace", "status"):
            assert sum(value.count for value in facet.values) == len(proper), facet.name
    natures = {value.value for facet in page.context["facets"] if facet.name == "nature" for value in facet.values}
    assert natures == {use_case.nature for use_case in proper if use_case.nature}
    market_offering = next(use_case for use_case in placeholders if use_case.name == "Market Offering")
    # The text search finds use cases whose steps speak of the market offering, never the placeholder itself.
    found = _pks(reader.get(url, {"q": market_offering.name}).context["object_list"])
    assert market_offering.pk not in found and found <= _pks(proper)


def test_counts_of_the_home_and_workspace_pages_and_the_api_list_take_use_cases_only(
    imported, reader, repository_reader
):
    proper, _ = imported

    assert reader.get(reverse("home")).context["counts"]["use_cases"] == len(proper)
    workspaces = reader.get(reverse("usecases:workspace_list")).context["workspaces"]
    assert sum(workspace.use_case_count for workspace in workspaces) == len(proper)
    api = APIClient()
    api.force_authenticate(repository_reader)
    listed = api.get("/api/use-cases/", {"page_size": 100}).json()
    assert listed["count"] == len(proper)
    assert {row["id"] for row in listed["results"]} == _pks(proper)


def test_a_placeholder_stays_the_target_of_its_relation(imported, reader):
    proper, placeholders = imported
    relating = next(use_case for use_case in proper if use_case.relations.filter(related__in=placeholders).exists())
    target = relating.relations.get(related__in=placeholders).related

    page = reader.get(relating.get_absolute_url()).content.decode()

    assert target.get_absolute_url() in page and "named by an imported file only" in page
    assert reader.get(target.get_absolute_url()).status_code == 200


def test_an_export_of_all_writes_placeholders_as_stubs(imported):
    proper, placeholders = imported

    document = read_document(
        data=write_variant_c(document=repository_export(user=None, use_cases=UseCase.objects.all()))
    )

    assert {use_case.name for use_case in document.full_use_cases} == {use_case.name for use_case in proper}
    stubs = {use_case.name for use_case in document.use_cases if use_case.is_stub}
    assert {use_case.name for use_case in placeholders} <= stubs


def test_information_objects_sharing_an_id_are_kept_and_shown_with_their_use_case(imported, reader):
    """edf-1 and the elering files all call different information objects "Info1": each is kept (told apart by
    mRID), and the library list names the use case each comes with."""
    proper, _ = imported

    page = reader.get(reverse("usecases:information_object_list"), {"q": "Info1"})

    info1 = [item for item in page.context["object_list"] if item.identifier.casefold() == "info1"]
    assert len(info1) == 4 and all(item.id_shared for item in info1)
    origins = {item.origin for item in info1}
    assert len(origins) == 4 and origins <= {use_case.name for use_case in proper}
    text = page.content.decode()
    assert all(f"of {origin}" in text for origin in origins)


def test_my_work_lists_no_placeholder_among_the_drafts(imported, client, django_user_model):
    proper, _ = imported
    client.force_login(django_user_model.objects.create_superuser("admin", password="pw-admin-1"))

    drafts = client.get(reverse("usecases:my_work")).context["work"].drafts

    assert _pks(drafts) == _pks(proper)
