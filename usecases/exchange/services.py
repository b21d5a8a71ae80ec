"""What pages, commands and jobs call to exchange IEC 62559-3 XML: start an import as a background job (a dry run
first, then the real one on confirmation), run it, and export use cases as a validated variant C file.

The uploaded file is kept with the default storage under `imports/<job id>.xml` from the upload until the real
import has run (a dry run's file is the one its confirmation imports).

Exports: a selection of up to `UCMR_EXPORT_SYNC_MAX` use cases is written in the request (`usecases_export_xml`);
a bigger one, and every export of all use cases, is an `xml_export` job (`export_job_start`) that streams the file
(`usecases_export_write`: batches of use cases, memory independent of their number) to the default storage under
`exports/<job id>.xml`, named in its result as `output`, for its user to download until `ucmr.jobs.job_files_expire`
deletes it.
"""

import io
import logging
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.models import QuerySet

from ucmr.jobs import Progress, job_progress_aside, job_progress_aside_clear, job_start
from ucmr.models import BackgroundJob
from ucmr.permissions import ADD, user_can, visible_to
from usecases.excel.writer import CONTENT_TYPE as XLSX_CONTENT_TYPE
from usecases.excel.writer import WorkbookWriter, write_workbook
from usecases.exchange.dumper import BATCH_SIZE, RepositoryExportBatches, repository_export
from usecases.exchange.files import repository_import_file
from usecases.exchange.loader import POLICIES
from usecases.exchange.report import ImportReport
from usecases.exchange.selectors import EXPORT_JOB_KIND, export_job_file_name
from usecases.exchange.use_cases import may_create_workspaces
from usecases.models import UseCase, Workspace
from usecases.permissions import workspaces_of
from usecases.word import writer as word_writer
from usecases.word.pictures import usecase_pictures
from usecases.xml import VariantCStreamWriter, validate_variant_c, validate_variant_c_file, write_variant_c
from usecases.xml.library import Library
from usecases.xml.parsing import max_bytes_setting

logger = logging.getLogger(__name__)

IMPORT_JOB_KIND = "xml_import"
UPLOAD_DIRECTORY = "imports"
# The same words for a workspace that does not exist and one the user may not add to (no existence oracle).
WORKSPACE_TO_CHOOSE = "Choose a workspace you may add use cases to."
EXPORT_DIRECTORY = "exports"


@dataclass(frozen=True)
class ExportFormat:
    """A file format use cases are exported in: IEC 62559-3 variant C, or the BRIDGE Excel template."""

    extension: str
    content_type: str


EXPORT_FORMATS = {
    "xml": ExportFormat(extension="xml", content_type="application/xml"),
    "xlsx": ExportFormat(extension="xlsx", content_type=XLSX_CONTENT_TYPE),
    "docx": ExportFormat(extension="docx", content_type=word_writer.CONTENT_TYPE),
}
# A Word document holds one use case: several are a zip of documents, one each.
DOCX_ZIP = ExportFormat(extension="zip", content_type="application/zip")
# Use cases a Word export reads at once: their diagrams' pictures are held until the batch is written.
DOCX_BATCH_SIZE = 20


def export_file_format(export_format: str, *, several: bool) -> ExportFormat:
    """The file of an export in `export_format` of one use case, or of `several` (a list, a job)."""
    return DOCX_ZIP if export_format == "docx" and several else EXPORT_FORMATS[export_format]


class ImportFailed(Exception):
    """An import the file or the user's rights stopped; its text is what the job page shows."""


class ExportFailed(Exception):
    """An export job that could not run; its text is what the job page shows."""


def may_import(*, user) -> bool:
    """Importing needs the right to add use cases somewhere (or to create the workspaces a file names)."""
    return user_can(user, ADD, UseCase) or may_create_workspaces(user)


def import_workspaces(*, user) -> QuerySet[Workspace]:
    """The workspaces an import by `user` may put new use cases in."""
    return workspaces_of(user, ADD)


