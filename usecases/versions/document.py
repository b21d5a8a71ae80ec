"""A use case as the JSON a frozen version keeps: section by section, labelled fields and tables whose rows carry
a stable key (the row's mRID), so that two versions can be compared row by row. Labels are stored with the values,
so an old version reads the same however the page changes later. Relations to other use cases also keep the
related use case's id, so that a reader who may not see it is not told its name (`document_redacted`)."""

from collections.abc import Iterable
from typing import Any

from ucmr.permissions import visible_to
from usecases.models import Condition, UseCase
from usecases.selectors import usecase_document

FORMAT = 1
HIDDEN_USE_CASE = "a use case you may not see"


def _names(items: Iterable[Any], attribute: str = "") -> str:
    return ", ".join(str(getattr(item, attribute) if attribute else item) for item in items)


def _short_ids(items: Iterable[Any]) -> str:
    return ", ".join(item.identifier or item.name for item in items)


def _conditions(conditions: Iterable[Condition]) -> str:
    return "; ".join(condition.name or condition.description for condition in conditions)


def _table(key: str, title: str, columns: list[str], rows: Iterable[tuple[Any, list[Any]]], **extra) -> dict:
    return {
        "key": key,
        "title": title,
        "columns": columns,
        "rows": [
            {"key": str(row_key), "cells": ["" if cell is None else str(cell) for cell in cells]}
            for row_key, cells in rows
        ],
        **extra,
    }


def _section(key: str, title: str, fields: list[tuple[str, Any]] = (), tables: list[dict] = ()) -> dict:
    return {
        "key": key,
        "title": title,
        "fields": [[label, "" if value is None else str(value)] for label, value in fields],
        "tables": list(tables),
    }


def _condition_table(key: str, title: str, conditions: list[Condition]) -> dict:
    rows = ((condition.mrid, [condition.number, condition.name, condition.description]) for condition in conditions)
    return _table(key, title, ["No.", "Name", "Description"], rows)


