"""An analyst and a reviewer in the browser (the path grows with the browser authoring of issue 7)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import WorkspaceFactory, make_complete_use_case, member_of
from usecases.models import Step, UseCase
from usecases.xml import validate_variant_c

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads what the test commits

PASSWORD = "Analyst-pw-47!"


def _user(workspace, role: str, username: str):
    user = member_of(workspace, role, username=username)
    user.set_password(PASSWORD)
    user.save()
    return user


def test_an_analyst_writes_and_a_reviewer_approves_while_an_outsider_sees_nothing(page, live_server):
    grid = WorkspaceFactory(name="Grid operations", slug="grid")
    analyst = _user(grid, "author", "analyst")
    _user(grid, "reviewer", "reviewer")
    outsider = _user(WorkspaceFactory(slug="elsewhere"), "author", "outsider")

    sign_in(page, "analyst", PASSWORD)
    page.get_by_role("link", name="Use cases", exact=True).first.click()
    page.get_by_role("link", name="New use case").click()
    page.get_by_label("Workspace").select_option(label="Grid operations")
    page.get_by_label("Name").fill("Control a home battery <b>safely</b>")
    page.get_by_role("button", name=re.compile("Save|Create")).click()
    expect(page.get_by_role("heading", name=re.compile("Control a home battery"))).to_be_visible()
    expect(page.locator("b", has_text="safely")).to_have_count(0)  # user text is escaped
    created = UseCase.objects.get(name__startswith="Control a home battery")
    assert created.created_by == analyst and created.status == "draft"

    # In the page, through the table editors and without reloading it: a scenario, a step and a sub-step of it.
    page.evaluate("window.notReloaded = true")
    page.get_by_role("link", name="Edit scenarios, their conditions and steps").click()
    scenarios = page.locator(".table-editor").filter(has_text="Editing 4.1 Scenarios")
    scenarios.get_by_text("New scenario", exact=True).click()
    scenarios.get_by_label("Scenario name").fill("Normal operation")
    scenarios.get_by_role("button", name="Add scenario").click()
    expect(scenarios.get_by_role("cell", name="Normal operation", exact=True)).to_be_visible()
    scenarios.get_by_role("link", name="4.2 Steps of scenario Normal operation").click()
    steps = page.locator(".table-editor").filter(has_text="Editing 4.2 Steps")
    steps.get_by_text("New step", exact=True).click()
    steps.get_by_label("Name of process/activity").fill("Measure the state of charge")
    steps.get_by_role("button", name="Add step").click()
    expect(steps.get_by_role("cell", name="Measure the state of charge", exact=True)).to_be_visible()
    steps.get_by_text("New step", exact=True).click()
    steps.get_by_label("Name of process/activity").fill("Read the battery meter")
    steps.get_by_label("Sub-step of").select_option(label="Measure the state of charge")
    steps.get_by_role("button", name="Add step").click()
    expect(steps.get_by_role("cell", name="Read the battery meter", exact=True)).to_be_visible()
    expect(steps.get_by_role("cell", name="1.1", exact=True)).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    top, sub = Step.objects.filter(scenario__use_case=created).order_by("pk")
    created.refresh_from_db()
    expect(page.locator("[data-usecase-revision]")).to_have_text(str(created.revision))
    assert (top.parent_id, sub.parent_id) == (None, top.pk)

    # The SGAM placement, in the page too: one cell of the Function layer, shown as placed without a reload.
    page.get_by_role("link", name="Edit SGAM and NIST placement").click()
    page.locator(".placement-editor").get_by_role("button", name="Function layer").click()
    cell = page.get_by_role("button", name="Place on DER / Field in the Function layer")
    expect(cell).to_have_attribute("aria-pressed", "false")
    cell.click()
    expect(cell).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.notReloaded") is True
    assert created.sgam_placements.filter(layer__code="function", domain__code="der", zone__code="field").exists()

    # A complete draft (its tables come from the factory until the pages edit them) is submitted in the page.
    complete = make_complete_use_case(workspace=grid, created_by=analyst, name="Coordinate flexibility")
    page.goto(f"/use-cases/{complete.pk}/")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text(re.compile("now in review", re.IGNORECASE))).to_be_visible()

    export = page.request.get(f"/use-cases/{complete.pk}/export.xml")
    assert export.ok
    validate_variant_c(data=export.body())

    page.context.clear_cookies()
    sign_in(page, "reviewer", PASSWORD)
    page.goto(f"/use-cases/{complete.pk}/")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(re.compile("now approved", re.IGNORECASE))).to_be_visible()
    page.goto(f"/use-cases/{complete.pk}/versions/")
    expect(page.get_by_role("cell", name=re.compile("approved", re.IGNORECASE)).first).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, outsider.username, PASSWORD)
    response = page.goto(f"/use-cases/{complete.pk}/")
    assert response.status == 404
