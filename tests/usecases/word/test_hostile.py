"""Hostile Word documents, each built here: refused with a clear message and nothing written, or read safely with
what was left out reported."""

import io
import re
import socket
import zipfile

import docx
import pytest
from docx.package import Package

from tests.usecases.exchange.conftest import fingerprint
from tests.usecases.word.documents import STEP_TABLE_HEADER, Picture, Span, nist_document, save, table
from usecases.exchange.files import repository_import_file
from usecases.models import Step, UseCase
from usecases.word.reader import WordImportError, read_word_document

pytestmark = pytest.mark.django_db

MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _rezip(data: bytes, *, add: dict[str, bytes] = (), change=None) -> bytes:
    """The document's zip with parts added (or changed by `change(name, bytes)`)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, change(info.filename, content) if change else content)
        for name, content in dict(add).items():
            target.writestr(name, content)
    return out.getvalue()


def _refused(data: bytes, code: str, *, name: str = "hostile.docx") -> str:
    before = fingerprint()
    with pytest.raises(WordImportError) as raised:
        repository_import_file(user=None, data=data, workspace=None, name=name)
    assert raised.value.code == code
    assert fingerprint() == before and not UseCase.objects.exists()
    return " ".join(raised.value.messages)


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the reader tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_a_macro_document_is_read_without_its_macros_and_says_so():
    def as_macro_document(name: str, content: bytes) -> bytes:
        if name == "[Content_Types].xml":
            content = content.replace(DOCUMENT_MAIN.encode(), MACRO_MAIN.encode()).replace(
                b"</Types>",
                b'<Override PartName="/word/vbaProject.bin" '
                b'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
            )
        if name == "word/_rels/document.xml.rels":
            content = content.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
                b'Target="vbaProject.bin"/></Relationships>',
            )
        return content

    docm = _rezip(
        save(nist_document()), add={"word/vbaProject.bin": b"Attribute VB_Name = AutoOpen"}, change=as_macro_document
    )

    report = repository_import_file(user=None, data=docm, workspace=None, name="flex.docm")

    assert report.counts["use_case"] == {"created": 1}
    assert "The document holds macros (VBA): they were left out unread and never run." in report.warnings
    assert Step.objects.count() == 5


def test_linked_pictures_are_never_fetched_and_are_reported(no_network):
    document = nist_document(picture=False)
    cell = table(document, "Diagram of use case", [[Picture("linked.png")]]).rows[1].cells[0]
    blip = cell._tc.xpath(".//a:blip")[0]
    link = document.part.relate_to(
        "http://attacker.example/track.png",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image",
        is_external=True,
    )
    blip.attrib.pop("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed")
    blip.set("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}link", link)
    field = document.add_paragraph().add_run()._r
    instruction = field.makeelement("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}instrText", {})
    instruction.text = ' INCLUDEPICTURE "http://attacker.example/field.png" \\d '
    field.append(instruction)

    repository = read_word_document(data=save(document), name="linked.docx")

    assert not repository.use_cases[0].drawings
    [warning] = [w for w in repository.warnings if "linked picture" in w]
    assert "2 linked picture(s) (http://attacker.example/track.png, http://attacker.example/field.png)" in warning
    assert "were not fetched" in warning


def test_a_zip_bomb_is_refused_from_the_zip_directory_before_anything_is_unpacked(settings, monkeypatch):
    settings.UCMR_EXCEL_MAX_BYTES = 1_000_000
    bomb = _rezip(save(nist_document()), add={"word/media/zeros.bin": bytes(5_000_000)})
    assert len(bomb) < 100_000

    def never(*args, **kwargs):
        raise AssertionError("python-docx was asked to open a zip bomb")

    monkeypatch.setattr(Package, "open", never)

    message = _refused(bomb, "word_too_large")
    assert "more than the 1,000,000 bytes an import accepts" in message


def test_a_text_part_above_the_xml_limit_is_refused(settings):
    settings.UCMR_XML_MAX_BYTES = 5_000

    assert "word/document.xml" in _refused(save(nist_document()), "word_too_large")


@pytest.mark.parametrize("part", ["word/document.xml", "word/styles.xml", "[Content_Types].xml"])
def test_a_doctype_in_any_part_is_refused(part):
    laughs = b'<!DOCTYPE w [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'

    def with_entities(name: str, content: bytes) -> bytes:
        if name != part:
            return content
        return re.sub(rb"^(<\?xml[^>]*\?>\s*)?", lambda match: (match.group(0) or b"") + laughs, content, count=1)

    message = _refused(_rezip(save(nist_document()), change=with_entities), "word_doctype")
    assert f"part {part} declares a DOCTYPE" in message


def test_a_doctype_in_a_part_typed_as_xml_whatever_its_name_is_refused():
    laughs = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY lol "lol">]><w:document/>'

    def renamed(name: str, content: bytes) -> bytes:
        if name == "[Content_Types].xml":
            return content.replace(b"/word/document.xml", b"/word/main.bin")
        if name == "word/_rels/document.xml.rels":
            return content
        return content.replace(b'Target="word/document.xml"', b'Target="word/main.bin"')

    data = _rezip(save(nist_document()), add={"word/main.bin": laughs}, change=renamed)

    assert "part word/main.bin declares a DOCTYPE" in _refused(data, "word_doctype")


def test_a_damaged_document_is_refused():
    data = save(nist_document())

    assert "damaged" in _refused(data[: len(data) // 2], "word_damaged")


def test_a_zip_named_docx_that_holds_no_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")

    assert "not a Word document" in _refused(buffer.getvalue(), "word_not_document", name="notes.docx")


def test_a_document_whose_parts_are_missing_is_refused():
    data = _rezip(save(nist_document()), change=lambda name, content: b"" if name == "word/styles.xml" else content)

    assert "cannot be read" in _refused(data, "word_damaged")


@pytest.mark.parametrize(
    ("stream", "name", "words"),
    [
        ("EncryptedPackage", "secret.docx", "an encrypted document"),
        ("WordDocument", "old.doc", "an old binary .doc file"),
        ("WordDocument", "upload.xml", "an old binary .doc file"),  # told by content, whatever the name
    ],
)
def test_an_ole_file_is_refused_as_encrypted_or_legacy(stream, name, words):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1_000) + stream.encode("utf-16-le") + bytes(1_000)

    message = _refused(ole, "word_encrypted", name=name)

    assert words in message and "save it as an unprotected .docx" in message


def test_huge_tables_are_read_up_to_the_cap_and_reported(settings):
    settings.UCMR_WORD_MAX_ROWS = 40
    document = nist_document()
    rows = [[str(number), "", f"step {number}", "", "", "FSP", "DSO", "", ""] for number in range(1, 201)]
    table(document, "Scenario", [[Span("Scenario Name :", 2), Span("Market phase", 7)], STEP_TABLE_HEADER, *rows])

    repository = read_word_document(data=save(document), name="huge.docx")

    market = repository.use_cases[0].scenarios[1]
    assert len(market.steps) == 3 + 37  # the caption, the name and the header row are 3 of the 40 rows
    assert any("larger than 40 rows or 63 columns: only that much of it was read" in w for w in repository.warnings)


def test_the_number_of_tables_is_capped(settings):
    settings.UCMR_WORD_MAX_TABLES = 5

    repository = read_word_document(data=save(nist_document()), name="many.docx")

    assert "more than 5 tables: only that many were read" in " ".join(repository.warnings)
    assert repository.use_cases[0].name == "Manage flexibility"


def test_a_long_vertical_merge_is_read_without_recursion():
    document = docx.Document()
    merged = table(document, "Common terms and definitions", [["Term", "Definition"], *[["t", "d"]] * 1_500])
    for number, row in enumerate(merged._tbl.tr_lst[2:]):  # one definition merged down 1,500 rows
        row.tc_lst[1].vMerge = "continue" if number else "restart"

    repository = read_word_document(data=save(document), name="merged.docx")

    assert any("larger than 1,000 rows" in warning for warning in repository.warnings)
    terms = repository.common_terms
    assert len(terms) == 998 and {term.definition for term in terms} == {"d"}  # 1,000 rows less caption and header
