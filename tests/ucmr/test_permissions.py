"""The policy itself (ucmr.permissions): who may do what on which object, model-wide permissions implying object
ones, one query per filter, the repository-wide roles the migrations create."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from rest_framework.generics import RetrieveUpdateDestroyAPIView
from rest_framework.serializers import ModelSerializer
from rest_framework.test import APIRequestFactory, force_authenticate

from actors.services import actor_create
from tests.factories import (
    ActorFactory,
    UseCaseFactory,
    UserFactory,
    WorkspaceFactory,
    member_of,
    with_repository_role,
)
from ucmr.models import BackgroundJob, ChangeLogEntry
from ucmr.permissions import (
    ACTIONS,
    ADD,
    CHANGE,
    COMMENT,
    DELETE,
    MANAGE,
    PUBLISH,
    REVIEW,
    SHARE,
    VIEW,
    ObjectPermissionFilter,
    ObjectPermissions,
    allowed_actions,
    object_grant_add,
    user_can,
    visible_to,
    with_permissions,
)
from usecases.models import UseCase, Workspace
from usecases.permissions import WORKSPACE_ROLE_PERMISSIONS, workspace_role_set
from usecases.services import usecase_create

pytestmark = pytest.mark.django_db

# The role -> permission table of the README, as the policy answers it for a draft of the role's workspace.
ROLE_TABLE = {
    "viewer": {VIEW, COMMENT},
    "author": {VIEW, CHANGE, COMMENT},
    "reviewer": {VIEW, REVIEW, COMMENT},
    "manager": {VIEW, CHANGE, REVIEW, PUBLISH, SHARE, DELETE, COMMENT},
    "curator": set(),
    "administrator": {VIEW, CHANGE, REVIEW, PUBLISH, SHARE, DELETE, COMMENT},
    "no_role": set(),
}


def _person(role: str, workspace: Workspace):
    if role in WORKSPACE_ROLE_PERMISSIONS:
        return member_of(workspace, role)
    if role == "no_role":
        return UserFactory()
    return with_repository_role(UserFactory(), role)


@pytest.mark.parametrize("role", ROLE_TABLE)
def test_each_role_may_do_exactly_its_actions_on_a_draft_of_its_workspace(role):
    workspace = WorkspaceFactory()
    draft = UseCaseFactory(workspace=workspace)
    person = _person(role, workspace)

    assert allowed_actions(person, draft) == ROLE_TABLE[role]
    assert {action for action in ACTIONS if user_can(person, action, draft)} == ROLE_TABLE[role]
    may_add = role in ("author", "manager", "administrator")
    assert user_can(person, ADD, UseCase) is may_add
    assert user_can(person, MANAGE, workspace) is (role in ("manager", "administrator"))


@pytest.mark.parametrize("role", ROLE_TABLE)
def test_roles_hold_in_their_own_workspace_only(role):
    person = _person(role, WorkspaceFactory())
    elsewhere = UseCaseFactory()
    expected = ROLE_TABLE[role] if role == "administrator" else set()
    assert allowed_actions(person, elsewhere) == expected


def test_published_use_cases_are_read_by_everyone_signed_in_and_by_visitors_where_allowed(settings):
    published = UseCaseFactory(status=UseCase.Status.PUBLISHED)
    UseCaseFactory()
    visitor, nobody = AnonymousUser(), UserFactory()

    assert list(visible_to(nobody, UseCase.objects.all())) == [published]
    assert allowed_actions(nobody, published) == {VIEW}
    assert not visible_to(visitor, UseCase.objects.all()).exists()
    settings.UCMR_PUBLIC_READ = True
    assert list(visible_to(visitor, UseCase.objects.all())) == [published]
    assert allowed_actions(visitor, published) == {VIEW}


def test_direct_grants_to_a_user_or_a_group_reach_that_use_case_only():
    shared, other = UseCaseFactory(), UseCaseFactory(workspace=WorkspaceFactory())
    guest, colleague = UserFactory(), UserFactory()
    partners = Group.objects.create(name="Partners")
    colleague.groups.add(partners)

    object_grant_add(shared, grantee=guest, codename="change_usecase")
    object_grant_add(shared, grantee=partners, codename="view_usecase")

    assert allowed_actions(guest, shared) == {VIEW, CHANGE, COMMENT}
    assert allowed_actions(colleague, shared) == {VIEW, COMMENT}
    assert allowed_actions(guest, other) == allowed_actions(colleague, other) == set()
    assert list(visible_to(colleague, UseCase.objects.all())) == [shared]


def test_group_workspace_roles_count_like_a_member_role():
    workspace = WorkspaceFactory()
    reviewers = Group.objects.create(name="Reviewers of the grid team")
    workspace_role_set(member=reviewers, workspace=workspace, role="reviewer")
    person = UserFactory()
    person.groups.add(reviewers)

    assert allowed_actions(person, UseCaseFactory(workspace=workspace)) == {VIEW, REVIEW, COMMENT}


def test_model_wide_permissions_imply_the_object_permissions():
    person = UserFactory()
    person.user_permissions.add(Permission.objects.get(codename="change_usecase"))
    use_cases = UseCaseFactory.create_batch(3)

    assert set(visible_to(person, UseCase.objects.all(), CHANGE)) == set(use_cases)
    assert all(user_can(person, CHANGE, use_case) for use_case in use_cases)
    assert not user_can(person, VIEW, use_cases[0])  # changing is granted, reading is not


def test_changing_a_role_replaces_its_permissions_and_removing_it_removes_them():
    workspace = WorkspaceFactory()
    draft = UseCaseFactory(workspace=workspace)
    person = member_of(workspace, "manager")

    workspace_role_set(member=person, workspace=workspace, role="viewer")
    assert allowed_actions(person, draft) == {VIEW, COMMENT}
    workspace_role_set(member=person, workspace=workspace, role=None)
    assert allowed_actions(person, draft) == set()


def test_inactive_users_may_do_nothing():
    workspace = WorkspaceFactory()
    person = member_of(workspace, "manager")
    person.is_active = False
    person.save()

    assert allowed_actions(person, UseCaseFactory(workspace=workspace, status="published")) == set()
    assert not visible_to(person, UseCase.objects.all()).exists()


def test_libraries_are_read_by_everyone_and_written_by_curators_and_administrators():
    actor = ActorFactory()
    reader, curator = UserFactory(), with_repository_role(UserFactory(), "curator")
    administrator = with_repository_role(UserFactory(), "administrator")

    assert allowed_actions(reader, actor) == {VIEW}
    assert allowed_actions(curator, actor) == allowed_actions(administrator, actor) == {VIEW, ADD, CHANGE, DELETE}
    assert not user_can(reader, ADD, type(actor)) and user_can(curator, ADD, type(actor))


def test_the_roles_groups_hold_the_model_wide_permissions():
    administrators = Group.objects.get(name="Administrators")
    curators = Group.objects.get(name="Library curators")
    project = Permission.objects.filter(
        content_type__app_label__in=["ucmr", "actors", "requirements", "usecases", "sgam"]
    )
    people = Permission.objects.filter(content_type__app_label="auth", content_type__model__in=["user", "group"])

    # A model added later gets its permissions to the administrators after the next migrate (ucmr.apps).
    assert set(administrators.permissions.all()) == set(project) | set(people)
    assert {
        f"{p.content_type.app_label}.{p.codename}" for p in curators.permissions.select_related("content_type")
    } == {
        f"{app}.{action}_{model}"
        for app, model in [
            ("actors", "actor"),
            ("requirements", "requirement"),
            ("requirements", "requirementcategory"),
            ("usecases", "informationobject"),
            ("usecases", "commonterm"),
            ("usecases", "area"),
            ("usecases", "businesscase"),
        ]
        for action in ("add", "change", "delete", "view")
    }


def test_visible_to_is_one_query_with_grants_of_every_kind(django_assert_num_queries):
    workspace = WorkspaceFactory()
    person = member_of(workspace, "viewer")
    partners = Group.objects.create(name="Partners")
    person.groups.add(partners)
    granted, grouped = UseCaseFactory(), UseCaseFactory()
    object_grant_add(granted, grantee=person, codename="view_usecase")
    object_grant_add(grouped, grantee=partners, codename="view_usecase")
    expected = {UseCaseFactory(workspace=workspace), UseCaseFactory(status="published"), granted, grouped}
    UseCaseFactory.create_batch(3)  # hidden
    person.has_perm("usecases.view_usecase")  # Django loads the model-wide permissions once per user object

    with django_assert_num_queries(1):
        seen = set(visible_to(person, UseCase.objects.all()))

    assert seen == expected


def test_with_permissions_answers_every_row_in_the_same_query(django_assert_num_queries):
    workspace = WorkspaceFactory()
    author = member_of(workspace, "author")
    mine, published = UseCaseFactory(workspace=workspace), UseCaseFactory(status="published")
    author.has_perm("usecases.change_usecase")

    with django_assert_num_queries(1):
        rows = {
            row.pk: (row.may_view, row.may_change)
            for row in with_permissions(author, UseCase.objects.all(), [VIEW, CHANGE])
        }

    assert rows == {mine.pk: (True, True), published.pk: (True, False)}


def test_jobs_are_seen_by_who_started_them_and_administrators():
    owner, other = UserFactory(), UserFactory()
    job = BackgroundJob.objects.create(kind="repository_stats", user=owner)
    administrator = with_repository_role(UserFactory(), "administrator")

    assert [user_can(person, VIEW, job) for person in (owner, other, administrator)] == [True, False, True]


def test_the_audit_trail_shows_changes_to_what_the_user_may_see():
    workspace = WorkspaceFactory()
    viewer = member_of(workspace, "viewer")
    author = member_of(workspace, "author")
    visible = usecase_create(user=author, workspace=workspace, data={"name": "Ours"})
    usecase_create(user=author, workspace=WorkspaceFactory(), data={"name": "Theirs"})
    actor_create(user=author, data={"name": "Aggregator", "type": "role"})

    seen = {entry.object_repr for entry in visible_to(viewer, ChangeLogEntry.objects.all())}

    assert seen == {visible.name, "Aggregator"}
    assert visible_to(with_repository_role(UserFactory(), "administrator"), ChangeLogEntry.objects.all()).count() == 3


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown action"):
        visible_to(UserFactory(), UseCase.objects.all(), "approve")


class UseCaseEndpoint(RetrieveUpdateDestroyAPIView):
    """A stand-in for the REST API's viewsets, which use the same two classes."""

    queryset = UseCase.objects.all()
    permission_classes = [ObjectPermissions]
    filter_backends = [ObjectPermissionFilter]

    class serializer_class(ModelSerializer):
        class Meta:
            model = UseCase
            fields = ["name"]


