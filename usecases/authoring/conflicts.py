"""Optimistic locking of the table editors, row by row: a form carries a fingerprint of its row's values as it was
loaded, and the save compares it with the row's values now (the row locked for the write). Two editors writing
different rows, or different tables, of one draft never refuse each other; only a change to the same row since it
was loaded is a conflict, which shows both versions and keeps the typed text. A move compares the order of the
row's siblings instead. No schema change: the row's own values are its revision.

The use case's revision still moves on with every write (the REST API's ETag and If-Match, the workflow and the
placement editor keep their whole-document semantics); the editors just do not compare it.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models

from ucmr.models import ChangeLogEntry

ROW_CHANGED = "row_changed"
ORDER_CHANGED = "order_changed"


def _digest(values) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:32]


def _compared(field: models.Field) -> bool:
    """Whether a change of `field` is a change of the row an author edits: not its key, its place (a move), nor a
    time the database keeps."""
    automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    return not (field.primary_key or field.name == "position" or automatic)


def row_fingerprint(row: models.Model, *, many: Iterable[str] = (), only: Iterable[str] | None = None) -> str:
    """The row's values (and the objects its many-to-many fields `many` name) as a short digest; `only` limits the
    fields compared (the use case's own fields on its edit page, not its revision). The many-to-many values come
    from the prefetch cache when there is one, so a table's rows cost no query each."""
    fields = [field for field in row._meta.concrete_fields if _compared(field)]
    if only is not None:
        fields = [field for field in fields if field.name in set(only)]
    values = {field.attname: field.value_from_object(row) for field in fields}
    for name in many:
        values[name] = sorted(item.pk for item in getattr(row, name).all())
    return _digest(values)


def order_fingerprint(rows: Iterable[models.Model]) -> str:
    """The order of a table's rows (siblings of each other) as a short digest."""
    return _digest([row.pk for row in rows])


def row_lock_unchanged(
    *, row: models.Model, fingerprint: str, many: Iterable[str] = (), only: Iterable[str] | None = None
) -> models.Model:
    """The row as stored, locked until the caller's transaction ends; refused (code `row_changed`, the row as it is
    now in `params["current"]`) when its values are no longer those the form was loaded with."""
    current = type(row)._default_manager.select_for_update().filter(pk=row.pk).first()
    if current is None:
        raise ValidationError("This row was deleted meanwhile.", code=ROW_CHANGED, params={"current": None})
    if row_fingerprint(current, many=many, only=only) != fingerprint:
        raise ValidationError("This row was changed meanwhile.", code=ROW_CHANGED, params={"current": current})
    return current


def rows_check_order(*, siblings: list[models.Model], fingerprint: str) -> None:
    """Refuse (code `order_changed`) when the siblings are no longer in the order the table showed."""
    if order_fingerprint(siblings) != fingerprint:
        raise ValidationError("The order of this table changed meanwhile.", code=ORDER_CHANGED)


def conflict_of(error: ValidationError) -> str | None:
    """The kind of conflict a refusal is (`row_changed`, `order_changed`), or None for any other refusal."""
    code = getattr(error, "code", None)
    return code if code in (ROW_CHANGED, ORDER_CHANGED) else None


@dataclass
class Difference:
    """A field whose saved value (theirs) differs from the one in the form (yours), as the form shows them."""

    label: str
    theirs: str
    yours: str


def _shown(bound_field: forms.BoundField, value) -> str:
    """A field's value as words: the labels of chosen options, a file's name, a date as the form writes it."""
    field = bound_field.field
    if isinstance(field, forms.FileField):
        return getattr(value, "name", "") or ""
    if isinstance(field, forms.ChoiceField):
        chosen = value if isinstance(value, list | tuple) else [value]
        keys = {str(getattr(item, "pk", item)) for item in chosen if item not in (None, "")}
        if not keys:
            return ""
        return ", ".join(str(label) for key, label in field.choices if str(getattr(key, "value", key)) in keys)
    if value is None:
        return ""
    return str(value if isinstance(value, str) else field.widget.format_value(value) or "")


def row_differences(*, yours: forms.BaseForm, theirs: forms.BaseForm) -> list[Difference]:
    """The fields of the bound form `yours` whose value differs from the unbound form `theirs` of the row as it is
    now, in the form's order."""
    differences = []
    for bound in yours.visible_fields():
        mine = _shown(bound, bound.value())
        saved = _shown(theirs[bound.name], theirs[bound.name].value())
        if mine.strip() != saved.strip():
            differences.append(Difference(str(bound.label), saved, mine))
    return differences


def last_change(row: models.Model) -> ChangeLogEntry | None:
    """The audit trail's latest entry about the row: who changed it meanwhile, and when."""
    content_type = ContentType.objects.get_for_model(row)
    return ChangeLogEntry.objects.filter(content_type=content_type, object_id=str(row.pk)).order_by("-time").first()
