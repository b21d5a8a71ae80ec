"""The pages and exports of the data access matrix, read as a user would: on the Elering files, with the cells,
the drill-down to the justifying steps, the summary, the difference between selections and versions, and the CSV,
Excel and JSON policy exports; what a reader may not see is never in them; the page's queries do not grow with the
number of use cases."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

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
from usecases.models import InformationObject, Step, UseCase
from usecases.versions import usecase_snapshot_create

pytestmark = pytest.mark.django_db

MATRIX = reverse("sgam:access_matrix")


@pytest.fixture
def admin(client):
    user = with_repository_role(UserFactory(), "administrator")
    client.force_login(user)
    return user


def _exchange(use_case, *, producer, receiver, information, number="1"):
    scenario = use_case.scenarios.first() or ScenarioFactory(use_case=use_case, number="1")
    step = StepFactory(scenario=scenario, number=number, name=f"Sends {information.name}")
    step.producers.set([producer] if producer else [])
    step.receivers.set([receiver] if receiver else [])
    step.information_objects.set([information])
    return step


def test_the_elering_matrix_page_links_each_cell_to_its_justifying_steps(client, admin, elering):  # noqa: F811
    InformationObject.objects.filter(name="Metering Data").update(data_class="meter_usage", standards="IEC 61968-9")
    response = client.get(MATRIX, {"workspace": "elering"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "3 use cases selected" in page
    assert 'id="data-class-meter_usage"' in page and "IEC 61968-9" in page
    step = Step.objects.get(scenario__use_case__name="Aggregate energy data", number="1.4")
    producer, information = step.producers.get(), step.information_objects.get()
    cell_url = reverse("sgam:access_matrix_cell", args=[producer.pk, information.pk])
    assert f'href="{cell_url}?workspace=elering"' in page
    cell = client.get(cell_url, {"workspace": "elering"})
    assert cell.status_code == 200
    assert f'href="{step.scenario.use_case.get_absolute_url()}#step-{step.pk}"' in cell.content.decode()
    assert "write" in cell.content.decode()
    listed = client.get(MATRIX, {"workspace": "elering", "view": "list", "sort": "-role"}).content.decode()
    assert 'id="access-list"' in listed and producer.name in listed
    assert 'id="findings"' in page and "AM001" in page  # the other Elering information has no data class


def test_cell_filters_keep_only_matching_cells(client, admin):
    use_case = UseCaseFactory()
    hub, dso, aggregator = ActorFactory(name="Data hub"), ActorFactory(name="DSO"), ActorFactory(name="Aggregator")
    usage = InformationObjectFactory(name="Usage", data_class="meter_usage")
    event = InformationObjectFactory(name="Outage", data_class="event_message")
    _exchange(use_case, producer=hub, receiver=dso, information=usage)
    _exchange(use_case, producer=dso, receiver=aggregator, information=event, number="2")
    page = client.get(MATRIX, {"data_class": "event_message", "view": "list"}).content.decode()
    assert "Outage" in page and "Usage</a>" not in page
    page = client.get(MATRIX, {"role": str(hub.pk), "view": "list"}).content.decode()
    assert "Data hub</a>" in page and "Aggregator</a></td>" not in page


def test_a_hidden_use_case_contributes_nothing_to_pages_and_exports(client):
    grid = WorkspaceFactory(slug="grid")
    viewer = member_of(grid, "viewer")
    client.force_login(viewer)
    hub, aggregator = ActorFactory(name="Data hub"), ActorFactory(name="Aggregator")
    usage = InformationObjectFactory(name="Usage", data_class="meter_usage")
    secret = InformationObjectFactory(name="Secret plan")
    _exchange(UseCaseFactory(workspace=grid), producer=hub, receiver=aggregator, information=usage)
    hidden = UseCaseFactory(name="Hidden")
    _exchange(hidden, producer=hub, receiver=aggregator, information=secret)
    page = client.get(MATRIX).content.decode()
    assert "1 use case selected" in page and "Secret plan" not in page
    assert "Secret plan" not in client.get(reverse("sgam:access_matrix_export", args=["csv"])).content.decode()
    policy = client.get(reverse("sgam:access_matrix_export", args=["json"])).json()
    assert hidden.pk not in [item["id"] for item in policy["selection"]["use_cases"]]
    cell = reverse("sgam:access_matrix_cell", args=[aggregator.pk, secret.pk])
    assert client.get(cell, {"use_case": str(hidden.pk)}).status_code == 404
    assert "0 use cases selected" in client.get(MATRIX, {"use_case": str(hidden.pk)}).content.decode()


def test_exports_csv_excel_and_policy(client, admin):
    use_case = UseCaseFactory(identifier="UC-X", name="Exchange meter data")
    mdo, supplier = ActorFactory(name="Metered data operator"), ActorFactory(name="Supplier")
    usage = InformationObjectFactory(
        identifier="IO-1", name="Meter readings", data_class="meter_usage", standards="IEC 61968-9"
    )
    step = _exchange(use_case, producer=mdo, receiver=supplier, information=usage)

    rows = list(
        csv.reader(io.StringIO(client.get(reverse("sgam:access_matrix_export", args=["csv"])).content.decode()))
    )
    assert rows[0][:3] == ["Role", "Role SGAM zones", "Role NIST domains"]
    assert [(row[0], row[4], row[5], row[6], row[7]) for row in rows[1:]] == [
        ("Metered data operator", "Meter readings", "Meter usage data", "IEC 61968-9", "produces"),
        ("Supplier", "Meter readings", "Meter usage data", "IEC 61968-9", "receives"),
    ]
    workbook = load_workbook(io.BytesIO(client.get(reverse("sgam:access_matrix_export", args=["xlsx"])).content))
    assert workbook.sheetnames == ["Access matrix", "NIST x data classes", "Findings"]
    assert workbook["Access matrix"]["A2"].value == "Metered data operator"

    policy = client.get(reverse("sgam:access_matrix_export", args=["json"])).json()
    assert policy["format"] == "ucmr-access-policy/1"
    supplier_policy = next(role for role in policy["roles"] if role["role"] == "Supplier")
    (permission,) = supplier_policy["permissions"]
    assert permission["access"] == ["read"] and permission["data_class"] == "meter_usage"
    assert permission["justification"][0]["url"].endswith(f"#step-{step.pk}")
    assert permission["justification"][0]["step"] == "1"


def test_summary_counts_roles_per_nist_domain_and_data_class(client, admin):
    from sgam.models import NistDomain, NistPlacement

    use_case = UseCaseFactory()
    dso, supplier = ActorFactory(name="DSO"), ActorFactory(name="Supplier")
    NistPlacement.objects.create(actor=dso, nist_domain=NistDomain.objects.get(code="distribution"))
    _exchange(use_case, producer=dso, receiver=supplier, information=InformationObjectFactory(data_class="operational"))
    response = client.get(reverse("sgam:access_matrix_summary"))
    rows = {domain[0]: entries for domain, entries in response.context["summary"].rows}
    operational = [code for code, _ in response.context["summary"].data_classes].index("operational")
    assert (rows["distribution"][operational].write, rows["distribution"][operational].read) == (1, 0)
    assert (rows[""][operational].write, rows[""][operational].read) == (0, 1)


def test_diff_between_selections_and_between_versions(client):
    grid, market = WorkspaceFactory(slug="grid"), WorkspaceFactory(slug="market")
    manager = member_of(grid, "manager")
    client.force_login(manager)
    hub, aggregator = ActorFactory(name="Data hub"), ActorFactory(name="Aggregator")
    usage = InformationObjectFactory(identifier="IO-U", name="Usage", data_class="meter_usage")
    use_case = UseCaseFactory(workspace=grid, status="approved")
    _exchange(use_case, producer=hub, receiver=None, information=usage)
    UseCaseFactory(workspace=market)  # not readable by the manager of grid: adds nothing

    snapshot = usecase_snapshot_create(user=manager, use_case=use_case, version_number="1.0")
    _exchange(use_case, producer=hub, receiver=aggregator, information=usage, number="2")
    page = client.get(
        reverse("sgam:usecase_access_diff", args=[use_case.pk]), {"old": snapshot.sequence, "new": "current"}
    ).content.decode()
    assert "This change gives Aggregator read access to IO-U Usage (meter usage data)." in page

    other = UseCaseFactory(workspace=grid)
    _exchange(other, producer=aggregator, receiver=hub, information=usage)
    response = client.get(
        reverse("sgam:access_matrix_diff"), {"old": f"use_case={use_case.pk}", "new": "workspace=grid"}
    )
    messages = [change.message for change in response.context["changes"]]
    assert messages == [
        "This change gives Aggregator write access to IO-U Usage (meter usage data).",
        "This change gives Data hub read access to IO-U Usage (meter usage data).",
    ]
    hidden = UseCaseFactory(name="Hidden")
    assert client.get(reverse("sgam:usecase_access_diff", args=[hidden.pk])).status_code == 404


def test_the_matrix_page_costs_the_same_queries_for_1_and_for_10_use_cases(client, admin):
    workspace = WorkspaceFactory(slug="many")
    make_complete_use_case(workspace=workspace, steps=6)

    def counted() -> int:
        client.get(MATRIX, {"workspace": "many"})
        with CaptureQueriesContext(connection) as queries:
            assert client.get(MATRIX, {"workspace": "many"}).status_code == 200
        return len(queries)

    one = counted()
    for _ in range(9):
        make_complete_use_case(workspace=workspace, steps=6)
    assert counted() == one
    assert UseCase.objects.filter(workspace=workspace).count() > 10
