"""What the consistency rules are made of: a rule has an ID, a severity and a check, a function of a `Context` (a
use case read by `facts.usecase_facts` and its effective placements) yielding `Hit`s; the rule makes them
`Finding`s. No check runs a query, and none reads beyond the use case: its findings are the same whatever else the
repository holds (two files may both call different information objects "Info1").

A finding points at the row it is about: the section of the template and the anchor of that row on the use case
page (`step-<pk>`, `actorrole-<pk>`, ...), or of the section itself.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from sgam.selectors import UseCasePlacements
from usecases.analysis.facts import ScenarioFacts, StepFacts, UseCaseFacts
from usecases.models import Scenario, UseCase

ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    section: str
    anchor: str
    message: str
    hint: str = ""

    def as_json(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "section": self.section,
            "anchor": self.anchor,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass(frozen=True)
class Hit:
    """What a check yields; the rule adds its ID and severity."""

    section: str
    anchor: str
    message: str
    hint: str = ""


@dataclass
class Context:
    facts: UseCaseFacts
    placements: UseCasePlacements

    @property
    def use_case(self) -> UseCase:
        return self.facts.use_case

    @property
    def scenarios(self) -> list[ScenarioFacts]:
        return self.facts.scenarios

    def step_rows(self) -> Iterator[tuple[Scenario, StepFacts]]:
        for scenario, step in self.facts.steps():
            yield scenario.scenario, step


Check = Callable[[Context], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str
    check: Check


RULES: list[Rule] = []


def rule(rule_id: str, severity: str, title: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        RULES.append(Rule(rule_id, severity, title, check))
        return check

    return register


def section_anchor(section: str) -> str:
    return "section-" + section.replace(".", "-")


def scenario_name(scenario: Scenario) -> str:
    return f"scenario {scenario.number or scenario.name}"


def step_name(scenario: Scenario, node: StepFacts) -> str:
    return f"Step {node.number} of {scenario_name(scenario)}"


SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


def findings_of(context: Context) -> list[Finding]:
    """Every registered rule's findings, errors first, then by rule ID, each rule's in the order of the page."""
    findings = [
        Finding(item.id, item.severity, hit.section, hit.anchor, hit.message, hit.hint)
        for item in sorted(RULES, key=lambda item: item.id)
        for hit in item.check(context)
    ]
    return sorted(findings, key=lambda finding: (SEVERITY_ORDER[finding.severity], finding.rule))


def counts_of(findings: Iterable[Finding]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for finding in findings:
        counts[finding.severity] += 1
    return {severity: counts[severity] for severity in (ERROR, WARNING, INFO)}
