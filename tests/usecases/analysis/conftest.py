"""A small known use case for the graph, diagram and validation tests, and a Graphviz call counter."""

from dataclasses import dataclass

import pytest

from actors.models import Actor
from sgam.models import Domain, NistDomain, NistPlacement, SgamPlacement, Zone
from tests.factories import (
    ActorFactory,
    ActorRoleFactory,
    InformationObjectFactory,
    KpiFactory,
    ObjectiveFactory,
    RequirementFactory,
    ScenarioFactory,
    StepFactory,
    UseCaseFactory,
    UseCaseRelationFactory,
    VersionEntryFactory,
)
from usecases.analysis import services as analysis_services
from usecases.models import ActorRole, Scenario, Step, UseCase
from usecases.selectors import usecase_get


def cell(domain: str | None, zone: str | None) -> dict:
    return {
        "domain": Domain.objects.get(code=domain) if domain else None,
        "zone": Zone.objects.get(code=zone) if zone else None,
    }


def nist(code: str) -> NistDomain:
    return NistDomain.objects.get(code=code)


@dataclass
class Known:
    """The known use case: who is who, and its rows."""

    use_case: UseCase
    tso: Actor
    dso: Actor
    dms: Actor
    aggregator: Actor
    meter: Actor
    dms_role: ActorRole
    scenario: Scenario
    other_scenario: Scenario
    steps: dict[str, Step]

    def load(self, user) -> UseCase:
        """The use case as pages and jobs load it (everything prefetched)."""
        return usecase_get(user=user, pk=self.use_case.pk)


def make_known(**fields) -> Known:
    """Actors: TSO and DSO (business actors placed by default), DMS (a system, placed at Distribution/Station in this
    use case, elsewhere by default), an aggregator (no placement at all), a meter (listed, used in no step).

    Scenario 1: 1 DSO -> TSO (IO-2, GET); 2 a macro step grouping 2.1 DMS internal (EXECUTE) and 2.2 DMS -> TSO and
    aggregator (IO-1, REPORT); 3 TSO -> DSO (IO-1, REPEAT(1-2)). Scenario 2: 1 aggregator -> DSO (IO-2, CHANGE).
    """
    use_case = UseCaseFactory(identifier="UC-KNOWN", name="Known use case", status="published", **fields)
    tso = ActorFactory(name="TSO", type=Actor.Type.BUSINESS)
    dso = ActorFactory(name="DSO", type=Actor.Type.BUSINESS)
    dms = ActorFactory(name="DMS", type=Actor.Type.SYSTEM)
    aggregator = ActorFactory(name="Aggregator", type=Actor.Type.BUSINESS)
    meter = ActorFactory(name="Meter", type=Actor.Type.DEVICE)
    roles = {
        actor.name: ActorRoleFactory(use_case=use_case, actor=actor) for actor in (tso, dso, dms, aggregator, meter)
    }
    SgamPlacement.objects.create(actor=tso, **cell("transmission", "operation"))
    SgamPlacement.objects.create(actor=dso, **cell("distribution", "operation"))
    SgamPlacement.objects.create(actor=dms, **cell("distribution", "operation"))
    SgamPlacement.objects.create(actor_role=roles["DMS"], **cell("distribution", "station"))
    NistPlacement.objects.create(actor=tso, nist_domain=nist("transmission"))
    NistPlacement.objects.create(actor=tso, nist_domain=nist("operations"))
    NistPlacement.objects.create(actor=dso, nist_domain=nist("distribution"))
    NistPlacement.objects.create(actor=dms, nist_domain=nist("operations"))
    SgamPlacement.objects.create(use_case=use_case, **cell("distribution", "operation"))
    NistPlacement.objects.create(use_case=use_case, nist_domain=nist("distribution"))

    constraints = InformationObjectFactory(identifier="IO-1", name="Grid constraints")
    forecast = InformationObjectFactory(identifier="IO-2", name="Forecast")
    SgamPlacement.objects.create(
        information_object=constraints, layer=None, **cell("distribution", "operation")
    )  # layer open: the Information layer by default
    scenario = ScenarioFactory(use_case=use_case, number="1", name="Day-ahead", position=1)
    other = ScenarioFactory(use_case=use_case, number="2", name="Activation", position=2)

    def step(number, name, *, parent=None, producers=(), receivers=(), information=(), service="", position=0, on=None):
        made = StepFactory(
            scenario=on or scenario, parent=parent, number=number, name=name, service=service, position=position
        )
        made.producers.set(producers)
        made.receivers.set(receivers)
        made.information_objects.set(information)
        return made

    steps = {
        "1": step(
            "1", "Send forecast", producers=[dso], receivers=[tso], information=[forecast], service="GET", position=1
        )
    }
    steps["2"] = step("2", "Agree constraints", position=2)
    steps["2.1"] = step("1", "Compute", parent=steps["2"], producers=[dms], service="EXECUTE", position=1)
    steps["2.2"] = step(
        "2",
        "Report",
        parent=steps["2"],
        producers=[dms],
        receivers=[tso, aggregator],
        information=[constraints],
        service="REPORT",
        position=2,
    )
    steps["3"] = step(
        "3",
        "Acknowledge",
        producers=[tso],
        receivers=[dso],
        information=[constraints],
        service="REPEAT(1-2)",
        position=3,
    )
    steps["other"] = step(
        "1",
        "Activate",
        producers=[aggregator],
        receivers=[dso],
        information=[forecast],
        service="CHANGE",
        on=other,
        position=1,
    )
    return Known(use_case, tso, dso, dms, aggregator, meter, roles["DMS"], scenario, other, steps)


