"""One entry for every imported file: bytes (or a seekable binary file) -> the neutral document -> the repository.

What a file is comes from its content, not its name: a zip (or an OLE file, which is what an encrypted workbook is)
goes to `usecases.excel.reader`, which reads a workbook and refuses, saying why, a zip that is none; anything else
is IEC 62559-3 XML, imported as `loader.repository_import_xml` always did (a large variant C file in
batches). Both end in `loader.repository_import`, with its matching, reports and permissions.
"""

from typing import BinaryIO

from usecases.excel.reader import is_workbook, read_workbook
from usecases.exchange.loader import Progress, repository_import, repository_import_xml
from usecases.exchange.report import ImportReport
from usecases.models import Workspace
from usecases.xml import document as doc
from usecases.xml import read_document
from usecases.xml.parsing import binary_source

EXCEL = "excel"
XML = "xml"


def file_kind(data: bytes | BinaryIO) -> str:
    """EXCEL or XML, by content."""
    return EXCEL if is_workbook(data) else XML


def document_read(*, data: bytes | BinaryIO, name: str = "", max_bytes: int | None = None) -> doc.Repository:
    """A workbook or an XML file as the neutral document (`ValidationError` when we will not read it)."""
    source = binary_source(data)
    if is_workbook(source):
        return read_workbook(data=source, name=name)
    return read_document(data=source.read(), max_bytes=max_bytes)


def repository_import_file(
    *,
    user,
    data: bytes | BinaryIO,
    workspace: Workspace | None,
    policy: str = "update",
    dry_run: bool = False,
    progress: Progress | None = None,
    max_bytes: int | None = None,
    name: str = "",
) -> ImportReport:
    """Import a workbook or an XML file as `loader.repository_import` does. `max_bytes` bounds an XML file; a
    workbook is bounded by `UCMR_EXCEL_MAX_BYTES` (what it unpacks to) and the rows and columns read."""
    source = binary_source(data)
    if not is_workbook(source):
        return repository_import_xml(
            user=user,
            data=source,
            workspace=workspace,
            policy=policy,
            dry_run=dry_run,
            progress=progress,
            max_bytes=max_bytes,
        )
    step = progress or (lambda percent, message: None)
    step(1, "Reading the workbook")
    document = read_workbook(data=source, name=name)
    step(10, f"Read {len(document.full_use_cases)} use case(s) from the workbook")
    return repository_import(
        user=user, document=document, workspace=workspace, policy=policy, dry_run=dry_run, progress=progress
    )
