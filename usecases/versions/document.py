"""A use case as the JSON a frozen version keeps: section by section, labelled fields and tables whose rows carry
a stable key (the row's mRID), so that two versions can be compared row by row. Labels are stored with the values,
so an old version reads the same however the page changes later. Relations to other use cases also keep the
related use case's id, so that a reader who may not see it is not told its name (`document_redacted`)."""

from typing import Any

from ucmr.permissions import visible_to
from usecases import template
from usecases.models import UseCase
from usecases.selectors import usecase_document
from usecases.template import Section, Source, Table

FORMAT = 1
HIDDEN_USE_CASE = "a use case you may not see"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _table_json(table: Table, rows: list[Any], key: str, title: str) -> dict:
    document = {
        "key": key,
        "title": title,
        "columns": table.labels,
        "rows": [
            {"key": str(table.row_key(row)), "cells": [_text(column.value(row)) for column in table.columns]}
            for row in rows
        ],
    }
    if table.references is not None:
        document["related_use_cases"] = [table.references(row) for row in rows]
    return document


def _tables_json(table: Table, source: Source) -> list[dict]:
    if table.repeat is None:
        return [_table_json(table, list(table.rows(source)), table.key, table.title)]
    return [
        _table_json(table, list(table.rows(item)), table.key_of(item), table.title_of(item))
        for item in table.repeat(source)
    ]


def _section_json(section: Section, source: Source) -> dict:
    return {
        "key": section.number,
        "title": section.title,
        "fields": [[item.label, _text(item.value(source.use_case))] for item in section.fields],
        "tables": [document for table in section.tables for document in _tables_json(table, source)],
    }


def usecase_document_json(*, use_case_id: int) -> dict[str, Any]:
    """The whole use case, sections 1.1 to 8 as the template describes them (usecases.template), as the JSON a
    frozen version keeps."""
    use_case = UseCase.objects.with_document().get(pk=use_case_id)
    source = Source(use_case=use_case, document=usecase_document(user=None, use_case=use_case))
    return {
        "format": FORMAT,
        "mrid": str(use_case.mrid),
        "identifier": use_case.identifier,
        "name": use_case.name,
        "workspace": use_case.workspace.name,
        "status": use_case.status,
        "revision": use_case.revision,
        "sections": [_section_json(section, source) for section in template.SECTIONS],
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
