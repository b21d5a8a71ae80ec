"""Section 4 of a Word document read: the scenario table (4.1) and the steps tables (4.2, one per scenario, or TC8's
"4.1 Steps - Normal" ...). Each steps table belongs to the scenario its "Scenario Name :" row or its heading names
(matched as the Excel reader matches), else to the next scenario without steps, with a warning. Producers,
receivers, information and requirements are resolved by name, abbreviation or ID; the raw text stays in `extra`."""

import re
from dataclasses import dataclass
from typing import NamedTuple

from usecases.exchange.office_names import (
    ActorIndex,
    InformationIndex,
    ScenarioMatcher,
    cell_text,
    note_unresolved,
    service_text,
)
from usecases.word import layout
from usecases.word.cells import EMPTY, Cell
from usecases.word.reading import Reading, paragraph_items
from usecases.xml import document as doc


class StepsTable(NamedTuple):
    """A scenario's steps as one table (or one group of a table) gives them."""

    title: str  # the scenario's name in its "Scenario Name :" row
    heading: str
    steps: list[doc.Step]
    requirement_refs: list[str]  # the scenario's own requirements


def read_scenarios(
    reading: Reading, *, actors: ActorIndex, information: InformationIndex, requirement_ids: dict[str, str]
) -> list[doc.Scenario]:
    """The scenarios of 4.1 with their steps; a scenario per steps table when 4.1 has none."""
    return _Scenarios(reading, actors, information, requirement_ids).read()


