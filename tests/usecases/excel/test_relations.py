"""Row 29 ("Relation to other use cases") as relations: to a use case of the same workbook or of the repository, by
ID or name, the type in brackets; what names no use case is kept as text with a warning, and never becomes a
placeholder use case. The writer gives the text back while it says what the use case relates to."""

import io

import pytest
from openpyxl import load_workbook

from tests.factories import UseCaseFactory, WorkspaceFactory
from tests.usecases.excel.workbooks import template_workbook
from tests.usecases.exchange.conftest import empty_repository, fingerprint
from usecases.excel.reader import read_workbook, relation_parts
from usecases.exchange.files import repository_import_file
from usecases.exchange.services import usecases_export_xlsx
from usecases.models import UseCase, UseCaseRelation

pytestmark = pytest.mark.django_db

PROSE = "This use case provides the metering that both of them need."


def _sheet(identifier: str, name: str, relations: str = "") -> dict:
    return {"C4": identifier, "C6": name, "C14": "Scope", **({"C29": relations} if relations else {})}


def _workbook() -> bytes:
    return template_workbook(
        _sheet("UC-A", "Collect meter data", f"UC-B (include)\nPublish prices\n{PROSE}"),
        _sheet("UC-B", "Aggregate data", "collect METER data"),
        _sheet("UC-C", "Publish prices"),
    )


def _relations(identifier: str) -> list[tuple[str, str]]:
    return sorted(
        UseCaseRelation.objects.filter(use_case__identifier=identifier).values_list("related__identifier", "type")
    )


@pytest.fixture
def grid():
    return WorkspaceFactory(name="Grid", slug="grid")


def _import(data: bytes, workspace):
    return repository_import_file(user=None, data=data, workspace=workspace, name="relations.xlsx")


def test_row_29_relates_to_use_cases_of_the_workbook_by_id_and_name_with_its_type():
    repository = read_workbook(data=_workbook())

    use_cases = {use_case.identifier: use_case for use_case in repository.full_use_cases}
    mrids = {use_case.mrid: identifier for identifier, use_case in use_cases.items()}
    assert [(mrids[r.use_case_ref], r.type) for r in use_cases["UC-A"].relations] == [("UC-B", "include"), ("UC-C", "")]
    assert [(mrids[r.use_case_ref], r.type) for r in use_cases["UC-B"].relations] == [("UC-A", "")]
    assert use_cases["UC-A"].extra["relations"] == f"UC-B (include)\nPublish prices\n{PROSE}"
    (warning,) = [w for w in repository.warnings if "row 29" in w]
    assert "'IEC62559-2-1'" in warning and "1 part(s)" in warning and "This use case provides" in warning


def test_the_parts_of_row_29_as_real_workbooks_write_them():
    """As in ACCEPT, OneNet and MAESHA: an ID with a quoted name, IDs by commas, prose naming a use case."""
    parts = relation_parts(
        "ACCEPT_UC2 \u201cBuilding self-consumption\u201d\nWECL-ES-01, SUC-ES-01\n"
        "Linked to \u201cVoltage control\u201d UC (UC2) as potential conflicts could appear."
    )

    assert [(part.identifier, part.name) for part in parts] == [
        ("ACCEPT_UC2", "Building self-consumption"),
        ("WECL-ES-01", ""),
        ("SUC-ES-01", ""),
        ("UC2", "Voltage control"),
    ]


def test_row_29_links_use_cases_of_the_repository_and_makes_no_placeholder(grid):
    UseCaseFactory(workspace=grid, identifier="EACL-HU-02", name="Voltage control")
    UseCaseFactory(workspace=grid, identifier="UC-9", name="Congestion management")
    data = template_workbook(
        _sheet("UC-A", "Collect meter data", "EACL-HU-02 (extends)\nCongestion management\nUC-404, Unknown thing")
    )

    report = _import(data, grid)

    assert _relations("UC-A") == [("EACL-HU-02", "extend"), ("UC-9", "associate")]
    assert UseCase.objects.count() == 3  # no placeholder for UC-404 or "Unknown thing"
    assert any("were dropped" in w and "uc-404" in w and "unknown thing" in w for w in report.warnings)
    assert UseCase.objects.get(identifier="UC-A").extra["relations"].endswith("UC-404, Unknown thing")


def test_a_workbook_with_relations_imported_again_changes_nothing(grid):
    UseCaseFactory(workspace=grid, identifier="EACL-HU-02")
    data = template_workbook(
        _sheet("UC-A", "Collect meter data", "UC-B (include)\nEACL-HU-02\nUC-404"), _sheet("UC-B", "Aggregate data")
    )
    _import(data, grid)
    before = fingerprint()

    report = _import(data, grid)

    assert fingerprint() == before and not report.changed


def test_the_export_writes_row_29_as_found_and_it_comes_back(grid):
    _import(_workbook(), grid)

    exported = usecases_export_xlsx(user=None, use_cases=UseCase.objects.all())
    cells = {
        sheet.title: sheet["C29"].value
        for sheet in load_workbook(io.BytesIO(exported))
        if sheet.title != "Instructions"
    }
    empty_repository()
    _import(exported, WorkspaceFactory(name="Again", slug="again"))

    assert cells == {"UC-A": f"UC-B (include)\nPublish prices\n{PROSE}", "UC-B": "collect METER data", "UC-C": None}
    assert _relations("UC-A") == [("UC-B", "include"), ("UC-C", "associate")]
    assert _relations("UC-B") == [("UC-A", "associate")]


def test_a_relation_changed_in_the_application_is_written_by_id_with_its_type(grid):
    _import(_workbook(), grid)
    relation = UseCaseRelation.objects.get(use_case__identifier="UC-A", related__identifier="UC-C")
    relation.type = UseCaseRelation.Type.INVOKE
    relation.save()

    exported = usecases_export_xlsx(user=None, use_cases=UseCase.objects.filter(identifier="UC-A"))

    assert load_workbook(io.BytesIO(exported))["UC-A"]["C29"].value == "UC-B (include)\nUC-C (invoke)"
