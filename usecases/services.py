"""Writes to use cases, their rows (the template's tables), workspaces and the section 5 and 7 libraries.

Every function takes the acting user, runs in one transaction, validates with `full_clean()` and writes the
audit trail. A change to any row of a use case increases the use case's revision; callers that pass
`expected_revision` have the write refused when someone else changed the use case in the meantime.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from ucmr.audit import record_change
from ucmr.models import ChangeLogEntry
from ucmr.permissions import object_grants_remove_all
from ucmr.services import ObjectServices, model_changes, model_create, model_delete, model_reorder, model_update
from usecases.analysis.followup import library_object_changed, usecase_changed
from usecases.models import BusinessCase, CommonTerm, Condition, InformationObject, Step, UseCase, Workspace
from usecases.search import search_index_queue


def not_a_draft_message(use_case: UseCase) -> str:
    """Why a use case that is not a draft is not edited (pages, table editors and the API say the same)."""
    return (
        f"Only drafts are edited; this use case is {use_case.get_status_display().lower()}. "
        "A manager can withdraw it to draft."
    )


def usecase_require_draft(*, use_case: UseCase) -> None:
    """Only drafts are edited, whatever edits them (pages, table editors, the API, the admin; imports leave the others
    alone): what was submitted stays as the reviewers saw it. The workflow's transitions are the only other writes."""
    status = next(iter(UseCase.objects.filter(pk=use_case.pk).order_by().values_list("status", flat=True)), None)
    if status is None:
        return
    use_case.status = status  # a copy read before a transition must not write its old status back
    if status != UseCase.Status.DRAFT:
        raise ValidationError(not_a_draft_message(use_case), code="not_a_draft")


STALE_REVISION_MESSAGE = (
    "Someone else changed this use case since you opened it (your revision {expected}, now {current}). "
    "Reload it to see their changes; nothing of yours was saved."
)


@transaction.atomic
def workspace_create(*, user, name: str, slug: str = "", description: str = "") -> Workspace:
    return model_create(
        user=user, model=Workspace, data={"name": name, "slug": slug or slugify(name)[:100], "description": description}
    )


def usecase_check_revision(*, use_case: UseCase, expected_revision: int | None) -> None:
    """Refuse when `expected_revision` is given and no longer current, as a write would."""
    if expected_revision is None:
        return
    current = UseCase.objects.filter(pk=use_case.pk).values_list("revision", flat=True).first()
    if current != expected_revision:
        raise ValidationError(
            STALE_REVISION_MESSAGE.format(expected=expected_revision, current=current), code="stale_revision"
        )


def usecase_bump_revision(*, use_case: UseCase, expected_revision: int | None = None) -> None:
    """Increase the revision; refuse when `expected_revision` is given and no longer current."""
    rows = UseCase.objects.filter(pk=use_case.pk)
    if expected_revision is not None:
        rows = rows.filter(revision=expected_revision)
    if not rows.update(revision=F("revision") + 1, modified=timezone.now()):
        current = UseCase.objects.filter(pk=use_case.pk).values_list("revision", flat=True).first()
        raise ValidationError(
            STALE_REVISION_MESSAGE.format(expected=expected_revision, current=current), code="stale_revision"
        )
    if expected_revision is not None:
        use_case.revision = expected_revision + 1  # what the row had when it matched, plus the one just added
    else:
        use_case.revision = UseCase.objects.values_list("revision", flat=True).get(pk=use_case.pk)
    usecase_changed(use_case=use_case)
    search_index_queue(use_case_ids=[use_case.pk])


@transaction.atomic
def usecase_create(*, user, workspace: Workspace, data: Mapping[str, Any]) -> UseCase:
    if "revision" in data:
        raise ValidationError({"revision": "The revision is kept by the application."})
    author = user if user is not None and user.is_authenticated else None
    use_case = model_create(user=user, model=UseCase, data={**data, "workspace": workspace, "created_by": author})
    search_index_queue(use_case_ids=[use_case.pk])
    return use_case


@transaction.atomic
def usecase_update(
    *, user, use_case: UseCase, data: Mapping[str, Any], expected_revision: int | None = None
) -> UseCase:
    """Change fields of the use case. Values it already has are no change: when nothing changes, nothing is written
    (no revision, no audit entry), so that a client that read the old revision is not refused for nothing."""
    if "revision" in data:
        raise ValidationError({"revision": "The revision is kept by the application."})
    usecase_require_draft(use_case=use_case)
    if data.get("status", use_case.status) != use_case.status:
        raise ValidationError({"status": "The status changes through the workflow actions."})
    changes = model_changes(use_case, data)
    if not changes:
        usecase_check_revision(use_case=use_case, expected_revision=expected_revision)
        return use_case
    usecase_bump_revision(use_case=use_case, expected_revision=expected_revision)
    # `model_changes` compared `data` with this copy: it is the stored row apart from them (and the revision, set).
    return model_update(user=user, instance=use_case, data=changes, as_stored=True)


@transaction.atomic
def usecase_delete(*, user, use_case: UseCase) -> None:
    """Delete the use case with all its rows, recorded as one change, and every permission held on it."""
    object_grants_remove_all(use_case)
    model_delete(user=user, instance=use_case)


def usecase_row_siblings(row: models.Model) -> models.QuerySet:
    """The rows of the same table that `position` orders `row` among (a step among the steps of its parent)."""
    model = type(row)
    if model is Step:
        return Step.objects.filter(scenario_id=row.scenario_id, parent_id=row.parent_id)
    if model is Condition:
        return Condition.objects.filter(use_case_id=row.use_case_id, scenario_id=row.scenario_id, kind=row.kind)
    return model.objects.filter(use_case_id=row.use_case_id)


