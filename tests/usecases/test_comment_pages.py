"""The comments on the use case page and over the API, the notification pages and API: what each shows, what each
writes, and what the lists cost (the permission matrix of each address is in matrix_comments.py)."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import UserFactory, WorkspaceFactory, make_complete_use_case, member_of
from ucmr.models import ChangeLogEntry, Notification
from usecases.comments import comment_reply, comment_thread_resolve, comment_thread_start
from usecases.models import CommentThread, Step, UseCase
from usecases.services import usecase_row_delete

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    workspace = WorkspaceFactory()
    people = {role: member_of(workspace, role, username=role) for role in ("viewer", "author", "reviewer", "manager")}
    use_case = make_complete_use_case(workspace=workspace, created_by=people["author"], steps=3, actors=2, rows=1)
    return use_case, people


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _comments_url(use_case: UseCase, *rest) -> str:
    suffix = "".join(f"{part}/" for part in rest)
    return f"/api/use-cases/{use_case.pk}/comments/{suffix}"


def _first_step(use_case: UseCase) -> Step:
    return Step.objects.filter(scenario__use_case=use_case).order_by("scenario__position", "position", "pk").first()


# The use case page


def test_the_page_shows_open_comments_badges_and_removed_rows(client, team):
    use_case, people = team
    step = _first_step(use_case)
    thread = comment_thread_start(user=people["reviewer"], use_case=use_case, row_mrid=step.mrid, text="<b>Who</b>?")
    comment_reply(user=people["author"], thread=thread, text="The DSO.")
    done = comment_thread_start(user=people["reviewer"], use_case=use_case, section="1.4", text="Typo.")
    comment_thread_resolve(user=people["reviewer"], thread=done)
    client.force_login(people["viewer"])

    page = client.get(use_case.get_absolute_url()).content.decode()

    assert 'id="comments"' in page and "data-open-threads>1<" in page
    assert f'href="#thread-{thread.pk}"' in page  # the step's badge
    assert 'data-comment-count="2"' in page  # two comments on the step (and in 4.2)
    assert "<b>Who</b>?" in page and "Resolved comments (1)" in page
    assert f'href="#step-{step.pk}"' in page  # the thread links to its row

    usecase_row_delete(user=people["author"], row=step)
    page = client.get(use_case.get_absolute_url()).content.decode()
    assert "a removed row (Step " in page


def test_a_viewer_comments_from_the_page_and_a_reviewers_only_workspace_hides_the_form(client, team):
    use_case, people = team
    step = _first_step(use_case)
    client.force_login(people["viewer"])
    page = client.get(use_case.get_absolute_url() + f"?comment_on=row:{step.mrid}").content.decode()
    assert 'id="comment-form"' in page
    assert f'<option value="row:{step.mrid}" selected>' in page

    response = client.post(
        reverse("usecases:comment_create", args=[use_case.pk]),
        {"target": f"row:{step.mrid}", "text": "Which meter?"},
    )
    thread = CommentThread.objects.get()
    assert response["Location"].endswith(f"#thread-{thread.pk}")
    assert (thread.row_mrid, thread.created_by, thread.comments.get().text) == (
        step.mrid,
        people["viewer"],
        "Which meter?",
    )

    use_case.workspace.comments_reviewers_only = True
    use_case.workspace.save()
    page = client.get(use_case.get_absolute_url()).content.decode()
    assert 'id="comment-form"' not in page and "only reviewers and managers comment" in page
    response = client.post(reverse("usecases:comment_create", args=[use_case.pk]), {"text": "x"})
    assert response.status_code == 403


def test_the_page_shows_no_comment_form_to_readers_without_a_role(client, team):
    use_case, _people = team
    UseCase.objects.filter(pk=use_case.pk).update(status=UseCase.Status.PUBLISHED)
    client.force_login(UserFactory())
    page = client.get(use_case.get_absolute_url()).content.decode()
    assert 'id="comments"' in page and 'id="comment-form"' not in page


def test_the_page_costs_the_same_with_many_comments(client, team, django_assert_max_num_queries):
    use_case, people = team
    client.force_login(people["viewer"])
    thread = comment_thread_start(user=people["reviewer"], use_case=use_case, text="One.")
    with django_assert_max_num_queries(200) as few:
        client.get(use_case.get_absolute_url())
    for n in range(15):
        comment_reply(user=people["author"], thread=thread, text=f"Reply {n}")
        comment_thread_start(user=people["reviewer"], use_case=use_case, row_mrid=_first_step(use_case).mrid, text="x")
    with django_assert_max_num_queries(len(few)):
        client.get(use_case.get_absolute_url())


# The comments API


def test_the_api_starts_lists_replies_resolves_and_reopens(team):
    use_case, people = team
    step = _first_step(use_case)
    reviewer, author = _api(people["reviewer"]), _api(people["author"])

    response = reviewer.post(
        _comments_url(use_case),
        {"row": str(step.mrid), "text": "<p>Who?</p><img src=x onerror=alert(1)>"},
        format="json",
    )
    assert response.status_code == 201, response.content
    thread = response.json()
    assert (thread["section"], thread["row"], thread["row_kind"], thread["is_open"]) == (
        "4.2",
        str(step.mrid),
        "step",
        True,
    )
    assert thread["comments"][0]["text"] == "<p>Who?</p>"

    response = author.post(
        _comments_url(use_case, thread["id"], "replies"), {"text": "@reviewer the DSO"}, format="json"
    )
    assert response.status_code == 201
    assert [comment["author"] for comment in response.json()["comments"]] == ["reviewer", "author"]

    assert author.post(_comments_url(use_case, thread["id"], "resolve")).json()["is_open"] is False
    assert author.post(_comments_url(use_case, thread["id"], "resolve")).status_code == 400
    assert reviewer.post(_comments_url(use_case, thread["id"], "reopen")).json()["is_open"] is True

    step.delete()
    listed = _api(people["viewer"]).get(_comments_url(use_case)).json()
    assert [(item["id"], item["row_removed"]) for item in listed] == [(thread["id"], True)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"section": "9", "text": "x"}, "section"),
        ({"row": "8d7f4c2e-0000-4000-8000-000000000000", "text": "x"}, "row"),
        ({"section": "1.1", "text": "<p> </p>"}, "text"),
    ],
)
def test_the_api_refuses_what_names_nothing_of_the_use_case(team, data, message):
    use_case, people = team
    response = _api(people["viewer"]).post(_comments_url(use_case), data, format="json")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CommentThread.objects.exists()


def test_the_api_hides_use_cases_and_honours_reviewers_only(team):
    use_case, people = team
    outsider = _api(UserFactory())
    assert outsider.get(_comments_url(use_case)).status_code == 404
    assert outsider.post(_comments_url(use_case), {"text": "x"}, format="json").status_code == 404
    thread = comment_thread_start(user=people["reviewer"], use_case=use_case, text="x")
    assert outsider.get(_comments_url(use_case, thread.pk)).status_code == 404
    assert outsider.post(_comments_url(use_case, thread.pk, "replies"), {"text": "y"}, format="json").status_code == 404

    use_case.workspace.comments_reviewers_only = True
    use_case.workspace.save()
    viewer = _api(people["viewer"])
    assert viewer.get(_comments_url(use_case)).status_code == 200
    response = viewer.post(_comments_url(use_case), {"text": "x"}, format="json")
    assert response.status_code == 403
    assert "only reviewers" in response.content.decode()
    assert _api(people["reviewer"]).post(_comments_url(use_case), {"text": "x"}, format="json").status_code == 201


def test_watching_over_the_api(team):
    use_case, people = team
    url = f"/api/use-cases/{use_case.pk}/watch/"
    assert _api(people["author"]).get(url).json() == {"watching": True}  # their own use case
    viewer = _api(people["viewer"])
    assert viewer.get(url).json() == {"watching": False}
    assert viewer.put(url, {"watching": True}, format="json").json() == {"watching": True}
    assert _api(people["author"]).put(url, {"watching": False}, format="json").json() == {"watching": False}


# Notifications


def _notes(user, count: int) -> None:
    Notification.objects.bulk_create(
        Notification(recipient=user, event="comment", title=f"Note {n}", url="/", actor_name="someone")
        for n in range(count)
    )


def test_the_notification_list_costs_the_same_for_many(client, django_assert_max_num_queries):
    user = UserFactory()
    client.force_login(user)
    api = _api(user)
    _notes(user, 2)
    with django_assert_max_num_queries(50) as few_page:
        client.get(reverse("notification_list"))
    with django_assert_max_num_queries(50) as few_api:
        api.get("/api/notifications/")
    _notes(user, 20)
    with django_assert_max_num_queries(len(few_page)):
        response = client.get(reverse("notification_list"))
    assert len(re.findall(r'id="notification-\d+"', response.content.decode())) == 22
    with django_assert_max_num_queries(len(few_api)):
        assert api.get("/api/notifications/").json()["count"] == 22


def test_read_and_unread_over_the_api_and_the_pages(client):
    user, other = UserFactory(), UserFactory()
    _notes(user, 3)
    _notes(other, 1)
    api = _api(user)
    first = api.get("/api/notifications/").json()["results"][0]
    assert first["is_read"] is False
    assert api.post(f"/api/notifications/{first['id']}/read/").json()["is_read"] is True
    assert api.get("/api/notifications/?unread=true").json()["count"] == 2
    assert api.get("/api/notifications/unread-count/").json() == {"unread": 2}
    assert api.post(f"/api/notifications/{first['id']}/unread/").json()["is_read"] is False
    foreign = Notification.objects.get(recipient=other)
    assert api.get(f"/api/notifications/{foreign.pk}/").status_code == 404
    assert api.post(f"/api/notifications/{foreign.pk}/read/").status_code == 404
    assert api.post("/api/notifications/read-all/").json() == {"unread": 0}
    assert Notification.objects.get(recipient=other).read is None

    Notification.objects.filter(recipient=user).update(read=None)
    client.force_login(user)
    assert client.get(reverse("notification_bell")).content.decode().strip().count(">3<") == 1
    note = Notification.objects.filter(recipient=user).first()
    response = client.get(reverse("notification_open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == "/"
    note.refresh_from_db()
    assert note.read is not None
    client.post(reverse("notification_mark"), {"read": "on"})
    assert not Notification.objects.filter(recipient=user, read__isnull=True).exists()


def test_the_settings_page_chooses_email_per_event(client):
    user = UserFactory(email="me@example.org")
    client.force_login(user)
    page = client.get(reverse("notification_settings")).content.decode()
    assert page.count('type="checkbox"') == len(Notification.Event.values) and page.count("checked") == len(
        Notification.Event.values
    )
    client.post(reverse("notification_settings"), {"email": ["sent_back", "mention"]})
    page = client.get(reverse("notification_settings")).content.decode()
    assert 'value="sent_back" id="email-sent_back" checked' in page
    assert 'value="comment" id="email-comment" checked' not in page


def test_a_manager_leaves_comments_to_reviewers_on_the_workspace_page(client, team):
    use_case, people = team
    workspace = use_case.workspace
    client.force_login(people["manager"])
    page = client.get(workspace.get_absolute_url()).content.decode()
    assert "Leave comments to reviewers" in page

    client.post(reverse("usecases:workspace_comment_setting", args=[workspace.slug]), {"reviewers_only": "on"})
    workspace.refresh_from_db()
    assert workspace.comments_reviewers_only
    change = ChangeLogEntry.objects.filter(object_id=str(workspace.pk), content_type__model="workspace").latest("pk")
    assert change.user == people["manager"] and change.after["comments_reviewers_only"] is True
    assert _api(people["viewer"]).get(f"/api/workspaces/{workspace.slug}/").json()["comments_reviewers_only"] is True
    client.force_login(people["viewer"])
    response = client.post(reverse("usecases:comment_create", args=[use_case.pk]), {"text": "x"})
    assert response.status_code == 403
