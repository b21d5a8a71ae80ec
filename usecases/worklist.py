"""The home page as a work list: what waits for the user (use cases to review or publish, drafts sent back to them,
their own drafts and how they validate) and what others changed in the use cases they watch, told per person and
use case ("a reviewer changed 4 steps of UC-12"), not one line per database write. A fixed number of queries,
however many use cases and changes there are."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.urls import reverse

from actors.models import Actor
from requirements.models import Requirement
from ucmr.change_text import change_text
from ucmr.models import ChangeLogEntry, Notification
from ucmr.notifications import notification_list
from ucmr.permissions import CHANGE, PUBLISH, REVIEW, visible_to
from usecases.models import CommonTerm, InformationObject, StatusChange, UseCase, UseCaseSnapshot, UseCaseWatch

Status = UseCase.Status
CHANGES_READ = 200  # the latest entries the summaries are made of
SUMMARIES_SHOWN = 15
UNREAD_SHOWN = 5
# Rows the workflow writes along with a transition; the transition tells them.
WORKFLOW_ROWS = {"statuschange", "usecasesnapshot", "versionentry"}


def repository_counts(*, user) -> dict[str, int]:
    """How many use cases, actors, requirements, information objects and terms the user may see."""
    counted = {
        "use_cases": UseCase,
        "actors": Actor,
        "requirements": Requirement,
        "information_objects": InformationObject,
        "common_terms": CommonTerm,
    }
    return {
        name: visible_to(user, model.objects.listed() if model is UseCase else model.objects.all()).count()
        for name, model in counted.items()
    }


@dataclass
class WorkList:
    to_review: list[UseCase]
    to_publish: list[UseCase]
    sent_back: list[UseCase]  # each with `last_comment` and `last_by` of its send-back, `last_frozen` (submission)
    drafts: list[UseCase]  # each with its `validation_result` (or None before the first validation)
    in_review: list[UseCase]


def _latest_status_change(value: str) -> Subquery:
    changes = StatusChange.objects.filter(use_case=OuterRef("pk")).order_by("-time", "-pk")
    return Subquery(changes.values(value)[:1])


def work_list_get(*, user) -> WorkList:
    """What waits for the user, each list in one query; nothing for an anonymous visitor."""
    if not user.is_authenticated:
        return WorkList(to_review=[], to_publish=[], sent_back=[], drafts=[], in_review=[])
    use_cases = UseCase.objects.listed().select_related("workspace").order_by("-modified", "-pk")
    drafts = (
        visible_to(user, use_cases.filter(status=Status.DRAFT, created_by=user), CHANGE)
        .select_related("validation_result")
        .annotate(
            last_transition=_latest_status_change("transition"),
            last_comment=_latest_status_change("comment"),
            last_by=_latest_status_change("user_name"),
            last_frozen=Subquery(
                UseCaseSnapshot.objects.filter(use_case=OuterRef("pk")).order_by("-sequence").values("sequence")[:1]
            ),
        )
    )
    drafts = list(drafts)
    return WorkList(
        to_review=list(visible_to(user, use_cases.filter(status=Status.IN_REVIEW), REVIEW)),
        to_publish=list(visible_to(user, use_cases.filter(status=Status.APPROVED), PUBLISH)),
        sent_back=[draft for draft in drafts if draft.last_transition == "send_back"],
        drafts=[draft for draft in drafts if draft.last_transition != "send_back"],
        in_review=list(visible_to(user, use_cases.filter(status=Status.IN_REVIEW, created_by=user))),
    )


@dataclass
class UnreadComments:
    """The user's unread notifications of comments and mentions: how many, and the latest of them."""

    count: int
    latest: list[Notification]


def unread_comments_get(*, user) -> UnreadComments:
    """Comments and mentions the user has not read yet (two queries; none for an anonymous visitor)."""
    unread = notification_list(user=user, unread=True).filter(
        event__in=(Notification.Event.COMMENT, Notification.Event.MENTION)
    )
    if not user.is_authenticated:
        return UnreadComments(count=0, latest=[])
    return UnreadComments(count=unread.count(), latest=list(unread[:UNREAD_SHOWN]))


@dataclass
class ChangeSummary:
    """What one person did to one use case in a run of changes: `phrases` such as "changed 4 steps"."""

    use_case: UseCase
    user_name: str
    time: datetime
    phrases: list[str] = field(default_factory=list)
    compare_url: str = ""
    history_url: str = ""

    @property
    def sentence(self) -> str:
        return _join(self.phrases)


def _join(phrases: list[str]) -> str:
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]


def _plural(count: int, noun: str, plural: str) -> str:
    return f"{count} {noun if count == 1 else plural}"


