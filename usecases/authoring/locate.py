"""From a validation finding to the editor of the row it is about: a finding names its row by the anchor it has on
the use case page (`step-<pk>`, `scenario-<pk>`, `actorrole-<pk>`, ...); this finds the table that edits that row,
so the validation panel can open the row's edit form under the finding ("Fix"). After the save, the panel fetches
itself again (the usecaseRevised event) with the findings of the new revision."""

from collections import defaultdict
from collections.abc import Iterable

from django.urls import reverse

from usecases.authoring.tables import TABLES, EditableTable
from usecases.models import Condition, Step, UseCase


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


def findings_with_editors(*, use_case: UseCase, findings: list, may_change: bool) -> list:
    """The findings, each with `editor`: the URL of its row's edit form for who may change the draft, or None."""
    editors = {}
    if may_change and use_case.status == UseCase.Status.DRAFT:
        editors = row_editors(use_case=use_case, anchors=(finding.anchor for finding in findings))
    for finding in findings:
        finding.editor = editors.get(finding.anchor)
    return findings
