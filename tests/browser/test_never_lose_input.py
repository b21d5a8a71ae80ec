"""Authoring that never loses input (issue 15), in the browser: a form with changes asks before it is closed, keys
typed while a save is in flight land in the right field, every new-row form has the focus, and a conflict on the same
row shows both versions with the typed text kept."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fix_finding, sign_in
from tests.factories import (
    ActorFactory,
    ActorRoleFactory,
    InformationObjectFactory,
    ObjectiveFactory,
    ScenarioFactory,
    StepFactory,
    UseCaseFactory,
    WorkspaceFactory,
    member_of,
)
from usecases.models import Objective
from usecases.services import usecase_row_update

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads what the test commits

PASSWORD = "Analyst-pw-47!"


@pytest.fixture
def draft():
    workspace = WorkspaceFactory(name="Grid operations", slug="grid")
    author = member_of(workspace, "author", username="analyst")
    author.set_password(PASSWORD)
    author.save()
    use_case = UseCaseFactory(workspace=workspace, created_by=author, name="Congestion management")
    objective = ObjectiveFactory(use_case=use_case, name="Keep the feeder within its limits", description="")
    return use_case, objective, member_of(workspace, "author", username="colleague")


def _open_editor(page, use_case, label: str, title: str):
    sign_in(page, "analyst", PASSWORD)
    page.goto(f"/use-cases/{use_case.pk}/")
    page.get_by_role("link", name=f"Edit {label}").click()
    editor = page.locator(".table-editor").filter(has_text=f"Editing {title}")
    expect(editor).to_be_visible()
    return editor


def test_every_new_row_form_has_the_focus_when_it_opens(page, draft):
    use_case, _, _ = draft
    editor = _open_editor(page, use_case, "key performance indicators", "1.5 Key performance indicators")

    editor.get_by_text("New KPI", exact=True).click()
    page.keyboard.type("KPI-9")  # at once, as a quick typist does: nothing may go elsewhere first

    expect(editor.get_by_label("ID")).to_be_focused()
    expect(editor.get_by_label("ID")).to_have_value("KPI-9")


def test_a_half_typed_row_asks_before_done_cancel_or_escape_close_it(page, draft):
    use_case, objective, _ = draft
    questions = []

    def answer(dialog, accept: bool) -> None:
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    editor = _open_editor(page, use_case, "objectives", "1.3 Objectives")
    editor.get_by_text("New objective", exact=True).click()
    expect(editor.locator("details[data-new-row]").get_by_label("Name")).to_be_focused()
    page.keyboard.type("Avoid overloading the transformer")

    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    editor.get_by_role("link", name="Done").click()
    name = editor.locator("details[data-new-row]").get_by_label("Name")
    expect(name).to_have_value("Avoid overloading the transformer")  # kept: said no
    assert questions == ["This form has changes that are not saved. Discard them?"]

    # Editing another row would replace the new row's form: asked too (yes this time).
    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    editor.get_by_role("link", name=f"Edit objective {objective.name}").click()
    form = page.locator("[data-editing]")
    form.get_by_label("Description").fill("Half a thought")
    assert len(questions) == 2

    # A row's edit form: Escape asks.
    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.keyboard.press("Escape")
    expect(form.get_by_label("Description")).to_have_value("Half a thought")
    assert len(questions) == 3

    # Said yes, Cancel brings the table back; Done then closes the editor without asking (nothing typed any more).
    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    form.get_by_role("link", name="Cancel").click()
    editor = page.locator(".table-editor").filter(has_text="Editing 1.3 Objectives")
    expect(editor.get_by_role("cell", name=objective.name, exact=True)).to_be_visible()
    editor.get_by_role("link", name="Done").click()
    expect(page.get_by_role("link", name="Edit objectives")).to_be_visible()
    assert len(questions) == 4
    assert Objective.objects.filter(use_case=use_case).count() == 1


def test_keys_typed_while_a_save_is_slow_land_in_the_next_rows_field(page, draft):
    use_case, _, _ = draft
    editor = _open_editor(page, use_case, "objectives", "1.3 Objectives")
    editor.get_by_text("New objective", exact=True).click()
    expect(editor.locator("details[data-new-row]").get_by_label("Name")).to_be_focused()
    page.keyboard.type("Operate the charge points")
    editor.locator("details[data-new-row]").get_by_label("Description").click()
    page.keyboard.type("Within the grid's limits.")

    # A slow network: every answer takes a second and a half.
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    slow = {"offline": False, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1}
    network.send("Network.emulateNetworkConditions", slow)
    page.keyboard.press("Control+Enter")
    expect(editor.locator("details[data-new-row] form")).to_have_attribute("aria-busy", "true")
    page.keyboard.type("Congestion signal gateway")  # the next objective, typed before the first is saved
    expect(editor.get_by_role("cell", name="Operate the charge points", exact=True)).to_be_visible()
    network.send("Network.emulateNetworkConditions", {**slow, "latency": 0})

    added = Objective.objects.get(use_case=use_case, name="Operate the charge points")
    assert added.description == "Within the grid's limits."
    next_name = editor.locator("details[data-new-row]").get_by_label("Name")
    expect(next_name).to_have_value("Congestion signal gateway")
    expect(next_name).to_be_focused()
    expect(editor.locator("details[data-new-row]").get_by_label("Description")).to_have_value("")


# The race of a save and the validation panel's poll: the panel's answer settles after the save's answer came in but
# before that answer has settled (htmx settles 20 ms after a swap). Made certain here: 5 ms after the save's request
# ends, the panel says it has settled.
ANOTHER_SWAP_SETTLES_FIRST = """
document.addEventListener("htmx:afterRequest", function (event) {
  if (event.detail.requestConfig.elt.tagName === "FORM") {
    const panel = document.getElementById("validation");
    const detail = {elt: panel, xhr: new XMLHttpRequest()};
    window.setTimeout(function () {  // after the new row's form has opened, before the save's answer settles
      panel.dispatchEvent(new CustomEvent("htmx:afterSettle", {bubbles: true, detail: detail}));
    }, 5);
  }
});
"""


def test_the_next_rows_form_has_the_focus_even_when_another_swap_settles_before_the_saved_row(page, draft):
    use_case, _, _ = draft
    ActorFactory(name="Aggregator")
    ActorFactory(name="Home battery")
    editor = _open_editor(page, use_case, "actors", "3.1 Actors")
    page.evaluate(ANOTHER_SWAP_SETTLES_FIRST)
    editor.get_by_text("New actor", exact=True).click()
    picker = editor.get_by_role("combobox", name="Actor name")
    expect(picker).to_be_focused()
    picker.press_sequentially("Aggreg")
    expect(editor.locator(".ts-dropdown:visible .option.active")).to_have_text("Aggregator")
    picker.press("Enter")  # taken and saved

    expect(editor.get_by_role("cell", name="Aggregator", exact=True)).to_be_visible()
    expect(editor.get_by_role("combobox", name="Actor name")).to_be_focused()  # the next actor's name


def test_a_conflict_on_the_same_row_shows_both_versions_and_keeps_the_typed_text(page, draft, tmp_path):
    use_case, objective, colleague = draft
    editor = _open_editor(page, use_case, "objectives", "1.3 Objectives")
    editor.get_by_role("link", name=f"Edit objective {objective.name}").click()
    form = page.locator("[data-editing]")
    form.get_by_label("Description").fill("Shed flexible load first, then curtail generation.")
    usecase_row_update(user=colleague, row=objective, data={"description": "Curtail generation first."})

    form.get_by_label("Description").press("Control+Enter")

    conflict = page.locator("[data-conflict]")
    expect(conflict).to_contain_text("Someone changed this objective while you were editing it.")
    expect(conflict).to_contain_text("Last changed by colleague")
    row = conflict.get_by_role("row", name="Description")
    expect(row.get_by_role("cell").nth(0)).to_have_text("Curtail generation first.")
    expect(row.get_by_role("cell").nth(1)).to_have_text("Shed flexible load first, then curtail generation.")
    typed = page.locator("[data-editing]").get_by_label("Description")
    expect(typed).to_have_value("Shed flexible load first, then curtail generation.")
    expect(typed).to_be_focused()  # where it was before the save
    page.screenshot(path=str(tmp_path / "conflict.png"), full_page=False)
    page.locator("[data-editing]").screenshot(path=str(tmp_path / "conflict-editor.png"))

    page.locator("[data-editing]").get_by_role("button", name="Save mine over theirs").click()
    expect(page.locator("[data-editing]")).to_have_count(0)
    expect(page.locator("[data-grid]").get_by_role("cell", name="Shed flexible load first")).to_be_visible()
    objective.refresh_from_db()
    assert objective.description == "Shed flexible load first, then curtail generation."


def test_done_brings_back_the_sections_that_follow_from_the_edited_table(page, draft):
    """4.2 lists the steps of each scenario: after scenarios are added and the editor is closed, it lists them
    (it said "No scenarios." until the page was reloaded)."""
    use_case, _, _ = draft
    editor = _open_editor(page, use_case, "scenarios, their conditions and steps", "4.1 Scenarios")
    editor.get_by_text("New scenario", exact=True).click()
    expect(editor.get_by_label("No.")).to_have_value("1")  # filled in: the focus is in the name
    page.keyboard.type("Normal operation")
    page.keyboard.press("Control+Enter")
    expect(editor.locator("tbody")).to_contain_text("Normal operation")

    editor.get_by_role("link", name="Done").click()

    expect(page.locator(".table-editor")).to_have_count(0)
    expect(page.locator("#section-4")).not_to_contain_text("No scenarios.")
    expect(page.get_by_role("link", name="Edit steps of scenario 1 Normal operation")).to_be_visible()


def test_the_use_case_edit_page_asks_before_leaving_and_keeps_keys_typed_during_a_slow_save(page, draft):
    """Sections 1.1 to 1.7 on their edit page: leaving with changes asks; a save in flight makes the form inert (the
    keys typed meanwhile go nowhere else) and, when the form comes back refused, they are in the field they were
    typed for."""
    use_case, _, _ = draft
    sign_in(page, "analyst", PASSWORD)
    page.goto(f"/use-cases/{use_case.pk}/edit/")
    name = page.locator("#id_name")
    expect(name).to_have_value("Congestion management")
    name.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")  # left empty, the save is refused and the form comes back
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_timeout(500)
    assert questions == ["beforeunload"]
    expect(name).to_have_value("")  # still here, the change kept

    # The save, and keys typed at once, before the answer can be in (in one task of the page: the post cannot
    # come back in between). The form is inert and busy from the moment it is sent.
    name.focus()
    busy = page.evaluate(
        """() => {
            const form = document.querySelector("[data-guarded-form] form");
            form.requestSubmit();
            for (const key of "EV congestion") {
                document.activeElement.dispatchEvent(new KeyboardEvent("keydown", {key, bubbles: true}));
            }
            return [form.inert, form.getAttribute("aria-busy"), document.querySelector("#id_name").value];
        }"""
    )
    assert busy == [True, "true", ""]  # the keys went nowhere yet
    expect(page.locator("#id_name.is-invalid")).to_be_visible()  # the form is back: a name is required
    expect(page.locator("#id_name")).to_have_value("EV congestion")  # the keys, in the field they were typed for
    expect(page.locator("#id_name")).to_be_focused()
    assert questions == ["beforeunload"]  # the save itself did not ask
    use_case.refresh_from_db()
    assert use_case.name == "Congestion management"


def _page_hears_of_a_revision(page, revision: int) -> None:
    """What a save elsewhere on the page tells it (the usecaseRevised event): the validation panel refreshes."""
    page.evaluate("revision => htmx.trigger(document.body, 'usecaseRevised', {from: revision, to: revision})", revision)


def test_a_row_open_from_a_finding_stays_while_the_validation_panel_refreshes_and_the_panel_catches_up(page, draft):
    use_case, _, _ = draft
    aggregator, battery = ActorFactory(name="Aggregator"), ActorFactory(name="Home battery")
    for actor in (aggregator, battery):
        ActorRoleFactory(use_case=use_case, actor=actor)
    step = StepFactory(scenario=ScenarioFactory(use_case=use_case, name="Normal operation"), name="Report the charge")
    step.producers.add(battery)
    step.information_objects.add(InformationObjectFactory(name="State of charge"))
    sign_in(page, "analyst", PASSWORD)
    page.goto(f"/use-cases/{use_case.pk}/")
    validation = page.locator("#validation")
    validation.get_by_role("button", name="Validate now").click()
    form = fix_finding(page, re.compile("names no receiver"))
    expect(form.get_by_label("Name of process/activity")).to_have_value("Report the charge")

    # Half-way through picking the receiver, the page hears of a new revision (another table saved, the poll): the
    # panel does not refresh under the open row, and the typed name and its option stay.
    picker = form.get_by_role("combobox", name="Information receiver (actor)", exact=True)
    picker.click()
    picker.fill("Aggreg")
    refreshes = []
    page.on("request", lambda request: refreshes.append(request.url) if "/generated/" in request.url else None)
    _page_hears_of_a_revision(page, use_case.revision)
    page.wait_for_timeout(500)
    assert refreshes == []
    form.locator("#" + picker.get_attribute("aria-controls")).get_by_text("Aggregator", exact=True).click()
    picker.press("Escape")

    # Saved: the panel catches up, the finding is gone.
    form.get_by_role("button", name="Save").click()
    expect(validation.locator("li", has_text=re.compile("names no receiver"))).to_have_count(0)
    expect(validation.locator(".badge", has_text=re.compile("^0 errors$"))).to_be_visible()
    assert list(step.receivers.all()) == [aggregator]

    # A row opened from a finding and cancelled: it closes (its table does not take its place in the panel), the
    # focus is back on its Fix, and the refresh held back meanwhile is made.
    placement = validation.locator("li", has_text="The actor Home battery has no SGAM placement")
    placement.get_by_role("link", name=re.compile("^Fix")).click()
    expect(page.locator("[data-editing]")).to_be_visible()
    refreshes.clear()
    _page_hears_of_a_revision(page, use_case.revision)
    page.wait_for_timeout(300)
    assert refreshes == []
    with page.expect_request(lambda request: "/generated/" in request.url):
        page.locator("[data-editing]").get_by_role("link", name="Cancel").click()
    expect(validation.locator("[data-editor-id]")).to_have_count(0)
    expect(validation.locator("li", has_text="The actor Home battery has no SGAM placement")).to_be_visible()

    # Escape closes one too, asking first when it has changes.
    placement = validation.locator("li", has_text="The actor Home battery has no SGAM placement")
    placement.get_by_role("link", name=re.compile("^Fix")).click()
    page.locator("[data-editing]").get_by_label("Further information specific to this use case").fill("Half typed")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.keyboard.press("Escape")
    expect(page.locator("[data-editing]").get_by_label("Further information specific to this use case")).to_have_value(
        "Half typed"
    )
    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("Escape")
    expect(validation.locator("[data-editor-id]")).to_have_count(0)
    expect(placement.get_by_role("link", name=re.compile("^Fix"))).to_be_focused()
