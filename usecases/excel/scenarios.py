"""Section 4 of a use case sheet read: the scenarios (rows 62 to 68, one a column) and all their steps in one run of
columns (rows 70 to 79). A step is in the scenario row 79 names (its number), else row 70 (its name), else the
step number's prefix ("2.3" is in scenario 2), else the scenario of the step before. Actors and information are
resolved by name, abbreviation or ID; the text stays in `extra`. Excel's float step numbers (1.10 stored as 1.1) are
repaired where the order shows them."""

from usecases.excel import layout
from usecases.excel.layout import column_letter
from usecases.excel.reading import SheetReading
from usecases.exchange.office_names import ActorIndex, InformationIndex, ScenarioMatcher, note_unresolved, service_text
from usecases.xml import document as doc

# A step column holds a step when one of these rows has a value (a merged scenario name alone makes none).
_STEP_CONTENT = (
    "step.number",
    "step.event",
    "step.name",
    "step.description",
    "step.service",
    "step.producer",
    "step.receiver",
    "step.information",
)


def read_scenarios(reading: SheetReading, *, actors: ActorIndex, information: InformationIndex) -> list[doc.Scenario]:
    """The scenarios with their steps; a scenario named 'Steps' when the sheet has steps and no scenario."""
    scenarios = []
    for column in reading.columns(layout.SCENARIOS):
        scenario = doc.Scenario(
            mrid=reading.mrid("scenario", column),
            number=reading.text("scenario.number", column),
            name=reading.text("scenario.name", column),
            description=reading.text("scenario.description", column),
        )
        primary = reading.text("scenario.primary_actor", column)
        if primary:
            scenario.extra["primary_actor"] = primary
            scenario.primary_actor_refs = reading.actor_refs(
                actors, primary, f"scenario {scenario.number or '?'} in {column_letter(column)}"
            )
        for kind in doc.SCENARIO_CONDITION_KINDS:
            text = reading.text(f"scenario.{kind}", column)
            if text:
                scenario.conditions.append(doc.Condition(mrid=reading.mrid(kind, column), kind=kind, description=text))
        scenarios.append(scenario)
    steps = _steps(reading, actors, information)
    if steps and not scenarios:
        reading.warn(f"{len(steps)} step(s) but no scenario: they were put in a scenario named 'Steps'.")
        scenarios.append(doc.Scenario(mrid=reading.mrid("scenario", "steps"), number="1", name="Steps"))
    matcher = ScenarioMatcher(scenarios)
    previous: doc.Scenario | None = None
    assigned_by_order = []
    for column, step in steps:
        scenario = matcher.match(
            number=reading.text("step.scenario_number", column),
            name=reading.text("step.scenario_name", column),
            step_number=step.number,
        )
        if scenario is None:
            scenario = previous or scenarios[0]
            assigned_by_order.append(column_letter(column))
        previous = scenario
        scenario.steps.append(step)
    if assigned_by_order and len(scenarios) > 1:
        reading.warn(
            f"the steps in column(s) {', '.join(assigned_by_order)} name no scenario we could find (rows 79, 70 "
            "and the step number): each was put in the scenario of the step before it."
        )
    for scenario in scenarios:
        _repair_float_numbers(reading, scenario)
    return scenarios


def _steps(reading: SheetReading, actors: ActorIndex, information: InformationIndex) -> list[tuple[int, doc.Step]]:
    steps = []
    for column in reading.columns(layout.STEPS):
        if not any(reading.text(key, column) for key in _STEP_CONTENT):
            continue  # only a scenario name or number spread across a merged range
        number_value = reading.raw("step.number", column)
        step = doc.Step(
            mrid=reading.mrid("step", column),
            number=reading.text("step.number", column),
            event=reading.text("step.event", column),
            name=reading.text("step.name", column),
            description=reading.text("step.description", column),
            service=service_text(reading.text("step.service", column)),
        )
        if isinstance(number_value, float):
            step.extra["number_value"] = repr(number_value)
        where = f"step {step.number or '?'} in {column_letter(column)}"
        for key, attribute in (("step.producer", "producer_refs"), ("step.receiver", "receiver_refs")):
            text = reading.text(key, column)
            if text:
                step.extra[key.partition(".")[2]] = text
                setattr(step, attribute, reading.actor_refs(actors, text, where))
        text = reading.text("step.information", column)
        if text:
            step.extra["information"] = text
            step.information_object_refs, unresolved = information.resolve(text)
            note_unresolved(reading.unresolved, "information", unresolved, where)
        steps.append((column, step))
    return steps


def _repair_float_numbers(reading: SheetReading, scenario: doc.Scenario) -> None:
    """Excel keeps "1.10" typed as a number as 1.1: where a float step number goes back (1.9, then 1.1), it
    is read as the next one it can stand for (1.10), with a warning. Duplicates left are reported."""
    previous: tuple[str, int] | None = None
    for step in scenario.steps:
        if "number_value" in step.extra and "." in step.number:
            major, minor = step.number.split(".", 1)
            if previous and previous[0] == major and minor.isdigit() and int(minor) <= previous[1]:
                candidate = previous[1] + 1
                while not str(candidate).startswith(minor):
                    candidate += 1
                if len(str(candidate)) > len(minor):
                    reading.warn(
                        f"step number {step.number} follows {major}.{previous[1]}: read as {major}.{candidate} "
                        "(Excel stores 1.10 typed as a number as 1.1)."
                    )
                    step.number = f"{major}.{candidate}"
                    minor = str(candidate)
            previous = (major, int(minor)) if minor.isdigit() else None
        else:
            previous = None
        step.extra.pop("number_value", None)
    numbers = [step.number for step in scenario.steps if step.number]
    duplicates = sorted({number for number in numbers if numbers.count(number) > 1})
    if duplicates:
        reading.warn(f"scenario {scenario.name or scenario.number!r} repeats step number(s) {', '.join(duplicates)}.")
