"""The template's one description (usecases.template) is what the use case page, the print page, the frozen
versions, the table editors and the admin show."""

import io
import re
from dataclasses import replace
from html import unescape

import docx
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import (
    InformationObjectFactory,
    ReferenceFactory,
    ScenarioFactory,
    StepFactory,
    UseCaseFactory,
    WorkspaceFactory,
    member_of,
)
from tests.http import response_text
from usecases import template
from usecases.excel.reader import read_workbook
from usecases.exchange.services import usecases_export_docx, usecases_export_xlsx
from usecases.models import InformationObject, UseCase
from usecases.template import SECTIONS, TITLES, Column, heading
from usecases.versions import usecase_document_json
from usecases.word.reader import read_word_document


@pytest.fixture
def signed_in(client):
    workspace = WorkspaceFactory()
    client.force_login(member_of(workspace, "viewer"))
    return client, UseCaseFactory(workspace=workspace)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["usecases:usecase_detail", "usecases:usecase_print"])
def test_pages_show_every_heading_of_the_template_in_its_order(signed_in, page):
    client, use_case = signed_in
    response = client.get(reverse(page, kwargs={"pk": use_case.pk}))
    html = response_text(response)

    found = {match.group(2): match.start() for match in re.finditer(r"<h([23])[^>]*>([^<{]+?)\s*(?:<|$)", html)}
    positions = [found.get(heading(number), -1) for number in TITLES]

    assert -1 not in positions, [number for number, at in zip(TITLES, positions, strict=True) if at == -1]
    assert positions == sorted(positions)


@pytest.mark.django_db
def test_a_frozen_version_has_the_template_sections_and_columns():
    use_case = UseCaseFactory()
    document = usecase_document_json(use_case_id=use_case.pk)

    assert [(s["key"], s["title"]) for s in document["sections"]] == [(s.number, s.title) for s in SECTIONS]
    versions = next(section for section in document["sections"] if section["key"] == "1.2")["tables"][0]
    assert versions["columns"] == ["Version No.", "Date", "Name of author(s)", "Changes", "Approval status"]


def _described(monkeypatch, key: str, columns: tuple[Column, ...]) -> None:
    """The template as if table `key` were described with `columns`."""
    sections = tuple(
        replace(section, tables=tuple(replace(t, columns=columns) if t.key == key else t for t in section.tables))
        for section in template.SECTIONS
    )
    monkeypatch.setattr(template, "SECTIONS", sections)


