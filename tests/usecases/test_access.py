"""Workspace members and roles, and direct grants on one use case: the services (grants written with the row,
every change audited, only managers) and the workspace page and share dialog that call them."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from guardian.models import GroupObjectPermission, UserObjectPermission

from tests.factories import UseCaseFactory, UserFactory, WorkspaceFactory, member_of, with_repository_role
from ucmr.models import ChangeLogEntry
from ucmr.permissions import CHANGE, COMMENT, VIEW, allowed_actions, object_grant_add, object_grants
from usecases.access import (
    grantee_by_name,
    usecase_share,
    usecase_unshare,
    workspace_member_remove,
    workspace_member_set,
)
from usecases.models import WorkspaceMembership
from usecases.services import usecase_delete

pytestmark = pytest.mark.django_db


@pytest.fixture
def workspace():
    return WorkspaceFactory(name="Grid team", slug="grid-team")


@pytest.fixture
def manager(workspace):
    return member_of(workspace, "manager", username="mona")


def test_adding_a_member_grants_the_role_and_is_audited(workspace, manager):
    draft = UseCaseFactory(workspace=workspace)
    newcomer = UserFactory(username="nils")

    membership = workspace_member_set(user=manager, workspace=workspace, member=newcomer, role="author")

    assert allowed_actions(newcomer, draft) == {VIEW, CHANGE, COMMENT}
    entry = ChangeLogEntry.objects.get(content_type__model="workspacemembership", action="create")
    assert entry.user == manager and entry.after["role"] == "author"
    assert entry.related_object_id == str(workspace.pk) and entry.object_id == str(membership.pk)


def test_a_new_role_replaces_the_old_one_and_removal_takes_every_permission(workspace, manager):
    draft = UseCaseFactory(workspace=workspace)
    member = member_of(workspace, "author")
    membership = WorkspaceMembership.objects.get(user=member)

    workspace_member_set(user=manager, workspace=workspace, member=member, role="reviewer")
    assert allowed_actions(member, draft) == {VIEW, "review", COMMENT}
    workspace_member_remove(user=manager, membership=membership)
    assert allowed_actions(member, draft) == set()

    entries = ChangeLogEntry.objects.filter(content_type__model="workspacemembership").order_by("pk")
    assert [(entry.action, (entry.before or {}).get("role"), (entry.after or {}).get("role")) for entry in entries] == [
        ("update", "author", "reviewer"),
        ("delete", "reviewer", None),
    ]


def test_a_workspace_keeps_a_manager(workspace, manager):
    own = WorkspaceMembership.objects.get(user=manager)
    with pytest.raises(ValidationError, match="needs a manager"):
        workspace_member_set(user=manager, workspace=workspace, member=manager, role="viewer")
    with pytest.raises(ValidationError, match="needs a manager"):
        workspace_member_remove(user=manager, membership=own)

    deputy = member_of(workspace, "manager")
    workspace_member_set(user=deputy, workspace=workspace, member=manager, role="viewer")
    assert WorkspaceMembership.objects.get(user=manager).role == "viewer"


@pytest.mark.parametrize("role", ["viewer", "author", "reviewer"])
def test_only_managers_change_members(workspace, manager, role):
    member = member_of(workspace, role)
    with pytest.raises(PermissionDenied):
        workspace_member_set(user=member, workspace=workspace, member=UserFactory(), role="viewer")
    with pytest.raises(PermissionDenied):
        workspace_member_remove(user=member, membership=WorkspaceMembership.objects.get(user=manager))
    assert WorkspaceMembership.objects.filter(workspace=workspace).count() == 2


def test_an_unknown_role_is_refused(workspace, manager):
    with pytest.raises(ValidationError):
        workspace_member_set(user=manager, workspace=workspace, member=UserFactory(), role="owner")


def test_sharing_a_use_case_with_a_user_and_a_group_and_revoking(workspace, manager):
    draft = UseCaseFactory(workspace=workspace)
    guest, colleague = UserFactory(username="gus"), UserFactory()
    partners = Group.objects.create(name="Partners")
    colleague.groups.add(partners)

    usecase_share(user=manager, use_case=draft, grantee=guest, permission="change")
    grant = usecase_share(user=manager, use_case=draft, grantee=partners, permission="view")

    assert allowed_actions(guest, draft) == {VIEW, CHANGE, COMMENT}
    assert allowed_actions(colleague, draft) == {VIEW, COMMENT}
    with pytest.raises(ValidationError, match="may already"):
        usecase_share(user=manager, use_case=draft, grantee=guest, permission="change")

    usecase_unshare(user=manager, use_case=draft, kind="group", grant_id=grant.id)

    assert allowed_actions(colleague, draft) == set()
    assert [(g.kind, g.grantee_name, g.codename) for g in object_grants(draft)] == [("user", "gus", "change_usecase")]
    entries = ChangeLogEntry.objects.filter(related_object_id=str(draft.pk)).order_by("pk")
    assert [(entry.action, entry.before, entry.after) for entry in entries] == [
        ("create", None, {"user": "gus", "permission": "change_usecase"}),
        ("create", None, {"group": "Partners", "permission": "view_usecase"}),
        ("delete", {"group": "Partners", "permission": "view_usecase"}, None),
    ]


@pytest.mark.parametrize("role", ["viewer", "author", "reviewer"])
def test_only_managers_share(workspace, role):
    draft = UseCaseFactory(workspace=workspace)
    with pytest.raises(PermissionDenied):
        usecase_share(user=member_of(workspace, role), use_case=draft, grantee=UserFactory(), permission="view")


def test_grantees_are_found_by_name():
    Group.objects.create(name="Partners")
    UserFactory(username="gone", is_active=False)
    assert grantee_by_name(kind="group", name=" Partners ").name == "Partners"
    for kind, name in [("user", "gone"), ("user", "nobody"), ("group", "Strangers")]:
        with pytest.raises(ValidationError):
            grantee_by_name(kind=kind, name=name)


def test_managers_manage_members_on_the_workspace_page(client, workspace, manager):
    member_of(workspace, "viewer", username="vera")
    UserFactory(username="nils")
    client.force_login(manager)
    url = workspace.get_absolute_url()

    page = client.get(url).content.decode()
    added = client.post(
        reverse("usecases:workspace_member_set", kwargs={"slug": workspace.slug}),
        {"username": "nils", "role": "reviewer"},
        follow=True,
    )
    unknown = client.post(
        reverse("usecases:workspace_member_set", kwargs={"slug": workspace.slug}),
        {"username": "<script>", "role": "viewer"},
        follow=True,
    )

    assert "vera" in page and "Add a member" in page and "csrfmiddlewaretoken" in page
    assert "nils is now reviewer." in added.content.decode()
    assert WorkspaceMembership.objects.get(user__username="nils").role == "reviewer"
    assert "There is no active user &#x27;&lt;script&gt;&#x27;." in unknown.content.decode()


def test_members_see_the_workspace_page_without_the_management_forms(client, workspace, manager):
    client.force_login(member_of(workspace, "author"))
    page = client.get(workspace.get_absolute_url()).content.decode()
    assert "mona" in page and "Add a member" not in page and "Remove" not in page


def test_the_share_dialog_lists_grants_and_grants_and_revokes(client, workspace, manager):
    draft = UseCaseFactory(workspace=workspace)
    UserFactory(username="gus")
    client.force_login(manager)
    url = reverse("usecases:usecase_share", kwargs={"pk": draft.pk})

    shared = client.post(url, {"kind": "user", "name": "gus", "permission": "view"}, follow=True)
    unknown = client.post(url, {"kind": "group", "name": "Nobody", "permission": "view"})
    grant = object_grants(draft)[0]
    revoked = client.post(
        reverse("usecases:usecase_unshare", kwargs={"pk": draft.pk}), {"kind": "user", "grant": grant.id}, follow=True
    )

    assert f'id="grant-user-{grant.id}"' in shared.content.decode()
    assert unknown.status_code == 200 and "There is no group &#x27;Nobody&#x27;." in unknown.content.decode()
    assert "The grant is revoked." in revoked.content.decode() and not object_grants(draft)


def test_administrators_manage_any_workspace(workspace):
    administrator = with_repository_role(UserFactory(), "administrator")
    membership = workspace_member_set(user=administrator, workspace=workspace, member=UserFactory(), role="manager")
    assert membership.role == "manager"


def test_deleting_a_use_case_removes_every_permission_held_on_it():
    use_case = UseCaseFactory()
    guest, partners = UserFactory(), Group.objects.create(name="Partners")
    object_grant_add(use_case, grantee=guest, codename="change_usecase")
    object_grant_add(use_case, grantee=partners, codename="view_usecase")
    pk = use_case.pk

    usecase_delete(user=None, use_case=use_case)

    assert not UserObjectPermission.objects.filter(object_pk=str(pk)).exists()
    assert not GroupObjectPermission.objects.filter(object_pk=str(pk)).exists()
    successor = UseCaseFactory(pk=pk)  # a use case that gets the same id inherits nothing
    assert allowed_actions(guest, successor) == frozenset()
