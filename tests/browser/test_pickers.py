"""The library pickers of the step form in the browser (static/js/pickers.js on Tom Select): three actors picked and
two new information objects added in one save, with the mouse alone (no Ctrl) and with the keyboard alone.

With UCMR_SCREENSHOTS set to a directory, the tests leave screenshots of the open pickers there."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import (
    ActorFactory,
    ActorRoleFactory,
    InformationObjectFactory,
    ScenarioFactory,
    UseCaseFactory,
    WorkspaceFactory,
    member_of,
)
from usecases.models import InformationObject, Step

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads what the test commits

PASSWORD = "Analyst-pw-47!"
ACTORS = ["Aggregator", "Battery management system", "Distribution system operator", "Home energy manager"]


@pytest.fixture
def steps_editor(page, live_server):
    """The steps editor of a draft's scenario on the use case page, for an analyst; the information library holds
    64 objects."""
    workspace = WorkspaceFactory(name="Grid operations")
    analyst = member_of(workspace, "author", username="analyst")
    analyst.set_password(PASSWORD)
    analyst.save()
    use_case = UseCaseFactory(workspace=workspace, name="Control a home battery")
    for name in ACTORS:
        ActorRoleFactory(use_case=use_case, actor=ActorFactory(name=name))
    scenario = ScenarioFactory(use_case=use_case, name="Normal operation")
    for number in range(64):
        InformationObjectFactory(identifier=f"Info{number}", name=f"Measurement {number}")
    sign_in(page, "analyst", PASSWORD)
    page.goto(use_case.get_absolute_url())
    page.get_by_role("link", name="Edit scenarios, their conditions and steps").click()
    page.get_by_role("link", name=re.compile("^4.2 Steps of scenario .*Normal operation$")).click()
    editor = page.locator(".table-editor[data-editor-id^='steps-']")
    editor.scenario = scenario
    return editor


@pytest.fixture
def steps(steps_editor):
    """The steps editor with its new-step form open."""
    steps_editor.get_by_text("New step", exact=True).click()
    return steps_editor


def _screenshot(page, name: str) -> None:
    directory = os.environ.get("UCMR_SCREENSHOTS")
    if directory:
        # caret="initial": hiding the caret would leave style attributes that htmx's next swap copies (CSP).
        page.screenshot(path=os.path.join(directory, f"{name}.png"), caret="initial")


def _saved(editor, name: str) -> Step:
    expect(editor.get_by_role("cell", name=name, exact=True)).to_be_visible()
    return Step.objects.get(scenario=editor.scenario, name=name)


def _tab_to(page, target, most: int = 12) -> None:
    """Press Tab until `target` has the focus (the rich text toolbars add stops between fields)."""
    for _ in range(most):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    expect(target).to_be_focused()


def _assert_written(step: Step, new: dict[str, str]) -> None:
    assert sorted(actor.name for actor in step.producers.all()) == ACTORS[:3]
    assert {(item.identifier, item.name) for item in step.information_objects.all()} == set(new.items())
    assert InformationObject.objects.count() == 64 + 2


def test_three_actors_and_two_new_information_objects_with_the_mouse(steps):
    form = steps.locator("details[data-new-row] form")
    form.get_by_label("Name of process/activity").fill("Send the schedule")
    producers = form.get_by_role("combobox", name="Information producer (actor)")
    producers.click()  # the list opens with the use case's actors, from the search endpoint
    dropdown = form.locator("#" + producers.get_attribute("aria-controls"))
    for name in ACTORS[:3]:
        dropdown.get_by_text(name, exact=True).click()  # a plain click adds; the list stays open
    tokens = form.locator(".ts-control .item")
    expect(tokens).to_have_count(3)
    expect(dropdown.get_by_text(ACTORS[3], exact=True)).to_be_visible()
    _screenshot(steps.page, "pickers-actors-open")

    information = form.get_by_role("combobox", name="Information exchanged")
    information.click()
    expect(form.locator(".ts-dropdown .option", has_text="Measurement").first).to_be_visible()
    _screenshot(steps.page, "pickers-information-open")
    form.get_by_label("Name of process/activity").click()  # elsewhere: the list closes
    new = {"IO-90": "Day-ahead schedule", "IO-91": "Price signal"}
    for number, (identifier, name) in enumerate(new.items(), start=1):
        form.get_by_role("button", name="New information…").click()
        form.get_by_label(f"New information {number}: ID").fill(identifier)
        form.get_by_label(f"New information {number}: Name").fill(name)
    _screenshot(steps.page, "pickers-new-information")
    form.get_by_role("button", name="Add step").click()

    _assert_written(_saved(steps, "Send the schedule"), new)


def test_three_actors_and_two_new_information_objects_with_the_keyboard(steps):
    page = steps.page
    form = steps.locator("details[data-new-row] form")
    form.get_by_label("Name of process/activity").focus()
    page.keyboard.type("Report the state")
    _tab_to(page, form.get_by_role("combobox", name="Information producer (actor)"))  # past description, service
    for name in ACTORS[:3]:
        page.keyboard.type(name[:6])
        expect(form.locator(".ts-dropdown:visible .option.active")).to_have_text(name)
        page.keyboard.press("Enter")
    expect(form.locator(".ts-control .item")).to_have_count(3)
    page.keyboard.press("Escape")  # closes the list, not the form
    expect(form).to_be_visible()

    _tab_to(page, form.get_by_role("combobox", name="Information exchanged"), most=3)  # past the receivers
    page.keyboard.type("State of charge")  # not in the library: "Add new information …"
    create = form.locator(".ts-dropdown .create")
    expect(create).to_contain_text("State of charge")
    _screenshot(page, "pickers-add-new-information")
    page.keyboard.press("Enter")  # a new row, its name filled in, its ID focused
    expect(form.get_by_label("New information 1: ID")).to_be_focused()
    expect(form.get_by_label("New information 1: Name")).to_have_value("State of charge")
    page.keyboard.type("IO-92")
    _tab_to(page, form.get_by_role("button", name="New information…"), most=3)  # past the name, the remove button
    page.keyboard.press("Enter")
    expect(form.get_by_label("New information 2: ID")).to_be_focused()
    page.keyboard.type("IO-93")
    page.keyboard.press("Tab")
    page.keyboard.type("Battery temperature")
    page.keyboard.press("Enter")  # saves the form

    _assert_written(_saved(steps, "Report the state"), {"IO-92": "State of charge", "IO-93": "Battery temperature"})


def test_the_quick_row_adds_steps_from_the_keyboard_one_line_each(steps_editor):
    """One line per step: the name (the number is filled in), Tab, a producer, Tab, a receiver, Tab, the information;
    Enter saves and the next line comes back with the focus in its name. "Add new" in the information picker opens
    the new object's row (its ID to type), where Enter saves."""
    page = steps_editor.page
    quick = steps_editor.locator("form[data-quick-row]")
    name = quick.get_by_label("Step name")
    expect(name).to_be_focused()  # opening the editor put the focus there
    expect(quick.get_by_label("No.")).to_have_value("1")
    lines = [
        ("Send the schedule", "Aggreg", "Battery", "Info7"),
        ("Report the state", "Battery", "Home en", "Battery temperature"),  # not in the library: a new one
    ]
    for number, (step, producer, receiver, information) in enumerate(lines, start=1):
        expect(quick.get_by_label("No.")).to_have_value(str(number))
        expect(name).to_be_focused()
        page.keyboard.type(step)
        page.keyboard.press("Tab")
        for typed in (producer, receiver):
            expect(quick.get_by_role("combobox", name=re.compile("Producer|Receiver")).and_(page.locator(":focus")))
            page.keyboard.type(typed)
            expect(quick.locator(".ts-dropdown:visible .option.active")).to_contain_text(typed)
            page.keyboard.press("Tab")
        page.keyboard.type(information)
        taken = ".option.active" if information.startswith("Info") else ".create.active"  # found, or "Add new"
        expect(quick.locator(".ts-dropdown:visible " + taken)).to_contain_text(information)
        page.keyboard.press("Enter")
        if information.startswith("Info"):
            pass  # taken and saved
        else:
            expect(quick.get_by_label("New information 1: ID")).to_be_focused()
            expect(quick.get_by_label("New information 1: Name")).to_have_value(information)
            page.keyboard.type("IO-93")
            page.keyboard.press("Enter")
        expect(steps_editor.get_by_role("cell", name=step, exact=True)).to_be_visible()
        _screenshot(page, f"quick-row-{number}")
    first, second = Step.objects.filter(scenario=steps_editor.scenario).order_by("position")
    assert (first.number, second.number) == ("1", "2")
    assert [actor.name for actor in first.producers.all()] == ["Aggregator"]
    assert [actor.name for actor in first.receivers.all()] == ["Battery management system"]
    assert [item.identifier for item in first.information_objects.all()] == ["Info7"]
    assert [actor.name for actor in second.receivers.all()] == ["Home energy manager"]
    assert [(item.identifier, item.name) for item in second.information_objects.all()] == [
        ("IO-93", "Battery temperature")
    ]
    expect(name).to_be_focused()
    expect(quick.get_by_label("No.")).to_have_value("3")
