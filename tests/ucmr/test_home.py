"""The home page as a work list (issue 16): what waits for each role, what others changed in the user's use cases
told per person and use case, and a query count that does not grow with the use cases and changes."""

import pytest
from django.urls import reverse
from django.utils import timezone

from sgam.models import ValidationResult
from tests.factories import UserFactory, WorkspaceFactory, make_complete_use_case, member_of
from ucmr.models import Notification
from usecases.comments import usecase_watch_set
from usecases.models import Step
from usecases.services import usecase_row_update, usecase_update
from usecases.workflow import usecase_approve, usecase_send_back, usecase_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    workspace = WorkspaceFactory()
    people = {role: member_of(workspace, role) for role in ("author", "reviewer", "manager")}
    people["co_author"] = member_of(workspace, "author")
    return workspace, people


def _use_case(workspace, author, name):
    use_case = make_complete_use_case(workspace=workspace, name=name, created_by=author, steps=4)
    use_case.versions.all().delete()
    return use_case


def _sections(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    work = response.context["work"]
    names = {key: sorted(use_case.name for use_case in getattr(work, key)) for key in vars(work)}
    return names, response.content.decode()


def test_each_role_sees_what_waits_for_it(client, team):
    workspace, people = team
    draft = _use_case(workspace, people["author"], "Draft with errors")
    ValidationResult.objects.create(use_case=draft, revision=draft.revision, validated=timezone.now(), errors=2)
    clean = _use_case(workspace, people["author"], "Clean draft")
    ValidationResult.objects.create(use_case=clean, revision=clean.revision, validated=timezone.now(), warnings=1)
    sent_back = _use_case(workspace, people["author"], "Sent back")
    usecase_submit(user=people["author"], use_case=sent_back)
    usecase_send_back(user=people["reviewer"], use_case=sent_back, comment="Add the DSO as an actor.")
    in_review = _use_case(workspace, people["author"], "In review")
    usecase_submit(user=people["author"], use_case=in_review)
    approved = _use_case(workspace, people["co_author"], "Approved")
    usecase_submit(user=people["co_author"], use_case=approved)
    usecase_approve(user=people["reviewer"], use_case=approved)

    author, text = _sections(client, people["author"])
    assert author == {
        "to_review": [],
        "to_publish": [],
        "sent_back": ["Sent back"],
        "drafts": ["Clean draft", "Draft with errors"],
        "in_review": ["In review"],
    }
    assert "<q>Add the DSO as an actor.</q>" in text and f"by {people['reviewer'].username}" in text
    assert "2 errors" in text and "ready to submit · 1 warning" in text
    compare = reverse("usecases:usecase_compare", kwargs={"pk": sent_back.pk})
    assert f'href="{compare}?old=1&amp;new=current">compare with the submitted version' in text
    assert "No unread comment or mention." in text

    reviewer, _ = _sections(client, people["reviewer"])
    assert reviewer["to_review"] == ["In review"] and reviewer["drafts"] == [] and reviewer["sent_back"] == []
    manager, _ = _sections(client, people["manager"])
    assert manager["to_publish"] == ["Approved"] and manager["to_review"] == ["In review"]
    outsider, _ = _sections(client, UserFactory())
    assert not any(outsider.values())


def test_what_others_changed_is_told_per_person_and_use_case(client, team):
    workspace, people = team
    use_case = _use_case(workspace, people["author"], "Congestion")
    for step in Step.objects.filter(scenario__use_case=use_case).order_by("pk")[:4]:
        usecase_row_update(user=people["co_author"], row=step, data={"name": f"{step.name} (checked)"})
    usecase_update(user=people["co_author"], use_case=use_case, data={"name": "Congestion management"})
    usecase_submit(user=people["author"], use_case=use_case)  # the user's own change is no news to them
    usecase_send_back(user=people["reviewer"], use_case=use_case, comment="Name the meter.")
    _use_case(workspace, people["co_author"], "Not the author's")

    client.force_login(people["author"])
    response = client.get(reverse("home"))
    summaries = [(s.user_name, s.sentence) for s in response.context["summaries"]]
    assert summaries == [
        (people["reviewer"].username, "sent it back to draft"),
        (people["co_author"].username, "changed its name and changed 4 steps"),
    ]
    text = response.content.decode()
    assert f"<strong>{people['co_author'].username}</strong> changed its name and changed 4 steps." in text
    compare = reverse("usecases:usecase_compare", kwargs={"pk": use_case.pk})
    assert f'href="{compare}?old=1&amp;new=current">compare with the version before' in text
    assert "Not the author" not in text


def _busy_repository(workspace, people, count):
    for n in range(count):
        author = people["author"] if n % 2 else people["co_author"]
        use_case = _use_case(workspace, author, f"Use case {n}")
        step = Step.objects.filter(scenario__use_case=use_case).first()
        usecase_row_update(user=people["co_author"], row=step, data={"name": f"Step {n} renamed"})
        if n % 3 == 0:
            usecase_submit(user=author, use_case=use_case)
        Notification.objects.create(recipient=people["author"], event=Notification.Event.COMMENT, title=f"On {n}")
        if n % 3 == 1:
            usecase_submit(user=author, use_case=use_case)
            usecase_send_back(user=people["reviewer"], use_case=use_case, comment="Again.")


@pytest.mark.parametrize("role", ["author", "reviewer", "manager"])
def test_home_runs_as_many_queries_for_many_use_cases_and_changes_as_for_few(
    client, team, role, django_assert_max_num_queries
):
    workspace, people = team
    client.force_login(people[role])
    _busy_repository(workspace, people, 2)
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("home"))
    _busy_repository(workspace, people, 12)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(reverse("home"))
    work = response.context["work"]
    assert len(work.drafts) + len(work.sent_back) + len(work.to_review) + len(response.context["summaries"]) > 4
    assert len(many.captured_queries) == len(few.captured_queries)


