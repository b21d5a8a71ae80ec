"""The data access matrix (sgam.access_matrix): read from the real Elering files of ../shared/iec62559/examples,
from synthetic use cases (groupings, nested steps, findings), from frozen versions; what the selection may hold
(permissions); and its query count, the same for 1 and for 12 use cases."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from actors.models import Actor
from sgam.access_matrix.model import BOTH, PRODUCES, RECEIVES, CellFilter, cells_filtered, name_key
from sgam.access_matrix.reports import AM001, AM002, AM003, access_findings, access_summary, matrix_diff
from sgam.access_matrix.selectors import access_matrix_get, access_matrix_select, access_matrix_usecases
from sgam.access_matrix.versions import access_matrix_of_version
from sgam.models import NistDomain, NistPlacement, SgamPlacement, Zone
from tests.factories import (
    ActorFactory,
    ActorGroupingFactory,
    ActorRoleFactory,
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
from usecases.exchange.loader import repository_import_xml
from usecases.models import InformationObject, Step, UseCase
from usecases.versions import usecase_version_document

pytestmark = pytest.mark.django_db

ELERING = (
    "variant-c/elering-1_aggregate-energy-data.xml",
    "variant-c/elering-5_collect-energy-data.xml",
    "variant-c/elering-14_manage-sub-meter-data.xml",
)


@pytest.fixture
def elering(iec_dir):
    """The three Elering files imported, as the system, into workspace "elering"."""
    workspace = WorkspaceFactory(slug="elering", name="Elering")
    for name in ELERING:
        repository_import_xml(user=None, data=(iec_dir / "examples" / name).read_bytes(), workspace=workspace)
    return workspace


def _matrix_of(user, **params):
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    return access_matrix_select(user=user, params=query).matrix


def test_every_step_of_the_elering_files_gives_its_producers_and_receivers_a_cell_justified_by_it(elering):
    admin = with_repository_role(UserFactory(), "administrator")
    matrix = _matrix_of(admin, workspace="elering")
    steps = Step.objects.filter(scenario__use_case__workspace=elering).prefetch_related(
        "producers", "receivers", "information_objects"
    )
    checked = 0
    for step in steps:
        for information in step.information_objects.all():
            for actors, direction in ((step.producers.all(), PRODUCES), (step.receivers.all(), RECEIVES)):
                for actor in actors:
                    cell = matrix.cells[(name_key(actor.name), str(information.mrid))]
                    justifications = cell.produced if direction == PRODUCES else cell.received
                    assert step.pk in {item.step_pk for item in justifications}
                    assert cell.access in (direction, BOTH)
                    checked += 1
    assert checked >= 20
    assert len(matrix.use_cases) == 3


def test_aggregate_energy_data_step_1_4_data_hub_produces_any_data_for_the_application(elering):
    """elering-1, step 1.4 "Forwards aggregated data request": a producer, a receiver, information "Any Data"."""
    admin = with_repository_role(UserFactory(), "administrator")
    step = Step.objects.get(scenario__use_case__name="Aggregate energy data", number="1.4")
    producer, receiver = step.producers.get(), step.receivers.get()
    information = step.information_objects.get()
    assert information.name == "Any Data"
    matrix = _matrix_of(admin, workspace="elering")
    produced = matrix.cells[(name_key(producer.name), str(information.mrid))]
    received = matrix.cells[(name_key(receiver.name), str(information.mrid))]
    assert step.pk in [item.step_pk for item in produced.produced]
    assert step.pk in [item.step_pk for item in received.received]
    justification = next(item for item in received.received if item.step_pk == step.pk)
    assert justification.step_number == "1.4" and justification.use_case_url.endswith(f"/{step.scenario.use_case_id}/")
    assert justification.url.endswith(f"#step-{step.pk}")


def test_only_steps_of_the_selection_justify_cells(elering):
    admin = with_repository_role(UserFactory(), "administrator")
    one = UseCase.objects.get(name="Aggregate energy data")
    matrix = _matrix_of(admin, use_case=str(one.pk))
    assert matrix.use_cases == [(one.pk, str(one))]
    assert {item.use_case_pk for cell in matrix.cells.values() for item in cell.justifications} == {one.pk}
    assert {cell.information.name for cell in matrix.cells.values()} == {"Any Data"}


def test_the_elering_information_has_no_data_class_until_a_curator_gives_it_one(elering):
    admin = with_repository_role(UserFactory(), "administrator")
    findings = access_findings(_matrix_of(admin, workspace="elering"))
    unclassified = {finding.message.split(" has no")[0] for finding in findings if finding.rule == AM001}
    assert "Info2 Metering Data" in unclassified
    InformationObject.objects.filter(name__in=["Metering Data", "Sub-Meter Data"]).update(data_class="meter_usage")
    findings = access_findings(_matrix_of(admin, workspace="elering"))
    assert "Info2 Metering Data" not in {finding.message.split(" has no")[0] for finding in findings}


def _step(use_case, number, *, producers=(), receivers=(), information=(), parent=None, scenario=None):
    scenario = scenario or use_case.scenarios.first() or ScenarioFactory(use_case=use_case, number="1")
    step = StepFactory(scenario=scenario, number=number, name=f"Step {number}", parent=parent)
    step.producers.set(producers)
    step.receivers.set(receivers)
    step.information_objects.set(information)
    return step


def test_nested_steps_count_and_are_numbered_as_on_the_page():
    admin = with_repository_role(UserFactory(), "administrator")
    use_case = UseCaseFactory()
    meter, supplier = ActorFactory(name="Meter"), ActorFactory(name="Supplier")
    reading = InformationObjectFactory(name="Reading", data_class="meter_usage")
    top = _step(use_case, "1")
    inner = _step(use_case, "2", parent=top, producers=[meter], receivers=[supplier], information=[reading])
    matrix = access_matrix_get(use_cases=access_matrix_usecases(user=admin))
    cell = matrix.cells[("supplier", str(reading.mrid))]
    assert [(item.step_pk, item.step_number) for item in cell.received] == [(inner.pk, "1.2")]


def test_an_actor_naming_a_grouping_of_the_use_case_stands_for_the_grouping_s_actors():
    admin = with_repository_role(UserFactory(), "administrator")
    use_case = UseCaseFactory()
    grouping = ActorGroupingFactory(use_case=use_case, name="Market parties")
    supplier, aggregator = ActorFactory(name="Supplier"), ActorFactory(name="Aggregator")
    for actor in (supplier, aggregator):
        ActorRoleFactory(use_case=use_case, actor=actor, grouping=grouping)
    parties, hub = ActorFactory(name="Market Parties"), ActorFactory(name="Data hub")
    ActorRoleFactory(use_case=use_case, actor=hub)
    data = InformationObjectFactory(name="Consumption", data_class="meter_usage")
    step = _step(use_case, "1", producers=[hub], receivers=[parties], information=[data])
    matrix = access_matrix_get(use_cases=access_matrix_usecases(user=admin))
    receivers = {role for (role, _), cell in matrix.cells.items() if cell.received}
    assert receivers == {"supplier", "aggregator"}
    justification = matrix.cells[("aggregator", str(data.mrid))].received[0]
    assert (justification.step_pk, justification.via) == (step.pk, "Market Parties")


def test_findings_meter_usage_without_producer_and_data_no_step_of_the_role_uses():
    admin = with_repository_role(UserFactory(), "administrator")
    use_case = UseCaseFactory()
    aggregator, hub, dso = ActorFactory(name="Aggregator"), ActorFactory(name="Data hub"), ActorFactory(name="DSO")
    usage = InformationObjectFactory(identifier="IO-1", name="Usage", data_class="meter_usage")
    schedule = InformationObjectFactory(identifier="IO-2", name="Schedule", data_class="operational")
    plain = InformationObjectFactory(identifier="IO-3", name="Plain", data_class="")
    _step(use_case, "1", receivers=[aggregator], information=[usage])  # nobody produces it for the aggregator
    _step(use_case, "2", producers=[aggregator], receivers=[hub], information=[schedule])
    _step(use_case, "3", producers=[hub], receivers=[dso], information=[plain])  # DSO produces nothing here
    findings = access_findings(access_matrix_get(use_cases=access_matrix_usecases(user=admin)))
    by_rule = {(finding.rule, finding.message.split(" ")[0]) for finding in findings}
    assert (AM001, "IO-3") in by_rule
    assert (AM002, "Aggregator") in by_rule
    assert (AM003, "DSO") in by_rule
    assert (AM003, "Aggregator") not in by_rule  # it produces the schedule in this use case
    assert not any(finding.rule == AM002 and "Data hub" in finding.message for finding in findings)


def test_roles_carry_the_zones_and_nist_domains_the_use_case_gives_them_else_their_defaults():
    admin = with_repository_role(UserFactory(), "administrator")
    use_case = UseCaseFactory()
    hub, dso = ActorFactory(name="Data hub"), ActorFactory(name="DSO")
    SgamPlacement.objects.create(actor=hub, zone=Zone.objects.get(code="enterprise"))
    NistPlacement.objects.create(actor=hub, nist_domain=NistDomain.objects.get(code="service_provider"))
    role = ActorRoleFactory(use_case=use_case, actor=dso)
    SgamPlacement.objects.create(actor_role=role, zone=Zone.objects.get(code="operation"))
    NistPlacement.objects.create(actor_role=role, nist_domain=NistDomain.objects.get(code="distribution"))
    NistPlacement.objects.create(actor=dso, nist_domain=NistDomain.objects.get(code="markets"))  # overridden
    data = InformationObjectFactory(data_class="operational", standards="IEC 61968-9")
    _step(use_case, "1", producers=[hub], receivers=[dso], information=[data])
    matrix = access_matrix_get(use_cases=access_matrix_usecases(user=admin))
    assert (matrix.roles["data hub"].zones, matrix.roles["data hub"].nist_text) == (["Enterprise"], "Service Provider")
    assert (matrix.roles["dso"].zones, matrix.roles["dso"].nist_text) == (["Operation"], "Distribution")
    assert matrix.cells[("dso", str(data.mrid))].information.standards == "IEC 61968-9"
    summary = access_summary(matrix.cells.values(), nist_domains=[("distribution", "Distribution")])
    (domain, entries), _not_placed = summary.rows
    operational = entries[[code for code, _ in summary.data_classes].index("operational")]
    assert domain[0] == "distribution" and (operational.read, operational.write, len(operational.roles)) == (1, 0, 1)


def test_cells_are_filtered_by_role_data_class_and_domain_and_sorted():
    admin = with_repository_role(UserFactory(), "administrator")
    use_case = UseCaseFactory()
    hub, dso = ActorFactory(name="Data hub"), ActorFactory(name="DSO")
    NistPlacement.objects.create(actor=dso, nist_domain=NistDomain.objects.get(code="distribution"))
    usage = InformationObjectFactory(identifier="A", data_class="meter_usage")
    event = InformationObjectFactory(identifier="B", data_class="event_message")
    _step(use_case, "1", producers=[hub], receivers=[dso], information=[usage, event])
    matrix = access_matrix_get(use_cases=access_matrix_usecases(user=admin))

    def keys(**kwargs):
        return [(cell.role.name, cell.information.identifier) for cell in cells_filtered(matrix, CellFilter(**kwargs))]

    assert keys(roles=(str(dso.pk),)) == [("DSO", "A"), ("DSO", "B")]
    assert keys(roles=("data HUB",), data_classes=("event_message",)) == [("Data hub", "B")]
    assert keys(domains=("distribution",)) == [("DSO", "A"), ("DSO", "B")]
    assert keys(domains=("none",)) == [("Data hub", "A"), ("Data hub", "B")]
    assert keys(sort="-role") == [("DSO", "B"), ("DSO", "A"), ("Data hub", "B"), ("Data hub", "A")]


def test_a_hidden_use_case_adds_nothing_also_in_counts():
    workspace = WorkspaceFactory(slug="grid")
    viewer = member_of(workspace, "viewer")
    hub, aggregator = ActorFactory(name="Data hub"), ActorFactory(name="Aggregator")
    usage = InformationObjectFactory(data_class="meter_usage")
    secret = InformationObjectFactory(name="Secret")
    seen = UseCaseFactory(workspace=workspace)
    _step(seen, "1", producers=[hub], receivers=[aggregator], information=[usage])
    hidden = UseCaseFactory(name="Hidden")  # another workspace, a draft
    _step(hidden, "1", producers=[hub], receivers=[aggregator], information=[usage, secret])
    published = UseCaseFactory(name="Published elsewhere", status="published")
    _step(published, "1", producers=[aggregator], receivers=[hub], information=[usage])

    matrix = _matrix_of(viewer)
    assert {pk for pk, _ in matrix.use_cases} == {seen.pk, published.pk}
    assert {cell.information.name for cell in matrix.cells.values()} == {usage.name}
    assert all(item.use_case_pk != hidden.pk for cell in matrix.cells.values() for item in cell.justifications)
    assert len(matrix.cells[("aggregator", str(usage.mrid))].received) == 1
    assert _matrix_of(viewer, use_case=str(hidden.pk)).cells == {}
    outsider = UserFactory()
    assert {pk for pk, _ in _matrix_of(outsider).use_cases} == {published.pk}


def test_the_query_count_does_not_grow_with_the_number_of_use_cases():
    admin = with_repository_role(UserFactory(), "administrator")
    workspace = WorkspaceFactory(slug="many")
    make_complete_use_case(workspace=workspace, steps=6)

    def counted() -> int:
        _matrix_of(admin, workspace="many")  # the user's permissions are cached on it after the first read
        with CaptureQueriesContext(connection) as queries:
            matrix = _matrix_of(admin, workspace="many")
            assert matrix.cells
        return len(queries)

    one = counted()
    for _ in range(11):
        make_complete_use_case(workspace=workspace, steps=6)
    assert counted() == one
    assert len(_matrix_of(admin, workspace="many").use_cases) > 12  # with the related use cases made beside them


def test_two_versions_of_a_use_case_differ_by_the_access_the_change_gives():
    manager_workspace = WorkspaceFactory()
    manager = member_of(manager_workspace, "manager")
    use_case = UseCaseFactory(workspace=manager_workspace, status="approved")
    hub, aggregator = ActorFactory(name="Data hub, Estonia"), ActorFactory(name="Aggregator")
    usage = InformationObjectFactory(identifier="IO-U", name="Usage", data_class="meter_usage")
    _step(use_case, "1", producers=[hub], information=[usage])
    from usecases.versions import usecase_snapshot_create

    snapshot = usecase_snapshot_create(user=manager, use_case=use_case, version_number="0.1")
    _step(use_case, "2", producers=[hub], receivers=[aggregator], information=[usage])

    def matrix(choice):
        document, label = usecase_version_document(user=manager, use_case=use_case, choice=choice)
        return access_matrix_of_version(use_case=use_case, document=document, label=label)

    old, new = matrix(str(snapshot.sequence)), matrix("current")
    assert set(old.cells) == {("data hub, estonia", str(usage.mrid))}  # a name with a comma stays whole
    changes = matrix_diff(old, new)
    assert [(change.role.name, change.gained, change.lost) for change in changes] == [("Aggregator", ["read"], [])]
    assert changes[0].message == "This change gives Aggregator read access to IO-U Usage (meter usage data)."
    assert Actor.objects.get(name="Aggregator").pk == changes[0].role.pk
