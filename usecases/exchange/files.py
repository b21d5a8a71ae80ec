"""One entry for every imported file: bytes (or a seekable binary file) -> the neutral document -> the repository.

What a file is comes from its content, not its name: a zip whose directory holds word/document.xml (or an OLE file
that is a legacy or, by its name, an encrypted Word document) goes to `usecases.word.reader`; any other zip (or OLE
file, which is what an encrypted workbook is) to `usecases.excel.reader`, which reads a workbook and refuses, saying
why, a zip that is none; anything else is IEC 62559-3 XML, imported as `loader.repository_import_xml` always did (a
large variant C file in batches). All end in `loader.repository_import`, with its matching, reports and
permissions.
"""

from typing import BinaryIO

from usecases.excel.reader import is_workbook, read_workbook
from usecases.exchange.loader import Progress, repository_import, repository_import_xml
from usecases.exchange.report import ImportReport
from usecases.models import Workspace
from usecases.word.package import is_word_document
from usecases.word.reader import read_word_document
from usecases.xml import document as doc
from usecases.xml import read_document
from usecases.xml.parsing import binary_source

EXCEL = "excel"
WORD = "word"
XML = "xml"


def file_kind(data: bytes | BinaryIO, *, name: str = "") -> str:
    """WORD, EXCEL or XML, by content (`name` only tells an encrypted Word document from an encrypted workbook)."""
    if is_word_document(data, name=name):
        return WORD
    return EXCEL if is_workbook(data) else XML


def document_read(*, data: bytes | BinaryIO, name: str = "", max_bytes: int | None = None) -> doc.Repository:
    """A Word document, a workbook or an XML file as the neutral document (`ValidationError` when we will not read
    it)."""
    source = binary_source(data)
    if is_word_document(source, name=name):
        return read_word_document(data=source, name=name)
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
    """Import a Word document, a workbook or an XML file as `loader.repository_import` does. `max_bytes` bounds an XML
    file; a workbook or a document is bounded by `UCMR_EXCEL_MAX_BYTES` (what it unpacks to) and the rows and
    columns read."""
    source = binary_source(data)
    kind = file_kind(source, name=name)
    if kind == XML:
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
    what = "Word document" if kind == WORD else "workbook"
    step(1, f"Reading the {what}")
    document = read_word_document(data=source, name=name) if kind == WORD else read_workbook(data=source, name=name)
    step(10, f"Read {len(document.full_use_cases)} use case(s) from the {what}")
    return repository_import(
        user=user, document=document, workspace=workspace, policy=policy, dry_run=dry_run, progress=progress
    )
