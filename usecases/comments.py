"""Review comments and watches of a use case, and who hears of what happens to it (ucmr.notifications).

A thread is on the use case, on a section of the template or on a row (a step, an actor of 3.1, an information
object of section 5), named by the row's mRID: the thread follows the row through its edits and stays, shown as
"on a removed row", when the row goes. Whoever may read the use case reads its comments; `COMMENT` (its viewers and
up, or only its reviewers where the workspace says so) writes them. Every write is in the audit trail.

Who hears of what: a submission its reviewers; a send back, approval, publication or withdrawal its author and
watchers; a comment or a reply the people of the thread and the watchers; a mention `@username` whom it names. The
notification job checks at send time that each of them may see the use case.
"""

import contextlib
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ucmr.models import Notification
from ucmr.notifications import notify
from ucmr.permissions import COMMENT, MANAGE, VIEW, object_grants, require, user_can, visible_to
from ucmr.richtext import rich_text_clean, rich_text_plain
from ucmr.services import model_create, model_update
from usecases.models import (
    ActorRole,
    Comment,
    CommentThread,
    InformationObject,
    StatusChange,
    Step,
    UseCase,
    UseCaseWatch,
    Workspace,
    WorkspaceMembership,
)
from usecases.models.comments import SECTIONS

RowKind = CommentThread.RowKind
SECTION_LABELS = dict(SECTIONS)
# The section each kind of row lives in.
ROW_SECTIONS = {RowKind.STEP: "4.2", RowKind.ACTOR: "3.1", RowKind.INFORMATION_OBJECT: "5"}
MENTION = re.compile(r"(?<![\w@])@([\w.+-]*[\w+-])")
# The workflow's transitions (usecases.workflow) and what they tell whom.
TRANSITION_EVENTS = {
    "submit": Notification.Event.SUBMITTED,
    "send_back": Notification.Event.SENT_BACK,
    "approve": Notification.Event.APPROVED,
    "publish": Notification.Event.PUBLISHED,
    "withdraw": Notification.Event.WITHDRAWN,
}
TRANSITION_TITLES = {
    "submit": "{actor} submitted {use_case} for review",
    "send_back": "{actor} sent {use_case} back to draft",
    "approve": "{actor} approved {use_case}",
    "publish": "{actor} published {use_case}",
    "withdraw": "{actor} withdrew {use_case} to draft",
}


@dataclass(frozen=True)
class RowChoice:
    kind: str
    mrid: uuid.UUID
    label: str
    anchor: str = ""  # the row's id on the use case page

    @property
    def target(self) -> str:
        """What the page's form sends to name this row."""
        return f"row:{self.mrid}"

    @property
    def display(self) -> str:
        return f"{RowKind(self.kind).label} {self.label}".strip()


def _step_label(step: Step) -> str:
    return f"{step.number} {step.name}".strip()


def _information_object_label(information_object: InformationObject) -> str:
    return " ".join(part for part in (information_object.identifier, information_object.name) if part)


# A use case of more steps offers in the comment form only the steps named (by its threads, or by the row's "+"):
# a list of thousands helps nobody, and made the page megabytes long.
STEP_CHOICES_MAX = 300


def comment_row_choices(*, use_case: UseCase, steps_named: Iterable | None = None) -> list[RowChoice]:
    """The rows of the use case a thread can be on, in the order of the template (three queries). With
    `steps_named` (mRIDs), a use case of more than STEP_CHOICES_MAX steps offers only those steps (a fourth)."""
    steps = Step.objects.filter(scenario__use_case=use_case).order_by("scenario__position", "position", "pk")
    steps = steps.only("pk", "mrid", "number", "name")
    if steps_named is not None:
        first = list(steps[: STEP_CHOICES_MAX + 1])
        if len(first) > STEP_CHOICES_MAX:
            first = list(steps.filter(mrid__in=[mrid for mrid in steps_named if mrid]))
        steps = first
    roles = ActorRole.objects.filter(use_case=use_case).select_related("actor").order_by("position", "pk")
    information_objects = (
        InformationObject.objects.filter(steps__scenario__use_case=use_case).distinct().order_by("identifier", "name")
    )
    return [
        *(RowChoice(RowKind.STEP, step.mrid, _step_label(step), f"step-{step.pk}") for step in steps),
        *(RowChoice(RowKind.ACTOR, role.mrid, role.actor.name, f"actorrole-{role.pk}") for role in roles),
        *(
            RowChoice(
                RowKind.INFORMATION_OBJECT,
                item.mrid,
                _information_object_label(item),
                f"informationobject-{item.pk}",
            )
            for item in information_objects
        ),
    ]


