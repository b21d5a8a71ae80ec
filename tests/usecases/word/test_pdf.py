"""An exported Word document opened as a person would: LibreOffice (headless) converts it to PDF, which has pages
and the use case's text. Skipped where LibreOffice is missing, except in CI (CI=true), where `make test-deps`
installs it (libreoffice-writer-nogui, poppler-utils) and a skip would hide a document nobody could open."""

import os
import re
import shutil
import subprocess

import pytest

from tests.factories import make_complete_use_case
from usecases.exchange.services import usecases_export_docx_write
from usecases.models import Step, UseCase

pytestmark = pytest.mark.django_db

CONVERT_SECONDS = 180


@pytest.fixture
def soffice():
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("In CI the PDF check of the Word export must run: LibreOffice (soffice) is not installed.")
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    return found


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _pdf(soffice: str, document, directory) -> bytes:
    # A profile of its own: a second LibreOffice running for the same user would take the conversion and return.
    profile = f"-env:UserInstallation=file://{directory / 'profile'}"
    subprocess.run(
        [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(directory), str(document)],
        check=True,
        capture_output=True,
        timeout=CONVERT_SECONDS,
    )
    return (directory / document.with_suffix(".pdf").name).read_bytes()


def _text(pdf_path) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    result = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], check=True, capture_output=True)
    return " ".join(result.stdout.decode().split())


def test_an_exported_document_converts_to_a_pdf_with_the_use_case_in_it(soffice, tmp_path):
    use_case = make_complete_use_case(identifier="PDF-1", name="Coordinate flexibility for the PDF check", steps=6)
    document = tmp_path / "pdf-1.docx"
    with document.open("wb") as handle:
        usecases_export_docx_write(
            user=None, use_cases=UseCase.objects.filter(pk=use_case.pk), output=handle, several=False, render=True
        )

    pdf = _pdf(soffice, document, tmp_path)

    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages >= 3  # sections 1 to 8 with their tables do not fit on fewer A4 landscape pages
    text = _text(tmp_path / "pdf-1.pdf")
    if text is None:  # no poppler: the size stands for the content (a blank conversion is a few kB)
        assert len(pdf) > 20_000
        return
    for words in [
        "Coordinate flexibility for the PDF check",
        "1.1 Name of Use Case",
        "3.2 References / Issues",
        "4.2 Steps",
        "8 Custom information (optional)",
    ]:
        assert words in text, words
    for step in Step.objects.filter(scenario__use_case=use_case):
        assert step.name in text, step.name
