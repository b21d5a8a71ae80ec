"""The consistency rules, each with a use case that breaks it and the clean use case that passes all of them, and
how findings are stored."""

import pytest

from sgam.models import NistPlacement, SgamPlacement, ValidationResult
from tests.factories import (
    ActorFactory,
    ActorRoleFactory,
    InformationObjectFactory,
    ObjectiveFactory,
    RequirementFactory,
    ScenarioFactory,
    StepFactory,
    UseCaseFactory,
    UseCaseRelationFactory,
)
from usecases.analysis.validation.rules import RULES, RULES_BY_ID
from usecases.analysis.validation.services import (
    usecase_findings,
    usecase_validation_errors,
    validation_run,
    validation_store,
)
from usecases.models import Kpi, Scenario, Step, UseCase

pytestmark = pytest.mark.django_db


def first_step(use_case: UseCase) -> Step:
    return Step.objects.get(scenario__use_case=use_case)


def set_field(name, value):
    return lambda use_case: UseCase.objects.filter(pk=use_case.pk).update(**{name: value})


def step_field(name, value):
    return lambda use_case: Step.objects.filter(scenario__use_case=use_case).update(**{name: value})


def unlisted(side):
    def breaker(use_case):
        getattr(first_step(use_case), side).add(ActorFactory(name=f"Stranger {side}"))

    return breaker


def scenario_primary_unlisted(use_case):
    Scenario.objects.get(use_case=use_case).primary_actors.add(ActorFactory(name="Stranger"))


def unused_actor(use_case):
    ActorRoleFactory(use_case=use_case, actor=ActorFactory(name="Bystander"))


def duplicate_information_id(use_case):
    first_step(use_case).information_objects.add(InformationObjectFactory(identifier=" io-clean "))


def requirement_without_id(use_case):
    first_step(use_case).requirements.update(identifier="")


def duplicate_requirement_id(use_case):
    Scenario.objects.get(use_case=use_case).requirements.add(RequirementFactory(identifier="r-clean"))


def kpi_objective_of_another_use_case(use_case):
    Kpi.objectives.through.objects.filter(kpi__use_case=use_case).update(objective=ObjectiveFactory())


def kpi_named_objective_missing(use_case):
    kpi = Kpi.objects.get(use_case=use_case)
    kpi.objectives.clear()
    kpi.extra = {"referenceToMentionedUseCaseObjective": "Maximise profit"}
    kpi.save()


def kpi_without_objective(use_case):
    Kpi.objects.get(use_case=use_case).objectives.clear()


def duplicate_scenario_number(use_case):
    StepFactory(scenario=ScenarioFactory(use_case=use_case, number="1"), number="1")


def duplicate_step_number(use_case):
    parent = first_step(use_case)
    StepFactory(scenario=parent.scenario, parent=parent, number="1")  # shown as 1.1
    StepFactory(scenario=parent.scenario, number="1.1")


def scenario_without_steps(use_case):
    ScenarioFactory(use_case=use_case, number="2")


def related_placeholder(use_case):
    UseCaseRelationFactory(
        use_case=use_case, related=UseCaseFactory(scope="", short_description="", workspace=use_case.workspace)
    )


def related_stub(use_case):
    UseCaseRelationFactory(use_case=use_case, related=UseCaseFactory(extra={"stub": True}))


def related_named_only(use_case):
    """A relation to the placeholder an import made for a related use case its file names only."""
    related = UseCaseFactory(scope="", short_description="", extra={"@exchange": {"placeholder": True}})
    UseCaseRelationFactory(use_case=use_case, related=related)


BREAKERS = [
    ("UC001", set_field("name", "   "), "section-1-1"),
    ("UC002", set_field("scope", ""), "section-1-3"),
    ("UC003", set_field("short_description", " "), "section-1-4"),
    ("UC004", set_field("short_description", "word " * 151), "section-1-4"),
    ("UC005", lambda use_case: use_case.actor_roles.all().delete(), "section-3-1"),
    ("UC006", lambda use_case: use_case.scenarios.all().delete(), "section-4-1"),
    ("UC007", unlisted("producers"), "step-"),
    ("UC008", unlisted("receivers"), "step-"),
    ("UC009", lambda use_case: first_step(use_case).information_objects.update(identifier=""), "informationobject-"),
    ("UC010", requirement_without_id, "requirement-"),
    ("UC011", kpi_objective_of_another_use_case, "kpi-"),
    ("UC011", kpi_named_objective_missing, "kpi-"),
    ("UC012", kpi_without_objective, "kpi-"),
    ("UC013", duplicate_scenario_number, "scenario-"),
    ("UC014", lambda use_case: use_case.scenarios.update(number=""), "scenario-"),
    ("UC015", duplicate_step_number, "step-"),
    ("UC016", step_field("number", ""), "step-"),
    ("UC017", unused_actor, "actorrole-"),
    ("UC018", step_field("service", "SHOW"), "step-"),
    ("UC018", step_field("service", "REPEAT"), "step-"),
    ("UC019", step_field("service", "REPEAT(1-5)"), "step-"),
    ("UC020", lambda use_case: SgamPlacement.objects.filter(use_case=use_case).delete(), "section-1-1"),
    ("UC021", lambda use_case: SgamPlacement.objects.filter(actor__roles__use_case=use_case).delete(), "actorrole-"),
    ("UC022", related_placeholder, "usecaserelation-"),
    ("UC022", related_stub, "usecaserelation-"),
    ("UC023", lambda use_case: first_step(use_case).receivers.clear(), "step-"),
    ("UC024", scenario_without_steps, "scenario-"),
    ("UC025", scenario_primary_unlisted, "scenario-"),
    ("UC026", duplicate_information_id, "informationobject-"),
    ("UC027", duplicate_requirement_id, "requirement-"),
    ("UC028", lambda use_case: NistPlacement.objects.filter(use_case=use_case).delete(), "section-1-1"),
    ("UC029", lambda use_case: use_case.versions.all().delete(), "section-1-2"),
    ("UC030", step_field("service", ""), "step-"),
    ("UC031", related_named_only, "usecaserelation-"),
]


