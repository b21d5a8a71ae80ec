"""Round trips through the Excel template: what an exported workbook says comes back when it is imported into an
empty repository.

- Every example workbook: import it, export the repository as a workbook, import that into an empty repository;
  both repositories export the same neutral document (mRIDs aside: the reader derives them from column positions,
  which an export compacts; links compared by what they link to; the pictures of TIGON's sheets, which become
  drawings, by their bytes' digest), and the second workbook is the first, cell for cell.
- The demo repository: its workbook, imported into an empty repository and exported again, is the same workbook,
  and what it says of each use case (`writer.sheet_values`, computed from the links) is what the demo says.
"""

import dataclasses
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from tests.factories import UserFactory, WorkspaceFactory, with_repository_role
from tests.usecases.exchange.conftest import empty_repository
from usecases.excel.writer import sheet_values
from usecases.exchange.dumper import repository_export
from usecases.exchange.loader import repository_import
from usecases.exchange.services import usecases_export_xlsx
from usecases.models import UseCase
from usecases.xml import document as doc
from usecases.xml.document import iter_nodes
from usecases.xml.library import Library

reader = pytest.importorskip("usecases.excel.reader")

pytestmark = pytest.mark.django_db

EXAMPLES = [
    "ACCEPT__UC1__IEC62559-2_UC1.xlsx",
    "EBALANCE-PLUS__UC5__IEC62559-2_UC5.xlsx",
    "MAESHA__IEC62559-2_TEMPLATE_FrequencyControlUC.xlsx",
    "OneNet__EACL-HU-01__EACL-HU-01.xlsx",
    "OneNet__WECL-ES-02__WECL-ES-02.xlsm",
    "TIGON__IEC62559-TEMPLATE-TIGON-v00.xlsx",
    "X-FLEX__UC2-5__UC2.5 State Estimation.xlsx",
    "coordinet__Spain__IEC62559-2_Spain.xlsx",
]
# How the reader found a step's scenario: provenance of one reading, not content.
PROVENANCE = {"scenario_matched_by"}
# Reference cells the reader keeps as found beside the links it resolved: the links are the content.
REFERENCE_TEXTS = {"producer", "receiver", "information", "primary_actor", "objectives"}


@pytest.fixture
def importer():
    return with_repository_role(UserFactory(), "administrator")


def _import(user, data: bytes, name: str) -> None:
    workspace = WorkspaceFactory(slug="excel", name="Excel")
    repository_import(user=user, document=reader.read_workbook(data=data, name=name), workspace=workspace)


def _export() -> doc.Repository:
    """With the drawings' images as bytes (compared by their digest), as the Excel export has them: the address of a
    stored image is a name generated when it was stored."""
    return repository_export(user=None, use_cases=UseCase.objects.all(), generated_drawings=False, images=True)


def _workbook() -> bytes:
    return usecases_export_xlsx(user=None, use_cases=UseCase.objects.all())


def _cells(data: bytes, without: int | None = None) -> dict[str, list]:
    """Every sheet's values, row by row (`without` a row, by index)."""
    book = load_workbook(io.BytesIO(data))
    return {
        sheet.title: [list(row) for index, row in enumerate(sheet.iter_rows(values_only=True)) if index != without]
        for sheet in book
    }


def content(repository: doc.Repository):
    """The document without mRIDs, each reference replaced by what it refers to."""
    labels: dict[str, tuple] = {}
    for actor in repository.actors:
        labels[actor.mrid] = ("actor", actor.name)
    for item in repository.information_objects:
        labels[item.mrid] = ("information", item.identifier, item.name)
    for requirement in repository.all_requirements():
        labels[requirement.mrid] = ("requirement", requirement.identifier, requirement.name)
    for business_case in repository.business_cases:
        labels[business_case.mrid] = ("business case", business_case.name)
    for use_case in repository.use_cases:
        labels[use_case.mrid] = ("use case", use_case.identifier, use_case.name)
        for objective in use_case.objectives:
            labels[objective.mrid] = ("objective", objective.name)

    def strip(value, name: str = ""):
        if dataclasses.is_dataclass(value):
            return (
                type(value).__name__,
                {
                    item.name: strip(getattr(value, item.name), item.name)
                    for item in dataclasses.fields(value)
                    if item.compare and item.name not in ("mrid", "narrative_mrid")
                },
            )
        if isinstance(value, list):
            return [labels.get(ref, ("?", ref)) for ref in value] if name.endswith("_refs") else list(map(strip, value))
        if name == "use_case_ref":
            return labels.get(value, ("?", value))
        if isinstance(value, dict):
            return {key: text for key, text in value.items() if key not in PROVENANCE}
        return value

    return strip(repository)


@pytest.mark.parametrize("name", EXAMPLES)
def test_an_example_workbook_comes_back_the_same_from_its_export(iec_dir, importer, name):
    _import(importer, (iec_dir / "examples" / "excel" / name).read_bytes(), name)
    first, exported = _export(), _workbook()
    assert first.full_use_cases

    empty_repository()
    _import(importer, exported, name)

    assert content(_export()) == content(first)
    assert _cells(_workbook()) == _cells(exported)


def template_view(repository: doc.Repository) -> dict[str, dict[str, list]]:
    """What a workbook says of each use case, computed from the links (not from the text an import kept)."""
    for node in (node for use_case in repository.use_cases for node in iter_nodes(use_case)):
        node.extra = {key: text for key, text in node.extra.items() if key not in REFERENCE_TEXTS}
    library = Library.of(repository)
    return {
        use_case.identifier: {
            key: list(map(_moment, values)) for key, values in sheet_values(use_case, library=library).items()
        }
        for use_case in repository.full_use_cases
    }


def _moment(value):
    """A date as a workbook holds it: naive, in UTC."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


@pytest.fixture
def demo_workbook(demo_loaded, importer) -> tuple[dict, bytes]:
    view, exported = template_view(_export()), _workbook()
    empty_repository()
    _import(importer, exported, "demo.xlsx")
    return view, exported


def test_the_demo_workbook_imports_back_with_what_it_says(demo_workbook):
    """Every cell comes back, author initials ("A. Lindqvist") and actors whose names hold a separator
    ("EMS/SCADA" beside another actor in one cell) included."""
    demo, exported = demo_workbook

    again = template_view(_export())

    assert _cells(_workbook()) == _cells(exported)
    assert demo == again