@pytest.mark.parametrize(
    "role, method, expected",
    [
        ("anonymous", "get", 401),  # "Authentication credentials were not provided." (token scheme offered)
        ("no_role", "get", 404),
        ("viewer", "get", 200),
        ("viewer", "patch", 403),
        ("author", "patch", 200),
        ("author", "delete", 403),
        ("manager", "delete", 204),
    ],
)
def test_the_rest_api_classes_give_the_same_answers_as_the_pages(role, method, expected):
    workspace = WorkspaceFactory()
    draft = UseCaseFactory(workspace=workspace)
    request = getattr(APIRequestFactory(), method)("/", {"name": "Renamed"}, format="json")
    if role != "anonymous":
        force_authenticate(request, user=_person(role, workspace))

    response = UseCaseEndpoint.as_view()(request, pk=draft.pk)

    assert response.status_code == expected


def test_a_users_model_permissions_are_djangos_read_in_one_query(django_assert_num_queries):
    from django.contrib.auth import backends, get_user_model

    from ucmr.backends import ModelBackend

    def perm(codename: str) -> Permission:
        return Permission.objects.get(codename=codename)

    editors, viewers = Group.objects.create(name="editors"), Group.objects.create(name="viewers")
    editors.permissions.add(perm("change_actor"), perm("view_actor"))
    viewers.permissions.add(perm("view_actor"), perm("view_usecase"))
    own_only = UserFactory(username="own-only")
    own_only.user_permissions.add(perm("add_actor"))
    in_groups = UserFactory(username="in-groups")
    in_groups.groups.add(editors, viewers)
    both = UserFactory(username="both")
    both.user_permissions.add(perm("view_usecase"), perm("delete_actor"))
    both.groups.add(editors)
    superuser = UserFactory(username="root", is_superuser=True)
    inactive = UserFactory(username="gone", is_active=False)
    inactive.groups.add(editors)
    users = [own_only, in_groups, both, superuser, inactive, UserFactory(username="nobody")]
    fresh = get_user_model().objects.get
    for user in users:
        expected = backends.ModelBackend().get_all_permissions(fresh(pk=user.pk))
        reader = fresh(pk=user.pk)
        with django_assert_num_queries(0 if not user.is_active else 1):
            assert ModelBackend().get_all_permissions(reader) == expected, user.username
            assert ModelBackend().get_all_permissions(reader) == expected  # kept on the user for the request
    assert backends.ModelBackend().get_all_permissions(fresh(pk=both.pk)) == {
        "usecases.view_usecase",
        "actors.delete_actor",
        "actors.change_actor",
        "actors.view_actor",
    }
