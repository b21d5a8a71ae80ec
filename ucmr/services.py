"""The one write path that every entity service builds on: set values, validate, save, audit.

Entity services (`usecase_create`, `actor_update`, ...) call these inside their own transaction and add what
is particular to them (revision bumps, ordering, follow-up work).
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q

from ucmr.audit import record_change, snapshot
from ucmr.models import ChangeLogEntry
from ucmr.richtext import is_rich_text, rich_text_clean

M = TypeVar("M", bound=models.Model)


def _split(model: type[models.Model], data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    fields, many = {}, {}
    for name, value in data.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            raise ValidationError({name: f"{model._meta.verbose_name.capitalize()} has no field '{name}'."}) from None
        if field.many_to_many:
            many[name] = list(value or [])
        elif not field.concrete or field.primary_key:
            raise ValidationError({name: "This field cannot be set."})
        else:
            if isinstance(value, str) and isinstance(field, models.CharField):
                value = value.strip()
            if isinstance(value, str) and is_rich_text(model, name):
                value = rich_text_clean(value)
            fields[name] = value
    return fields, many


def model_changes(instance: models.Model, data: Mapping[str, Any]) -> dict[str, Any]:
    """The part of `data` that would change `instance`, values compared as `model_update` stores them (text stripped,
    a related object as its id, many-to-many as sets of ids): a write of values the object already has is none."""
    fields, many = _split(type(instance), data)
    changes = {}
    for name, value in fields.items():
        current = instance._meta.get_field(name).value_from_object(instance)
        if current not in (data[name], getattr(value, "pk", value)):
            changes[name] = data[name]
    for name, values in many.items():
        current = set(getattr(instance, name).values_list("pk", flat=True)) if instance.pk is not None else set()
        if {getattr(value, "pk", value) for value in values} != current:
            changes[name] = data[name]
    return changes


def model_validate(
    instance: models.Model,
    many: Mapping[str, list] | None = None,
    *,
    bulk: bool = False,
    exclude: Iterable[str] | None = None,
) -> None:
    """The checks of the one write path, made before an object is saved. Per object: `full_clean()` and the
    model's `clean_many_to_many()`. In bulk (`bulk=True`, for `usecases.exchange.bulk`, which writes thousands of rows
    with a few statements): the same checks but the queries `full_clean` makes per object, which the bulk writer
    answers in bulk instead: field values (`clean_fields`) except relations (their targets are the objects the
    caller resolved, not ids to look up), `clean()` and `clean_many_to_many()`; unique and check constraints are
    left to the database, whose `IntegrityError` the caller turns into a `ValidationError` (as `_save` does for a
    write that raced another). `exclude`: fields whose values and constraints are not checked again (stored values
    that the write leaves as they are); `clean()` always runs."""
    if bulk:
        instance.clean_fields(exclude=_relation_names(type(instance)))
        instance.clean()
    else:
        instance.full_clean(exclude=exclude)
    check_many = getattr(instance, "clean_many_to_many", None)
    if check_many is not None and many:
        check_many(many)


_RELATIONS: dict[type[models.Model], list[str]] = {}


def _relation_names(model: type[models.Model]) -> list[str]:
    if model not in _RELATIONS:
        _RELATIONS[model] = [field.name for field in model._meta.concrete_fields if field.is_relation]
    return _RELATIONS[model]


_CONSTRAINED: dict[type[models.Model], list[set[str]]] = {}


def _constrained_together(model: type[models.Model]) -> list[set[str]]:
    """The sets of fields that one unique or check constraint of `model` reads (all of its fields for a constraint on
    expressions, which name no fields)."""
    if model not in _CONSTRAINED:
        everything = {field.name for field in model._meta.concrete_fields}
        groups = [set(names) for names in model._meta.unique_together]
        for constraint in model._meta.constraints:
            names = set(getattr(constraint, "fields", ()) or ())
            condition = getattr(constraint, "condition", None)
            if condition is not None:
                names |= Q(condition).referenced_base_fields
            if getattr(constraint, "expressions", ()):
                names = everything
            groups.append(names)
        _CONSTRAINED[model] = groups
    return _CONSTRAINED[model]


def _unchanged_fields(model: type[models.Model], changed: Iterable[str]) -> set[str]:
    """The concrete fields of `model` that neither changed nor share a constraint with a field that did: a write of
    `changed` has nothing to check about them (their stored values are as they were)."""
    checked = set(changed)
    for group in _constrained_together(model):
        if group & checked:
            checked |= group
    return {field.name for field in model._meta.concrete_fields} - checked


def _save(instance: models.Model, many: dict[str, list], *, changed: list[str] | None = None) -> None:
    """Validate and save `instance`; `changed`: only these fields changed (the rest is as stored), so only they (and
    the automatic times) are checked and written."""
    model = type(instance)
    exclude = None if changed is None else _unchanged_fields(model, changed)
    model_validate(instance, many, exclude=exclude)
    update_fields = None
    if changed is not None:
        automatic = [field.name for field in model._meta.concrete_fields if getattr(field, "auto_now", False)]
        update_fields = [*changed, *(name for name in automatic if name not in changed)]
    try:
        with transaction.atomic():
            instance.save(update_fields=update_fields)
    except IntegrityError as error:
        # full_clean() checked the constraints; a concurrent write can still break one.
        raise ValidationError(f"The change conflicts with data saved meanwhile: {error}") from error
    for name, values in many.items():
        getattr(instance, name).set(values)


@transaction.atomic
def model_create(*, user, model: type[M], data: Mapping[str, Any], related: models.Model | None = None) -> M:
    fields, many = _split(model, data)
    instance = model(**fields)
    _save(instance, many)
    record_change(
        user=user,
        action=ChangeLogEntry.Action.CREATE,
        instance=instance,
        before=None,
        after=snapshot(instance),
        related=related,
    )
    return instance


@transaction.atomic
def model_update(
    *, user, instance: M, data: Mapping[str, Any], related: models.Model | None = None, as_stored: bool = False
) -> M:
    """Set `data` on `instance`, validate, save and record the change. `as_stored`: the caller read `instance` and
    changed nothing else on it, so only the fields of `data` are checked again and written (an UPDATE of those
    columns, not of every one), and the many-to-many relations `data` leaves alone are not read again for the
    audit entry."""
    fields, many = _split(type(instance), data)
    before = snapshot(instance)
    for name, value in fields.items():
        setattr(instance, name, value)
    _save(instance, many, changed=list(fields) if as_stored else None)
    kept = {name: value for name, value in before.items() if name not in many} if as_stored else None
    after = snapshot(instance, known=kept)
    if after != before:
        record_change(
            user=user,
            action=ChangeLogEntry.Action.UPDATE,
            instance=instance,
            before=before,
            after=after,
            related=related,
        )
    return instance


@transaction.atomic
def model_delete(*, user, instance: models.Model, related: models.Model | None = None) -> None:
    before, object_id = snapshot(instance), instance.pk
    try:
        with transaction.atomic():
            instance.delete()
    except models.ProtectedError as error:
        users = sorted({str(obj) for obj in error.protected_objects})[:5]
        raise ValidationError(f"'{instance}' is still in use by {', '.join(users)}.") from error
    record_change(
        user=user,
        action=ChangeLogEntry.Action.DELETE,
        instance=instance,
        before=before,
        after=None,
        related=related,
        object_id=object_id,
    )


def model_reorder(*, rows: Iterable[models.Model]) -> None:
    """Give rows consecutive positions in the order given."""
    rows = list(rows)
    for position, row in enumerate(rows, start=1):
        row.position = position
    if rows:
        type(rows[0]).objects.bulk_update(rows, ["position"])


@dataclass(frozen=True)
class ObjectServices:
    """The entity services that write one model's objects, as its edit pages (`ucmr.editing`), its admin
    (`ucmr.admin.ServiceModelAdmin`) and its API viewset (`ucmr.api.viewsets.ServiceViewSet`) call them:
    `create(user=..., data=...)`, `update(user=..., <name>=the object, data=...)`, `delete(user=..., <name>=the
    object)`."""

    name: str  # the keyword `update` and `delete` take the object by ("actor", "category", ...)
    create: Callable[..., models.Model]
    update: Callable[..., models.Model]
    delete: Callable[..., None]

    def update_object(self, *, user, obj: M, data: Mapping[str, Any]) -> M:
        return self.update(user=user, data=data, **{self.name: obj})

    def delete_object(self, *, user, obj: models.Model) -> None:
        self.delete(user=user, **{self.name: obj})
