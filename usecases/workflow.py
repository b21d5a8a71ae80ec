"""The review workflow of a use case.

    draft --submit (authors)--> in review --approve (reviewers)--> approved --publish (managers)--> published
                                in review --send back with a comment (reviewers)--> draft
    in review, approved or published --withdraw (managers)--> draft

Each transition is a service: it checks that the user may make it (ucmr.permissions) and that the use case is in a
status it starts from, refuses a stale revision (`expected_revision`, the revision the user's page showed), bumps
the revision, changes the status, and records a `StatusChange` (with the comment) and the audit trail, all in one
transaction. Approval and publication also append a row to the version table (1.2) and freeze the whole use case
as a `UseCaseSnapshot`. Each submission freezes it too, so that a reviewer (and the author, after a send-back) can
compare a resubmission with what was reviewed; it is listed in the version table only when the author asks.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from ucmr.models import ChangeLogEntry
from ucmr.permissions import CHANGE, PUBLISH, REVIEW, user_can, visible_to
from ucmr.services import model_create, model_update
from usecases.comments import usecase_transition_notify
from usecases.models import StatusChange, UseCase, UseCaseSnapshot, VersionEntry
from usecases.services import usecase_bump_revision
from usecases.versions import CURRENT, usecase_snapshot_create

Status = UseCase.Status


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    past: str  # "Only a use case that is draft can be <past>"
    action: str  # the permission it needs (ucmr.permissions)
    sources: tuple[str, ...]
    target: str
    comment_required: bool = False
    freezes_version: bool = False
    button_class: str = "btn-outline-primary"

    @property
    def url_name(self) -> str:
        return f"usecases:usecase_{self.name}"


TRANSITIONS = {
    transition.name: transition
    for transition in (
        Transition(
            "submit",
            "Submit for review",
            "submitted",
            CHANGE,
            (Status.DRAFT,),
            Status.IN_REVIEW,
            button_class="btn-primary",
        ),
        Transition(
            "approve",
            "Approve",
            "approved",
            REVIEW,
            (Status.IN_REVIEW,),
            Status.APPROVED,
            freezes_version=True,
            button_class="btn-success",
        ),
        Transition(
            "send_back",
            "Send back to draft",
            "sent back",
            REVIEW,
            (Status.IN_REVIEW,),
            Status.DRAFT,
            comment_required=True,
            button_class="btn-outline-warning",
        ),
        Transition(
            "publish",
            "Publish",
            "published",
            PUBLISH,
            (Status.APPROVED,),
            Status.PUBLISHED,
            freezes_version=True,
            button_class="btn-success",
        ),
        Transition(
            "withdraw",
            "Withdraw to draft",
            "withdrawn",
            PUBLISH,
            (Status.IN_REVIEW, Status.APPROVED, Status.PUBLISHED),
            Status.DRAFT,
            button_class="btn-outline-danger",
        ),
    )
}

VERSION_NUMBER = re.compile(r"^\s*(\d+)\.(\d+)\s*$")


def _status_label(status: str) -> str:
    return Status(status).label.lower()


def next_version_number(*, use_case: UseCase, published: bool) -> str:
    """The next number of the version table: an approval adds to the minor number (0.1, 0.2, 1.1), a publication
    makes the next major version (1.0, 2.0). The last number that reads as major.minor is the base."""
    major, minor = 0, 0
    numbers = (
        VersionEntry.objects.filter(use_case=use_case).order_by("-position", "-id").values_list("number", flat=True)
    )
    for number in numbers:
        match = VERSION_NUMBER.match(number)
        if match:
            major, minor = int(match.group(1)), int(match.group(2))
            break
    return f"{major + 1}.0" if published else f"{major}.{minor + 1}"


def _authors(*, use_case: UseCase, acting) -> str:
    """Who changed the use case (or its rows) since its last version in the version table, from the audit trail."""
    listed = VersionEntry.objects.filter(use_case=use_case).values("number")
    last = (
        UseCaseSnapshot.objects.filter(use_case=use_case, version_number__in=listed)
        .order_by("-sequence")
        .values_list("created", flat=True)
        .first()
    )
    changes = ChangeLogEntry.objects.filter(
        Q(content_type__app_label="usecases", content_type__model="usecase", object_id=str(use_case.pk))
        | Q(
            related_content_type__app_label="usecases",
            related_content_type__model="usecase",
            related_object_id=str(use_case.pk),
        )
    ).exclude(user_name="")
    # Review comments change nothing of the use case: their writers are not its authors.
    changes = changes.exclude(content_type__app_label="usecases", content_type__model__in=("commentthread", "comment"))
    if last is not None:
        changes = changes.filter(time__gt=last)
    names = sorted(set(changes.values_list("user_name", flat=True)))
    if not names and use_case.created_by_id:
        names = [use_case.created_by.get_username()]
    if not names and acting is not None and acting.is_authenticated:
        names = [acting.get_username()]
    return ", ".join(names)


def usecase_version_freeze(*, user, use_case: UseCase, summary: str) -> UseCaseSnapshot:
    """Append the next row of the version table (a minor number for an approval, a major one for a publication) and
    freeze the use case as that version."""
    published = use_case.status == Status.PUBLISHED
    number = next_version_number(use_case=use_case, published=published)
    verb = "Published" if published else "Approved"
    _version_entry_add(
        user=user, use_case=use_case, number=number, changes=summary or f"{verb} by {user.get_username()}.", status=verb
    )
    return usecase_snapshot_create(user=user, use_case=use_case, version_number=number)


def _version_entry_add(*, user, use_case: UseCase, number: str, changes: str, status: str) -> None:
    """The next row of the use case's version table (1.2)."""
    last = VersionEntry.objects.filter(use_case=use_case).aggregate(last=Max("position"))["last"] or 0
    model_create(
        user=user,
        model=VersionEntry,
        data={
            "use_case": use_case,
            "position": last + 1,
            "number": number,
            "date": timezone.now(),
            "authors": _authors(use_case=use_case, acting=user),
            "changes": changes,
            "approval_status": status,
        },
        related=use_case,
    )