@transaction.atomic
def import_job_start(
    *, user, upload: File, workspace: Workspace | None, policy: str = "update", dry_run: bool = True
) -> BackgroundJob:
    """Keep the uploaded file and start the job that imports it (a dry run unless told otherwise)."""
    if not may_import(user=user):
        raise PermissionDenied("You may not import use cases.")
    if policy not in POLICIES:
        raise ValidationError({"policy": f"Unknown policy {policy!r}."})
    if workspace is not None and not user_can(user, ADD, workspace):
        raise ValidationError({"workspace": WORKSPACE_TO_CHOOSE})
    if upload.size is not None and upload.size > max_bytes_setting():
        raise ValidationError({"file": f"The file is larger than the {max_bytes_setting():,} bytes an import accepts."})
    params = {
        "workspace": workspace.pk if workspace is not None else None,
        "policy": policy,
        "dry_run": dry_run,
        "file_name": (upload.name or "upload.xml").rsplit("/", 1)[-1][:200],
    }
    job = job_start(user=user, kind=IMPORT_JOB_KIND, params=params)
    job.params["file"] = default_storage.save(f"{UPLOAD_DIRECTORY}/{job.pk}.xml", upload)
    job.save(update_fields=["params"])
    return job


@transaction.atomic
def import_job_confirm(*, user, job: BackgroundJob) -> BackgroundJob:
    """Start the real import of the file a dry run has read (`job`, a job the user may see)."""
    if not import_confirmable(user=user, job=job):
        raise ValidationError("Only a dry run that succeeded, whose file is still there, can be confirmed.")
    params = {**job.params, "dry_run": False, "confirms": str(job.pk)}
    return job_start(user=user, kind=IMPORT_JOB_KIND, params=params)


def import_confirmable(*, user, job: BackgroundJob) -> bool:
    params = job.params or {}
    return (
        job.kind == IMPORT_JOB_KIND
        and job.status == BackgroundJob.Status.SUCCEEDED
        and bool(params.get("dry_run"))
        and job.user_id == getattr(user, "pk", None)
        and may_import(user=user)
        and bool(params.get("file"))
        and default_storage.exists(params["file"])
    )


def import_job_run(*, job: BackgroundJob, progress: Progress) -> dict[str, Any]:
    """The work of an `xml_import` job: read the kept file (XML or a workbook), import it as the user who started
    the job, report."""
    params = job.params
    if job.user is None:
        raise ImportFailed("The user who started this import no longer exists; nothing was imported.")
    workspace = None
    if params.get("workspace") is not None:
        workspace = Workspace.objects.filter(pk=params["workspace"]).first()
        if workspace is None:
            raise ImportFailed("The workspace chosen for this import no longer exists; nothing was imported.")
    try:
        handle = default_storage.open(params["file"], "rb")
    except (KeyError, OSError) as error:
        raise ImportFailed("The uploaded file is no longer there; upload it again.") from error
    try:
        with handle, _visible_progress(job=job, progress=progress) as report_progress:
            report = repository_import_file(  # from the file itself: a large one is read a batch at a time
                user=job.user,
                data=handle,
                name=params.get("file_name", ""),
                workspace=workspace,
                policy=params.get("policy", "update"),
                dry_run=bool(params.get("dry_run")),
                progress=report_progress,
            )
    except (ValidationError, PermissionDenied) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        raise ImportFailed(" ".join(messages)) from error
    finally:
        if not params.get("dry_run"):
            default_storage.delete(params["file"])
    return {**report.as_dict(), "file_name": params.get("file_name", "")}


@contextmanager
def _visible_progress(*, job: BackgroundJob, progress: Progress) -> Iterator[Progress]:
    """The import runs in one transaction; progress written on its connection would only show when it is over.
    On PostgreSQL a second connection writes it at once. SQLite allows one writer: there it goes to a file beside the
    uploads (`job_progress_aside`), which the job's page and API read while the job runs."""
    if connection.vendor != "postgresql":

        def aside(percent: int, message: str = "") -> None:
            progress(percent, message)  # the row: shown from the commit on
            try:
                job_progress_aside(job_id=job.pk, percent=percent, message=message)
            except OSError:  # progress is a courtesy: the import does not fail for it
                logger.warning("Could not report the progress of job %s.", job.pk, exc_info=True)

        try:
            yield aside
        finally:
            job_progress_aside_clear(job_id=job.pk)
        return
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    sql = (
        f"UPDATE {side.ops.quote_name(BackgroundJob._meta.db_table)} "  # noqa: S608 - our own table
        "SET progress = %s, progress_message = %s WHERE id = %s"
    )

    def report(percent: int, message: str = "") -> None:
        try:
            with side.cursor() as cursor:
                cursor.execute(sql, [max(0, min(100, percent)), message[:300], job.pk])
        except DatabaseError:  # progress is a courtesy: the import does not fail for it
            logger.warning("Could not report the progress of job %s.", job.pk, exc_info=True)

    try:
        yield report
    finally:
        side.close()


