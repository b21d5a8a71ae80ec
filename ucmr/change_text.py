"""The audit trail read as sentences: what a change log entry did, in words, with the values that changed (never the
raw `use_case_id: 19` or `extra: {}` of its before/after). No query: everything comes from the entry and its content
types, loaded with it."""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse

from ucmr.models import ChangeLogEntry

VALUE_SHOWN = 200
# Bookkeeping every write touches; no reader needs to hear of it.
QUIET_FIELDS = {"revision", "mrid", "position", "modified", "created", "created_by_id", "user_id", "user_name"}
# A use case's workflow record, in the words of its transitions.
TRANSITION_WORDS = {
    "submit": "submitted it for review",
    "approve": "approved it",
    "send_back": "sent it back to draft",
    "publish": "published it",
    "withdraw": "withdrew it to draft",
}


@dataclass(frozen=True)
class ValueChange:
    """One field of an entry: its label, its value before and after as text ("" when it had none)."""

    label: str
    before: str
    after: str
    shown: bool = True  # False for references (ids), where only the fact of the change is told
    emptied: bool = False  # an update that left the field empty


@dataclass
class ChangeText:
    """`sentence` (without the user, e.g. "changed step “Send reading”"), its `values`, a `quote` (a workflow comment)
    and, for a frozen version, where to compare it with the one before."""

    verb: str
    noun: str
    name: str
    values: list[ValueChange] = field(default_factory=list)
    quote: str = ""
    compare_url: str = ""

    @property
    def sentence(self) -> str:
        name = f" “{self.name}”" if self.name else ""
        return f"{self.verb} {self.noun}{name}".strip()


def _model(entry: ChangeLogEntry) -> type[models.Model] | None:
    return entry.content_type.model_class() if entry.content_type_id else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_text(item)}" for key, item in value.items())
    text = str(value)
    return text if len(text) <= VALUE_SHOWN else text[: VALUE_SHOWN - 1] + "…"


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        for candidate in model._meta.concrete_fields:
            if candidate.attname == name:
                return candidate
    return None


def _choice_text(model_field: models.Field | None, value: Any) -> str:
    choices = dict(model_field.flatchoices) if model_field is not None and model_field.choices else {}
    return str(choices.get(value, _text(value))) if value is not None else ""


def value_changes(entry: ChangeLogEntry) -> list[ValueChange]:
    """The fields the entry changed (or, for a creation, filled; for a deletion, held), readable. Leaves out the
    bookkeeping fields, the reference to the object the row belongs to, and empty values."""
    model = _model(entry)
    before, after = entry.before or {}, entry.after or {}
    parent = f"{entry.related_content_type.model}_id" if entry.related_content_type_id else ""
    changes = []
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        if old == new or name in QUIET_FIELDS or name == parent or name == "id":
            continue
        if not old and not new:  # "" and None, {} and []: nothing a reader would call a change
            continue
        model_field = _field(model, name)
        label = str(model_field.verbose_name) if model_field is not None else name.removesuffix("_id").replace("_", " ")
        if model_field is not None and model_field.is_relation:
            changes.append(ValueChange(label, "", "", shown=False))
            continue
        emptied = entry.action == ChangeLogEntry.Action.UPDATE and not new
        changes.append(
            ValueChange(label, _choice_text(model_field, old), _choice_text(model_field, new), emptied=emptied)
        )
    return changes


def _version_compare_url(use_case_id: str, sequence: Any) -> str:
    if not use_case_id or not isinstance(sequence, int) or sequence < 2:
        return ""
    url = reverse("usecases:usecase_compare", kwargs={"pk": use_case_id})
    return f"{url}?old={sequence - 1}&new={sequence}"


def change_text(entry: ChangeLogEntry) -> ChangeText:
    """The entry as words. The workflow's own records read as what the user did to the use case."""
    model = _model(entry)
    label = (entry.content_type.app_label, entry.content_type.model) if entry.content_type_id else ("", "")
    after = entry.after or {}
    if label == ("usecases", "statuschange") and entry.action == ChangeLogEntry.Action.CREATE:
        transition = after.get("transition", "")
        return ChangeText(
            TRANSITION_WORDS.get(transition, "changed its status"), "", "", quote=after.get("comment", "")
        )
    if label == ("usecases", "usecasesnapshot") and entry.action == ChangeLogEntry.Action.CREATE:
        return ChangeText(
            "froze",
            "version",
            after.get("version_number", ""),
            compare_url=_version_compare_url(entry.related_object_id, after.get("sequence")),
        )
    noun = str(model._meta.verbose_name) if model is not None else entry.content_type.name
    values = value_changes(entry)
    if label == ("usecases", "usecase") and entry.action == ChangeLogEntry.Action.UPDATE:
        status_only = {value.label for value in values} <= {"status"}
        if status_only and values:
            return ChangeText("moved", "the use case", "", values=values)
    verb = {"create": "added", "update": "changed", "delete": "deleted"}.get(entry.action, entry.action)
    return ChangeText(verb, noun, entry.object_repr, values=values)
