"""The scenarios of a planned use case (`usecases.exchange.rows`), with their conditions, drawings and the tree of
their steps, step numbers made unique among siblings."""

from usecases.exchange.bulk import Plan
from usecases.exchange.prepare import walk
from usecases.exchange.rows.drawings import DrawingRows
from usecases.exchange.rows.sections import SectionRows
from usecases.models import Scenario, Step
from usecases.xml import document


class ScenarioRows(SectionRows, DrawingRows):
    """The rows of scenarios and their steps."""

    def scenario(self, scenario: document.Scenario, index: int, views: list) -> None:
        uid = self.identities.claim("scenario", scenario, index)
        if uid is None:
            return
        what = f"scenario {scenario.number or scenario.name!r}"
        planned = self.row(
            Scenario,
            "scenario",
            uid=uid,
            node=scenario,
            values={"number": scenario.number, "name": scenario.name, "description": scenario.description},
            fills={"name": "(unnamed scenario)"},
            what=what,
            many={
                "primary_actors": self.refs("actor", scenario.primary_actor_refs, what),
                "requirements": self.refs("requirement", scenario.requirement_refs, what),
            },
        )
        self.conditions(scenario.conditions, scenario=planned, place=("scenario", index))
        for position, drawing in enumerate(scenario.drawings):
            drawing_uid = self.identities.claim("drawing", drawing, "scenario", index, position)
            self.drawing(drawing, drawing_uid, links={"scenario": planned})
        self.steps(views, scenario=planned)

    def steps(self, views: list, *, scenario: Plan) -> None:
        """The scenario's steps, parents before their children, each with its drawings."""
        numbers: dict[int, set[str]] = {}
        plans: dict[int, Plan] = {}
        for view, parent, depth, _ in walk(views):
            step = view.step
            what = f"step {step.number or step.name!r}"
            values, as_found = self.cleaner.coerce(Step, {"number": step.number}, owner=self.owner, what=what, fills={})
            number = self.unique_number(values["number"], numbers.setdefault(id(parent), set()))
            found = as_found.get("number", [None, step.number.strip()])[1]
            book = {"as_found": {"number": [number, found]}} if number != found else {}
            book["mrid"] = view.repeated_mrid
            plans[id(view)] = self.row(
                Step,
                "step",
                uid=view.uid,
                node=step,
                values={
                    "number": number,
                    "event": step.event,
                    "name": step.name,
                    "description": step.description,
                    "service": step.service,
                },
                fills={"name": "(unnamed step)"},
                what=what,
                group=(id(scenario), id(parent)),
                links={"scenario": scenario, "parent": plans[id(parent)] if parent is not None else None},
                many={
                    "producers": self.refs("actor", step.producer_refs, what),
                    "receivers": self.refs("actor", step.receiver_refs, what),
                    "primary_actors": self.refs("actor", step.primary_actor_refs, what),
                    "information_objects": self.refs("information_object", step.information_object_refs, what),
                    "requirements": self.refs("requirement", step.requirement_refs, what),
                },
                book=book,
                depth=depth,
            )
            for drawing, drawing_uid, drawing_mrid in view.drawings:
                self.drawing(drawing, drawing_uid, links={"step": plans[id(view)]}, mrid=drawing_mrid)

    def unique_number(self, number: str, taken: set[str]) -> str:
        """Step numbers are unique among siblings; a repeated one gets " (2)", " (3)", ..."""
        if not number:
            return number
        candidate, suffix = number, 1
        while candidate in taken:
            suffix += 1
            tail = f" ({suffix})"
            candidate = number[: Step._meta.get_field("number").max_length - len(tail)] + tail
        if candidate != number:
            self.report.note(self.owner, "step numbers used twice among siblings were suffixed", number)
        taken.add(candidate)
        return candidate