def import_job_context(*, user, job: BackgroundJob) -> dict[str, Any]:
    """What the job page shows of an import: the report (when the result is one) and whether it can be confirmed."""
    result = job.result if isinstance(job.result, dict) else None
    report = ImportReport.from_dict(result) if result is not None and "counts" in result else None
    return {
        "import_report": report,
        "import_rows": report.rows() if report is not None else [],
        "import_file_name": (job.params or {}).get("file_name", ""),
        "import_confirmable": import_confirmable(user=user, job=job),
    }


def usecases_export_xml(*, user, use_cases: QuerySet[UseCase]) -> bytes:
    """The use cases of `use_cases` that `user` may see, as a variant C file checked against our schema."""
    data = write_variant_c(document=repository_export(user=user, use_cases=use_cases))
    validate_variant_c(data=data, max_bytes=max(len(data), max_bytes_setting()))
    return data


def usecases_export_xlsx(*, user, use_cases: QuerySet[UseCase]) -> bytes:
    """The use cases of `use_cases` that `user` may see as a workbook in the BRIDGE Excel template's layout, one
    sheet each (without the diagrams UCMR generates: the template has no way to mark them as not the author's)."""
    buffer = io.BytesIO()
    document = repository_export(user=user, use_cases=use_cases, generated_drawings=False, images=True)
    write_workbook(document=document, output=buffer)
    return buffer.getvalue()


def usecases_export_docx(*, user, use_cases: QuerySet[UseCase], several: bool = False) -> bytes:
    """The use cases of `use_cases` that `user` may see as Word documents in the IEC 62559-2 template: one document,
    or a zip of one each when `several` (see `usecases_export_docx_write`)."""
    buffer = io.BytesIO()
    usecases_export_docx_write(user=user, use_cases=use_cases, output=buffer, several=several)
    return buffer.getvalue()


def usecases_export(*, user, use_cases: QuerySet[UseCase], export_format: str, several: bool = False) -> bytes:
    """The use cases of `use_cases` that `user` may see as one file in `export_format` (a key of EXPORT_FORMATS); for
    Word, one document, or a zip of documents when the export is of `several` (a list)."""
    if export_format == "docx":
        return usecases_export_docx(user=user, use_cases=use_cases, several=several)
    export = usecases_export_xlsx if export_format == "xlsx" else usecases_export_xml
    return export(user=user, use_cases=use_cases)


def export_runs_as_job(*, user, use_cases: QuerySet[UseCase], everything: bool) -> bool:
    """Whether this export is a background job: every export of all use cases (`everything`: no filter, no ids),
    and any of more than `UCMR_EXPORT_SYNC_MAX` use cases the user may see."""
    return everything or visible_to(user, use_cases).count() > settings.UCMR_EXPORT_SYNC_MAX


@transaction.atomic
def export_job_start(*, user, use_cases: QuerySet[UseCase], export_format: str = "xml") -> BackgroundJob:
    """Start the job that writes these use cases (the selection as it is now; the job exports those of them the
    user may see when it runs) as one file in `export_format`: variant C, or a workbook."""
    if export_format not in EXPORT_FORMATS:
        raise ValidationError({"format": f"Unknown export format {export_format!r}."})
    pks = sorted(use_cases.order_by().values_list("pk", flat=True).distinct())
    extension = export_file_format(export_format, several=True).extension
    params = {"use_cases": pks, "file_name": f"use-cases.{extension}", "format": export_format}
    return job_start(user=user, kind=EXPORT_JOB_KIND, params=params)


def export_job_context(*, job: BackgroundJob, user=None) -> dict[str, Any]:
    """What the job page (seen by those who may download its file) shows of an export: the file, while it is kept."""
    done = job.status == BackgroundJob.Status.SUCCEEDED
    return {"export_download": done and export_job_file_name(job=job) is not None}


def export_job_run(*, job: BackgroundJob, progress: Progress) -> dict[str, Any]:
    """The work of an `xml_export` job: stream the file (variant C, or a workbook for the format `xlsx`) to a
    temporary file, check it, keep it in the storage."""
    if job.user is None:
        raise ExportFailed("The user who started this export no longer exists; nothing was exported.")
    params = job.params
    export_format = params.get("format", "xml")
    extension = export_file_format(export_format, several=True).extension
    write = {
        "xlsx": usecases_export_xlsx_write,
        "docx": partial(usecases_export_docx_write, several=True, render=True),  # the diagrams drawn first
    }.get(export_format, usecases_export_write)
    use_cases = UseCase.objects.filter(pk__in=params.get("use_cases") or [])
    with tempfile.NamedTemporaryFile(suffix=f".{extension}") as handle:
        count = write(user=job.user, use_cases=use_cases, output=handle, progress=progress)
        size = handle.tell()
        handle.seek(0)
        output = default_storage.save(f"{EXPORT_DIRECTORY}/{job.pk}.{extension}", File(handle))
    progress(100, f"Exported {count:,} use case(s)")
    file_name = params.get("file_name", f"use-cases.{extension}")
    return {"output": output, "file_name": file_name, "count": count, "bytes": size, "format": export_format}


