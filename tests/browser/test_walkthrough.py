"""Issue 15's walkthrough, counted: the analyst of the demo writes the use case "EV charging with DSO congestion
signals" in the pages, with the mouse and the keyboard as a person would (no direct posts): 4 actors of which 3 new
to the library, 1 KPI, 2 scenarios, 5 steps each with producer, receiver and information (4 information objects new
to the library), 3 SGAM cells.

Every action is counted: a click, a key that is not typing text (Tab, Enter, arrows…), a choice in a list box, and
a move of the focus the test makes without one of those (where a person would click into a field). Typing text is
not counted. The test prints the count by kind and fails when it grows past ACTIONS_AT_MOST (a regression bound: the
walk took 88 actions before the quick-entry row of the steps editor and the actor type-ahead).

With UCMR_SCREENSHOTS=1 it saves screenshots of the way under /tmp/h/shots-auth/ (or the directory UCMR_SCREENSHOTS
names)."""

import os
import re
from collections import Counter

import pytest
from playwright.sync_api import expect

from actors.models import Actor
from tests.browser.conftest import sign_in
from tests.factories import member_of
from usecases.demo import demo_load
from usecases.models import InformationObject, UseCase, Workspace

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads what the test commits

PASSWORD = "analyst-ucmr"
ACTIONS_AT_MOST = 54  # the count this walk reaches now (88 before), as a bound it must not grow past

NEW_ACTORS = (("Congestion signal gateway", "System"), ("Home charging station", "Device"), ("EV owner", "Person"))
SCENARIOS = {
    "Congestion announced": [
        # (step, producer, receiver, information, the ID of a new information object or "" for one of the library)
        ("Announce the congestion", "DSO", "Congestion signal gateway", "Congestion signal", "IO-EV-1"),
        ("Limit the charging", "Congestion signal gateway", "Home charging station", "Charging limit", "IO-EV-2"),
        ("Tell the owner", "Home charging station", "EV owner", "Charging limit notice", "IO-EV-3"),
    ],
    "Congestion lifted": [
        ("Lift the limit", "DSO", "Congestion signal gateway", "Congestion end signal", "IO-EV-4"),
        ("Resume the schedule", "Congestion signal gateway", "Home charging station", "Charging profile", ""),
    ],
}
SGAM_CELLS = (("DER", "Field"), ("DER", "Station"), ("Distribution", "Operation"))


class Actions:
    """The user's actions, counted by kind; typing text is not counted."""

    def __init__(self, page):
        self.page = page
        self.counts: Counter[str] = Counter()
        self.shots = os.environ.get("UCMR_SCREENSHOTS")
        if self.shots == "1":
            self.shots = "/tmp/h/shots-auth"  # noqa: S108 (where the brief keeps them)
        if self.shots:
            os.makedirs(self.shots, exist_ok=True)
        self.shot_number = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def click(self, locator) -> None:
        self.counts["click"] += 1
        locator.click()

    def key(self, name: str) -> None:
        self.counts["key"] += 1
        self.page.keyboard.press(name)

    def choose(self, locator, label: str) -> None:
        """A choice in a list box with the mouse: opening it and picking count as one action."""
        self.counts["choose"] += 1
        locator.select_option(label=label)

    def type(self, text: str, into=None) -> None:
        """Type text (not counted) into `into`, moving the focus there first when it is elsewhere (counted)."""
        if into is not None and not into.evaluate("element => element === document.activeElement"):
            self.counts["focus"] += 1
            into.focus()
        self.page.keyboard.type(text)

    def screenshot(self, name: str) -> None:
        if self.shots:
            self.shot_number += 1
            path = os.path.join(self.shots, f"walk-{self.shot_number:02d}-{name}.png")
            self.page.screenshot(path=path, caret="initial")

    def report(self) -> str:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(self.counts.items()))
        return f"{self.total} actions ({kinds})"


def _focused(locator) -> None:
    expect(locator).to_be_focused()


def _pick(act: Actions, container, typed: str, *, name: str, key: str = "Tab") -> None:
    """In the focused type-ahead: type, wait for the library's `name` to be highlighted, take it with `key`."""
    act.type(typed)
    expect(container.locator(".ts-dropdown:visible .option.active").first).to_have_text(name)
    act.key(key)


