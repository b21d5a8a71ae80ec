"""Account changes made outside the pages are in the audit trail too: `manage.py changepassword` and
`createsuperuser` (the system acting; the fact of a password, never the password or its hash) and repository-wide
roles given by the service (`repository_role_add`, which the demo and `ensure_demo_user` use)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests.factories import UserFactory
from ucmr.models import ChangeLogEntry
from ucmr.permissions import repository_role_add

pytestmark = pytest.mark.django_db


def _entries(account) -> list[ChangeLogEntry]:
    return list(ChangeLogEntry.objects.filter(content_type__model="user", object_id=str(account.pk)).order_by("id"))


def test_changepassword_is_recorded_without_the_password(monkeypatch):
    account = UserFactory(username="mira")
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "Fresh-pw-47!")

    call_command("changepassword", "mira", stdout=None)

    account.refresh_from_db()
    assert account.check_password("Fresh-pw-47!")
    [entry] = _entries(account)
    assert entry.user is None and entry.after == {"password": "(changed)"}
    assert "Fresh-pw-47!" not in str(entry.after) and account.password not in str(entry.after)


def test_a_refused_changepassword_records_nothing(monkeypatch):
    account = UserFactory(username="mira")
    answers = iter(["Fresh-pw-47!", "Other-pw-48!"] * 3)  # never the same twice: Django gives up after 3 tries
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))

    with pytest.raises(CommandError):
        call_command("changepassword", "mira")

    assert _entries(account) == []


def test_createsuperuser_records_the_new_account_and_its_roles(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Root-pw-49!")

    call_command("createsuperuser", "--noinput", "--username", "root", "--email", "root@example.org")

    account = get_user_model().objects.get(username="root")
    created, password = _entries(account)
    assert created.action == "create" and created.user is None
    assert created.after["is_superuser"] is True and created.after["is_staff"] is True
    assert password.after == {"password": "(changed)"} and "Root-pw-49!" not in str(created.after)


def test_giving_a_repository_role_through_the_service_is_recorded():
    administrator, account = UserFactory(username="root"), UserFactory(username="mira")

    repository_role_add(member=account, role="curator", user=administrator)

    [entry] = _entries(account)
    assert entry.user == administrator and entry.before["groups"] == []
    assert entry.after["groups"] == ["Library curators"]
