"""From a validation finding to the form that fixes it ("Fix" in the validation panel). A finding names its row by
the anchor it has on the use case page (`step-<pk>`, `scenario-<pk>`, `actorrole-<pk>`, ...): its Fix is the edit
form of that row in the table that edits it. A finding about the use case as a whole names its section: its Fix is
the form for that section (`SECTION_EDITORS`, by rule: the name and the texts on the edit page, the actors and
scenarios tables to add the first row, the placement editor), and a scenario without steps opens its steps table.
Those open under the finding (`editor_inline`), except the edit page, a page of its own. A finding about a library
object (an information object, a requirement) is fixed in the library, by who may change it (curators): the rules
make those warnings, which an author may submit with. After a save, the panel fetches itself again (the
usecaseRevised event) with the findings of the new revision."""

import re
from collections import defaultdict
from collections.abc import Iterable

from django.urls import reverse

from requirements.models import Requirement
from ucmr.permissions import CHANGE, user_can
from usecases.authoring.tables import TABLES, EditableTable
from usecases.models import Condition, InformationObject, Scenario, Step, UseCase

# Findings about the use case as a whole, by rule: (URL name, table key) of the form that fixes them.
SECTION_EDITORS = {
    "UC001": ("usecases:usecase_update", ""),
    "UC002": ("usecases:usecase_update", ""),
    "UC003": ("usecases:usecase_update", ""),
    "UC004": ("usecases:usecase_update", ""),
    "UC005": ("usecases:row_list", "actors"),
    "UC006": ("usecases:row_list", "scenarios"),
    "UC020": ("sgam:placement_editor", ""),
    "UC028": ("sgam:placement_editor", ""),
    "UC029": ("usecases:row_list", "versions"),
}
PAGES = {"usecases:usecase_update"}  # editors that are pages, not partials to open under the finding
LIBRARY_EDITORS = {
    "informationobject": (InformationObject, "usecases:information_object_update"),
    "requirement": (Requirement, "requirements:requirement_update"),
}
STEPS_OF_SCENARIO = re.compile(r"scenario-([0-9]+)-steps")  # the anchor of a scenario's steps table


def _tables_by_model() -> dict[str, list[EditableTable]]:
    tables = defaultdict(list)
    for table in TABLES.values():
        tables[table.model._meta.model_name].append(table)
    return tables


def _parse(anchor: str) -> tuple[str, int] | None:
    model_name, _, pk = anchor.rpartition("-")
    return (model_name, int(pk)) if model_name and pk.isdigit() else None


def row_editors(*, use_case: UseCase, anchors: Iterable[str]) -> dict[str, str]:
    """The edit forms' URLs of the rows `anchors` name that are rows of the use case's editable tables (a query
    per kind of row named, whatever the number of findings)."""
    tables = _tables_by_model()
    wanted: dict[str, set[int]] = defaultdict(set)
    for anchor in anchors:
        parsed = _parse(anchor)
        if parsed is not None and parsed[0] in tables:
            wanted[parsed[0]].add(parsed[1])
    editors = {}
    for model_name, pks in wanted.items():
        candidates = tables[model_name]
        model = candidates[0].model
        owner = {"scenario__use_case": use_case} if model is Step else {"use_case": use_case}
        fields = {Step: ["pk", "scenario_id"], Condition: ["pk", "scenario_id", "kind"]}.get(model, ["pk"])
        for row in model.objects.filter(pk__in=pks, **owner).values(*fields):
            scenario = row.get("scenario_id")
            table = next(t for t in candidates if t.kind == row.get("kind", "") and t.scoped == (scenario is not None))
            kwargs = {"pk": use_case.pk, "table": table.key, "row": row["pk"]}
            if scenario is not None:
                kwargs["scenario"] = scenario
            editors[f"{model_name}-{row['pk']}"] = reverse("usecases:row_update", kwargs=kwargs)
    return editors


def _steps_editors(*, use_case: UseCase, anchors: Iterable[str]) -> dict[str, str]:
    """The steps tables of the scenarios named by `scenario-<pk>-steps` anchors (one query when there are any)."""
    pks = {int(found[1]) for anchor in anchors if (found := STEPS_OF_SCENARIO.fullmatch(anchor))}
    if not pks:
        return {}
    scenarios = Scenario.objects.filter(use_case=use_case, pk__in=pks).values_list("pk", flat=True)
    kwargs = {"pk": use_case.pk, "table": "steps"}
    return {f"scenario-{pk}-steps": reverse("usecases:row_list", kwargs={**kwargs, "scenario": pk}) for pk in scenarios}


def _section_editor(use_case: UseCase, rule: str) -> str | None:
    name, table = SECTION_EDITORS.get(rule, ("", ""))
    if not name:
        return None
    return reverse(name, kwargs={"pk": use_case.pk, **({"table": table} if table else {})})


def _library_editor(user, anchor: str, allowed: dict[type, bool]) -> str | None:
    """The library edit page of the object `anchor` names, for who may change the library (`allowed` remembers the
    answer per library)."""
    parsed = _parse(anchor)
    if user is None or parsed is None or parsed[0] not in LIBRARY_EDITORS:
        return None
    model, name = LIBRARY_EDITORS[parsed[0]]
    if model not in allowed:
        allowed[model] = user_can(user, CHANGE, model)
    return reverse(name, kwargs={"pk": parsed[1]}) if allowed[model] else None


def findings_with_editors(*, use_case: UseCase, findings: list, may_change: bool, user=None) -> list:
    """The findings, each with `editor`: the URL of the form that fixes it for who may change the draft (a library
    object's, for who may change the library: `user`), or None; and `editor_inline`: whether that form opens under
    the finding (a partial) rather than as a page."""
    editable = may_change and use_case.status == UseCase.Status.DRAFT
    editors = {}
    if editable:
        anchors = [finding.anchor for finding in findings]
        editors = row_editors(use_case=use_case, anchors=anchors) | _steps_editors(use_case=use_case, anchors=anchors)
    allowed: dict[type, bool] = {}
    for finding in findings:
        editor = editors.get(finding.anchor) or (_section_editor(use_case, finding.rule) if editable else None)
        inline = editor is not None and SECTION_EDITORS.get(finding.rule, ("", ""))[0] not in PAGES
        if editor is None:
            editor, inline = _library_editor(user, finding.anchor, allowed), False
        finding.editor, finding.editor_inline = editor, inline
    return findings