@transaction.atomic
def usecase_row_create(
    *,
    user,
    use_case: UseCase,
    model: type[models.Model],
    data: Mapping[str, Any],
    expected_revision: int | None = None,
) -> models.Model:
    """Add a row to one of the use case's tables (a step's data names its scenario). It goes last unless
    `position` is given."""
    data = dict(data)
    if model is Step:
        scenario = data.get("scenario")
        if scenario is None or scenario.use_case_id != use_case.pk:
            raise ValidationError({"scenario": "Choose a scenario of this use case."})
    else:
        data["use_case"] = use_case
    usecase_require_draft(use_case=use_case)
    usecase_bump_revision(use_case=use_case, expected_revision=expected_revision)
    if "position" not in data:
        probe = model(**{key: value for key, value in data.items() if not model._meta.get_field(key).many_to_many})
        last = usecase_row_siblings(probe).aggregate(last=Max("position"))["last"]
        data["position"] = (last or 0) + 1
    return model_create(user=user, model=model, data=data, related=use_case)


@transaction.atomic
def usecase_row_update(
    *, user, row: models.Model, data: Mapping[str, Any], expected_revision: int | None = None
) -> models.Model:
    use_case = row.owner_use_case
    if "use_case" in data:
        raise ValidationError({"use_case": "A row cannot move to another use case."})
    if data.get("scenario") is not None and data["scenario"].use_case_id != use_case.pk:
        raise ValidationError({"scenario": "Choose a scenario of this use case."})
    usecase_require_draft(use_case=use_case)
    usecase_bump_revision(use_case=use_case, expected_revision=expected_revision)
    return model_update(user=user, instance=row, data=data, related=use_case)


@transaction.atomic
def usecase_row_delete(*, user, row: models.Model, expected_revision: int | None = None) -> None:
    use_case = row.owner_use_case
    usecase_require_draft(use_case=use_case)
    usecase_bump_revision(use_case=use_case, expected_revision=expected_revision)
    model_delete(user=user, instance=row, related=use_case)


@transaction.atomic
def usecase_rows_reorder(
    *, user, use_case: UseCase, rows: Iterable[models.Model], expected_revision: int | None = None
) -> None:
    """Put the rows of one table (siblings of each other) in the given order. Rows numbered by their place
    (steps and conditions numbered 1, 2, 3, ... in order, or not at all) are renumbered to their new places;
    other numbering ("A", "2a", ...) is the author's and stays."""
    rows = list(rows)
    if not rows:
        return
    if rows[0].owner_use_case.pk != use_case.pk:  # the others are its siblings (checked below): the same owner
        raise ValidationError("A row of another use case was given.")
    siblings = list(usecase_row_siblings(rows[0]).order_by("position", "id"))
    if len(rows) != len(siblings) or {row.pk for row in siblings} != {row.pk for row in rows}:
        raise ValidationError("Give every row of the table exactly once to reorder it.")
    usecase_require_draft(use_case=use_case)
    usecase_bump_revision(use_case=use_case, expected_revision=expected_revision)
    label = f"order of {type(rows[0])._meta.verbose_name_plural}"
    model_reorder(rows=rows)
    _renumber_by_place(siblings=siblings, rows=rows)
    record_change(
        user=user,
        action=ChangeLogEntry.Action.UPDATE,
        instance=use_case,
        related=use_case,
        before={label: [row.pk for row in siblings]},
        after={label: [row.pk for row in rows]},
    )


def _renumber_by_place(*, siblings: list[models.Model], rows: list[models.Model]) -> None:
    """Give rows numbered by their place (before the move) the numbers of their new places."""
    if not hasattr(rows[0], "number"):
        return
    if any(row.number.strip() not in ("", str(place)) for place, row in enumerate(siblings, start=1)):
        return
    model = type(rows[0])
    renumbered = [row for place, row in enumerate(rows, start=1) if row.number.strip() and row.number != str(place)]
    model.objects.filter(pk__in=[row.pk for row in renumbered]).update(number="")  # no clash while they swap
    for place, row in enumerate(rows, start=1):
        if row in renumbered:
            row.number = str(place)
            model.objects.filter(pk=row.pk).update(number=row.number)


@transaction.atomic
def information_object_create(*, user, data: Mapping[str, Any]) -> InformationObject:
    return model_create(user=user, model=InformationObject, data=data)


@transaction.atomic
def information_object_update(
    *, user, information_object: InformationObject, data: Mapping[str, Any]
) -> InformationObject:
    updated = model_update(user=user, instance=information_object, data=data)
    library_object_changed(obj=updated)
    return updated


@transaction.atomic
def information_object_delete(*, user, information_object: InformationObject) -> None:
    model_delete(user=user, instance=information_object)


@transaction.atomic
def business_case_create(*, user, data: Mapping[str, Any]) -> BusinessCase:
    return model_create(user=user, model=BusinessCase, data=data)


@transaction.atomic
def common_term_create(*, user, data: Mapping[str, Any]) -> CommonTerm:
    return model_create(user=user, model=CommonTerm, data=data)


@transaction.atomic
def common_term_update(*, user, common_term: CommonTerm, data: Mapping[str, Any]) -> CommonTerm:
    return model_update(user=user, instance=common_term, data=data)


@transaction.atomic
def common_term_delete(*, user, common_term: CommonTerm) -> None:
    model_delete(user=user, instance=common_term)


INFORMATION_OBJECT_SERVICES = ObjectServices(
    "information_object",
    create=information_object_create,
    update=information_object_update,
    delete=information_object_delete,
)
COMMON_TERM_SERVICES = ObjectServices(
    "common_term", create=common_term_create, update=common_term_update, delete=common_term_delete
)