@pytest.mark.django_db
def test_a_column_renamed_added_and_moved_in_the_template_shows_in_the_pages_the_editor_the_admin_and_the_versions(
    client, monkeypatch
):
    """3.2 References described otherwise: the link first, the reference renamed "Cited document", its description
    (a field no column showed) a column after it."""
    columns = {column.name: column for column in template.table("references").columns}
    described = (
        columns["link"],
        columns["number"],
        columns["reference_type"],
        replace(columns["name"], label="Cited document"),
        Column("Description", lambda reference: reference.description, "description"),
        columns["status"],
        columns["impact"],
        columns["originator"],
    )
    _described(monkeypatch, "references", described)
    labels = ["Link", "No.", "Reference type", "Cited document", "Description", "Status", "Impact on use case"]
    labels.append("Originator")
    fields = ["link", "number", "reference_type", "name", "description", "status", "impact", "originator"]
    workspace = WorkspaceFactory()
    use_case = UseCaseFactory(workspace=workspace)
    reference = ReferenceFactory(use_case=use_case, link="https://example.org/61850", description="Mappings.")

    # The frozen version's document.
    document = usecase_document_json(use_case_id=use_case.pk)
    table = next(t for s in document["sections"] for t in s["tables"] if t["key"] == "references")
    assert table["columns"] == labels
    assert table["rows"][0]["cells"][:5] == [reference.link, reference.number, "", reference.name, "Mappings."]

    # The use case page and the print page: the table's header and its cells, in the template's columns.
    client.force_login(member_of(workspace, "author"))
    page = response_text(client.get(use_case.get_absolute_url()))
    assert '<th scope="col">Cited document</th>' in page
    printed = response_text(client.get(reverse("usecases:usecase_print", kwargs={"pk": use_case.pk})))
    for shown in (page, printed):
        references = re.search(r'<div id="table-references">(.*?)</table>', shown, re.S).group(1)
        assert re.findall(r'<th scope="col">([^<]*)</th>', references) == labels
        row = re.search(rf'<tr id="reference-{reference.pk}">(.*?)</tr>', references, re.S).group(1)
        cells = [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        assert len(cells) == len(labels)
        assert cells[:3] == [reference.link, reference.number, ""]
        assert cells[3].startswith(reference.name)  # the reference, its description below it as before
        assert cells[4:] == ["Mappings.", "", "", ""]

    # The table editor: its header, its cells, and the labels of its row form.
    editor_url = reverse("usecases:row_list", kwargs={"pk": use_case.pk, "table": "references"})
    editor = unescape(client.get(editor_url, HTTP_HX_REQUEST="true").content.decode())
    assert re.findall(r'<th scope="col">([^<]*)</th>', editor) == [*labels, "Actions"]
    assert re.findall(r"<td[^>]*>([^<]*)</td>", editor)[:5] == [
        reference.link,
        reference.number,
        "",
        reference.name,
        "Mappings.",
    ]
    assert f'data-fields="{" ".join(fields)}"' in editor
    assert re.search(r'<label[^>]*for="[^"]*name"[^>]*>\s*Cited document', editor)

    # The admin: the use case's references inline and a reference on its own, fields in that order, so labelled.
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-admin-1"))
    inline = response_text(client.get(reverse("admin:usecases_usecase_change", args=[use_case.pk])))
    found = re.findall(r'<label[^>]*for="id_references-0-([a-z_]+)"[^>]*>([^<]*?):?</label>', inline)
    assert found == list(zip(["position", *fields], ["Position", *labels], strict=True))
    alone = response_text(client.get(reverse("admin:usecases_reference_change", args=[reference.pk])))
    found = re.findall(r'<label[^>]*for="id_(\w+)"[^>]*>([^<]*?):?</label>', alone)
    assert found[: len(fields) + 1] == list(zip(["position", *fields], ["Position", *labels], strict=True))


@pytest.mark.django_db
def test_a_use_case_field_renamed_and_moved_in_the_template_shows_in_the_page_its_form_the_admin_and_the_versions(
    client, monkeypatch
):
    """1.1 with the name first, 1.7's level of depth renamed "Depth of detail"."""
    sections = {section.number: section for section in template.SECTIONS}
    identifier, area, name, *placements = sections["1.1"].fields
    depth, *classification = sections["1.7"].fields
    changed = {
        "1.1": replace(sections["1.1"], fields=(name, identifier, area, *placements)),
        "1.7": replace(sections["1.7"], fields=(replace(depth, label="Depth of detail"), *classification)),
    }
    monkeypatch.setattr(template, "SECTIONS", tuple(changed.get(s.number, s) for s in template.SECTIONS))
    workspace = WorkspaceFactory()
    use_case = UseCaseFactory(workspace=workspace, level_of_depth="Detailed")

    document = usecase_document_json(use_case_id=use_case.pk)
    fields = {section["key"]: section["fields"] for section in document["sections"]}
    assert [label for label, _ in fields["1.1"][:3]] == ["Name of use case", "ID", "Area / Domain(s) / Zone(s)"]
    assert fields["1.7"][0] == ["Depth of detail", "Detailed"]

    client.force_login(member_of(workspace, "author"))
    page = response_text(client.get(use_case.get_absolute_url()))
    assert re.search(r"<th[^>]*>Depth of detail</th><td>Detailed</td>", page)
    form = response_text(client.get(reverse("usecases:usecase_update", kwargs={"pk": use_case.pk})))
    assert re.search(r'<label[^>]*for="id_level_of_depth"[^>]*>\s*Depth of detail', form)

    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-admin-1"))
    admin_page = response_text(client.get(reverse("admin:usecases_usecase_change", args=[use_case.pk])))
    found = re.findall(r'<label[^>]*for="id_(\w+)"[^>]*>([^<]*?):?</label>', admin_page)
    section_1_1 = [(name, label) for name, label in found if name in ("identifier", "area", "name")]
    assert section_1_1 == [("name", "Name of use case"), ("identifier", "ID"), ("area", "Area / Domain(s) / Zone(s)")]
    assert ("level_of_depth", "Depth of detail") in found
    assert admin_page.index("1.1 Name of use case") < admin_page.index("id_name") < admin_page.index("1.3 Scope")


@pytest.mark.django_db
def test_a_column_added_to_the_template_shows_in_the_word_and_excel_exports(monkeypatch, settings, tmp_path):
    """Section 5 with the information's data class (a field neither office template has) after its name: the Word
    table has the column there, under the template's label; the BRIDGE sheet a row after the block's rows. Both
    files still read back as before."""
    settings.MEDIA_ROOT = tmp_path
    columns = list(template.table("information").columns)
    columns.insert(2, Column("Data class", lambda item: item.data_class, "data_class"))
    _described(monkeypatch, "information", tuple(columns))
    use_case = UseCaseFactory(identifier="UC-DC")
    step = StepFactory(scenario=ScenarioFactory(use_case=use_case))
    meter = InformationObjectFactory(
        identifier="IO-M",
        name="Meter readings",
        description="Quarter-hourly values.",
        data_class=InformationObject.DataClass.METER_USAGE,
    )
    step.information_objects.add(meter)
    use_cases = UseCase.objects.filter(pk=use_case.pk)

    data = usecases_export_docx(user=None, use_cases=use_cases)
    table = next(
        t for t in docx.Document(io.BytesIO(data)).tables if t.rows[0].cells[0].text == "Information Exchanged"
    )
    assert [cell.text for cell in table.rows[1].cells] == [
        "Information exchanged ID",
        "Name of information",
        "Data class",
        "Description of information exchanged",
        "Requirements IDs",
    ]
    assert [cell.text for cell in table.rows[2].cells][:4] == [
        "IO-M",
        "Meter readings",
        "meter_usage",
        meter.description,
    ]
    (read,) = read_word_document(data=data).information_objects
    assert (read.identifier, read.name, read.description) == ("IO-M", "Meter readings", meter.description)

    data = usecases_export_xlsx(user=None, use_cases=use_cases)
    rows = [[cell.value for cell in row[1:3]] for row in load_workbook(io.BytesIO(data))["UC-DC"].iter_rows()]
    found = rows.index(["Description of information exchanged", meter.description])
    assert rows[found + 1] == ["Data class", "meter_usage"]
    (read,) = read_workbook(data=data).information_objects
    assert (read.identifier, read.name, read.description) == ("IO-M", "Meter readings", meter.description)