SUBMITTED = "Submitted for review"


def usecase_submission_freeze(*, user, use_case: UseCase, listed: bool = False) -> UseCaseSnapshot:
    """Freeze the use case as submitted for review. `listed`: also as the next row of the version table (the next
    minor number); otherwise the snapshot is named after the version its approval would make ("0.2 submission 1")."""
    number = next_version_number(use_case=use_case, published=False)
    if listed:
        _version_entry_add(
            user=user,
            use_case=use_case,
            number=number,
            changes=f"{SUBMITTED} by {user.get_username()}.",
            status=SUBMITTED,
        )
    else:
        earlier = UseCaseSnapshot.objects.filter(use_case=use_case, version_number__startswith=f"{number} submission ")
        number = f"{number} submission {earlier.count() + 1}"
    return usecase_snapshot_create(user=user, use_case=use_case, version_number=number)


@dataclass(frozen=True)
class ReviewComparison:
    """What to compare to see what changed since a review: `old` and `new` are snapshot sequences or `current`."""

    old: str
    new: str
    label: str


def review_comparison_get(*, use_case: UseCase) -> ReviewComparison | None:
    """In review after a resubmission: this submission against the one reviewed before. A draft sent back (or
    withdrawn from review): its current state against what was submitted. None otherwise."""
    frozen = list(
        UseCaseSnapshot.objects.filter(use_case=use_case).order_by("-sequence").values_list("sequence", "status")
    )
    submissions = [sequence for sequence, status in frozen if status == Status.IN_REVIEW]
    if use_case.status == Status.IN_REVIEW and frozen and frozen[0][1] == Status.IN_REVIEW and len(submissions) > 1:
        return ReviewComparison(str(submissions[1]), str(submissions[0]), "Compare with the reviewed version")
    if use_case.status == Status.DRAFT and frozen and frozen[0][1] == Status.IN_REVIEW:
        return ReviewComparison(str(frozen[0][0]), CURRENT, "Compare with the submitted version")
    return None


