"""The audit trail of the pages: every write records who, when, what, before and after; history pages per use
case (with its rows) and per library item; the repository-wide log with its filters; nothing edits an entry."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from actors.services import actor_update
from tests.factories import (
    ActorFactory,
    CommonTermFactory,
    InformationObjectFactory,
    RequirementCategoryFactory,
    RequirementFactory,
    ScenarioFactory,
    UseCaseFactory,
    UserFactory,
    WorkspaceFactory,
    member_of,
    with_repository_role,
)
from ucmr.models import ChangeLogEntry
from usecases.forms import UseCaseForm
from usecases.models import Step, UseCase
from usecases.services import usecase_row_create, usecase_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(client):
    person = with_repository_role(UserFactory(username="cora"), "curator")
    client.force_login(person)
    return person


# (URL name, kwargs from the object, the object's factory, posted data, the model of the entry)
LIBRARY_WRITES = [
    ("actors:actor_create", None, None, {"name": "Flexibility <provider>", "type": "role"}, "actor"),
    ("actors:actor_update", "pk", ActorFactory, {"name": "Renamed", "type": "system"}, "actor"),
    ("requirements:requirement_create", None, None, {"identifier": "R-1", "name": "Latency"}, "requirement"),
    ("requirements:requirement_update", "pk", RequirementFactory, {"identifier": "R-2", "name": "x"}, "requirement"),
    ("requirements:category_create", None, None, {"identifier": "C-1", "name": "Security"}, "requirementcategory"),
    ("requirements:category_update", "pk", RequirementCategoryFactory, {"name": "Renamed"}, "requirementcategory"),
    ("usecases:information_object_create", None, None, {"name": "Set point"}, "informationobject"),
    ("usecases:information_object_update", "pk", InformationObjectFactory, {"name": "Renamed"}, "informationobject"),
    ("usecases:term_create", None, None, {"term": "Flexibility"}, "commonterm"),
    ("usecases:term_update", "pk", CommonTermFactory, {"term": "Renamed"}, "commonterm"),
]


@pytest.mark.parametrize("url_name, key, factory, data, model", LIBRARY_WRITES, ids=[w[0] for w in LIBRARY_WRITES])
def test_library_pages_record_each_write(client, curator, url_name, key, factory, data, model):
    existing = factory() if factory else None
    before = existing and ChangeLogEntry.objects.count()
    url = reverse(url_name, kwargs={key: existing.pk} if existing else None)

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[-2000:]
    entry = ChangeLogEntry.objects.latest("pk")
    assert entry.content_type.model == model and entry.user == curator and entry.user_name == "cora"
    assert entry.action == ("update" if existing else "create")
    changed = next(iter(data))
    assert entry.after[changed] == data[changed]
    if existing:
        assert entry.before[changed] == getattr(existing, changed) and ChangeLogEntry.objects.count() == before + 1


def test_a_refused_library_write_shows_the_error_and_records_nothing(client, curator):
    ActorFactory(name="Aggregator")
    response = client.post(reverse("actors:actor_create"), {"name": "aggregator ", "type": "role"})
    assert response.status_code == 200 and "already exists" in response.content.decode()
    assert not ChangeLogEntry.objects.exists()


def test_use_case_pages_record_creation_and_changes(client):
    workspace = WorkspaceFactory()
    author = member_of(workspace, "author", username="ann")
    client.force_login(author)

    client.post(reverse("usecases:usecase_create"), {"workspace": workspace.pk, "name": "Voltage control"})
    use_case = UseCase.objects.get(name="Voltage control")
    client.post(
        reverse("usecases:usecase_update", kwargs={"pk": use_case.pk}),
        {"name": "Voltage control", "scope": "LV grids.", "fingerprint": UseCaseForm.fingerprint_of(use_case)},
    )

    created, updated = ChangeLogEntry.objects.filter(object_id=str(use_case.pk)).order_by("pk")
    assert (created.action, created.user_name, created.after["name"]) == ("create", "ann", "Voltage control")
    assert use_case.created_by_id == author.pk
    assert (updated.action, updated.before["scope"], updated.after["scope"]) == ("update", "", "LV grids.")
    assert updated.changed_fields == ["scope"]


def test_the_use_case_history_has_its_own_changes_and_those_of_its_rows(client):
    workspace = WorkspaceFactory()
    use_case = UseCaseFactory(workspace=workspace, name="Dispatch")
    editor = member_of(workspace, "manager", username="mo")
    usecase_update(user=editor, use_case=use_case, data={"scope": "Whole <grid>."})
    usecase_row_create(
        user=editor,
        use_case=use_case,
        model=Step,
        data={"scenario": ScenarioFactory(use_case=use_case), "name": "Send"},
    )
    usecase_update(user=editor, use_case=UseCaseFactory(workspace=workspace, name="Other"), data={"scope": "No."})
    client.force_login(member_of(workspace, "viewer"))

    response = client.get(reverse("usecases:usecase_history", kwargs={"pk": use_case.pk}))

    text = response.content.decode()
    assert [(entry.content_type.model, entry.action) for entry in response.context["entries"]] == [
        ("step", "create"),
        ("usecase", "update"),
    ]
    assert "Whole &lt;grid&gt;." in text and "Whole <grid>" not in text and "mo" in text
    assert "No." not in text


def test_a_library_item_history(client):
    actor = ActorFactory(name="Meter operator")
    actor_update(user=with_repository_role(UserFactory(username="cora"), "curator"), actor=actor, data={"name": "MO"})
    client.force_login(UserFactory())

    text = client.get(reverse("actors:actor_history", kwargs={"pk": actor.pk})).content.decode()

    assert "cora" in text and "Meter operator" in text and "MO" in text


def test_the_change_log_filters_by_user_action_type_and_date(client):
    workspace = WorkspaceFactory()
    manager = member_of(workspace, "manager", username="mo")
    use_case = UseCaseFactory(workspace=workspace, name="Islanding")
    usecase_update(user=manager, use_case=use_case, data={"scope": "Microgrids."})
    actor_update(
        user=with_repository_role(UserFactory(username="cora"), "curator"), actor=ActorFactory(), data={"name": "DSO"}
    )
    client.force_login(manager)
    url = reverse("change_log")

    def shown(**params) -> list[tuple[str, str]]:
        entries = client.get(url, params).context["entries"]
        return [(entry.user_name, entry.content_type.model) for entry in entries]

    assert shown() == [("cora", "actor"), ("mo", "usecase")]
    assert shown(user="MO") == [("mo", "usecase")]
    assert shown(action="update", type="actors.actor") == [("cora", "actor")]
    assert shown(action="create") == []
    today = timezone.localdate()
    assert len(shown(since=today.isoformat(), until=today.isoformat())) == 2
    assert shown(since=(today + timedelta(days=1)).isoformat()) == []


def test_entries_cannot_be_changed_through_the_pages(client):
    client.force_login(with_repository_role(UserFactory(), "administrator"))
    usecase_update(user=None, use_case=UseCaseFactory(), data={"scope": "Kept."})
    entry = ChangeLogEntry.objects.get()

    assert client.post(reverse("change_log"), {"action": "delete"}).status_code == 405
    assert ChangeLogEntry.objects.get().after == entry.after


# Accounts: roles (repository-wide roles are groups) and passwords.


def _account_entries(account) -> list[ChangeLogEntry]:
    return list(ChangeLogEntry.objects.filter(content_type__model="user", object_id=str(account.pk)).order_by("id"))


def _user_form(account, **changes) -> dict:
    data = {
        "username": account.username,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "groups": [group.pk for group in account.groups.all()],
    }
    data.update(changes)
    return data


@pytest.fixture
def administrator(client):
    person = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(person)
    return person


def test_giving_a_repository_role_in_the_admin_is_recorded(client, administrator):
    account = UserFactory(username="mira")
    curators = Group.objects.get(name="Library curators")

    response = client.post(
        reverse("admin:auth_user_change", args=[account.pk]), _user_form(account, groups=[curators.pk])
    )

    assert response.status_code == 302
    [entry] = _account_entries(account)
    assert entry.user == administrator and entry.action == "update"
    assert entry.before["groups"] == [] and entry.after["groups"] == ["Library curators"]


def test_saving_an_account_without_changing_its_roles_records_nothing(client, administrator):
    account = with_repository_role(UserFactory(username="mira"), "curator")
    response = client.post(reverse("admin:auth_user_change", args=[account.pk]), _user_form(account, first_name="M"))
    assert response.status_code == 302 and _account_entries(account) == []


def test_an_administrator_setting_a_password_is_recorded_without_the_password(client, administrator):
    account = UserFactory(username="mira")
    url = reverse("admin:auth_user_password_change", args=[account.pk])

    response = client.post(url, {"password1": "Fresh-pw-47!", "password2": "Fresh-pw-47!", "usable_password": "true"})

    assert response.status_code == 302
    [entry] = _account_entries(account)
    assert entry.user == administrator and entry.after == {"password": "(changed)"}
    account.refresh_from_db()
    assert account.password not in str(entry.before) + str(entry.after)


def test_changing_ones_own_password_is_recorded(client):
    account = UserFactory(username="mira")
    client.force_login(account)

    response = client.post(
        reverse("password_change"),
        {"old_password": "pw-test-1", "new_password1": "Fresh-pw-47!", "new_password2": "Fresh-pw-47!"},
    )

    assert response.status_code == 302
    [entry] = _account_entries(account)
    assert entry.user == account and entry.after == {"password": "(changed)"}


def test_changing_a_groups_permissions_in_the_admin_is_recorded(client, administrator):
    curators = Group.objects.get(name="Library curators")
    before = sorted(curators.permissions.values_list("pk", flat=True))
    dropped = curators.permissions.order_by("codename").first()

    response = client.post(
        reverse("admin:auth_group_change", args=[curators.pk]),
        {"name": curators.name, "permissions": [pk for pk in before if pk != dropped.pk]},
    )

    assert response.status_code == 302
    [entry] = ChangeLogEntry.objects.filter(content_type__model="group", object_id=str(curators.pk))
    gone = set(entry.before["permissions"]) - set(entry.after["permissions"])
    assert gone == {f"{dropped.content_type.app_label}.{dropped.codename}"}
