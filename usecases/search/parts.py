"""What text a use case has for the index: its parts (the ID and name, each text field of section 1, each row of its
tables, each scenario and step, each library object it uses), each with its section and its weight, read for many
use cases at once in a fixed number of queries."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from usecases.querysets import rows_exist
from usecases.search.schema import MATCH_END, MATCH_START


@dataclass(frozen=True)
class Part:
    section: str
    weight: str
    text: str

    @property
    def digest(self) -> str:
        return hashlib.md5(
            f"{self.section}\x1f{self.weight}\x1f{self.text}".encode(), usedforsecurity=False
        ).hexdigest()


def _text(*values) -> str:
    text = " ".join(str(value).strip() for value in values if value and str(value).strip())
    return text.replace(MATCH_START, " ").replace(MATCH_END, " ").replace("\x00", "")


def _label(*values) -> str:
    return " ".join(str(value).strip() for value in values if value and str(value).strip())[:400]


USECASE_FIELDS = (
    ("area", "1.1 Area, domain(s), zone(s)", "B"),
    ("scope", "1.3 Scope", "B"),
    ("short_description", "1.4 Short description", "B"),
    ("complete_description", "1.4 Complete description", "B"),
    ("keywords", "1.7 Keywords", "B"),
    ("level_of_depth", "1.7 Level of depth", "C"),
    ("prioritisation", "1.7 Prioritisation", "C"),
    ("classification", "1.7 Classification", "C"),
    ("nature", "1.7 Nature", "C"),
    ("view_point", "1.7 Viewpoint", "C"),
)
CONDITION_LABELS = {
    "assumption": "1.6 Assumption",
    "prerequisite": "1.6 Prerequisite",
    "triggering_event": "Triggering event",
    "precondition": "Pre-condition",
    "postcondition": "Post-condition",
}


# Where the rows of each table read below hang from the use case: a table none of the use cases has rows in is not
# read (whether each has is a column of the query that reads the use cases; most leave most tables empty).
ROW_PATHS = {
    "VersionEntry": ("versions",),
    "Objective": ("objectives",),
    "UseCase_business_cases": ("business_cases",),
    "Kpi": ("kpis",),
    "Scenario": ("scenarios",),
    "Condition": ("conditions",),
    "UseCaseRelation": ("relations",),
    "Remark": ("remarks",),
    "Drawing": ("drawings",),
    "ActorGrouping": ("actor_groupings",),
    "ActorRole": ("actor_roles",),
    "Reference": ("references",),
    "Step": ("scenarios", "steps"),
    "Step_information_objects": ("scenarios", "steps", "information_objects"),
    "Step_requirements": ("scenarios", "steps", "requirements"),
    "Scenario_requirements": ("scenarios", "requirements"),
    "UseCase_common_terms": ("common_terms",),
    "CustomInformation": ("custom_information",),
}


class _Parts:
    """The parts of the use cases being indexed, collected in the order the readers below add them (the order in
    which new entries are written, so the order of a use case's document)."""

    def __init__(self, apps, ids: list[int]) -> None:
        self.apps = apps
        self.ids = ids
        self.by_use_case: dict[int, list[Part]] = defaultdict(list)
        self.filled: set[str] = set(ROW_PATHS)  # the tables some of the use cases have rows in

    def rows(self, name: str, *fields: str, owner: str = "use_case_id", distinct: bool = False):
        """`owner` and `fields` of the rows of model `name` that belong to the use cases; `distinct` when the same
        row is reached many times (a library object linked from every step is read once per use case)."""
        if name not in self.filled:
            return []
        rows = self.apps.get_model("usecases", name).objects.filter(**{f"{owner}__in": self.ids})
        rows = rows.values_list(owner, *fields)
        return rows.order_by().distinct() if distinct else rows

    def add(self, use_case_id: int, section: str, weight: str, *values) -> None:
        text = _text(*values)
        if text:
            self.by_use_case[use_case_id].append(Part(section, weight, text))


def _use_case_row_parts(parts: _Parts) -> dict[int, int]:
    """The ID and name and the text fields of section 1 of each use case; returns their revisions."""
    revisions = {}
    fields = [name for name, _, _ in USECASE_FIELDS]
    model = parts.apps.get_model("usecases", "UseCase")
    flags = {f"has_rows_{index}": rows_exist(model, path) for index, path in enumerate(ROW_PATHS.values())}
    use_cases = model.objects.filter(pk__in=parts.ids).annotate(**flags)
    parts.filled = set()
    for pk, revision, identifier, name, *values in use_cases.values_list(
        "pk", "revision", "identifier", "name", *fields, *flags
    ):
        values, filled = values[: len(fields)], values[len(fields) :]
        parts.filled |= {table for table, has_rows in zip(ROW_PATHS, filled, strict=True) if has_rows}
        revisions[pk] = revision
        parts.add(pk, "ID and name", "A", identifier, name)
        for (_, label, weight), value in zip(USECASE_FIELDS, values, strict=True):
            parts.add(pk, label, weight, value)
    return revisions


def _description_table_parts(parts: _Parts) -> None:
    """Section 1's tables: versions, objectives, business cases, KPIs."""
    for owner, number, authors, changes, approval in parts.rows(
        "VersionEntry", "number", "authors", "changes", "approval_status"
    ):
        parts.add(owner, _label("1.2 Version", number), "C", authors, changes, approval)
    for owner, name, description in parts.rows("Objective", "name", "description"):
        parts.add(owner, _label("1.3 Objective", name), "B", name, description)
    for owner, name, description in parts.rows(
        "UseCase_business_cases", "businesscase__name", "businesscase__description", owner="usecase_id"
    ):
        parts.add(owner, _label("1.3 Business case", name), "C", name, description)
    for owner, identifier, name, description in parts.rows("Kpi", "identifier", "name", "description"):
        parts.add(owner, _label("1.5 KPI", identifier, name), "C", identifier, name, description)


def _scenario_parts(parts: _Parts) -> dict[int, str]:
    """The scenarios and the conditions (of the use case and of its scenarios); returns each scenario's label, which
    the steps' sections name."""
    scenario_names = {}
    for owner, pk, number, name, description in parts.rows("Scenario", "pk", "number", "name", "description"):
        scenario_names[pk] = _label(number, name)
        parts.add(owner, _label("4.1 Scenario", number, name), "C", name, description)
    for owner, scenario, kind, number, name, description in parts.rows(
        "Condition", "scenario_id", "kind", "number", "name", "description"
    ):
        label = CONDITION_LABELS.get(kind, kind)
        where = f"of scenario {scenario_names.get(scenario, '')}" if scenario else ""
        parts.add(owner, _label(label, number, where), "C", name, description)
    return scenario_names


def _other_table_parts(parts: _Parts) -> None:
    """Relations, remarks, drawings, actor groupings, the use case's actors, references."""
    for owner, related, description in parts.rows("UseCaseRelation", "related__name", "description"):
        parts.add(owner, _label("1.7 Relation to", related), "C", description)
    for owner, text in parts.rows("Remark", "text"):
        parts.add(owner, "1.8 Remark", "C", text)
    for owner, name in parts.rows("Drawing", "name"):
        parts.add(owner, _label("2 Drawing", name), "C", name)
    for owner, name, description in parts.rows("ActorGrouping", "name", "description"):
        parts.add(owner, _label("3.1 Actor grouping", name), "C", name, description)
    for owner, name, description, further in parts.rows(
        "ActorRole", "actor__name", "actor__description", "further_information"
    ):
        parts.add(owner, _label("3.1 Actor", name), "D", name, description, further)
    for owner, *values in parts.rows(
        "Reference", "number", "reference_type", "name", "status", "impact", "originator", "link", "description"
    ):
        parts.add(owner, _label("3.2 Reference", values[0], values[2]), "C", *values)


def _step_parts(parts: _Parts, scenario_names: dict[int, str]) -> None:
    """Every step, its section naming its scenario."""
    for owner, scenario, number, name, description, event, service in parts.rows(
        "Step", "scenario_id", "number", "name", "description", "event", "service", owner="scenario__use_case_id"
    ):
        where = _label("4.2 Step", number, "of scenario", scenario_names.get(scenario, ""))
        parts.add(owner, where, "C", name, description, event, service)


def _library_parts(parts: _Parts) -> None:
    """The information objects and requirements the steps (and scenarios) use, each once per use case however many
    steps use it, and the use case's common terms."""
    seen = set()
    for owner, identifier, name, description, standards in parts.rows(
        "Step_information_objects",
        "informationobject__identifier",
        "informationobject__name",
        "informationobject__description",
        "informationobject__standards",
        owner="step__scenario__use_case_id",
        distinct=True,
    ):
        if (owner, identifier, name) not in seen:
            seen.add((owner, identifier, name))
            parts.add(
                owner, _label("5 Information object", identifier, name), "D", identifier, name, description, standards
            )
    requirement_fields = [f"requirement__{f}" for f in ("pk", "identifier", "name", "description")]
    requirement_links = [
        parts.rows("Step_requirements", *requirement_fields, owner="step__scenario__use_case_id", distinct=True),
        parts.rows("Scenario_requirements", *requirement_fields, owner="scenario__use_case_id", distinct=True),
    ]
    seen = set()
    for links in requirement_links:
        for owner, pk, identifier, name, description in links:
            if (owner, pk) not in seen:
                seen.add((owner, pk))
                parts.add(owner, _label("6 Requirement", identifier, name), "D", identifier, name, description)
    for owner, term, definition in parts.rows(
        "UseCase_common_terms", "commonterm__term", "commonterm__definition", owner="usecase_id"
    ):
        parts.add(owner, _label("7 Term", term), "D", term, definition)


def use_case_parts(apps, ids: list[int]) -> tuple[dict[int, int], dict[int, list[Part]]]:
    """The revision and the parts of each use case of `ids`, in a fixed number of queries."""
    parts = _Parts(apps, ids)
    revisions = _use_case_row_parts(parts)
    _description_table_parts(parts)
    scenario_names = _scenario_parts(parts)
    _other_table_parts(parts)
    _step_parts(parts, scenario_names)
    _library_parts(parts)
    for owner, key, value, section in parts.rows("CustomInformation", "key", "value", "refers_to_section"):
        parts.add(owner, _label("8", key), "C", key, value, section)
    return revisions, parts.by_use_case