def usecase_document_json(*, use_case_id: int) -> dict[str, Any]:
    """The whole use case, sections 1.1 to 8, as the JSON a frozen version keeps."""
    use_case = UseCase.objects.with_document().get(pk=use_case_id)
    document = usecase_document(user=None, use_case=use_case)
    relations = [row.relation for row in document.relations]
    step_tables = [
        _table(
            f"steps-{section.scenario.mrid}",
            f"Scenario {section.scenario}",
            [
                "Step No.",
                "Event",
                "Name of process/activity",
                "Description of process/activity",
                "Service",
                "Information producer (actor)",
                "Information receiver (actor)",
                "Information exchanged (IDs)",
                "Requirement, R-IDs",
            ],
            (
                (
                    node.step.mrid,
                    [
                        node.number,
                        node.step.event,
                        node.step.name,
                        node.step.description,
                        node.step.service,
                        _names(node.step.producers.all(), "name"),
                        _names(node.step.receivers.all(), "name"),
                        _short_ids(node.step.information_objects.all()),
                        _short_ids(node.step.requirements.all()),
                    ],
                )
                for node in section.steps
            ),
        )
        for section in document.scenarios
    ]
    groupings = list(use_case.actor_groupings.all())
    grouping_names = {grouping.pk: grouping.name for grouping in groupings}
    sections = [
        _section(
            "1.1",
            "Name of use case",
            [
                ("ID", use_case.identifier),
                ("Area / Domain(s) / Zone(s)", use_case.area),
                ("Name of use case", use_case.name),
                ("SGAM placement", "; ".join(str(placement) for placement in use_case.sgam_placements.all())),
                ("NIST domains", _names(placement.nist_domain for placement in use_case.nist_placements.all())),
            ],
        ),
        _section(
            "1.2",
            "Version management",
            tables=[
                _table(
                    "versions",
                    "Versions",
                    ["Version No.", "Date", "Name of author(s)", "Changes", "Approval status"],
                    (
                        (
                            version.mrid,
                            [
                                version.number,
                                version.date.date().isoformat() if version.date else "",
                                version.authors,
                                version.changes,
                                version.approval_status,
                            ],
                        )
                        for version in use_case.versions.all()
                    ),
                )
            ],
        ),
        _section(
            "1.3",
            "Scope and objectives of use case",
            [("Scope", use_case.scope)],
            [
                _table(
                    "objectives",
                    "Objectives",
                    ["Name", "Description"],
                    (
                        (objective.mrid, [objective.name, objective.description])
                        for objective in use_case.objectives.all()
                    ),
                ),
                _table(
                    "business-cases",
                    "Related business cases",
                    ["Name", "Areas", "Description"],
                    (
                        (case.mrid, [case.name, _names(case.areas.all(), "name"), case.description])
                        for case in use_case.business_cases.all()
                    ),
                ),
            ],
        ),
        _section(
            "1.4",
            "Narrative of use case",
            [
                ("Short description", use_case.short_description),
                ("Complete description", use_case.complete_description),
            ],
        ),
        _section(
            "1.5",
            "Key performance indicators (KPI)",
            tables=[
                _table(
                    "kpis",
                    "KPIs",
                    ["ID", "Name", "Description", "Reference to mentioned use case objectives"],
                    (
                        (kpi.mrid, [kpi.identifier, kpi.name, kpi.description, _names(kpi.objectives.all(), "name")])
                        for kpi in use_case.kpis.all()
                    ),
                )
            ],
        ),
        _section(
            "1.6",
            "Use case conditions",
            tables=[
                _condition_table("assumptions", "Assumptions", document.assumptions),
                _condition_table("prerequisites", "Prerequisites", document.prerequisites),
            ],
        ),
        _section(
            "1.7",
            "Further information to the use case for classification/mapping",
            [
                ("Level of depth", use_case.level_of_depth),
                ("Prioritisation", use_case.prioritisation),
                ("Generic, regional or national relation", use_case.classification),
                ("Nature of the use case", use_case.nature),
                ("View point", use_case.view_point),
                ("Further keywords for classification", use_case.keywords),
            ],
            [
                _table(
                    "relations",
                    "Relation to other use cases",
                    ["Relation", "Related use case", "Description"],
                    (
                        (relation.mrid, [relation.get_type_display(), relation.related, relation.description])
                        for relation in relations
                    ),
                    related_use_cases=[relation.related_id for relation in relations],
                )
            ],
        ),
        _section(
            "1.8",
            "General remarks",
            tables=[
                _table(
                    "remarks",
                    "Remarks",
                    ["Remark"],
                    ((remark.mrid, [remark.text]) for remark in use_case.remarks.all()),
                )
            ],
        ),
        _section(
            "2",
            "Diagrams of use case",
            tables=[
                _table(
                    "drawings",
                    "Diagrams",
                    ["Name", "Diagram type", "Refers to", "URI", "Image file"],
                    (
                        (
                            row.drawing.mrid,
                            [
                                row.drawing.name,
                                row.drawing.get_drawing_type_display(),
                                row.refers_to or "Use case",
                                row.drawing.uri,
                                row.drawing.image.name if row.drawing.image else "",
                            ],
                        )
                        for row in document.drawings
                    ),
                )
            ],
        ),
        _section(
            "3.1",
            "Actors",
            [("Primary actors of the use case", _names(use_case.primary_actors.all(), "name"))],
            [
                _table(
                    "actor-groupings",
                    "Groupings",
                    ["Grouping", "Group description"],
                    ((grouping.mrid, [grouping.name, grouping.description]) for grouping in groupings),
                ),
                _table(
                    "actors",
                    "Actors",
                    ["Actor name", "Actor type", "Actor description", "Grouping", "Further information"],
                    (
                        (
                            role.mrid,
                            [
                                role.actor.name,
                                role.actor.get_type_display(),
                                role.actor.description,
                                grouping_names.get(role.grouping_id, ""),
                                role.further_information,
                            ],
                        )
                        for role in use_case.actor_roles.all()
                    ),
                ),
            ],
        ),
        _section(
            "3.2",
            "References",
            tables=[
                _table(
                    "references",
                    "References",
                    ["No.", "Reference type", "Reference", "Status", "Impact on use case", "Originator", "Link"],
                    (
                        (
                            reference.mrid,
                            [
                                reference.number,
                                reference.reference_type,
                                reference.name,
                                reference.status,
                                reference.impact,
                                reference.originator,
                                reference.link,
                            ],
                        )
                        for reference in use_case.references.all()
                    ),
                )
            ],
        ),
        _section(
            "4.1",
            "Overview of scenarios",
            tables=[
                _table(
                    "scenarios",
                    "Scenarios",
                    [
                        "No.",
                        "Scenario name",
                        "Scenario description",
                        "Primary actor",
                        "Triggering event",
                        "Pre-condition",
                        "Post-condition",
                        "Requirements",
                    ],
                    (
                        (
                            section.scenario.mrid,
                            [
                                section.scenario.number,
                                section.scenario.name,
                                section.scenario.description,
                                _names(section.scenario.primary_actors.all(), "name"),
                                _conditions(section.triggering_events),
                                _conditions(section.preconditions),
                                _conditions(section.postconditions),
                                _short_ids(section.scenario.requirements.all()),
                            ],
                        )
                        for section in document.scenarios
                    ),
                )
            ],
        ),
        _section("4.2", "Steps per scenario", tables=step_tables),
        _section(
            "5",
            "Information exchanged",
            tables=[
                _table(
                    "information",
                    "Information exchanged",
                    ["Information exchanged, ID", "Name of information", "Description", "Requirement, R-IDs"],
                    (
                        (
                            item.mrid,
                            [item.identifier, item.name, item.description, _short_ids(item.requirements.all())],
                        )
                        for item in document.information_objects
                    ),
                )
            ],
        ),
        _section(
            "6",
            "Requirements",
            tables=[
                _table(
                    "requirements",
                    "Requirements",
                    ["Category", "Requirement R-ID", "Requirement name", "Requirement description"],
                    (
                        (
                            requirement.mrid,
                            [
                                str(group.category) if group.category else "",
                                requirement.identifier,
                                requirement.name,
                                requirement.description,
                            ],
                        )
                        for group in document.requirement_groups
                        for requirement in group.requirements
                    ),
                )
            ],
        ),
        _section(
            "7",
            "Common terms and definitions",
            tables=[
                _table(
                    "terms",
                    "Terms",
                    ["Term", "Definition"],
                    ((term.mrid, [term.term, term.definition]) for term in use_case.common_terms.all()),
                )
            ],
        ),
        _section(
            "8",
            "Custom information",
            tables=[
                _table(
                    "custom-information",
                    "Custom information",
                    ["Key", "Value", "Refers to section"],
                    (
                        (item.mrid, [item.key, item.value, item.refers_to_section])
                        for item in use_case.custom_information.all()
                    ),
                )
            ],
        ),
    ]
    return {
        "format": FORMAT,
        "mrid": str(use_case.mrid),
        "identifier": use_case.identifier,
        "name": use_case.name,
        "workspace": use_case.workspace.name,
        "status": use_case.status,
        "revision": use_case.revision,
        "sections": sections,
    }


def document_redacted(*, user, document: dict[str, Any]) -> dict[str, Any]:
    """The document with the names of related use cases the user may not see replaced (one query at most)."""
    related = {
        pk
        for section in document["sections"]
        for table in section["tables"]
        for pk in table.get("related_use_cases", [])
    }
    if not related:
        return document
    visible = set(visible_to(user, UseCase.objects.filter(pk__in=related)).values_list("pk", flat=True))
    if related <= visible:
        return document
    sections = []
    for section in document["sections"]:
        tables = []
        for table in section["tables"]:
            pks = table.get("related_use_cases")
            if pks:
                rows = [
                    {**row, "cells": [row["cells"][0], HIDDEN_USE_CASE, *row["cells"][2:]]}
                    if pk not in visible
                    else row
                    for row, pk in zip(table["rows"], pks, strict=True)
                ]
                table = {**table, "rows": rows}
            tables.append(table)
        sections.append({**section, "tables": tables})
    return {**document, "sections": sections}
