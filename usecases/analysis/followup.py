"""Follow-up work after a use case changes: its validation, as a background job ("validate") in the follow-up queue,
written in the same transaction as the change (the job row is the outbox: see `ucmr.jobs`).

Follow-ups cost what they must:
- Validation is coalesced: no validation of a use case is queued while one is still waiting for a worker (the
  waiting one reads the latest revision when it runs), in the same transaction or not: ten quick edits give one
  run. A bulk change (an import) queues one job for all its use cases (`usecases_changed`).
- Diagrams are rendered lazily: a change renders nothing. A page or a download that finds a diagram missing asks
  for it (`usecase_followup_ensure`, `usecase_png_request`); `manage.py render_diagrams` renders ahead of time.

This module imports nothing from `usecases.services`, so that module can import it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ucmr.jobs import job_start
from ucmr.models import BackgroundJob

RENDER_KIND, VALIDATE_KIND = "render_diagrams", "validate"


@dataclass(frozen=True)
class UseCaseRef:
    """A use case known by its primary key alone."""

    pk: int


def _enabled() -> bool:
    return getattr(settings, "UCMR_FOLLOW_UP_ON_CHANGE", True)


def _queued(*, kind: str, use_case_id: int):
    """The jobs of `kind` for the use case waiting for a worker, or running under a live lease."""
    active = Q(status=BackgroundJob.Status.PENDING) | Q(
        status=BackgroundJob.Status.RUNNING, lease_expires__gt=timezone.now()
    )
    return BackgroundJob.objects.filter(active, kind=kind, params__use_case=use_case_id)


class _LibraryJob:
    """The current transaction's validation job for changed library objects (a no-op on-commit callback, found on
    the connection, so that it lives exactly as long as the transaction)."""

    def __init__(self, job: BackgroundJob) -> None:
        self.job = job

    def __call__(self) -> None:
        pass


def _library_job() -> BackgroundJob | None:
    for entry in getattr(connection, "run_on_commit", []) if connection.in_atomic_block else []:
        if isinstance(entry[1], _LibraryJob):
            return entry[1].job
    return None


def validation_key(use_case_id: int) -> str:
    return f"{VALIDATE_KIND}:{use_case_id}"


def usecase_changed(*, use_case) -> None:
    """Queue the validation of the use case (in the current transaction: rolled back with it), unless one is waiting
    for a worker already (it reads the latest revision when it runs). Call it after every change to a use case. The
    setting `UCMR_FOLLOW_UP_ON_CHANGE = False` turns it off."""
    if _enabled():
        job_start(
            user=None, kind=VALIDATE_KIND, params={"use_case": use_case.pk}, dedupe_key=validation_key(use_case.pk)
        )


def usecases_changed(*, use_case_ids) -> None:
    """After a bulk change (an import): one validation job for all the use cases (bulk queries), not one each."""
    ids = sorted(set(use_case_ids))
    if not _enabled() or not ids:
        return
    if len(ids) == 1:
        usecase_changed(use_case=UseCaseRef(pk=ids[0]))
    else:
        job_start(user=None, kind=VALIDATE_KIND, params={"use_cases": ids})


def usecase_followup_ensure(*, use_case, render: bool, validate: bool) -> None:
    """What a page calls when it finds diagrams missing (`render`) or the validation stale (`validate`): the
    follow-up, unless a job of the kind is waiting or running for the use case."""
    for kind, wanted in ((VALIDATE_KIND, validate), (RENDER_KIND, render)):
        if wanted and not _queued(kind=kind, use_case_id=use_case.pk).exists():
            job_start(user=None, kind=kind, params={"use_case": use_case.pk}, dedupe_key=f"{kind}:{use_case.pk}")


def usecase_png_request(*, use_case, key: str) -> None:
    """Queue the rendering of the PNG of one diagram of the use case, unless such a job is waiting or running (a
    download asks for it; PNGs are only made on request)."""
    jobs = _queued(kind=RENDER_KIND, use_case_id=use_case.pk)
    if any(key in (job.params.get("png") or []) for job in jobs.only("params")):
        return
    job_start(
        user=None,
        kind=RENDER_KIND,
        params={"use_case": use_case.pk, "png": [key]},
        dedupe_key=f"{RENDER_KIND}:{use_case.pk}:png:{key}"[:100],
    )


def diagram_for_download(*, use_case, key: str, output_format: str):
    """(stored diagram, rendered diagram) of the diagram `key` of the use case at its revision, found without
    building a graph; the rendered one None while it cannot be served in `output_format` (not rendered yet, or its
    PNG not yet: what is missing is queued, unless the jobs ran inline, with no broker, and it is there now). The
    stored diagram is None when the use case has no such diagram, or while its diagrams are not stored yet (the
    rendering is queued then)."""
    from usecases.analysis.diagrams import rendered_diagram_get, usecase_diagram_get

    def servable(diagram) -> bool:
        return diagram is not None and (
            output_format == "svg" or bool(diagram.png) or bool(diagram.png_error) or bool(diagram.error)
        )

    stored = usecase_diagram_get(use_case=use_case, key=key)
    diagram = rendered_diagram_get(content_hash=stored.content_hash) if stored is not None else None
    if servable(diagram):
        return stored, diagram
    if diagram is None:
        usecase_followup_ensure(use_case=use_case, render=True, validate=False)
    else:
        usecase_png_request(use_case=use_case, key=key)
    stored = usecase_diagram_get(use_case=use_case, key=key)
    diagram = rendered_diagram_get(content_hash=stored.content_hash) if stored is not None else None
    return stored, diagram if servable(diagram) else None


# Libraries whose changes send the use cases using them to validation again.
VALIDATED_LIBRARIES = {"actors.Actor", "requirements.Requirement", "usecases.InformationObject"}


def library_object_changed_received(sender, *, obj, **kwargs) -> None:
    """Receiver of ucmr.signals.library_object_changed (connected in SgamConfig.ready)."""
    if sender._meta.label in VALIDATED_LIBRARIES:
        library_object_changed(obj=obj)


def library_object_changed(*, obj) -> None:
    """After a change to an actor, information object or requirement (or its placement): validate again the use
    cases that use it. One job per transaction, however many objects changed, written in it; the job finds the
    use cases when it runs (`impact.usecase_ids_using`). Their diagrams need nothing: a page finds a changed
    diagram by its content and has it rendered."""
    if not _enabled():
        return
    reference = [obj._meta.label, obj.pk]
    job = _library_job()
    if job is not None:
        if reference not in job.params["library_objects"]:
            job.params["library_objects"].append(reference)
            BackgroundJob.objects.filter(pk=job.pk).update(params=job.params)
        return
    job = job_start(user=None, kind=VALIDATE_KIND, params={"library_objects": [reference]})
    if connection.in_atomic_block:
        transaction.on_commit(_LibraryJob(job))
