"""The real BRIDGE workbooks of ../shared/iec62559/examples/excel through the database: what lands there is what
the sheets hold (counted here with openpyxl directly, not with the reader), the export is valid IEC 62559-3 XML,
and a second import changes nothing."""

from pathlib import Path

import openpyxl
import pytest

from actors.models import Actor
from tests.usecases.exchange.conftest import PUBLISHED_XSD, fingerprint
from usecases.exchange.dumper import repository_export
from usecases.exchange.files import repository_import_file
from usecases.models import InformationObject, Kpi, Scenario, Step, UseCase, VersionEntry
from usecases.xml import schema_problems, write_variant_c

pytestmark = pytest.mark.django_db

WORKBOOKS = [
    "ACCEPT__UC1__IEC62559-2_UC1.xlsx",
    "EBALANCE-PLUS__UC5__IEC62559-2_UC5.xlsx",
    "MAESHA__IEC62559-2_TEMPLATE_FrequencyControlUC.xlsx",
    "OneNet__EACL-HU-01__EACL-HU-01.xlsx",
    "OneNet__WECL-ES-02__WECL-ES-02.xlsm",
    "TIGON__IEC62559-TEMPLATE-TIGON-v00.xlsx",
    "X-FLEX__UC2-5__UC2.5 State Estimation.xlsx",
    "coordinet__Spain__IEC62559-2_Spain.xlsx",
]

# Canonical rows of the template (excel-template.md, section 3), with the label each must carry in these files.
LABELS = {
    4: "ID",
    6: "Name of use case",
    8: "Version No.",
    21: "ID",
    46: "Actor name",
    62: "No.",
    63: "Scenario name",
    71: "Step No.",
    78: "Information exchanged (IDs)",
    82: "Information exchanged, ID",
    84: "Description of information exchanged",
}
PLACEHOLDERS = {"n/a", "na", "-", "/", "?", "??", "(none)", "none"}


@pytest.fixture(params=WORKBOOKS, ids=[name.split("__")[0] + "-" + name.split("__")[1] for name in WORKBOOKS])
def workbook(request, iec_dir) -> Path:
    return iec_dir / "examples" / "excel" / request.param


def _filled(value) -> bool:
    return value is not None and str(value).replace("\xa0", " ").strip().casefold() not in {"", *PLACEHOLDERS}


def _columns(cells: dict, rows: range) -> int:
    """How many columns from C hold a value in any of `rows`."""
    return len({column for (row, column), value in cells.items() if row in rows and column >= 3 and _filled(value)})


def _counts_in_workbook(path: Path) -> dict[str, int]:
    """Counted from the cells, independently of the reader: a use case sheet has "Actor name" in B46; scenarios,
    steps, KPIs, versions and information are the columns with a value in their block's rows; actors the distinct
    names in row 46 (the actor library is shared by the workbook's use cases)."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    counts = dict.fromkeys(("use cases", "versions", "kpis", "actors", "scenarios", "steps", "information"), 0)
    actor_names = set()
    for sheet in workbook.worksheets:
        cells = {
            (row, column): value
            for row, values in enumerate(sheet.iter_rows(max_row=100, max_col=120, values_only=True), start=1)
            for column, value in enumerate(values, start=1)
            if value is not None
        }
        if str(cells.get((46, 2), "")).strip() != "Actor name" or not _filled(cells.get((6, 3))):
            continue
        for row, label in LABELS.items():
            if row <= max(r for r, _ in cells):
                assert str(cells.get((row, 2), "")).strip() == label, (sheet.title, row)
        counts["use cases"] += 1
        counts["versions"] += _columns(cells, range(8, 13))
        counts["kpis"] += _columns(cells, range(21, 25))
        counts["scenarios"] += _columns(cells, range(62, 69))
        counts["steps"] += _columns(cells, range(71, 79))
        counts["information"] += _columns(cells, range(81, 85))
        actor_names |= {
            " ".join(str(value).split()).casefold()
            for (row, column), value in cells.items()
            if row == 46 and column >= 3 and _filled(value)
        }
    workbook.close()
    counts["actors"] = len(actor_names)
    return counts


def _counts_in_database() -> dict[str, int]:
    return {
        "use cases": UseCase.objects.count(),
        "versions": VersionEntry.objects.count(),
        "kpis": Kpi.objects.count(),
        "actors": Actor.objects.count(),
        "scenarios": Scenario.objects.count(),
        "steps": Step.objects.count(),
        "information": InformationObject.objects.count(),
    }


def _import(path: Path, **options):
    with path.open("rb") as data:
        return repository_import_file(user=None, data=data, workspace=None, name=path.name, **options)


def test_the_database_holds_what_the_workbook_holds(workbook):
    expected = _counts_in_workbook(workbook)
    assert expected["use cases"] >= 1

    report = _import(workbook)

    assert _counts_in_database() == expected
    assert report.as_dict()["counts"]["use_case"]["created"] == expected["use cases"]


def test_the_export_of_an_imported_workbook_is_valid_iec_62559_3(workbook, iec_dir):
    _import(workbook)

    exported = write_variant_c(document=repository_export(user=None, use_cases=UseCase.objects.all()))

    assert schema_problems(data=exported) == []
    assert schema_problems(data=exported, schema_path=iec_dir / PUBLISHED_XSD) == []


def test_importing_a_workbook_again_changes_nothing(workbook):
    _import(workbook)
    before = fingerprint()

    report = _import(workbook)

    assert fingerprint() == before
    counts = report.as_dict()["counts"]
    assert all(row.get("created", 0) == 0 and row.get("updated", 0) == 0 for row in counts.values()), counts


def test_steps_keep_the_raw_text_of_their_references_and_unresolved_ones_are_warnings(iec_dir):
    report = _import(iec_dir / "examples" / "excel" / "X-FLEX__UC2-5__UC2.5 State Estimation.xlsx")

    step = Step.objects.get(scenario__use_case__identifier="UC2.5", number="2", scenario__number="1")
    assert step.extra["producer"] == "GRIDFLEX tool"
    assert any("'GRIDFLEX tool'" in warning and "no actor" in warning for warning in report.warnings)
    assert report.as_dict()["counts"]["use_case"]["created"] == 1


def test_producers_resolve_by_the_abbreviation_in_brackets_and_by_initials(iec_dir):
    _import(iec_dir / "examples" / "excel" / "OneNet__EACL-HU-01__EACL-HU-01.xlsx")

    producers = {actor.name for step in Step.objects.all() for actor in step.producers.all()}

    assert "Market operator" in producers  # written "MO" and "MO (flexi register)" in the steps


def test_the_blank_template_imports_nothing_and_says_its_sheet_is_empty(iec_dir):
    report = _import(iec_dir / "examples" / "excel" / "IEC62559-2_TEMPLATE.xlsx")

    assert not UseCase.objects.exists()
    assert any("'IEC62559-2' is an empty use case template: skipped" in warning for warning in report.warnings)