def _phrases(entries: list[ChangeLogEntry]) -> list[str]:
    """One run of changes (oldest first) as phrases: the use case's own fields by name, rows counted by kind, then
    the workflow steps in the words of their transitions."""
    steps, fields, rows = [], [], Counter()
    transitions = any(entry.content_type.model == "statuschange" for entry in entries)
    for entry in entries:
        model_name = entry.content_type.model
        text = change_text(entry)
        if model_name == "statuschange":
            steps.append(text.verb)
        elif model_name == "usecase" and entry.action == ChangeLogEntry.Action.UPDATE:
            fields += [value.label for value in text.values if value.label not in ("status", *fields)]
        elif model_name == "usecase" and entry.action == ChangeLogEntry.Action.CREATE:
            steps.append("created it")
        elif model_name not in WORKFLOW_ROWS or not transitions:
            model = entry.content_type.model_class()
            meta = model._meta if model is not None else None
            noun = (str(meta.verbose_name), str(meta.verbose_name_plural)) if meta else (model_name, model_name + "s")
            rows[(text.verb, *noun)] += 1
    created = ["created it"] if "created it" in steps else []
    phrases = created + (["changed its " + _join(fields)] if fields else [])
    phrases += [f"{verb} {_plural(count, noun, plural)}" for (verb, noun, plural), count in rows.items()]
    # The workflow steps last: a run of edits ends with the submission that sent them to review.
    phrases += [
        step if count == 1 else f"{step} ({count} times)"
        for step, count in Counter(steps).items()
        if step != "created it"
    ]
    return phrases


def _use_case_ids_as_text(use_cases: QuerySet) -> QuerySet:
    return use_cases.order_by().annotate(pk_text=Cast("pk", CharField())).values("pk_text")


Run = tuple[str, int | None, str, list[ChangeLogEntry]]  # use case id, user id, user name, entries newest first


def _watched_use_cases(user, use_case_type: ContentType) -> QuerySet:
    """The use cases the user watches (created, changed or chose to watch, unless they stopped) and may see, as the
    text of their ids (a change log entry's object id)."""
    touched = (
        ChangeLogEntry.objects.filter(user=user, related_content_type=use_case_type)
        .annotate(use_case_pk=Cast("related_object_id", IntegerField()))
        .values("use_case_pk")
    )
    watches = UseCaseWatch.objects.filter(user=user)
    chosen, stopped = watches.filter(watching=True), watches.filter(watching=False)
    return _use_case_ids_as_text(
        visible_to(
            user,
            UseCase.objects.filter(
                Q(created_by=user) | Q(pk__in=touched) | Q(pk__in=chosen.values("use_case_id"))
            ).exclude(pk__in=stopped.values("use_case_id")),
        )
    )


def _change_runs(entries: list[ChangeLogEntry], *, user, use_case_type: ContentType, limit: int) -> list[Run]:
    """The entries, newest first, as runs of one person's consecutive changes to one use case: at most `limit` runs
    of others. The user's own changes are no news to them, but they end the runs of others around them."""
    runs: list[Run] = []
    for entry in entries:
        use_case_id = entry.object_id if entry.content_type_id == use_case_type.pk else entry.related_object_id
        if runs and runs[-1][:3] == (use_case_id, entry.user_id, entry.user_name):
            runs[-1][3].append(entry)
        elif sum(run[1] != user.pk for run in runs) < limit:
            runs.append((use_case_id, entry.user_id, entry.user_name, [entry]))
        else:
            break
    return [run for run in runs if run[1] != user.pk]


def _compare_url(use_case: UseCase, run: list[ChangeLogEntry], versions: list[tuple[str, int, datetime]]) -> str:
    """The comparison with the last version frozen before the run began: what this person's changes did since ("" when
    none was frozen before)."""
    before = [
        sequence
        for frozen_id, sequence, created in versions
        if frozen_id == str(use_case.pk) and created < run[-1].time
    ]
    if not before:
        return ""
    url = reverse("usecases:usecase_compare", kwargs={"pk": use_case.pk})
    return f"{url}?old={before[-1]}&new=current"


def watched_change_summaries(*, user, limit: int = SUMMARIES_SHOWN) -> list[ChangeSummary]:
    """What others changed lately in the use cases the user watches (created, changed or chose to watch, unless they
    stopped), newest first: the latest CHANGES_READ entries, a run of one person's consecutive changes to one use case
    told as one summary."""
    if not user.is_authenticated:
        return []
    use_case_type = ContentType.objects.get_for_model(UseCase)
    watched = _watched_use_cases(user, use_case_type)
    entries = list(
        ChangeLogEntry.objects.filter(
            Q(content_type=use_case_type, object_id__in=watched)
            | Q(related_content_type=use_case_type, related_object_id__in=watched)
        )
        .select_related("content_type", "related_content_type")
        .order_by("-time", "-pk")[:CHANGES_READ]
    )
    runs = _change_runs(entries, user=user, use_case_type=use_case_type, limit=limit)
    ids = {int(use_case_id) for use_case_id, *_ in runs}
    by_id = {str(use_case.pk): use_case for use_case in UseCase.objects.filter(pk__in=ids)}
    frozen = UseCaseSnapshot.objects.filter(use_case_id__in=ids).order_by("sequence")
    versions = [
        (str(use_case_id), sequence, created)
        for use_case_id, sequence, created in frozen.values_list("use_case_id", "sequence", "created")
    ]
    summaries = []
    for use_case_id, _, user_name, run in runs:
        use_case = by_id.get(use_case_id)
        phrases = _phrases(list(reversed(run)))
        if use_case is None or not phrases:
            continue
        summaries.append(
            ChangeSummary(
                use_case=use_case,
                user_name=user_name or "Someone",
                time=run[0].time,
                phrases=phrases,
                compare_url=_compare_url(use_case, run, versions),
                history_url=reverse("usecases:usecase_history", kwargs={"pk": use_case.pk}),
            )
        )
    return summaries