def _row_get(*, use_case: UseCase, row_mrid) -> RowChoice:
    try:
        mrid = uuid.UUID(str(row_mrid))
    except ValueError:
        raise ValidationError({"row": "Give the mRID of a row of this use case."}) from None
    step = Step.objects.filter(scenario__use_case=use_case, mrid=mrid).first()
    if step is not None:
        return RowChoice(RowKind.STEP, mrid, _step_label(step))
    role = ActorRole.objects.filter(use_case=use_case, mrid=mrid).select_related("actor").first()
    if role is not None:
        return RowChoice(RowKind.ACTOR, mrid, role.actor.name)
    used = InformationObject.objects.filter(steps__scenario__use_case=use_case, mrid=mrid).first()
    if used is not None:
        return RowChoice(RowKind.INFORMATION_OBJECT, mrid, _information_object_label(used))
    raise ValidationError({"row": "This use case has no step, actor or information object with this mRID."})


def _clean_text(text: str) -> str:
    cleaned = rich_text_clean(text or "").strip()
    if not rich_text_plain(cleaned).strip():
        raise ValidationError({"text": "Write a comment."})
    return cleaned


def _require_comment(user, use_case: UseCase) -> None:
    if not user_can(user, COMMENT, use_case):
        if use_case.workspace.comments_reviewers_only:
            raise PermissionDenied("In this workspace only reviewers and managers comment.")
        raise PermissionDenied("You may read this use case but not comment on it.")


def _name(user) -> str:
    return user.get_username()


@transaction.atomic
def comment_thread_start(
    *, user, use_case: UseCase, text: str, section: str = "", row_mrid: str | uuid.UUID | None = None
) -> CommentThread:
    """Begin a thread on the use case (`section` ""), a section, or a row (by mRID; its section is the row's)."""
    _require_comment(user, use_case)
    text = _clean_text(text)
    data = {"use_case": use_case, "created_by": user, "created_by_name": _name(user)}
    if row_mrid not in (None, ""):
        row = _row_get(use_case=use_case, row_mrid=row_mrid)
        data.update(section=ROW_SECTIONS[row.kind], row_kind=row.kind, row_mrid=row.mrid, row_label=row.label[:300])
    else:
        if section not in SECTION_LABELS:
            raise ValidationError({"section": f"There is no section '{section}' in the template."})
        data["section"] = section
    thread = model_create(user=user, model=CommentThread, data=data, related=use_case)
    comment = model_create(
        user=user,
        model=Comment,
        data={"use_case": use_case, "thread": thread, "author": user, "author_name": _name(user), "text": text},
        related=use_case,
    )
    _notify_comment(user=user, comment=comment, reply=False)
    return thread


@transaction.atomic
def comment_reply(*, user, thread: CommentThread, text: str) -> Comment:
    """Answer in a thread (an answer leaves a resolved thread resolved: reopen it to say there is more to do)."""
    use_case = thread.use_case
    _require_comment(user, use_case)
    comment = model_create(
        user=user,
        model=Comment,
        data={
            "use_case": use_case,
            "thread": thread,
            "author": user,
            "author_name": _name(user),
            "text": _clean_text(text),
        },
        related=use_case,
    )
    _notify_comment(user=user, comment=comment, reply=True)
    return comment


@transaction.atomic
def comment_thread_resolve(*, user, thread: CommentThread, resolved: bool = True) -> CommentThread:
    """Resolve a thread (nothing left to do) or reopen it."""
    _require_comment(user, thread.use_case)
    thread = CommentThread.objects.select_for_update().select_related("use_case").get(pk=thread.pk)
    if thread.is_open != resolved:
        raise ValidationError(f"This thread is already {'resolved' if resolved else 'open'}.")
    data = {"resolved": timezone.now(), "resolved_by": user, "resolved_by_name": _name(user)}
    if not resolved:
        data = {"resolved": None, "resolved_by": None, "resolved_by_name": ""}
    return model_update(user=user, instance=thread, data=data, related=thread.use_case)