@pytest.fixture
def known(db) -> Known:
    return make_known()


def make_clean_use_case(**fields) -> UseCase:
    """A use case on which no rule finds anything."""
    use_case = UseCaseFactory(identifier="UC-CLEAN", name="Clean use case", status="published", **fields)
    VersionEntryFactory(use_case=use_case)
    objective = ObjectiveFactory(use_case=use_case, name="Keep the grid within limits")
    KpiFactory(use_case=use_case, identifier="KPI-1").objectives.set([objective])
    producer = ActorFactory(name="Producer", type=Actor.Type.SYSTEM)
    receiver = ActorFactory(name="Receiver", type=Actor.Type.SYSTEM)
    for actor in (producer, receiver):
        ActorRoleFactory(use_case=use_case, actor=actor)
        SgamPlacement.objects.create(actor=actor, **cell("distribution", "operation"))
    SgamPlacement.objects.create(use_case=use_case, **cell("distribution", "operation"))
    NistPlacement.objects.create(use_case=use_case, nist_domain=nist("distribution"))
    scenario = ScenarioFactory(use_case=use_case, number="1", name="Normal operation")
    scenario.primary_actors.set([producer])
    step = StepFactory(scenario=scenario, number="1", name="Send", service="CREATE")
    step.producers.set([producer])
    step.receivers.set([receiver])
    step.information_objects.set([InformationObjectFactory(identifier="IO-CLEAN")])
    step.requirements.set([RequirementFactory(identifier="R-CLEAN")])
    UseCaseRelationFactory(use_case=use_case, related=UseCaseFactory(workspace=use_case.workspace), type="include")
    return use_case


@pytest.fixture
def clean_use_case(db) -> UseCase:
    return make_clean_use_case()


@pytest.fixture
def graphviz_calls(monkeypatch) -> list[str]:
    """Every Graphviz run (its output format) made through the rendering services during the test."""
    calls: list[str] = []
    real = analysis_services.graphviz_run

    def counting(*, dot, output_format, timeout=None):
        calls.append(output_format)
        return real(dot=dot, output_format=output_format, timeout=timeout)

    monkeypatch.setattr(analysis_services, "graphviz_run", counting)
    return calls
