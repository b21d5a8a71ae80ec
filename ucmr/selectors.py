"""Reads that belong to no single app: background jobs and the audit trail."""

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from ucmr.jobs import job_progress_shown
from ucmr.models import BackgroundJob, ChangeLogEntry
from ucmr.permissions import visible_to


def job_list(*, user) -> QuerySet[BackgroundJob]:
    return visible_to(user, BackgroundJob.objects.order_by("-created"))


def job_queue_position(*, job: BackgroundJob) -> int:
    """How many jobs of its queue wait before a pending job (0 for a job that is not pending)."""
    if job.status != BackgroundJob.Status.PENDING:
        return 0
    pending = BackgroundJob.objects.filter(status=BackgroundJob.Status.PENDING, queue=job.queue)
    return pending.filter(created__lt=job.created).count()


def job_get(*, user, pk) -> BackgroundJob:
    """The job, with the progress a running one reported aside (`ucmr.jobs.job_progress_aside`)."""
    return job_progress_shown(get_object_or_404(visible_to(user, BackgroundJob.objects.select_related("user")), pk=pk))


def object_history(*, user, obj: models.Model) -> QuerySet[ChangeLogEntry]:
    """The changes to `obj` and to what belongs to it (a use case's rows, an actor's placements), newest first."""
    app_label, model_name = obj._meta.app_label, obj._meta.model_name
    entries = ChangeLogEntry.objects.filter(
        Q(content_type__app_label=app_label, content_type__model=model_name, object_id=str(obj.pk))
        | Q(
            related_content_type__app_label=app_label,
            related_content_type__model=model_name,
            related_object_id=str(obj.pk),
        )
    )
    return visible_to(user, entries.select_related("content_type").order_by("-time", "-pk"))


def change_log_list(*, user) -> QuerySet[ChangeLogEntry]:
    """The audit trail as far as the user may see it, newest first. `object_deleted` / `related_deleted` tell
    whether the object (or the object the change belongs to) has been deleted since, so that a page does not link
    to it."""
    deleted = ChangeLogEntry.objects.filter(action=ChangeLogEntry.Action.DELETE)
    entries = (
        ChangeLogEntry.objects.select_related("content_type", "related_content_type")
        .annotate(
            object_deleted=Exists(
                deleted.filter(content_type=OuterRef("content_type"), object_id=OuterRef("object_id"))
            ),
            related_deleted=Exists(
                deleted.filter(content_type=OuterRef("related_content_type"), object_id=OuterRef("related_object_id"))
            ),
        )
        .order_by("-time", "-pk")
    )
    return visible_to(user, entries)


# Rows whose audit entries name another object (a relation names the use case it points at), which the reader may
# not see: (app label, model) -> (the field in the entry's values, the model it points at).
POINTING_ROWS = {("usecases", "usecaserelation"): ("related_id", "usecases.UseCase")}


def changes_redacted(*, user, entries: list[ChangeLogEntry]) -> list[ChangeLogEntry]:
    """`entries` (content types loaded) with the name of what a row points at replaced where the user may not see
    it: one query per kind of row on the page, none when no such row is there."""
    for label, (field_name, target_label) in POINTING_ROWS.items():
        pointing = [entry for entry in entries if (entry.content_type.app_label, entry.content_type.model) == label]
        if not pointing:
            continue
        target = apps.get_model(target_label)
        pointed = {
            entry.pk: {values.get(field_name) for values in (entry.before or {}, entry.after or {})} - {None}
            for entry in pointing
        }
        ids = set().union(*pointed.values())
        visible = set(visible_to(user, target.objects.filter(pk__in=ids)).values_list("pk", flat=True))
        for entry in pointing:
            if not pointed[entry.pk] <= visible:
                entry.object_repr = f"{entry.content_type.name} to a {target._meta.verbose_name} you may not see"
    return entries
