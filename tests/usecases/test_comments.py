"""Review comments (usecases.comments): threads on the use case, its sections and rows, replies, resolving, who may
write them, what survives a row's removal, the audit trail; and the notifications the workflow and comments send
(ucmr.notifications): one per event and recipient, none to who may not see the use case, e-mail only after commit."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tests.factories import (
    ActorRoleFactory,
    InformationObjectFactory,
    ScenarioFactory,
    StepFactory,
    UseCaseFactory,
    UserFactory,
    WorkspaceFactory,
    make_complete_use_case,
    member_of,
)
from ucmr.models import ChangeLogEntry, Notification
from ucmr.notifications import notification_email_events_set
from usecases.comments import (
    comment_reply,
    comment_summary_get,
    comment_thread_resolve,
    comment_thread_start,
    usecase_watch_set,
)
from usecases.models import CommentThread, UseCase
from usecases.workflow import usecase_approve, usecase_send_back, usecase_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    workspace = WorkspaceFactory()
    people = {role: member_of(workspace, role, username=role) for role in ("viewer", "author", "reviewer", "manager")}
    for person in people.values():
        person.email = f"{person.username}@example.org"
        person.save()
    use_case = make_complete_use_case(workspace=workspace, created_by=people["author"], steps=2, actors=2, rows=1)
    return use_case, people


def _step(use_case: UseCase):
    return StepFactory(scenario=ScenarioFactory(use_case=use_case), number="1", name="Send the reading")


def _notified(event: str) -> dict[str, int]:
    found = Notification.objects.filter(event=event).values_list("recipient__username", flat=True)
    counts: dict[str, int] = {}
    for name in found:
        counts[name] = counts.get(name, 0) + 1
    return counts


def test_a_thread_on_a_step_names_the_row_by_mrid_and_cleans_its_text(team, django_capture_on_commit_callbacks):
    use_case, people = team
    step = _step(use_case)
    with django_capture_on_commit_callbacks(execute=True):
        thread = comment_thread_start(
            user=people["reviewer"],
            use_case=use_case,
            row_mrid=str(step.mrid),
            text='<p>Who <b>receives</b> it?</p><script>alert(1)</script><a href="javascript:x()">x</a>',
        )
    assert (thread.section, thread.row_kind, thread.row_mrid, thread.row_label) == (
        "4.2",
        "step",
        step.mrid,
        "1 Send the reading",
    )
    text = thread.comments.get().text
    assert "<b>receives</b>" in text
    assert "script" not in text and "javascript" not in text
    entries = ChangeLogEntry.objects.filter(related_object_id=str(use_case.pk), action=ChangeLogEntry.Action.CREATE)
    assert {entry.content_type.model for entry in entries} >= {"commentthread", "comment"}


@pytest.mark.parametrize(
    ("section", "row_kind"),
    [("", ""), ("1.4", ""), ("8", ""), ("3.1", "actorrole"), ("5", "informationobject")],
)
def test_threads_go_on_the_use_case_sections_actors_and_information_objects(team, section, row_kind):
    use_case, people = team
    row = None
    if row_kind == "actorrole":
        row = ActorRoleFactory(use_case=use_case)
    elif row_kind == "informationobject":
        row = InformationObjectFactory()
        _step(use_case).information_objects.add(row)
    thread = comment_thread_start(
        user=people["viewer"], use_case=use_case, section="" if row else section, row_mrid=row and row.mrid, text="Hm."
    )
    assert (thread.section, thread.row_kind) == (section, row_kind)


def test_a_row_of_another_use_case_or_an_unknown_section_is_refused(team):
    use_case, people = team
    other_step = _step(UseCaseFactory(workspace=use_case.workspace))
    with pytest.raises(ValidationError, match="no step, actor or information object"):
        comment_thread_start(user=people["viewer"], use_case=use_case, row_mrid=other_step.mrid, text="x")
    with pytest.raises(ValidationError, match="no section"):
        comment_thread_start(user=people["viewer"], use_case=use_case, section="9", text="x")
    with pytest.raises(ValidationError, match="Write a comment"):
        comment_thread_start(user=people["viewer"], use_case=use_case, text="<p> </p>")
    assert not CommentThread.objects.exists()


def test_who_may_comment_and_the_reviewers_only_setting(team):
    use_case, people = team
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        comment_thread_start(user=outsider, use_case=use_case, text="x")
    comment_thread_start(user=people["viewer"], use_case=use_case, text="A viewer may.")

    use_case.workspace.comments_reviewers_only = True
    use_case.workspace.save()
    use_case.refresh_from_db()
    for role in ("viewer", "author"):
        with pytest.raises(PermissionDenied, match="only reviewers"):
            comment_thread_start(user=people[role], use_case=use_case, text="x")
    for role in ("reviewer", "manager"):
        comment_thread_start(user=people[role], use_case=use_case, text="A reviewer may.")


def test_a_reader_of_a_published_use_case_who_is_no_member_reads_but_does_not_comment(team):
    use_case, _people = team
    UseCase.objects.filter(pk=use_case.pk).update(status=UseCase.Status.PUBLISHED)
    use_case.refresh_from_db()
    with pytest.raises(PermissionDenied):
        comment_thread_start(user=UserFactory(), use_case=use_case, text="x")


def test_replies_resolve_and_reopen(team):
    use_case, people = team
    thread = comment_thread_start(user=people["reviewer"], use_case=use_case, section="1.4", text="Too long.")
    comment_reply(user=people["author"], thread=thread, text="Shortened.")
    thread = comment_thread_resolve(user=people["reviewer"], thread=thread)
    assert thread.resolved is not None and thread.resolved_by_name == "reviewer"
    with pytest.raises(ValidationError, match="already resolved"):
        comment_thread_resolve(user=people["author"], thread=thread)
    thread = comment_thread_resolve(user=people["author"], thread=thread, resolved=False)
    assert thread.is_open
    assert [comment.author_name for comment in thread.comments.all()] == ["reviewer", "author"]


def test_comments_survive_edits_and_removal_of_their_row(team):
    use_case, people = team
    step = _step(use_case)
    comment_thread_start(user=people["reviewer"], use_case=use_case, row_mrid=step.mrid, text="Unclear.")
    step.name = "Send the meter reading"
    step.save()
    summary = comment_summary_get(user=people["author"], use_case=use_case, may_comment=True)
    assert (summary.counts[str(step.mrid)].count, summary.counts[str(step.mrid)].open) == (1, True)
    assert (summary.counts["4.2"].count, summary.counts["4.2"].open) == (1, True)
    assert not summary.threads[0].row_removed

    step.delete()
    summary = comment_summary_get(user=people["author"], use_case=use_case, may_comment=True)
    assert summary.threads[0].row_removed
    assert summary.threads[0].target_label == "Step 1 Send the reading"


# Notifications


def test_each_transition_notifies_its_people_once_after_commit(team, django_capture_on_commit_callbacks):
    use_case, people = team
    watcher = member_of(use_case.workspace, "viewer", username="watcher")
    usecase_watch_set(user=watcher, use_case=use_case, watching=True)
    with django_capture_on_commit_callbacks(execute=True):
        usecase_submit(user=people["author"], use_case=use_case)
    assert _notified("submitted") == {"reviewer": 1, "manager": 1}

    with django_capture_on_commit_callbacks(execute=True):
        usecase_send_back(user=people["reviewer"], use_case=use_case, comment="Name the receiver of step 1.")
    assert _notified("sent_back") == {"author": 1, "watcher": 1}
    note = Notification.objects.get(event="sent_back", recipient=people["author"])
    assert note.body == "Name the receiver of step 1."
    assert note.url == use_case.get_absolute_url()
    assert "reviewer sent" in note.title

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        usecase_submit(user=people["author"], use_case=use_case)
    with django_capture_on_commit_callbacks(execute=True):
        usecase_approve(user=people["manager"], use_case=use_case)
    assert _notified("approved") == {"author": 1, "watcher": 1}
    # submitted: the reviewer and the manager; approved: the author (the watcher has no e-mail address)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "author@example.org",
        "manager@example.org",
        "reviewer@example.org",
    ]


def test_nothing_is_sent_before_commit_or_after_a_rollback(team, django_capture_on_commit_callbacks):
    use_case, people = team
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        usecase_submit(user=people["author"], use_case=use_case)
    assert not Notification.objects.exists() and not mail.outbox
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2

    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        usecase_send_back(user=people["reviewer"], use_case=use_case, comment="No.")
        raise RuntimeError("the request failed after the transition")
    assert not callbacks
    assert not Notification.objects.filter(event="sent_back").exists()
    assert not mail.outbox


def test_no_notification_names_a_use_case_its_recipient_may_not_see(team, django_capture_on_commit_callbacks):
    use_case, people = team
    outsider = UserFactory(username="outsider", email="outsider@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        comment_thread_start(user=people["reviewer"], use_case=use_case, text="Ask @outsider and @viewer.")
    assert _notified("mention") == {"viewer": 1}
    assert "outsider@example.org" not in [message.to[0] for message in mail.outbox]
    # A watcher who lost access before the job ran hears nothing either.
    former = member_of(use_case.workspace, "viewer", username="former")
    usecase_watch_set(user=former, use_case=use_case, watching=True)
    from usecases.permissions import workspace_role_set

    with django_capture_on_commit_callbacks(execute=True):
        usecase_submit(user=people["author"], use_case=use_case)
        workspace_role_set(member=former, workspace=use_case.workspace, role=None)
        usecase_send_back(user=people["reviewer"], use_case=use_case, comment="Again.")
    assert "former" not in _notified("sent_back")
    assert outsider.notifications.count() == 0


def test_comments_notify_the_thread_and_watchers_and_mentions_once(team, django_capture_on_commit_callbacks):
    use_case, people = team  # the author watches their use case without asking
    with django_capture_on_commit_callbacks(execute=True):
        thread = comment_thread_start(user=people["reviewer"], use_case=use_case, section="2", text="@manager look.")
    assert _notified("comment") == {"author": 1}
    assert _notified("mention") == {"manager": 1}
    with django_capture_on_commit_callbacks(execute=True):
        comment_reply(user=people["author"], thread=thread, text="Done, @reviewer.")
    assert _notified("comment") == {"author": 1}  # the reply's writer is not told; the reviewer is, as mentioned
    assert _notified("mention") == {"manager": 1, "reviewer": 1}

    usecase_watch_set(user=people["author"], use_case=use_case, watching=False)
    with django_capture_on_commit_callbacks(execute=True):
        comment_thread_start(user=people["viewer"], use_case=use_case, section="7", text="New thread.")
    assert Notification.objects.filter(recipient=people["author"], event="comment").count() == 1


def test_email_follows_each_users_choice_per_event(team, django_capture_on_commit_callbacks):
    use_case, people = team
    notification_email_events_set(user=people["reviewer"], events=["comment"])
    with django_capture_on_commit_callbacks(execute=True):
        usecase_submit(user=people["author"], use_case=use_case)
    assert [message.to for message in mail.outbox] == [["manager@example.org"]]
    assert Notification.objects.filter(recipient=people["reviewer"], event="submitted").exists()
    message = mail.outbox[0]
    assert use_case.name in message.subject
    assert f"http://127.0.0.1:8000{use_case.get_absolute_url()}" in message.body


def test_who_only_commented_is_no_author_in_the_version_table(team):
    use_case, people = team
    usecase_submit(user=people["author"], use_case=use_case)
    comment_thread_start(user=people["viewer"], use_case=use_case, section="1.4", text="Looks good.")
    usecase_approve(user=people["reviewer"], use_case=use_case)
    authors = use_case.versions.order_by("-position").first().authors.split(", ")
    assert authors == ["author", "reviewer"]  # who submitted and who approved; not who only commented
