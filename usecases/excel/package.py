"""What is an Excel workbook we read, and what is refused before anything is decompressed: an OLE file (an encrypted
workbook or a legacy .xls), a zip that is no workbook or that would unpack to more than `UCMR_EXCEL_MAX_BYTES`, with
the checks every Office file gets (`usecases.exchange.office_zip`); macros and links to other workbooks are warnings.
"""

from typing import BinaryIO

from django.core.exceptions import ValidationError

from usecases.exchange.office_zip import OLE_SIGNATURE, OfficeKind, check_office_zip, is_zip, signature
from usecases.xml.parsing import binary_source


class ExcelImportError(ValidationError):
    """A workbook we will not read; the message says why, in words the upload form and the API show."""


WORKBOOK = OfficeKind(
    error=ExcelImportError,
    code="excel",
    noun="workbook",
    title="an Excel workbook",
    needed_by="no workbook",
    not_code="excel_not_workbook",
    required_part="xl/workbook.xml",
)


def is_workbook(data: bytes | BinaryIO) -> bool:
    """Whether the content is to be read as a workbook: any zip (the Office Open XML container) or OLE file (what an
    encrypted workbook or a legacy .xls is), told by its first bytes, not its name. `check_workbook` then refuses,
    with the reason, the ones that are no workbook we read."""
    found = signature(binary_source(data))
    return found == OLE_SIGNATURE or is_zip(found)


def check_workbook(data: bytes | BinaryIO, *, max_bytes: int | None = None) -> list[str]:
    """Refuse what we will not open (`ExcelImportError`), from the zip's directory alone, before anything is
    decompressed (`check_office_zip`); the warnings (macros, external links) of a workbook we will read."""
    source = binary_source(data)
    found = signature(source)
    if found == OLE_SIGNATURE:
        raise ExcelImportError(
            "This is an encrypted (password-protected) workbook or an old binary .xls file: save it as an "
            "unprotected .xlsx and import that.",
            code="excel_encrypted",
        )
    if not is_zip(found):
        raise ExcelImportError("This is not an Excel workbook (.xlsx or .xlsm).", code="excel_not_workbook")
    names = {info.filename for info in check_office_zip(source, kind=WORKBOOK, max_bytes=max_bytes)}
    warnings = []
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        warnings.append("The workbook holds macros (VBA): they were neither run nor read.")
    external = sorted(name for name in names if name.startswith("xl/externalLinks/") and name.endswith(".xml"))
    if external:
        warnings.append(
            f"The workbook links to {len(external)} other workbook(s): the links were not followed; cells that "
            "show linked values were read as last saved."
        )
    return warnings