def test_the_clean_use_case_passes_every_rule(clean_use_case):
    assert usecase_findings(use_case_id=clean_use_case.pk) == []


def test_every_rule_has_an_example_that_breaks_it():
    assert {rule.id for rule in RULES} == {rule_id for rule_id, _, _ in BREAKERS}


@pytest.mark.parametrize("rule_id, breaker, anchor", BREAKERS, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(BREAKERS)])
def test_a_use_case_breaking_a_rule_gets_its_finding(clean_use_case, rule_id, breaker, anchor):
    breaker(clean_use_case)

    findings = [finding for finding in usecase_findings(use_case_id=clean_use_case.pk) if finding.rule == rule_id]

    assert findings, f"{rule_id} found nothing"
    rule = RULES_BY_ID[rule_id]
    for finding in findings:
        assert finding.severity == rule.severity and finding.message and finding.hint
        assert finding.anchor.startswith(anchor), finding
        assert finding.section


@pytest.mark.parametrize("service", ["GET", "get", "REPEAT(1-1)", "REPEAT( 1 - 1 )", "TIMER"])
def test_services_of_the_iec_list_pass(clean_use_case, service):
    step_field("service", service)(clean_use_case)
    assert not {finding.rule for finding in usecase_findings(use_case_id=clean_use_case.pk)} & {"UC018", "UC019"}


def test_ids_other_use_cases_give_other_objects_break_no_rule(clean_use_case):
    """Two files may both call different information objects "IO-CLEAN": only a use case's own objects count."""
    InformationObjectFactory(identifier=" io-clean ")
    RequirementFactory(identifier="R-CLEAN")
    other = UseCaseFactory(workspace=clean_use_case.workspace)
    StepFactory(scenario=ScenarioFactory(use_case=other)).information_objects.add(
        InformationObjectFactory(identifier="IO-CLEAN")
    )

    assert usecase_findings(use_case_id=clean_use_case.pk) == []


def test_a_relation_to_a_related_use_case_named_only_is_no_error(clean_use_case):
    related_named_only(clean_use_case)

    assert [finding.rule for finding in usecase_findings(use_case_id=clean_use_case.pk)] == ["UC031"]
    assert usecase_validation_errors(use_case=clean_use_case) == []


def test_a_kpi_naming_an_existing_objective_passes(clean_use_case):
    kpi = Kpi.objects.get(use_case=clean_use_case)
    kpi.objectives.clear()
    kpi.extra = {"referenceToMentionedUseCaseObjective": " keep the grid within limits"}
    kpi.save()
    assert usecase_findings(use_case_id=clean_use_case.pk) == []


def test_the_known_use_case_has_the_expected_findings(known):
    found = {(finding.rule, finding.anchor) for finding in usecase_findings(use_case_id=known.use_case.pk)}
    meter, aggregator = (known.use_case.actor_roles.get(actor=actor) for actor in (known.meter, known.aggregator))
    assert found == {
        ("UC017", f"actorrole-{meter.pk}"),
        ("UC021", f"actorrole-{meter.pk}"),
        ("UC021", f"actorrole-{aggregator.pk}"),
        ("UC029", "section-1-2"),
    }


def test_validation_errors_for_the_review_workflow(clean_use_case):
    assert usecase_validation_errors(use_case=clean_use_case) == []
    set_field("scope", "")(clean_use_case)
    unused_actor(clean_use_case)  # a warning: does not block

    assert [finding.rule for finding in usecase_validation_errors(use_case=clean_use_case)] == ["UC002"]


def test_validation_run_stores_and_replaces_findings_with_the_revision(clean_use_case, known):
    result = validation_run(use_case_ids=[clean_use_case.pk, known.use_case.pk])
    assert result["validated"] == 2 and result["error"] == 0 and result["warning"] == 1 and result["info"] == 3

    stored = ValidationResult.objects.get(use_case=known.use_case)
    assert (stored.revision, stored.errors, stored.warnings, stored.infos) == (known.use_case.revision, 0, 1, 3)
    assert [finding.rule for finding in stored.findings.all()] == ["UC017", "UC021", "UC021", "UC029"]

    set_field("scope", "")(known.use_case)
    UseCase.objects.filter(pk=known.use_case.pk).update(revision=known.use_case.revision + 1)
    validation_run(use_case_ids=[known.use_case.pk])

    stored = ValidationResult.objects.get(use_case=known.use_case)
    assert stored.revision == known.use_case.revision + 1 and stored.errors == 1
    assert stored.findings.count() == 5 and stored.findings.filter(rule="UC002").exists()


def test_an_older_revision_never_replaces_a_newer_validation(clean_use_case):
    clean_use_case.revision = 5
    validation_store(use_case=clean_use_case, findings=[])
    clean_use_case.revision = 4

    assert validation_store(use_case=clean_use_case, findings=[]) is None
    assert ValidationResult.objects.get(use_case=clean_use_case).revision == 5
