"""The audit trail: snapshots of objects and append-only change log entries. Only services call it."""

import json
from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from ucmr.models import ChangeLogEntry

SKIPPED_FIELDS = {"created", "modified"}


def snapshot(instance: models.Model, *, known: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The object's values as JSON-ready data: fields by attribute name, relations as ids, many-to-many as id lists.
    `known`: many-to-many lists the caller holds (from a snapshot of the same object, the relation unchanged since),
    taken as they are instead of read again."""
    known = known or {}
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in SKIPPED_FIELDS or field.primary_key:
            continue
        value = field.value_from_object(instance)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        data[field.attname] = value
    if instance.pk is not None:
        for field in instance._meta.many_to_many:
            if field.name in known:
                data[field.name] = known[field.name]
            else:
                data[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def record_change(
    *,
    user,
    action: str,
    instance: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    related: models.Model | None = None,
    object_id: Any = None,
) -> ChangeLogEntry:
    """Append one entry. `object_id` is given for deletions, where the instance has lost its primary key."""
    signed_in = user is not None and user.is_authenticated
    return ChangeLogEntry.objects.create(
        user=user if signed_in else None,
        user_name=user.get_username() if signed_in else "",
        action=action,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(object_id if object_id is not None else instance.pk),
        object_repr=str(instance)[:300],
        related_content_type=ContentType.objects.get_for_model(related) if related is not None else None,
        related_object_id=str(related.pk) if related is not None else "",
        before=before,
        after=after,
    )


def account_roles(account) -> dict[str, Any]:
    """What an account may do beyond its workspace roles (which their own services record): its repository-wide roles
    (groups), model permissions, and whether it is active, staff or superuser."""
    permissions = account.user_permissions.values_list("content_type__app_label", "codename")
    return {
        "is_active": account.is_active,
        "is_staff": account.is_staff,
        "is_superuser": account.is_superuser,
        "groups": sorted(account.groups.values_list("name", flat=True)),
        "user_permissions": sorted(f"{app_label}.{codename}" for app_label, codename in permissions),
    }


def record_account_change(*, user, account, before: dict[str, Any] | None) -> ChangeLogEntry | None:
    """One entry for a new account or a change of its roles (`before`: its `account_roles` before); none when its
    roles stayed as they were. Never its password: see record_password_change."""
    after = account_roles(account)
    if before == after:
        return None
    action = ChangeLogEntry.Action.CREATE if before is None else ChangeLogEntry.Action.UPDATE
    return record_change(user=user, action=action, instance=account, before=before, after=after)


def record_password_change(*, user, account) -> ChangeLogEntry:
    """That `account`'s password was changed (by its owner or an administrator): the fact, never a hash."""
    return record_change(
        user=user,
        action=ChangeLogEntry.Action.UPDATE,
        instance=account,
        before={"password": "(previous)"},
        after={"password": "(changed)"},
    )


def group_permissions(group) -> dict[str, Any]:
    permissions = group.permissions.values_list("content_type__app_label", "codename")
    return {"name": group.name, "permissions": sorted(f"{app_label}.{codename}" for app_label, codename in permissions)}


def record_group_change(*, user, group, before: dict[str, Any] | None) -> ChangeLogEntry | None:
    """A repository-wide role (a group) created, renamed or given other permissions."""
    after = group_permissions(group)
    if before == after:
        return None
    action = ChangeLogEntry.Action.CREATE if before is None else ChangeLogEntry.Action.UPDATE
    return record_change(user=user, action=action, instance=group, before=before, after=after)
