"""Frozen versions of a use case: written once by the workflow, never changed; read by whoever may see the use
case."""

from django.db import transaction
from django.db.models import Max, QuerySet
from django.shortcuts import get_object_or_404

from ucmr.audit import record_change
from ucmr.models import ChangeLogEntry
from ucmr.permissions import visible_to
from usecases.models import UseCase, UseCaseSnapshot
from usecases.versions.diff import SectionDiff, document_diff
from usecases.versions.document import document_redacted, usecase_document_json


@transaction.atomic
def usecase_snapshot_create(*, user, use_case: UseCase, version_number: str) -> UseCaseSnapshot:
    """Freeze the use case as it is now. Called by the workflow (submission, approval, publication) in its
    transaction, and by the demo."""
    last = UseCaseSnapshot.objects.filter(use_case=use_case).aggregate(last=Max("sequence"))["last"] or 0
    signed_in = user is not None and user.is_authenticated
    snapshot = UseCaseSnapshot.objects.create(
        use_case=use_case,
        sequence=last + 1,
        version_number=version_number,
        status=use_case.status,
        document=usecase_document_json(use_case_id=use_case.pk),
        created_by=user if signed_in else None,
        created_by_name=user.get_username() if signed_in else "",
    )
    # The document itself is the snapshot; the audit trail names it without copying it.
    record_change(
        user=user,
        action=ChangeLogEntry.Action.CREATE,
        instance=snapshot,
        before=None,
        after={"sequence": snapshot.sequence, "version_number": version_number, "status": snapshot.status},
        related=use_case,
    )
    return snapshot


def usecase_snapshot_list(*, user, use_case: UseCase) -> QuerySet[UseCaseSnapshot]:
    """The frozen versions of a use case the user may see, newest first, without their documents."""
    snapshots = visible_to(user, UseCaseSnapshot.objects.filter(use_case=use_case))
    return snapshots.defer("document").order_by("-sequence")


def usecase_snapshot_get(*, user, use_case: UseCase, sequence: int) -> UseCaseSnapshot:
    return get_object_or_404(visible_to(user, UseCaseSnapshot.objects.filter(use_case=use_case)), sequence=sequence)


CURRENT = "current"


def usecase_version_document(*, user, use_case: UseCase, choice: str) -> tuple[dict, str]:
    """(the document, how to call it) of a frozen version (its sequence as text) or of the use case as it is now
    (`current`), with what the user may not see redacted. A 404 for a version the use case does not have."""
    if choice == CURRENT:
        document, label = usecase_document_json(use_case_id=use_case.pk), "current state"
    else:
        snapshot = usecase_snapshot_get(user=user, use_case=use_case, sequence=int(choice))
        document, label = snapshot.document, f"version {snapshot.version_number}"
    return document_redacted(user=user, document=document), label


def usecase_versions_compare(*, user, use_case: UseCase, old: str, new: str) -> tuple[list[SectionDiff], str, str]:
    """What changed from `old` to `new` (each a sequence or `current`), section by section, and their labels."""
    (old_document, old_label), (new_document, new_label) = (
        usecase_version_document(user=user, use_case=use_case, choice=choice) for choice in (old, new)
    )
    return document_diff(old_document, new_document), old_label, new_label
