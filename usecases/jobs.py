"""Background job kinds of the use cases app (see `ucmr.jobs.register_job_kind`). Those of the use-case analysis
("render_diagrams", "validate") are in `usecases.analysis.jobs`, registered by importing it here."""

from typing import Any

from ucmr.jobs import Progress, register_job_kind
from ucmr.models import BackgroundJob
from usecases.analysis import jobs as analysis_jobs  # noqa: F401 - importing it registers its job kinds
from usecases.exchange.services import (
    EXPORT_JOB_KIND,
    IMPORT_JOB_KIND,
    export_job_context,
    export_job_run,
    import_job_context,
    import_job_run,
)


@register_job_kind(IMPORT_JOB_KIND, label="Import", context=import_job_context)  # the report, "Confirm import"
def xml_import(job: BackgroundJob, progress: Progress) -> dict[str, Any]:
    """Import (or, for a dry run, read and report on) an uploaded IEC 62559-3 XML file; the report is the result.
    params: `file` (storage name), `file_name`, `workspace` (id or None), `policy`, `dry_run`."""
    return import_job_run(job=job, progress=progress)


@register_job_kind(EXPORT_JOB_KIND, label="Export", context=export_job_context)  # the Download link
def xml_export(job: BackgroundJob, progress: Progress) -> dict[str, Any]:
    """Write use cases as one variant C file (streamed, checked against the schema) for its user to download.
    params: `use_cases` (ids), `file_name`; result: `output` (storage name), `file_name`, `count` (use cases),
    `bytes`."""
    return export_job_run(job=job, progress=progress)
