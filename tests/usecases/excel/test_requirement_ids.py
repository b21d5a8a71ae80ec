"""Row 81 ("Requirement, R-IDs" of each information item) as links to the requirements of section 6 (the extended
variant's rows 86 to 93): by R-ID, in lists and in statements that start with their ID in square brackets; what
names no requirement stays as text, with a warning; the writer writes section 6 and row 81 back."""

import io

import pytest
from openpyxl import load_workbook

from tests.usecases.excel.workbooks import template_workbook
from tests.usecases.exchange.conftest import empty_repository, fingerprint
from usecases.excel.layout import EXTENDED_ROWS
from usecases.excel.reader import read_workbook
from usecases.exchange.files import repository_import_file
from usecases.exchange.services import usecases_export_xlsx
from usecases.models import InformationObject, UseCase

pytestmark = pytest.mark.django_db

SECTION_6_LABELS = {f"B{row.row}": row.label for row in EXTENDED_ROWS if row.label and row.row <= 93}
ROW_81 = "R-1, [R-2] The data shall be sent within 5 minutes.\nR-9"


def _sheet(**cells) -> dict:
    return {
        "C4": "UC-R",
        "C6": "Requirements",
        "C62": "1",
        "C63": "Normal",
        "C71": "1",
        "C73": "Send data",
        "C78": "I-01",
        "C79": "1",
        "C81": ROW_81,
        "C82": "I-01",
        "C83": "Meter data",
        **SECTION_6_LABELS,
        "C90": "R-1",
        "C91": "Timeliness",
        "C93": "Within 5 minutes.",
        "D90": "R-2",
        "D91": "Completeness",
        **cells,
    }


def _requirements(item) -> list[tuple[str, str]]:
    return [(r.identifier, r.category.name) for r in item.requirements.order_by("identifier")]


def test_row_81_links_the_requirements_of_section_6_and_keeps_what_names_none():
    repository = read_workbook(data=template_workbook(_sheet(C87="QoS", C88="Quality of service")))

    (item,) = repository.information_objects
    requirements = {r.mrid: r.identifier for r in repository.all_requirements()}
    assert [requirements[ref] for ref in item.requirement_refs] == ["R-1", "R-2"]
    assert item.extra["requirements"] == ROW_81
    assert any(
        "1 reference(s) in row 81 name no requirement of section 6" in w and "'R-9'" in w for w in repository.warnings
    )


def test_requirements_aligned_with_categories_are_in_the_category_of_their_column():
    cells = {"C87": "QoS", "C88": "Quality of service", "D87": "SEC", "D88": "Security"}
    repository = read_workbook(data=template_workbook(_sheet(**cells)))

    membership = {c.name: [r.identifier for r in c.requirements] for c in repository.requirement_categories}
    assert membership == {"Quality of service": ["R-1"], "Security": ["R-2"]}


def test_row_81_and_section_6_come_back_from_the_excel_export():
    cells = {"C87": "QoS", "C88": "Quality of service", "D87": "SEC", "D88": "Security"}
    repository_import_file(user=None, data=template_workbook(_sheet(**cells)), workspace=None)
    item = InformationObject.objects.get()
    assert _requirements(item) == [("R-1", "Quality of service"), ("R-2", "Security")]

    exported = usecases_export_xlsx(user=None, use_cases=UseCase.objects.all())
    sheet = load_workbook(io.BytesIO(exported))["UC-R"]
    before = fingerprint()
    report = repository_import_file(user=None, data=exported, workspace=None)  # onto what it came from

    assert sheet["C81"].value == ROW_81
    assert [sheet[f"B{row}"].value for row in (86, 87, 90, 93)] == [
        "Requirement, R-IDs",
        "Categories ID",
        "Requirement R-ID",
        "Requirement description",
    ]
    assert [sheet[f"{column}90"].value for column in "CD"] == ["R-1", "R-2"]
    assert fingerprint() == before and not report.changed
    empty_repository()
    repository_import_file(user=None, data=exported, workspace=None)
    item = InformationObject.objects.get()
    assert _requirements(item) == [("R-1", "Quality of service"), ("R-2", "Security")]
    assert item.requirements.get(identifier="R-1").description == "Within 5 minutes."


def test_a_sheet_without_section_6_keeps_row_81_as_text_and_writes_it_back():
    cells = dict.fromkeys((*SECTION_6_LABELS, "C90", "C91", "C93", "D90", "D91"))
    report = repository_import_file(user=None, data=template_workbook(_sheet(**cells)), workspace=None)

    exported = usecases_export_xlsx(user=None, use_cases=UseCase.objects.all())
    sheet = load_workbook(io.BytesIO(exported))["UC-R"]

    assert not InformationObject.objects.get().requirements.exists()
    assert any("3 reference(s) in row 81" in warning for warning in report.warnings)
    assert sheet["C81"].value == ROW_81
    assert sheet.max_row == 84  # no section 6
