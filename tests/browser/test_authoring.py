"""The path of issue 7 in the browser: an analyst writes a complete use case from nothing in the pages, without the
admin and without reloading the use case page while she edits it; a reviewer approves it; nobody else sees it."""

import re

import pytest
from playwright.sync_api import expect

from actors.models import Actor
from tests.browser.conftest import fix_finding, sign_in
from tests.factories import ActorFactory, WorkspaceFactory, make_complete_use_case, member_of
from usecases.models import Step, UseCase
from usecases.xml import validate_variant_c

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads what the test commits

PASSWORD = "Analyst-pw-47!"


UNLABELLED_CONTROLS = """() => Array.from(document.querySelectorAll(
    "input:not([type=hidden]), select, textarea, button, a[href]"
)).filter((element) => {
    const named = element.getAttribute("aria-label") || element.getAttribute("aria-labelledby");
    if (["INPUT", "SELECT", "TEXTAREA"].includes(element.tagName)) {
        return !named && !(element.labels && element.labels.length);
    }
    return !named && !element.textContent.trim() && !element.querySelector("img[alt]");
}).map((element) => element.outerHTML.slice(0, 120))"""


def _user(workspace, role: str, username: str):
    user = member_of(workspace, role, username=username)
    user.set_password(PASSWORD)
    user.save()
    return user


def _open_new_row(editor, noun: str) -> None:
    """Open the editor's new-row form, unless it stayed open after the last row was added: then wait until its
    first field has the focus (htmx moves it there once the table has settled, and typing before that would go
    into the wrong field)."""
    if editor.locator("details[data-new-row]").get_attribute("open") is None:
        editor.get_by_text(f"New {noun}", exact=True).click()
    else:
        expect(editor.locator("details[data-new-row] form [autofocus]")).to_be_focused()


def _pick(form, label: str, name: str) -> None:
    """Pick `name` in the library picker (a token field with type-ahead, static/js/pickers.js) labelled `label`."""
    picker = form.get_by_role("combobox", name=label, exact=True)
    picker.click()
    picker.fill(name)
    form.locator("#" + picker.get_attribute("aria-controls")).get_by_text(name, exact=True).click()
    picker.press("Escape")


def _add_step(steps, name: str, *, number="", parent="", producer="", receiver="", new: dict | None = None):
    _open_new_row(steps, "step")
    form = steps.locator("details[data-new-row] form")
    form.get_by_label("Name of process/activity").fill(name)
    if number:
        form.get_by_label("Step no.").fill(number)
    if parent:
        form.get_by_label("Sub-step of").select_option(label=parent)
    if producer:
        _pick(form, "Information producer (actor)", producer)
    if receiver:
        _pick(form, "Information receiver (actor)", receiver)
    for noun, (identifier, new_name) in (new or {}).items():  # new library objects, added with the step
        form.get_by_role("button", name=f"New {noun}…").click()
        form.get_by_label(f"New {noun} 1: ID").fill(identifier)
        form.get_by_label(f"New {noun} 1: Name").fill(new_name)
    form.get_by_role("button", name="Add step").click()
    expect(steps.get_by_role("cell", name=name, exact=True)).to_be_visible()


