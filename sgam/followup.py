"""Follow-up work after a use case changes: its validation and the rendering of its diagrams, as background jobs
("validate", "render_diagrams") queued when the transaction commits.

`usecase_changed(use_case=...)` is the hook: services call it whenever they change a use case (from
`usecases.services.usecase_bump_revision`). However many changes one transaction makes, each use case gets one
validation and one rendering, and none is queued while one of the same kind is still waiting for a worker. This
module imports nothing from `usecases.services`, so that module can import it.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ucmr.jobs import job_start
from ucmr.models import BackgroundJob

RENDER_KIND, VALIDATE_KIND = "render_diagrams", "validate"
# A job that has been running for longer is taken for lost (a worker killed) when deciding whether to queue.
RUNNING_TRUSTED = timedelta(minutes=10)


def _queued(*, kind: str, use_case_id: int, include_running: bool):
    """The jobs of `kind` for the use case still waiting for a worker (or, with `include_running`, just started)."""
    active = Q(status=BackgroundJob.Status.PENDING)
    if include_running:
        active |= Q(status=BackgroundJob.Status.RUNNING, started__gte=timezone.now() - RUNNING_TRUSTED)
    return BackgroundJob.objects.filter(active, kind=kind, params__use_case=use_case_id)


class _FollowUp:
    """The on-commit callback of one use case; `usecase_changed` looks for it to register it only once."""

    def __init__(self, *, use_case_id: int, render: bool, validate: bool, include_running: bool) -> None:
        self.use_case_id = use_case_id
        self.kinds = [kind for kind, wanted in ((VALIDATE_KIND, validate), (RENDER_KIND, render)) if wanted]
        self.include_running = include_running

    def __call__(self) -> None:
        for kind in self.kinds:
            if not _queued(kind=kind, use_case_id=self.use_case_id, include_running=self.include_running).exists():
                job_start(user=None, kind=kind, params={"use_case": self.use_case_id})


def _registered(use_case_id: int) -> _FollowUp | None:
    for entry in getattr(connection, "run_on_commit", []):
        callback = entry[1]
        if isinstance(callback, _FollowUp) and callback.use_case_id == use_case_id:
            return callback
    return None


def _schedule(*, use_case_id: int, render: bool, validate: bool, include_running: bool) -> None:
    if not getattr(settings, "UCMR_FOLLOW_UP_ON_CHANGE", True) or not (render or validate):
        return
    registered = _registered(use_case_id) if connection.in_atomic_block else None
    if registered is not None:
        for kind, wanted in ((VALIDATE_KIND, validate), (RENDER_KIND, render)):
            if wanted and kind not in registered.kinds:
                registered.kinds.append(kind)
        return
    transaction.on_commit(
        _FollowUp(use_case_id=use_case_id, render=render, validate=validate, include_running=include_running)
    )


def usecase_changed(*, use_case) -> None:
    """Queue the validation of the use case and the re-rendering of its diagrams for when the current transaction
    commits (at once outside a transaction). Call it after every change to a use case.

    The setting `UCMR_FOLLOW_UP_ON_CHANGE = False` turns it off (for test suites that do not want the jobs)."""
    _schedule(use_case_id=use_case.pk, render=True, validate=True, include_running=False)


def usecase_followup_ensure(*, use_case, render: bool, validate: bool) -> None:
    """What a page calls when it finds diagrams missing (`render`) or the validation stale (`validate`): the same
    follow-up, unless a job of the kind is waiting or has just started."""
    _schedule(use_case_id=use_case.pk, render=render, validate=validate, include_running=True)


def usecase_png_request(*, use_case, key: str) -> None:
    """Queue the rendering of the PNG of one diagram of the use case, unless such a job is waiting or has just
    started (a download asks for it; PNGs are only made on request)."""
    jobs = _queued(kind=RENDER_KIND, use_case_id=use_case.pk, include_running=True)
    if any(key in (job.params.get("png") or []) for job in jobs.only("params")):
        return
    transaction.on_commit(
        lambda: job_start(user=None, kind=RENDER_KIND, params={"use_case": use_case.pk, "png": [key]})
    )


def diagram_for_download(*, use_case, spec, output_format: str):
    """The rendered diagram of `spec` when it can be served in `output_format` (rendered, or failed for good);
    otherwise queue what is missing (the rendering, or the PNG) and return None, unless the jobs ran inline
    (no broker) and it is there now."""
    from sgam.diagrams import rendered_diagram_get

    def servable(diagram) -> bool:
        return diagram is not None and (
            output_format == "svg" or bool(diagram.png) or bool(diagram.png_error) or bool(diagram.error)
        )

    diagram = rendered_diagram_get(spec=spec)
    if servable(diagram):
        return diagram
    if diagram is None:
        usecase_followup_ensure(use_case=use_case, render=True, validate=False)
    else:
        usecase_png_request(use_case=use_case, key=spec.key)
    diagram = rendered_diagram_get(spec=spec)
    return diagram if servable(diagram) else None


class _LibraryFollowUp:
    """The on-commit callback validating the use cases of the library objects a transaction changed (one job)."""

    def __init__(self) -> None:
        self.objects: list = []

    def __call__(self) -> None:
        from sgam.impact import usecase_ids_using

        ids = sorted({pk for obj in self.objects for pk in usecase_ids_using(obj=obj)})
        if ids:
            job_start(user=None, kind=VALIDATE_KIND, params={"use_cases": ids})


def library_object_changed(*, obj) -> None:
    """After a change to an actor, information object or requirement (or its placement): validate again, when the
    transaction commits, the use cases that use it (one job per transaction, however many objects changed).
    Their diagrams need nothing: a page finds a changed diagram by its content and has it rendered."""
    if not getattr(settings, "UCMR_FOLLOW_UP_ON_CHANGE", True):
        return
    if connection.in_atomic_block:
        for entry in getattr(connection, "run_on_commit", []):
            if isinstance(entry[1], _LibraryFollowUp):
                entry[1].objects.append(obj)
                return
    callback = _LibraryFollowUp()
    callback.objects.append(obj)
    transaction.on_commit(callback)