def comment_thread_list(*, use_case: UseCase) -> QuerySet[CommentThread]:
    """The threads of a use case the caller may read, open ones first, each with its comments (two queries)."""
    comments = Comment.objects.order_by("created", "pk")
    return (
        CommentThread.objects.filter(use_case=use_case)
        .prefetch_related(Prefetch("comments", queryset=comments))
        .order_by("resolved", "-created", "-pk")
    )


def comment_thread_get(*, user, use_case_pk: int, pk: int) -> CommentThread:
    """A thread of a use case the user may read, else a 404."""
    threads = visible_to(user, CommentThread.objects.select_related("use_case__workspace"), VIEW)
    return get_object_or_404(threads, use_case_id=use_case_pk, pk=pk)


@dataclass
class CommentCount:
    """The comments on one section or row: how many, whether a thread of them is open, and the first thread."""

    count: int = 0
    open: bool = False
    thread_id: int | None = None


@dataclass
class CommentSummary:
    """What the use case page shows of its comments: the threads (open first), the comments per section and per row
    (`counts["4.2"]`, `counts[<row mRID>]`), the rows a new thread can be on, and whether the user watches."""

    threads: list[CommentThread]
    counts: dict[str, CommentCount] = field(default_factory=dict)
    may_comment: bool = False
    watching: bool = False
    rows: list[RowChoice] = field(default_factory=list)
    sections: tuple = SECTIONS

    @property
    def open_threads(self) -> list[CommentThread]:
        return [thread for thread in self.threads if thread.is_open]

    @property
    def resolved_threads(self) -> list[CommentThread]:
        return [thread for thread in self.threads if not thread.is_open]


def section_anchor(section: str) -> str:
    """The id of a section's heading on the use case page ("1.1" -> "section-1-1")."""
    return "section-" + section.replace(".", "-") if section else "top"


def comment_summary_get(
    *,
    user,
    use_case: UseCase,
    may_comment: bool,
    comment_on: str = "",
    row_choices: Callable[..., list[RowChoice]] = comment_row_choices,
) -> CommentSummary:
    """The comments of the use case page, in a fixed number of queries whatever their number; `comment_on` the row
    the form is to name (`row:<mRID>`). `row_choices` reads the rows a thread can be on as `comment_row_choices`
    does (the use case page's keeps them cached)."""
    threads = list(comment_thread_list(use_case=use_case))
    named = [thread.row_mrid for thread in threads]
    if comment_on.startswith("row:"):
        with contextlib.suppress(ValueError):
            named.append(uuid.UUID(comment_on.removeprefix("row:")))
    rows = row_choices(use_case=use_case, steps_named=named) if may_comment or threads else []
    anchors = {row.mrid: row.anchor for row in rows}
    counts: dict[str, CommentCount] = defaultdict(CommentCount)
    for thread in threads:
        thread.row_removed = bool(thread.row_kind) and thread.row_mrid not in anchors
        thread.anchor = anchors.get(thread.row_mrid) or section_anchor(thread.section)
        for key in {thread.section, str(thread.row_mrid) if thread.row_mrid else None} - {None}:
            found = counts[key]
            found.count += len(thread.comments.all())
            if thread.is_open and not found.open:
                found.open, found.thread_id = True, thread.pk
            found.thread_id = found.thread_id or thread.pk
    return CommentSummary(
        threads=threads,
        counts=dict(counts),
        may_comment=may_comment,
        watching=usecase_is_watched(user=user, use_case=use_case),
        rows=rows,
    )


@transaction.atomic
def workspace_comments_reviewers_only_set(*, user, workspace: Workspace, reviewers_only: bool) -> Workspace:
    """Leave commenting on the workspace's use cases to its reviewers and managers, or open it to every member."""
    require(user, MANAGE, workspace)
    return model_update(user=user, instance=workspace, data={"comments_reviewers_only": reviewers_only})


# Watching