def test_an_analyst_writes_a_use_case_in_the_pages_and_a_reviewer_approves_it(page, live_server):
    grid = WorkspaceFactory(name="Grid operations", slug="grid")
    analyst = _user(grid, "author", "analyst")
    _user(grid, "reviewer", "reviewer")
    other_analyst = _user(WorkspaceFactory(slug="elsewhere"), "author", "other-analyst")
    ActorFactory(name="Battery management system", type=Actor.Type.SYSTEM)
    ActorFactory(name="Aggregator", type=Actor.Type.BUSINESS)

    # 1.1 to 1.4 on the new use case page.
    sign_in(page, "analyst", PASSWORD)
    page.get_by_role("link", name="Use cases", exact=True).first.click()
    page.get_by_role("link", name="New use case").click()
    page.get_by_label("Workspace").select_option(label="Grid operations")
    page.locator("#id_name").fill("Control a home battery <b>safely</b>")
    page.get_by_label("Scope").fill("Charging and discharging of a home battery on an aggregator's schedule.")
    page.get_by_label("Short description").fill("The aggregator schedules the battery; the BMS carries it out.")
    page.get_by_role("button", name=re.compile("Save|Create")).click()
    expect(page.get_by_role("heading", name=re.compile("Control a home battery"))).to_be_visible()
    expect(page.locator("b", has_text="safely")).to_have_count(0)  # user text is escaped
    use_case = UseCase.objects.get(name__startswith="Control a home battery")
    assert use_case.created_by == analyst and use_case.status == "draft"

    # From here on the use case page is never reloaded.
    page.evaluate("window.notReloaded = true")

    # 3.1: two actors of the library picked by type-ahead, and a new one added to the library inline.
    page.get_by_role("link", name="Edit actors").click()
    actors = page.locator(".table-editor").filter(has_text="Editing 3.1 Actors")
    for index, (name, new_type) in enumerate(
        (("Battery management system", ""), ("Aggregator", ""), ("Home battery", "Device"))
    ):
        if index == 0:
            actors.get_by_text("New actor", exact=True).click()
        picker = actors.get_by_role("combobox", name="Actor name")
        expect(picker).to_be_focused()  # on opening the form, and after each actor added
        picker.press_sequentially(name if new_type else name[:8])
        if new_type:  # "Add new actor …" keeps the name; the type is chosen with the mouse, then saved
            expect(actors.locator(".ts-dropdown:visible .create.active")).to_contain_text(name)
            picker.press("Enter")
            actors.get_by_label("Type, for a new library actor").select_option(label=new_type)
            actors.get_by_role("button", name="Add actor").click()
        else:  # the library's actor, taken and saved with Enter
            expect(actors.locator(".ts-dropdown:visible .option.active")).to_have_text(name)
            picker.press("Enter")
        expect(actors.get_by_role("cell", name=name, exact=True)).to_be_visible()
    assert Actor.objects.filter(name="Home battery", type=Actor.Type.DEVICE).exists()
    actors.get_by_role("link", name="Done").click()
    # Done brings the sections back from a fetch of the page: once it has, nothing below moves under the next click.
    expect(page.locator(".table-editor")).to_have_count(0)

    # 4.1 and 4.2: a scenario with three steps, one nested, which exchange information and name a requirement,
    # both new to the libraries and typed into the step form. The third step forgets who receives its information.
    page.get_by_role("link", name="Edit scenarios, their conditions and steps").click()
    scenarios = page.locator(".table-editor").filter(has_text="Editing 4.1 Scenarios")
    scenarios.get_by_text("New scenario", exact=True).click()
    scenarios.get_by_label("Scenario name").fill("Normal operation")
    _pick(scenarios, "Primary actor", "Aggregator")
    scenarios.get_by_role("button", name="Add scenario").click()
    expect(scenarios.get_by_role("cell", name="Normal operation", exact=True)).to_be_visible()
    scenarios.get_by_role("link", name="4.2 Steps of scenario 1 Normal operation").click()
    steps = page.locator(".table-editor[data-editor-id^='steps-']")  # inside the scenarios' editor
    _add_step(
        steps,
        "Send the charging schedule",
        number="1",
        producer="Aggregator",
        receiver="Battery management system",
        new={"information": ("IO-1", "Charging schedule"), "requirement": ("R-1", "Schedule within 15 minutes")},
    )
    _add_step(steps, "Carry out the schedule", number="2", producer="Battery management system")
    bms = "Battery management system"
    _add_step(steps, "Set the charging power", number="1", parent="2 Carry out the schedule", producer=bms)
    _add_step(
        steps,
        "Report the state of charge",
        number="3",
        producer="Home battery",
        new={"information": ("IO-2", "State of charge")},
    )
    expect(steps.get_by_role("cell", name="2.1", exact=True)).to_be_visible()
    step_rows = Step.objects.filter(scenario__use_case=use_case)
    assert step_rows.count() == 4
    assert step_rows.get(name="Set the charging power").parent.name == "Carry out the schedule"
    sent = step_rows.get(name="Send the charging schedule")
    assert [str(item) for item in sent.information_objects.all()] and sent.requirements.get().identifier == "R-1"

    # With the editors open: every control has a label, and the page fits a laptop screen and a large monitor
    # (wide tables scroll inside their box, not the page).
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    for width, height in ((1280, 720), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
    page.set_viewport_size({"width": 1366, "height": 800})

    # The step table from the keyboard: Enter on a cell opens its row's form on that cell's field; Escape goes back.
    name_cell = steps.locator("tbody tr").first.locator("td").nth(2)
    name_cell.click()
    name_cell.press("Enter")
    expect(page.locator("[data-editing] input[name=name]")).to_be_focused()
    page.keyboard.press("Escape")
    expect(steps.locator("tbody tr").first.locator("td").nth(2)).to_be_focused()
    # Alt+Down moves the row, sub-steps and all; numbered by their place, the steps get their new numbers; the
    # focus stays with the row. Alt+Up puts it back.
    page.keyboard.press("Alt+ArrowDown")
    moved = steps.locator("tbody tr", has_text="Send the charging schedule")
    expect(moved.locator("td").first).to_have_text("2")
    expect(moved.locator("td").nth(2)).to_be_focused()
    expect(steps.locator("tbody tr").first.locator("td").first).to_have_text("1")
    expect(steps.locator("tbody tr").first.locator("td").nth(2)).to_have_text("Carry out the schedule")
    page.keyboard.press("Alt+ArrowUp")
    expect(steps.locator("tbody tr").first.locator("td").nth(2)).to_have_text("Send the charging schedule")
    expect(steps.locator("tbody tr").first.locator("td").nth(2)).to_be_focused()

    # The SGAM placement: one cell of the Function layer.
    page.get_by_role("link", name="Edit SGAM and NIST placement").click()
    page.locator(".placement-editor").get_by_role("button", name="Function layer").click()
    cell = page.get_by_role("button", name="Place on DER / Field in the Function layer")
    cell.click()
    expect(cell).to_have_attribute("aria-pressed", "true")
    assert use_case.sgam_placements.filter(layer__code="function", domain__code="der", zone__code="field").exists()

    # Feedback while writing: the diagrams follow the edits (a sequence diagram of the new scenario), and the
    # validation panel finds the step without a receiver; its Fix opens that step's form in place.
    diagrams = page.locator("#generated-diagrams")
    expect(diagrams.get_by_text("Normal operation")).to_be_visible()
    expect(diagrams).to_have_attribute("data-pending", "false")  # every diagram rendered
    page.evaluate("document.getElementById('generated-diagrams').scrollIntoView()")  # images load once on screen
    expect(diagrams.locator("img").first).to_be_visible()
    validation = page.locator("#validation")
    form = fix_finding(page, re.compile("Step 3 of .* names no receiver"))
    expect(form.get_by_label("Name of process/activity")).to_have_value("Report the state of charge")
    _pick(form, "Information receiver (actor)", "Aggregator")
    form.get_by_role("button", name="Save").click()
    expect(validation.locator("li", has_text=re.compile("names no receiver"))).to_have_count(0)
    expect(validation.locator(".badge", has_text=re.compile("^0 errors$"))).to_be_visible()
    expect(page.locator("#validation-summary .text-bg-danger")).to_have_text("0 errors")  # in the sticky section list
    assert page.evaluate("window.notReloaded") is True
    use_case.refresh_from_db()
    expect(page.locator("[data-usecase-revision]")).to_have_text(str(use_case.revision))

    # Submitted for review in the page; the XML export validates.
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text(re.compile("now in review", re.IGNORECASE))).to_be_visible()
    export = page.request.get(f"/use-cases/{use_case.pk}/export.xml")
    assert export.ok
    validate_variant_c(data=export.body())
    assert b"Charging schedule" in export.body() and b"Home battery" in export.body()

    # A reviewer approves it; the version table shows the entry.
    page.context.clear_cookies()
    sign_in(page, "reviewer", PASSWORD)
    page.goto(f"/use-cases/{use_case.pk}/")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(re.compile("now approved", re.IGNORECASE))).to_be_visible()
    page.goto(f"/use-cases/{use_case.pk}/versions/")
    expect(page.get_by_role("cell", name=re.compile("approved", re.IGNORECASE)).first).to_be_visible()

    # A second analyst without rights on it gets no access: not the page, not its export, not its editors.
    page.context.clear_cookies()
    sign_in(page, other_analyst.username, PASSWORD)
    for path in ("", "export.xml", "versions/", "tables/actors/"):
        assert page.goto(f"/use-cases/{use_case.pk}/{path}").status == 404