def test_unread_comments_and_mentions_are_counted_and_the_latest_listed(client, team):
    workspace, people = team
    use_case = _use_case(workspace, people["author"], "Congestion")
    for n in range(7):
        Notification.objects.create(
            recipient=people["author"],
            event=Notification.Event.MENTION if n % 2 else Notification.Event.COMMENT,
            title=f"Comment {n} on {use_case}",
            url=use_case.get_absolute_url(),
        )
    Notification.objects.create(
        recipient=people["author"], event=Notification.Event.COMMENT, title="Old", read=timezone.now()
    )
    Notification.objects.create(recipient=people["author"], event=Notification.Event.SUBMITTED, title="Workflow news")
    Notification.objects.create(recipient=people["reviewer"], event=Notification.Event.MENTION, title="Not for her")

    client.force_login(people["author"])
    response = client.get(reverse("home"))
    unread = response.context["unread_comments"]
    text = response.content.decode()
    assert unread.count == 7 and [n.title for n in unread.latest] == [
        f"Comment {n} on {use_case}" for n in (6, 5, 4, 3, 2)
    ]
    assert "7 unread" in text and "Old" not in text and "Workflow news" not in text and "Not for her" not in text
    first = unread.latest[0]
    assert f'href="{reverse("notification_open", kwargs={"pk": first.pk})}"' in text
    assert f'href="{reverse("notification_list")}">All notifications' in text


def test_a_use_case_one_chose_to_watch_is_followed_and_one_stopped_watching_is_not(client, team):
    workspace, people = team
    followed = _use_case(workspace, people["co_author"], "Followed")
    dropped = _use_case(workspace, people["author"], "Dropped")
    usecase_watch_set(user=people["author"], use_case=followed, watching=True)
    usecase_watch_set(user=people["author"], use_case=dropped, watching=False)
    for use_case in (followed, dropped):
        usecase_update(user=people["co_author"], use_case=use_case, data={"name": f"{use_case.name}, renamed"})

    client.force_login(people["author"])
    summaries = client.get(reverse("home")).context["summaries"]
    assert [(s.use_case.name, s.sentence) for s in summaries] == [("Followed, renamed", "changed its name")]