def usecases_export_write(
    *,
    user,
    use_cases: QuerySet[UseCase],
    output: BinaryIO,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Stream the use cases of `use_cases` that `user` may see (None: the system, which sees all) to `output` (a
    named file, read again for the check) as a variant C file checked against our schema, batch by batch: the
    same bytes as `usecases_export_xml`, in memory independent of the number of use cases. Returns that number."""
    report = progress or (lambda percent, message: None)
    batches = RepositoryExportBatches(user=user, use_cases=use_cases, batch_size=batch_size)
    writer = VariantCStreamWriter()
    try:
        total = len(batches)
        report(1, f"Exporting {total:,} use case(s)")
        for documents in batches:
            for document in documents:
                writer.add(document)
            report(1 + 89 * writer.count // max(total, 1), f"Written {writer.count:,} of {total:,} use cases")
        writer.finish(output=output, document=batches.libraries())
    finally:
        writer.close()
    output.flush()
    report(90, "Checking the file against the schema")
    validate_variant_c_file(path=Path(output.name))
    return total


def usecases_export_xlsx_write(
    *,
    user,
    use_cases: QuerySet[UseCase],
    output: BinaryIO,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """`usecases_export_xlsx` streamed to `output`: the use cases are read `batch_size` at a time and each sheet goes
    to a temporary file as it is written, so memory grows with a batch and the libraries, not with the number of
    use cases. Returns that number (the workbook has one sheet per full use case)."""
    report = progress or (lambda percent, message: None)
    batches = RepositoryExportBatches(
        user=user, use_cases=use_cases, generated_drawings=False, images=True, batch_size=batch_size
    )
    targets = batches.full_stubs()  # what a relation to a use case of another batch names
    writer = WorkbookWriter()
    total = len(batches)
    report(1, f"Exporting {total:,} use case(s)")
    for documents in batches:
        library = Library.of(batches.libraries(), targets)
        for document in documents:
            writer.add(document, library=library)
        report(1 + 89 * writer.count // max(total, 1), f"Written {writer.count:,} of {total:,} use cases")
    report(90, "Saving the workbook")
    writer.finish(output=output)
    output.flush()
    return total


def usecases_export_docx_write(
    *,
    user,
    use_cases: QuerySet[UseCase],
    output: BinaryIO,
    progress: Progress | None = None,
    batch_size: int = DOCX_BATCH_SIZE,
    several: bool = True,
    render: bool = False,
) -> int:
    """The use cases of `use_cases` that `user` may see as Word documents in the IEC 62559-2 template, written to
    `output`: the document when there is one use case and not `several`, else a zip of one document each, read
    `batch_size` use cases at a time. Section 2 shows the uploaded drawings and the generated diagrams already
    drawn; with `render` (a job, a command) the missing diagrams are drawn first, else their drawing is queued.
    Returns the number of use cases."""
    report = progress or (lambda percent, message: None)
    batches = RepositoryExportBatches(user=user, use_cases=use_cases, batch_size=batch_size)
    targets = batches.full_stubs()
    writer = word_writer.DocumentWriter()
    total, count, names = len(batches.full), 0, set()
    report(1, f"Exporting {total:,} use case(s)")
    archive = zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) if several or total != 1 else None
    try:
        for start, documents in zip(range(0, total, batch_size), batches, strict=True):
            pictures = usecase_pictures(use_case_ids=batches.full[start : start + batch_size], render=render)
            library = Library.of(batches.libraries(), targets)
            for document in documents:
                if archive is None:
                    writer.write(document, library=library, output=output, pictures=pictures)
                else:
                    buffer = io.BytesIO()
                    writer.write(document, library=library, output=buffer, pictures=pictures)
                    name = word_writer.document_file_name(document)
                    unique, number = name, 1
                    while unique.casefold() in names:
                        number += 1
                        unique = f"{name}-{number}"
                    names.add(unique.casefold())
                    archive.writestr(f"{unique}.docx", buffer.getvalue())
                count += 1
            report(1 + 94 * count // max(total, 1), f"Written {count:,} of {total:,} use cases")
    finally:
        if archive is not None:
            archive.close()
    output.flush()
    return count