def test_an_analyst_imports_a_file_in_the_pages_with_a_dry_run_first(page, live_server, tmp_path):
    grid = WorkspaceFactory(name="Grid operations", slug="grid")
    analyst = _user(grid, "author", "analyst")
    source = make_complete_use_case(workspace=grid, created_by=analyst, name="Imported <i>flexibility</i> market")
    sign_in(page, "analyst", PASSWORD)
    exported = page.request.get(f"/use-cases/{source.pk}/export.xml")
    assert exported.ok
    upload = tmp_path / "flexibility.xml"
    upload.write_bytes(exported.body())
    source.delete()  # the file now brings a use case the repository does not have

    page.get_by_role("link", name="Import", exact=True).first.click()
    page.get_by_label("IEC 62559-3 XML file").set_input_files(str(upload))
    page.get_by_label("Workspace").select_option(label="Grid operations")
    expect(page.get_by_label("Dry run first")).to_be_checked()
    page.get_by_role("button", name="Upload and import").click()

    expect(page.get_by_role("heading", name=re.compile("Dry run: what the import would do"))).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#import-use_case td").first).to_have_text("1")  # one use case created
    assert not UseCase.objects.filter(name__startswith="Imported").exists()  # nothing written yet
    page.get_by_role("button", name="Confirm import").click()

    expect(page.get_by_role("heading", name=re.compile("What the import did"))).to_be_visible()
    page.locator(".import-use-cases").get_by_role("link", name=re.compile("Imported")).click()
    expect(page.get_by_role("heading", name="Imported <i>flexibility</i> market")).to_be_visible()  # escaped
    imported = UseCase.objects.get(name__startswith="Imported")
    assert imported.workspace == grid and imported.mrid == source.mrid