@transaction.atomic
def _refuse_with_validation_errors(use_case: UseCase) -> None:
    """A use case goes to review only without validation errors (warnings are allowed)."""
    from usecases.analysis.validation.services import (
        usecase_validation_errors,  # sgam builds on usecases, not the reverse
    )

    errors = usecase_validation_errors(use_case=use_case)
    if errors:
        listed = "; ".join(f"{finding.rule}: {finding.message.rstrip('.')}" for finding in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise ValidationError(
            f"Fix the validation errors before submitting for review: {listed}{more}.", code="validation_errors"
        )


@transaction.atomic
def usecase_transition(
    *,
    user,
    use_case: UseCase,
    name: str,
    comment: str = "",
    expected_revision: int | None = None,
    list_in_version_table: bool = False,
) -> UseCase:
    """Make the transition `name` (a key of TRANSITIONS). Raises PermissionDenied when the user may not make it,
    ValidationError when the use case is not in a status it starts from, the comment it needs is missing, or the
    revision is stale. Returns the use case as saved. `list_in_version_table`: a submission is also a row there."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ValidationError(f"Unknown workflow step '{name}'.")
    if not user_can(user, transition.action, use_case):
        raise PermissionDenied(f"You may not {transition.label.lower()} this use case.")
    locked = UseCase.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=use_case.pk)
    if locked.status not in transition.sources:
        starts = " or ".join(_status_label(status) for status in transition.sources)
        raise ValidationError(
            f"Only a use case that is {starts} can be {transition.past}; this one is {_status_label(locked.status)}.",
            code="wrong_status",
        )
    if transition.name == "submit":
        _refuse_with_validation_errors(locked)
    comment = comment.strip()
    if transition.comment_required and not comment:
        raise ValidationError({"comment": "Say what needs to change before it can be approved."}, code="required")
    usecase_bump_revision(use_case=locked, expected_revision=expected_revision)
    from_status = locked.status
    model_update(user=user, instance=locked, data={"status": transition.target})
    model_create(
        user=user,
        model=StatusChange,
        data={
            "use_case": locked,
            "transition": transition.name,
            "from_status": from_status,
            "to_status": transition.target,
            "comment": comment,
            "user": user,
            "user_name": user.get_username(),
            "revision": locked.revision,
        },
        related=locked,
    )
    if transition.freezes_version:
        usecase_version_freeze(user=user, use_case=locked, summary=comment)
    if transition.name == "submit":
        usecase_submission_freeze(user=user, use_case=locked, listed=list_in_version_table)
    usecase_transition_notify(user=user, use_case=locked, transition=transition.name, comment=comment)
    return locked


def usecase_submit(
    *,
    user,
    use_case: UseCase,
    comment: str = "",
    expected_revision: int | None = None,
    list_in_version_table: bool = False,
) -> UseCase:
    return usecase_transition(
        user=user,
        use_case=use_case,
        name="submit",
        comment=comment,
        expected_revision=expected_revision,
        list_in_version_table=list_in_version_table,
    )


def usecase_approve(*, user, use_case: UseCase, comment: str = "", expected_revision: int | None = None) -> UseCase:
    """`comment` becomes the summary of changes in the version table."""
    return usecase_transition(
        user=user, use_case=use_case, name="approve", comment=comment, expected_revision=expected_revision
    )


def usecase_send_back(*, user, use_case: UseCase, comment: str, expected_revision: int | None = None) -> UseCase:
    return usecase_transition(
        user=user, use_case=use_case, name="send_back", comment=comment, expected_revision=expected_revision
    )


def usecase_publish(*, user, use_case: UseCase, comment: str = "", expected_revision: int | None = None) -> UseCase:
    """`comment` becomes the summary of changes in the version table."""
    return usecase_transition(
        user=user, use_case=use_case, name="publish", comment=comment, expected_revision=expected_revision
    )


def usecase_withdraw(*, user, use_case: UseCase, comment: str = "", expected_revision: int | None = None) -> UseCase:
    return usecase_transition(
        user=user, use_case=use_case, name="withdraw", comment=comment, expected_revision=expected_revision
    )


def usecase_transitions_allowed(*, use_case: UseCase, allowed: frozenset[str]) -> list[Transition]:
    """The transitions a user with the actions `allowed` (ucmr.permissions.allowed_actions) may make now."""
    return [
        transition
        for transition in TRANSITIONS.values()
        if use_case.status in transition.sources and transition.action in allowed
    ]


def status_change_list(*, use_case: UseCase) -> QuerySet[StatusChange]:
    """The workflow history of a use case the caller may see, newest first."""
    return StatusChange.objects.filter(use_case=use_case).order_by("-time", "-pk")


@dataclass
class MyWork:
    drafts: list[UseCase]
    to_review: list[UseCase]
    to_publish: list[UseCase]
    submitted: list[UseCase]


def my_work_get(*, user) -> MyWork:
    """What waits for the user: drafts they may edit, use cases in review they may review, approved ones they may
    publish, and their own use cases in review."""
    use_cases = (
        UseCase.objects.listed().select_related("workspace").order_by("workspace__name", "identifier", "name", "pk")
    )
    return MyWork(
        drafts=list(visible_to(user, use_cases.filter(status=Status.DRAFT), CHANGE)),
        to_review=list(visible_to(user, use_cases.filter(status=Status.IN_REVIEW), REVIEW)),
        to_publish=list(visible_to(user, use_cases.filter(status=Status.APPROVED), PUBLISH)),
        submitted=list(visible_to(user, use_cases.filter(status=Status.IN_REVIEW, created_by=user))),
    )