def test_the_ev_charging_use_case_is_written_in_the_pages_in_few_actions(page, live_server):
    demo_load(user=None)
    workspace = Workspace.objects.get(slug="demo-grid-operators")
    analyst = member_of(workspace, "author", username="analyst")
    analyst.set_password(PASSWORD)
    analyst.save()
    known_information = InformationObject.objects.count()
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, "analyst", PASSWORD)
    act = Actions(page)

    # The new use case: 1.1 to 1.4 on its page.
    act.click(page.get_by_role("link", name="Use cases", exact=True).first)
    act.click(page.get_by_role("link", name="New use case"))
    act.choose(page.get_by_label("Workspace"), workspace.name)
    act.type("EV charging with DSO congestion signals", into=page.locator("#id_name"))
    act.screenshot("new-use-case")
    act.key("Enter")
    expect(page.get_by_role("heading", name=re.compile("EV charging with DSO congestion signals"))).to_be_visible()
    use_case = UseCase.objects.get(name="EV charging with DSO congestion signals")

    # 3.1: the DSO of the library, and three new actors with their types.
    act.click(page.get_by_role("link", name="Edit actors"))
    actors = page.locator(".table-editor").filter(has_text="Editing 3.1 Actors")
    act.click(actors.get_by_text("New actor", exact=True))
    name = actors.get_by_role("combobox", name="Actor name")
    _focused(name)
    _pick(act, actors, "DSO", name="DSO", key="Enter")  # taken and saved
    expect(actors.get_by_role("cell", name="DSO", exact=True)).to_be_visible()
    for actor, actor_type in NEW_ACTORS:
        _focused(actors.get_by_role("combobox", name="Actor name"))
        act.type(actor)
        expect(actors.locator(".ts-dropdown:visible .create.active")).to_contain_text(actor)
        act.key("Enter")  # "Add new actor …": the focus goes to its type
        _focused(actors.get_by_label("Type, for a new library actor"))
        act.type(actor_type[0])  # a list box takes its option by the first letter typed
        expect(actors.get_by_label("Type, for a new library actor")).to_have_value(actor_type.lower())
        act.screenshot(f"actor-{actor_type.lower()}")
        act.key("Enter")
        expect(actors.get_by_role("cell", name=actor, exact=True)).to_be_visible()

    # 1.5: one KPI.
    act.click(page.get_by_role("link", name="Edit key performance indicators"))
    kpis = page.locator(".table-editor").filter(has_text="Editing 1.5 Key performance indicators")
    act.click(kpis.get_by_text("New KPI", exact=True))
    _focused(kpis.get_by_label("ID"))
    act.type("KPI-1")
    act.key("Tab")
    act.type("Hours of congestion avoided")
    act.key("Enter")
    expect(kpis.get_by_role("cell", name="KPI-1", exact=True)).to_be_visible()

    # 4.1 and 4.2: two scenarios, their steps on the quick-entry row.
    act.click(page.get_by_role("link", name="Edit scenarios, their conditions and steps"))
    scenarios = page.locator(".table-editor").filter(has_text="Editing 4.1 Scenarios")
    act.click(scenarios.get_by_text("New scenario", exact=True))
    for number, (scenario, steps) in enumerate(SCENARIOS.items(), start=1):
        form = scenarios.locator("details[data-new-row] form")
        act.type(scenario, into=form.get_by_label("Scenario name"))
        act.key("Enter")
        expect(scenarios.get_by_role("cell", name=scenario, exact=True)).to_be_visible()
        act.click(scenarios.get_by_role("link", name=f"4.2 Steps of scenario {number} {scenario}"))
        editor = page.locator(".table-editor[data-editor-id^='steps-']")
        quick = editor.locator("form[data-quick-row]")
        for step, producer, receiver, information, identifier in steps:
            _focused(quick.get_by_label("Step name"))
            act.type(step)
            act.key("Tab")
            _pick(act, quick, producer, name=producer)
            _pick(act, quick, receiver, name=receiver)
            act.type(information)
            if identifier:  # new to the library: "Add new information …", then its ID
                expect(quick.locator(".ts-dropdown:visible .create.active")).to_contain_text(information)
                act.key("Enter")
                _focused(quick.get_by_label("New information 1: ID"))
                act.type(identifier)
            else:
                expect(quick.locator(".ts-dropdown:visible .option.active").first).to_contain_text(information)
            act.screenshot(f"step-{step.split()[0].lower()}")
            act.key("Enter")
            expect(editor.get_by_role("cell", name=step, exact=True)).to_be_visible()

    # The SGAM placement: three cells of the Function layer.
    act.click(page.get_by_role("link", name="Edit SGAM and NIST placement"))
    act.click(page.locator(".placement-editor").get_by_role("button", name="Function layer"))
    for domain, zone in SGAM_CELLS:
        cell = page.get_by_role("button", name=f"Place on {domain} / {zone} in the Function layer")
        act.click(cell)
        expect(cell).to_have_attribute("aria-pressed", "true")
    act.screenshot("sgam")

    print(f"\nWalkthrough: {act.report()}")

    # The use case is complete, as the pages wrote it.
    use_case.refresh_from_db()
    roles = use_case.actor_roles.select_related("actor")
    assert sorted(role.actor.name for role in roles) == sorted(["DSO", *(name for name, _ in NEW_ACTORS)])
    for name, actor_type in NEW_ACTORS:
        assert Actor.objects.get(name=name).type == actor_type.lower()
    assert [(kpi.identifier, kpi.name) for kpi in use_case.kpis.all()] == [("KPI-1", "Hours of congestion avoided")]
    written = list(use_case.scenarios.order_by("position"))
    assert [scenario.name for scenario in written] == list(SCENARIOS)
    for scenario, expected in zip(written, SCENARIOS.values(), strict=True):
        steps = list(scenario.steps.order_by("position"))
        assert [step.name for step in steps] == [line[0] for line in expected]
        for step, (_, producer, receiver, information, identifier) in zip(steps, expected, strict=True):
            assert [actor.name for actor in step.producers.all()] == [producer]
            assert [actor.name for actor in step.receivers.all()] == [receiver]
            named = [(item.identifier, item.name) for item in step.information_objects.all()]
            assert named == [(identifier, information)] if identifier else [item[1] for item in named] == [information]
        assert [step.number for step in steps] == [str(number) for number in range(1, len(steps) + 1)]
    assert InformationObject.objects.count() == known_information + 4
    cells = {(p.domain.name, p.zone.name) for p in use_case.sgam_placements.select_related("domain", "zone")}
    assert cells == set(SGAM_CELLS)
    assert act.total <= ACTIONS_AT_MOST, act.report()
