"""Step numbers in the step editor: a new step's form offers the number the step gets by its place, so that a step
is numbered unless the author empties the field; what the form says of an empty number is what the validation then
says (UC016, "Step without number", a warning naming the number the step is shown as)."""

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from tests.factories import ScenarioFactory, StepFactory, UseCaseFactory, WorkspaceFactory, member_of
from tests.usecases.test_pickers import HTMX, create_step
from usecases.analysis.validation.rules import RULES_BY_ID
from usecases.analysis.validation.services import usecase_findings
from usecases.authoring.forms import ScenarioForm, StepForm
from usecases.models import Step

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    workspace = WorkspaceFactory()
    use_case = UseCaseFactory(workspace=workspace)
    return SimpleNamespace(
        use_case=use_case, scenario=ScenarioFactory(use_case=use_case), author=member_of(workspace, "author")
    )


def new_step_form(world) -> StepForm:
    return StepForm(use_case=world.use_case, scenario=world.scenario, user=world.author)


@pytest.mark.parametrize(
    ("numbers", "offered"),
    [
        ([], "1"),
        (["1", "2"], "3"),
        (["", ""], "3"),  # numbered by their place: 1 and 2
        (["1", "5"], "6"),  # never one that is taken
        (["A", "B"], ""),  # numbered otherwise: the author numbers it
    ],
)
def test_a_new_step_is_offered_the_next_number(world, numbers, offered):
    for position, number in enumerate(numbers):
        StepFactory(scenario=world.scenario, number=number, position=position)
    if numbers:  # a sub-step counts for nothing
        StepFactory(scenario=world.scenario, number="9", parent=Step.objects.filter(scenario=world.scenario).first())

    assert (new_step_form(world)["number"].value() or "") == offered


@pytest.mark.parametrize(
    ("numbers", "offered"),
    [
        (["1", "2"], "3"),
        (["", ""], "3"),  # numbered by their place: 1 and 2
        (["1", "5"], "6"),  # never one that is taken
        (["A", "B"], ""),  # numbered otherwise: the author numbers it
    ],
)
def test_a_new_scenario_is_offered_the_next_number(world, numbers, offered):
    world.scenario.delete()
    for number in numbers:
        ScenarioFactory(use_case=world.use_case, number=number)

    form = ScenarioForm(use_case=world.use_case, user=world.author)

    assert (form["number"].value() or "") == offered


def test_what_the_form_says_of_an_empty_number_is_what_the_validation_says(client, world):
    client.force_login(world.author)
    page = client.get(
        reverse("usecases:row_list", kwargs={"pk": world.use_case.pk, "scenario": world.scenario.pk, "table": "steps"}),
        **HTMX,
    ).content.decode()
    assert re.search(r'<input type="text" name="number" value="1"[^>]*id="steps-\d+-new-number"', page)

    assert create_step(client, world, {"name": "Numbered", "number": "1"}).status_code == 200
    assert create_step(client, world, {"name": "Left empty", "number": ""}).status_code == 200

    (finding,) = [item for item in usecase_findings(use_case_id=world.use_case.pk) if item.rule == "UC016"]
    assert "('Left empty', shown as 2)" in finding.message and finding.severity == "warning"
    help_text = new_step_form(world).fields["number"].help_text
    assert "the page numbers the step by its place" in help_text and "validation warns" in help_text
    assert f"“{RULES_BY_ID['UC016'].title}”" in help_text