@dataclass
class _Scenarios:
    reading: Reading
    actors: ActorIndex
    information: InformationIndex
    requirement_ids: dict[str, str]

    def read(self) -> list[doc.Scenario]:
        scenarios = self.overview()
        step_tables = self.step_tables()
        if step_tables and not scenarios:
            self.reading.warn(
                f"{len(step_tables)} steps table(s) but no scenario table (section 4.1): a scenario was made for each."
            )
        self.assign(scenarios, step_tables)
        for scenario in scenarios:
            numbers = [step.number for step in scenario.steps if step.number]
            duplicates = sorted({number for number in numbers if numbers.count(number) > 1})
            if duplicates:
                self.reading.warn(
                    f"Scenario {scenario.name or scenario.number!r} repeats step number(s) {', '.join(duplicates)}."
                )
        return scenarios

    def overview(self) -> list[doc.Scenario]:
        """The rows of 4.1's table, each condition cell a condition per paragraph."""
        reading = self.reading
        found = reading.body.first("scenarios")
        scenarios = []
        for number, row in enumerate(reading.body.records(found) if found else [], start=1):
            scenario = doc.Scenario(
                mrid=reading.mrid("scenario", number),
                number=reading.value(row, "scenario.number"),
                name=reading.value(row, "scenario.name"),
                description=reading.value(row, "scenario.description"),
            )
            primary = cell_text(row.get("scenario.primary_actor", EMPTY).text)
            if primary:
                scenario.extra["primary_actor"] = primary
                where = f"scenario {scenario.number or number}"
                scenario.primary_actor_refs = reading.actor_refs(self.actors, primary, where)
            for kind in doc.SCENARIO_CONDITION_KINDS:
                for index, text in enumerate(paragraph_items(row.get(f"scenario.{kind}", EMPTY)), start=1):
                    mrid = reading.mrid(kind, number) if index == 1 else reading.mrid(kind, number, index)
                    scenario.conditions.append(doc.Condition(mrid=mrid, kind=kind, description=text))
            scenarios.append(scenario)
        return scenarios

    def assign(self, scenarios: list[doc.Scenario], step_tables: list[StepsTable]) -> None:
        """Each table's steps to the scenario its title or heading names, else to the next without steps (a warning),
        else to a new scenario."""
        matcher = ScenarioMatcher(scenarios)
        by_order = []
        for table_number, (title, heading, steps, requirement_refs) in enumerate(step_tables, start=1):
            scenario = matcher.by_name(title) if title and scenarios else None
            if scenario is None and heading and scenarios:
                scenario = matcher.by_name(_steps_heading_title(heading)) or matcher.by_number(
                    layout.split_heading(heading)[0]
                )
                if scenario is not None and scenario.steps:
                    scenario = None
            if scenario is None:
                scenario = next((candidate for candidate in scenarios if not candidate.steps), None)
                if scenario is None:
                    scenario = doc.Scenario(
                        mrid=self.reading.mrid("scenario", "steps", table_number),
                        number=str(len(scenarios) + 1),
                        name=title or _steps_heading_title(heading) or f"Scenario {len(scenarios) + 1}",
                    )
                    scenarios.append(scenario)
                elif steps:
                    by_order.append(f"{title or heading or f'table {table_number}'!r} -> {scenario.name!r}")
            scenario.steps += steps
            scenario.requirement_refs = list(dict.fromkeys([*scenario.requirement_refs, *requirement_refs]))
        if by_order:
            self.reading.warn(
                "Steps table(s) naming no scenario of section 4.1 were given to the next scenario without steps: "
                + "; ".join(by_order)
                + "."
            )

    def step_tables(self) -> list[StepsTable]:
        """Each scenario's steps, a table's groups each one."""
        reading = self.reading
        result = []
        for table_number, found in enumerate(reading.body.tables("steps"), start=1):
            for group_number, (group, members) in enumerate(reading.body.grouped(found), start=1):
                title = cell_text(group.get("step.scenario_name", EMPTY).text)
                text = cell_text(group.get("step.scenario_requirements", EMPTY).text)
                where = f"the requirements of scenario {title or found.heading or found.number!r}"
                scenario_requirements = reading.requirement_refs(text, self.requirement_ids, where) if text else []
                place = title or found.heading or f"table {found.number}"
                steps = [
                    self.step(row, (table_number, group_number, row_number), place)
                    for row_number, row in enumerate(members, start=1)
                ]
                if steps or title:
                    result.append(StepsTable(title, found.heading, steps, scenario_requirements))
        return result

    def step(self, row: dict[str, Cell], position: tuple[int, int, int], place: str) -> doc.Step:
        reading = self.reading
        step = doc.Step(
            mrid=reading.mrid("step", *position),
            number=reading.value(row, "step.number"),
            event=reading.value(row, "step.event"),
            name=reading.value(row, "step.name"),
            description=reading.value(row, "step.description"),
            service=service_text(reading.value(row, "step.service")),
        )
        where = f"step {step.number or position[2]} of {place!r}"
        for key, attribute in (("step.producer", "producer_refs"), ("step.receiver", "receiver_refs")):
            text = cell_text(row.get(key, EMPTY).text)
            if text:
                step.extra[key.partition(".")[2]] = text
                setattr(step, attribute, reading.actor_refs(self.actors, text, where))
        text = cell_text(row.get("step.information", EMPTY).text)
        if text:
            step.extra["information"] = text
            step.information_object_refs, unresolved = self.information.resolve(text)
            note_unresolved(reading.unresolved, "information", unresolved, where)
        text = cell_text(row.get("step.requirements", EMPTY).text)
        if text:
            step.extra["requirements"] = text
            step.requirement_refs = reading.requirement_refs(text, self.requirement_ids, where)
        return step


def _steps_heading_title(heading: str) -> str:
    """ "4.1 Steps - Normal" -> "Normal"; "4.2.1 Steps - Scenarios: Market phase" -> "Market phase"."""
    title = layout.split_heading(heading)[1]
    stripped = re.sub(r"^\s*steps\s*[-\u2013\u2014:]*\s*", "", title, flags=re.IGNORECASE)
    stripped = re.sub(r"^scenarios?\s*[-\u2013\u2014:]\s*", "", stripped, flags=re.IGNORECASE)
    return "" if layout.normalise(stripped) in ("scenarios", "scenario") else stripped.strip()
