"""What pages, commands and jobs call to exchange IEC 62559-3 XML: start an import as a background job (a dry run
first, then the real one on confirmation), run it, and export use cases as a validated variant C file.

The uploaded file is kept with the default storage under `imports/<job id>.xml` from the upload until the real
import has run (a dry run's file is the one its confirmation imports).
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.models import QuerySet

from ucmr.jobs import Progress, job_start
from ucmr.models import BackgroundJob
from ucmr.permissions import ADD, user_can, workspaces_of
from usecases.exchange.dumper import repository_export
from usecases.exchange.loader import POLICIES, repository_import_xml
from usecases.exchange.report import ImportReport
from usecases.exchange.use_cases import may_create_workspaces
from usecases.models import UseCase, Workspace
from usecases.xml import validate_variant_c, write_variant_c
from usecases.xml.parsing import max_bytes_setting

logger = logging.getLogger(__name__)

IMPORT_JOB_KIND = "xml_import"
UPLOAD_DIRECTORY = "imports"


class ImportFailed(Exception):
    """An import the file or the user's rights stopped; its text is what the job page shows."""


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
    """The work of an `xml_import` job: read the kept file, import it as the user who started the job, report."""
    params = job.params
    if job.user is None:
        raise ImportFailed("The user who started this import no longer exists; nothing was imported.")
    workspace = None
    if params.get("workspace") is not None:
        workspace = Workspace.objects.filter(pk=params["workspace"]).first()
        if workspace is None:
            raise ImportFailed("The workspace chosen for this import no longer exists; nothing was imported.")
    try:
        with default_storage.open(params["file"], "rb") as handle:
            data = handle.read()
    except (KeyError, OSError) as error:
        raise ImportFailed("The uploaded file is no longer there; upload it again.") from error
    try:
        with _visible_progress(job=job, progress=progress) as report_progress:
            report = repository_import_xml(
                user=job.user,
                data=data,
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
    On PostgreSQL a second connection writes it at once. (SQLite allows one writer: there it shows at the end.)"""
    if connection.vendor != "postgresql":
        yield progress
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
