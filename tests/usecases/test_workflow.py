"""The review workflow: every transition, allowed and refused, for every role; what approval and publication
leave behind (the version table, a frozen copy); the revision check; the pages that post the transitions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.factories import (
    UseCaseFactory,
    UserFactory,
    VersionEntryFactory,
    WorkspaceFactory,
    make_complete_use_case,
    member_of,
    with_repository_role,
)
from ucmr.models import ChangeLogEntry
from ucmr.permissions import object_grant_add
from usecases.models import StatusChange, UseCase, UseCaseSnapshot, VersionEntry
from usecases.services import STALE_REVISION_MESSAGE, usecase_update
from usecases.workflow import (
    TRANSITIONS,
    next_version_number,
    usecase_approve,
    usecase_publish,
    usecase_send_back,
    usecase_submit,
    usecase_transition,
    usecase_withdraw,
)

pytestmark = pytest.mark.django_db

ROLES = ("no_role", "viewer", "author", "reviewer", "manager", "curator", "administrator")
# Who may make each transition (from a status it starts from); everyone else is refused.
ALLOWED = {
    "submit": {"author", "manager", "administrator"},
    "approve": {"reviewer", "manager", "administrator"},
    "send_back": {"reviewer", "manager", "administrator"},
    "publish": {"manager", "administrator"},
    "withdraw": {"manager", "administrator"},
}
START = {"submit": "draft", "approve": "in_review", "send_back": "in_review", "publish": "approved"}


@pytest.fixture
def team():
    workspace = WorkspaceFactory()
    people = {role: member_of(workspace, role) for role in ("viewer", "author", "reviewer", "manager")}
    people["no_role"] = UserFactory()
    people["curator"] = with_repository_role(UserFactory(), "curator")
    people["administrator"] = with_repository_role(UserFactory(), "administrator")
    return workspace, people


def _cases():
    for name in ALLOWED:
        for start in START.get(name, "in_review approved published").split():
            for role in ROLES:
                yield name, start, role


@pytest.mark.parametrize("name, start, role", list(_cases()))
def test_each_transition_is_allowed_to_its_roles_only(team, name, start, role):
    workspace, people = team
    use_case = make_complete_use_case(workspace=workspace, status=start)
    revision = use_case.revision

    def make():
        return usecase_transition(user=people[role], use_case=use_case, name=name, comment="Reason given.")

    if role in ALLOWED[name]:
        saved = make()
        assert saved.status == TRANSITIONS[name].target
        assert UseCase.objects.get(pk=use_case.pk).status == TRANSITIONS[name].target
        assert saved.revision == revision + 1
    else:
        with pytest.raises(PermissionDenied):
            make()
        assert UseCase.objects.get(pk=use_case.pk).status == start
        assert UseCase.objects.get(pk=use_case.pk).revision == revision


@pytest.mark.parametrize(
    "name, wrong",
    [
        ("submit", ["in_review", "approved", "published"]),
        ("approve", ["draft", "approved", "published"]),
        ("send_back", ["draft", "approved", "published"]),
        ("publish", ["draft", "in_review", "published"]),
        ("withdraw", ["draft"]),
    ],
)
def test_a_transition_from_a_status_it_does_not_start_from_is_refused(team, name, wrong):
    workspace, people = team
    for status in wrong:
        use_case = make_complete_use_case(workspace=workspace, status=status)
        with pytest.raises(ValidationError) as refused:
            usecase_transition(user=people["administrator"], use_case=use_case, name=name, comment="Why.")
        assert "Only a use case that is" in refused.value.messages[0]
        assert f"this one is {UseCase.Status(status).label.lower()}" in refused.value.messages[0]
        assert UseCase.objects.get(pk=use_case.pk).status == status
    assert not StatusChange.objects.exists()


def test_sending_back_needs_a_comment_and_keeps_it(team):
    workspace, people = team
    use_case = make_complete_use_case(workspace=workspace, status="in_review")

    with pytest.raises(ValidationError) as refused:
        usecase_send_back(user=people["reviewer"], use_case=use_case, comment="  ")
    assert "comment" in refused.value.message_dict
    assert UseCase.objects.get(pk=use_case.pk).status == "in_review"

    usecase_send_back(user=people["reviewer"], use_case=use_case, comment="Scenario 2 lacks its actors.")

    change = StatusChange.objects.get(use_case=use_case)
    assert (change.from_status, change.to_status, change.transition) == ("in_review", "draft", "send_back")
    assert change.comment == "Scenario 2 lacks its actors." and change.user == people["reviewer"]


def test_the_whole_workflow_records_versions_and_frozen_copies(team):
    workspace, people = team
    use_case = make_complete_use_case(workspace=workspace, name="Congestion", created_by=people["author"])
    use_case.versions.all().delete()
    VersionEntryFactory(use_case=use_case, number="0.3", position=1)

    usecase_submit(user=people["author"], use_case=use_case)
    usecase_approve(user=people["reviewer"], use_case=use_case, comment="Reviewed with the DSO.")
    usecase_publish(user=people["manager"], use_case=use_case)
    usecase_withdraw(user=people["manager"], use_case=use_case)
    usecase_update(user=people["author"], use_case=use_case, data={"name": "Congestion v2"})
    usecase_submit(user=people["author"], use_case=use_case)
    usecase_approve(user=people["reviewer"], use_case=use_case)

    versions = list(VersionEntry.objects.filter(use_case=use_case).order_by("position"))
    assert [(row.number, row.approval_status) for row in versions] == [
        ("0.3", ""),
        ("0.4", "Approved"),
        ("1.0", "Published"),
        ("1.1", "Approved"),
    ]
    assert versions[1].changes == "Reviewed with the DSO."
    assert versions[2].changes == f"Published by {people['manager'].username}."
    assert versions[1].date is not None
    assert people["author"].username in versions[3].authors  # who changed it since the last frozen version
    snapshots = list(UseCaseSnapshot.objects.filter(use_case=use_case).order_by("sequence"))
    assert [(s.sequence, s.version_number, s.status) for s in snapshots] == [
        (1, "0.4 submission 1", "in_review"),  # each submission is frozen, unlisted in the version table
        (2, "0.4", "approved"),
        (3, "1.0", "published"),
        (4, "1.1 submission 1", "in_review"),
        (5, "1.1", "approved"),
    ]
    assert snapshots[1].document["name"] == "Congestion" and snapshots[4].document["name"] == "Congestion v2"
    # Each frozen copy holds its own line of the version table.
    version_rows = next(section for section in snapshots[2].document["sections"] if section["key"] == "1.2")
    assert [row["cells"][0] for row in version_rows["tables"][0]["rows"]] == ["0.3", "0.4", "1.0"]
    assert [change.transition for change in StatusChange.objects.filter(use_case=use_case).order_by("time", "pk")] == [
        "submit",
        "approve",
        "publish",
        "withdraw",
        "submit",
        "approve",
    ]


def test_each_transition_is_audited(team):
    workspace, people = team
    use_case = make_complete_use_case(workspace=workspace, status="in_review")

    usecase_approve(user=people["reviewer"], use_case=use_case)

    entries = ChangeLogEntry.objects.filter(related_object_id=str(use_case.pk)) | ChangeLogEntry.objects.filter(
        content_type__model="usecase", object_id=str(use_case.pk)
    )
    recorded = {(entry.content_type.model, entry.action, entry.user_name) for entry in entries}
    assert recorded == {
        ("usecase", "update", people["reviewer"].username),
        ("statuschange", "create", people["reviewer"].username),
        ("versionentry", "create", people["reviewer"].username),
        ("usecasesnapshot", "create", people["reviewer"].username),
    }
    status_update = entries.get(content_type__model="usecase")
    assert (status_update.before["status"], status_update.after["status"]) == ("in_review", "approved")


def test_a_transition_from_a_stale_page_is_refused(team):
    workspace, people = team
    use_case = make_complete_use_case(workspace=workspace)
    seen = use_case.revision
    usecase_update(user=people["manager"], use_case=use_case, data={"scope": "Changed meanwhile."})

    with pytest.raises(ValidationError) as refused:
        usecase_submit(user=people["author"], use_case=use_case, expected_revision=seen)

    assert refused.value.messages == [STALE_REVISION_MESSAGE.format(expected=seen, current=seen + 1)]
    assert UseCase.objects.get(pk=use_case.pk).status == "draft"


def test_direct_grants_allow_the_transitions_of_their_permission(team):
    workspace, _people = team
    outsider = UserFactory()
    use_case = make_complete_use_case(workspace=workspace, status="in_review")
    with pytest.raises(PermissionDenied):
        usecase_approve(user=outsider, use_case=use_case)

    object_grant_add(use_case, grantee=outsider, codename="review_usecase")

    assert usecase_approve(user=outsider, use_case=use_case).status == "approved"


@pytest.mark.parametrize(
    "numbers, published, expected",
    [
        ([], False, "0.1"),
        ([], True, "1.0"),
        (["0.2"], False, "0.3"),
        (["1.3"], True, "2.0"),
        (["Draft 7"], False, "0.1"),
    ],
)
def test_version_numbers_follow_the_last_readable_number(numbers, published, expected):
    use_case = UseCaseFactory()
    for position, number in enumerate(numbers, start=1):
        VersionEntryFactory(use_case=use_case, number=number, position=position)
    assert next_version_number(use_case=use_case, published=published) == expected


def test_the_use_case_page_offers_the_transitions_of_the_role_and_posts_them(client, team):
    workspace, people = team
    use_case = make_complete_use_case(workspace=workspace, status="in_review")
    client.force_login(people["reviewer"])

    page = client.get(use_case.get_absolute_url()).content.decode()

    assert 'id="transition-approve"' in page and 'id="transition-send_back"' in page
    assert 'id="transition-publish"' not in page and 'id="transition-withdraw"' not in page
    assert f'<input type="hidden" name="revision" value="{use_case.revision}">' in page
    assert page.count("csrfmiddlewaretoken") >= 2

    sent = client.post(
        reverse("usecases:usecase_send_back", kwargs={"pk": use_case.pk}),
        {"revision": use_case.revision, "comment": "Needs <b>KPIs</b>."},
        follow=True,
    )

    assert UseCase.objects.get(pk=use_case.pk).status == "draft"
    text = sent.content.decode()
    assert "The use case is now draft." in text
    assert "Needs &lt;b&gt;KPIs&lt;/b&gt;." in text


def test_a_refused_transition_says_why_on_the_page(client, team):
    workspace, people = team
    use_case = make_complete_use_case(workspace=workspace, status="in_review")
    client.force_login(people["reviewer"])

    no_comment = client.post(
        reverse("usecases:usecase_send_back", kwargs={"pk": use_case.pk}), {"revision": use_case.revision}, follow=True
    )
    stale = client.post(
        reverse("usecases:usecase_approve", kwargs={"pk": use_case.pk}),
        {"revision": use_case.revision - 1},
        follow=True,
    )

    assert "Say what needs to change" in no_comment.content.decode()
    assert "Someone else changed this use case since you opened it" in stale.content.decode()
    assert UseCase.objects.get(pk=use_case.pk).status == "in_review"


def test_only_drafts_are_edited_on_the_page(client, team):
    workspace, people = team
    use_case = make_complete_use_case(workspace=workspace, status="in_review")
    client.force_login(people["author"])

    response = client.get(reverse("usecases:usecase_update", kwargs={"pk": use_case.pk}), follow=True)

    assert response.redirect_chain[-1][0] == use_case.get_absolute_url()
    assert "Only drafts are edited; this use case is in review." in response.content.decode()


def test_submission_is_refused_while_validation_errors_remain(team):
    workspace, people = team
    use_case = UseCaseFactory(workspace=workspace, status="draft")  # no actors, no scenario: errors
    with pytest.raises(ValidationError, match=r"Fix the validation errors before submitting.*No actors are listed"):
        usecase_submit(user=people["author"], use_case=use_case)
    assert UseCase.objects.get(pk=use_case.pk).status == "draft"
    assert not StatusChange.objects.filter(use_case=use_case).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_transition_called_outside_a_transaction_locks_its_row_in_one_of_its_own(on_postgres):
    """As the page's view calls it (no ATOMIC_REQUESTS): PostgreSQL refuses a row lock outside a transaction."""
    workspace = WorkspaceFactory()
    author = member_of(workspace, "author")
    use_case = make_complete_use_case(workspace=workspace, created_by=author)
    usecase_submit(user=author, use_case=use_case)
    assert UseCase.objects.get(pk=use_case.pk).status == UseCase.Status.IN_REVIEW