def usecase_is_watched(*, user, use_case: UseCase) -> bool:
    if not user.is_authenticated:
        return False
    watch = UseCaseWatch.objects.filter(use_case=use_case, user=user).values_list("watching", flat=True).first()
    return watch if watch is not None else use_case.created_by_id == user.pk


@transaction.atomic
def usecase_watch_set(*, user, use_case: UseCase, watching: bool) -> UseCaseWatch:
    """Watch a use case one may read (hear of its workflow and comments), or stop."""
    if not user_can(user, VIEW, use_case):
        raise PermissionDenied("You may not see this use case.")
    watch, _ = UseCaseWatch.objects.update_or_create(use_case=use_case, user=user, defaults={"watching": watching})
    return watch


def usecase_watchers(*, use_case: UseCase) -> set[int]:
    """The ids of the users who watch the use case: its creator, unless they stopped, and whoever chose to."""
    watches = dict(UseCaseWatch.objects.filter(use_case=use_case).values_list("user_id", "watching"))
    watchers = {user_id for user_id, watching in watches.items() if watching}
    if use_case.created_by_id and watches.get(use_case.created_by_id, True):
        watchers.add(use_case.created_by_id)
    return watchers


# Who hears of what


def usecase_reviewers(*, use_case: UseCase) -> set[int]:
    """The users who review the use case: the reviewers and managers of its workspace, and those granted review of
    it alone."""
    roles = (WorkspaceMembership.Role.REVIEWER, WorkspaceMembership.Role.MANAGER)
    members = WorkspaceMembership.objects.filter(workspace=use_case.workspace_id, role__in=roles)
    reviewers = set(members.values_list("user_id", flat=True))
    reviewers.update(grant.grantee.pk for grant in object_grants(use_case, ("review_usecase",)) if grant.kind == "user")
    return reviewers


def usecase_authors(*, use_case: UseCase) -> set[int]:
    """Its creator and whoever submitted it for review."""
    submitters = StatusChange.objects.filter(use_case=use_case, transition="submit", user__isnull=False)
    authors = set(submitters.values_list("user_id", flat=True))
    if use_case.created_by_id:
        authors.add(use_case.created_by_id)
    return authors


def usecase_transition_notify(*, user, use_case: UseCase, transition: str, comment: str = "") -> None:
    """Called by the workflow inside each transition's transaction: the notification leaves after the commit."""
    event = TRANSITION_EVENTS.get(transition)
    if event is None:
        return
    if transition == "submit":
        recipients = usecase_reviewers(use_case=use_case)
    else:
        recipients = usecase_authors(use_case=use_case) | usecase_watchers(use_case=use_case)
    title = TRANSITION_TITLES[transition].format(actor=_name(user), use_case=use_case)
    notify(
        event=event,
        recipients=recipients,
        subject=use_case,
        actor=user,
        title=title,
        body=comment,
        url=use_case.get_absolute_url(),
    )


def mentioned_users(text: str) -> set[int]:
    """The active users a text names as @username."""
    names = set(MENTION.findall(rich_text_plain(text)))
    if not names:
        return set()
    users = get_user_model().objects.filter(username__in=names, is_active=True)
    return set(users.values_list("pk", flat=True))


def _notify_comment(*, user, comment: Comment, reply: bool) -> None:
    thread = comment.thread
    use_case = comment.use_case
    where = thread.target_label
    text = rich_text_plain(comment.text)
    mentioned = mentioned_users(comment.text)
    people = set(Comment.objects.filter(thread=thread, author__isnull=False).values_list("author_id", flat=True))
    others = (people | usecase_watchers(use_case=use_case)) - mentioned
    verb = "replied about" if reply else "commented on"
    url = comment.get_absolute_url()
    notify(
        event=Notification.Event.COMMENT,
        recipients=others,
        subject=use_case,
        actor=user,
        title=f"{_name(user)} {verb} {where} of {use_case}",
        body=text,
        url=url,
    )
    notify(
        event=Notification.Event.MENTION,
        recipients=mentioned,
        subject=use_case,
        actor=user,
        title=f"{_name(user)} mentioned you on {where} of {use_case}",
        body=text,
        url=url,
    )
