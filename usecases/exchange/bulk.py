"""The import's write path: the bulk form of `ucmr.services.model_create/model_update/model_delete`, the one write
path of the services (values set, the same validation, an audit trail entry per object with the values before and
after, a changed use case's revision bumped once), done with bulk statements so that a file of a thousand use cases
costs a few hundred queries, not a few hundred thousand.

Validation is `ucmr.services.model_validate(bulk=True)` for every row written: field values, the model's `clean()`
and `clean_many_to_many()`, as `full_clean()` checks them, without the queries `full_clean()` makes per row and
constraint. Those are answered in bulk: relations point at objects the loader resolved, uniqueness is decided
against maps preloaded in bulk, and the database's constraints are the last word (an `IntegrityError` becomes a
`ValidationError` and the import rolls back). `tests/usecases/exchange/test_write_parity.py` checks that both
forms write the same rows and the same audit entries.

A `Plan` is one object to write: a new instance or an existing row (with its snapshot before), the values the
file gives it, foreign keys and many-to-many targets that may be other plans (resolved when written, which is why
the loader writes one model at a time, parents first).
"""

import datetime
import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models
from django.db.models import F
from django.utils import timezone

from actors.models import Actor
from requirements.models import Requirement
from ucmr.audit import SKIPPED_FIELDS
from ucmr.models import ChangeLogEntry
from ucmr.services import model_validate
from usecases.analysis.followup import library_object_changed, usecases_changed
from usecases.exchange.inserts import ENTRY_FIELDS, insert_rows
from usecases.exchange.report import ImportReport
from usecases.models import InformationObject, UseCase
from usecases.search import search_index_queue

# Library objects whose change revalidates the use cases using them (the services report them to
# usecases.analysis.followup).
LIBRARY_FOLLOWED = (Actor, InformationObject, Requirement)

_ENCODER = DjangoJSONEncoder()


def _jsonable(value: Any) -> Any:
    """What `ucmr.audit.snapshot` stores (it round-trips values through DjangoJSONEncoder), without the round trip."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, uuid.UUID | datetime.datetime | datetime.date):
        return _ENCODER.default(value)
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return _ENCODER.default(value)


_FIELDS_CACHE: dict[type[models.Model], tuple[list[models.Field], list[models.Field]]] = {}


def _fields(model: type[models.Model]) -> tuple[list[models.Field], list[models.Field]]:
    """(concrete fields a snapshot holds, many-to-many fields) of a model."""
    if model not in _FIELDS_CACHE:
        concrete = [f for f in model._meta.concrete_fields if f.name not in SKIPPED_FIELDS and not f.primary_key]
        _FIELDS_CACHE[model] = (concrete, list(model._meta.many_to_many))
    return _FIELDS_CACHE[model]


@functools.cache
def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]


def snapshot(instance: models.Model, many: dict[str, list[int]]) -> dict[str, Any]:
    """The object's values as `ucmr.audit.snapshot` writes them, with many-to-many ids given instead of queried."""
    concrete, many_fields = _fields(type(instance))
    data = {field.attname: _jsonable(field.value_from_object(instance)) for field in concrete}
    for field in many_fields:
        data[field.name] = sorted(many.get(field.name, ()))
    return data


class Plan:
    """One object to write. `links`: foreign keys (field name -> Plan, instance or None); `many`: many-to-many
    targets (field name -> Plans or primary keys, in the file's order). `related`: the plan of the use case the
    object belongs to (its history then shows the change), None for library objects and use cases."""

    __slots__ = ("before", "instance", "kind", "links", "many", "merged", "related", "values")

    def __init__(
        self,
        *,
        kind: str,
        instance: models.Model,
        values: dict[str, Any],
        links: dict[str, Any] | None = None,
        many: dict[str, list] | None = None,
        related: "Plan | None" = None,
        before: dict[str, Any] | None = None,
        merged: bool = False,
    ) -> None:
        self.kind = kind
        self.instance = instance
        self.values = values
        self.links = links or {}
        self.many = many or {}
        self.related = related
        self.before = before
        self.merged = merged

    @property
    def existing(self) -> bool:
        return self.before is not None


def resolve(target: Any) -> Any:
    """A plan's instance (written by now), or the instance or id given."""
    return target.instance if isinstance(target, Plan) else target


def many_ids(plan: Plan) -> dict[str, list[int]]:
    ids = {}
    for name, targets in plan.many.items():
        resolved = [getattr(resolve(target), "pk", target) for target in targets]
        ids[name] = list(dict.fromkeys(pk for pk in resolved if pk is not None))
    return ids


def _validate(plan: Plan) -> None:
    """The checks of `ucmr.services` (in bulk form) before a row is written, naming the row when one fails."""
    instance = plan.instance
    many = {name: [resolve(target) for target in targets] for name, targets in plan.many.items()}
    if not all(isinstance(target, models.Model) for targets in many.values() for target in targets):
        many = {}  # ids of existing objects (a library object's added references): nothing to check of them
    try:
        model_validate(instance, many, bulk=True)
    except ValidationError as error:
        messages = "; ".join(error.messages)
        raise ValidationError(
            f"{instance._meta.verbose_name.capitalize()} {str(instance)[:80]!r}: {messages}"
        ) from error


class Writer:
    """Writes plans one model at a time and collects the audit trail, written in one go by `finish()`."""

    def __init__(self, *, user, report: ImportReport) -> None:
        signed_in = user is not None and user.is_authenticated
        self.user = user if signed_in else None
        self.user_name = user.get_username() if signed_in else ""
        self.report = report
        self.entries: list[tuple] = []
        self.content_types: dict[type, int] = {}
        self.changed_use_cases: set[int] = set()
        self.new_use_cases: set[int] = set()
        self.changed_library: dict[tuple[type, int], models.Model] = {}
        self.created_pks: dict[type, set[int]] = {}
        self.counted = True
        self.now = timezone.now()
        self.stored_files: list[models.fields.files.FieldFile] = []

    def _content_type(self, instance: models.Model) -> int:
        model = type(instance)
        if model not in self.content_types:
            self.content_types[model] = ContentType.objects.get_for_model(model).pk
        return self.content_types[model]

    def _entry(self, *, action: str, instance: models.Model, before, after, related, object_id=None) -> None:
        """One audit trail entry, as `ucmr.audit.record_change` writes it (the columns of `ENTRY_FIELDS`)."""
        self.entries.append(
            (
                self.now,
                self.user.pk if self.user is not None else None,
                self.user_name,
                action,
                self._content_type(instance),
                str(object_id if object_id is not None else instance.pk),
                str(instance)[:300],
                self._content_type(related) if related is not None else None,
                str(related.pk) if related is not None else "",
                before,
                after,
            )
        )

    def _touch(self, plan: Plan) -> None:
        """Remember an existing use case that changed (itself or one of its rows): its revision goes up."""
        owner = plan.instance if isinstance(plan.instance, UseCase) else resolve(plan.related)
        if isinstance(owner, UseCase) and owner.pk is not None and owner.pk not in self.new_use_cases:
            self.changed_use_cases.add(owner.pk)

    def write(self, plans: Iterable[Plan], *, counted: bool = True) -> None:
        """Create the new plans and update the changed existing ones (all of one model), counting outcomes unless
        the caller counts them itself."""
        self.counted = counted
        plans = list(plans)
        if not plans:
            return
        model = type(plans[0].instance)
        created, updated = [], []
        for plan in plans:
            instance = plan.instance
            for name, target in plan.links.items():
                setattr(instance, name, resolve(target))
            for attname, value in plan.values.items():
                setattr(instance, attname, value)
            self._store_files(instance)
            if not plan.existing:
                _validate(plan)
                created.append(plan)
                continue
            after = snapshot(instance, many_ids(plan))
            changed = [key for key, value in after.items() if plan.before.get(key) != value]
            if changed:
                _validate(plan)
                updated.append((plan, after, changed))
            else:
                self._count(plan, "unchanged")
        try:
            self._create(model, created)
            self._update(model, updated)
        except IntegrityError as error:
            raise ValidationError(
                f"The file's {model._meta.verbose_name_plural} conflict with data in the repository: {error}"
            ) from error

    def _store_files(self, instance: models.Model) -> None:
        """A file the plan gives (a drawing's embedded image) goes to storage now, under the name its field makes
        (a bulk update would not store it, and the snapshot then holds that name). A dry run's are removed by
        `finish()`."""
        for field in _file_fields(type(instance)):
            file = getattr(instance, field.attname)
            if file and not file._committed:
                file.save(file.name, file.file, save=False)
                self.stored_files.append(file)

    def _count(self, plan: Plan, outcome: str) -> None:
        if self.counted:
            self.report.count(plan.kind, "merged" if plan.merged else outcome)

    def _create(self, model: type[models.Model], plans: list[Plan]) -> None:
        if not plans:
            return
        if hasattr(model, "modified"):
            for plan in plans:
                plan.instance.modified = self.now
        model.objects.bulk_create([plan.instance for plan in plans])
        many = [many_ids(plan) for plan in plans]
        self._add_many(model, [(plan.instance.pk, ids) for plan, ids in zip(plans, many, strict=True)])
        if model is UseCase:
            self.new_use_cases.update(plan.instance.pk for plan in plans)
        self.created_pks.setdefault(model, set()).update(plan.instance.pk for plan in plans)
        for plan, ids in zip(plans, many, strict=True):
            self._count(plan, "created")
            self._touch(plan)
            subject = resolve(plan.related)
            if isinstance(subject, LIBRARY_FOLLOWED) and subject.pk not in self.created_pks.get(type(subject), ()):
                self.changed_library[(type(subject), subject.pk)] = subject  # a placement of an existing object
            self._entry(
                action=ChangeLogEntry.Action.CREATE,
                instance=plan.instance,
                before=None,
                after=snapshot(plan.instance, ids),
                related=resolve(plan.related),
            )

    def _update(self, model: type[models.Model], updates: list[tuple[Plan, dict, list[str]]]) -> None:
        if not updates:
            return
        _, many_fields = _fields(model)
        many_names = {field.name for field in many_fields}
        columns = sorted({key for _, _, changed in updates for key in changed if key not in many_names})
        if columns:
            if hasattr(model, "modified"):
                columns.append("modified")
                for plan, _, _ in updates:
                    plan.instance.modified = self.now
            rows = [plan.instance for plan, _, changed in updates if set(changed) - many_names]
            model.objects.bulk_update(rows, columns, batch_size=500)
        replaced = defaultdict(list)
        for plan, after, changed in updates:
            for name in set(changed) & many_names:
                replaced[name].append((plan.instance.pk, after[name]))
        for name, rows in replaced.items():
            field = model._meta.get_field(name)
            through = field.remote_field.through
            source = field.m2m_field_name()
            through.objects.filter(**{f"{source}_id__in": [pk for pk, _ in rows]}).delete()
            self._add_many(model, [(pk, {name: ids}) for pk, ids in rows])
        for plan, after, _ in updates:
            self._count(plan, "updated")
            self._touch(plan)
            if isinstance(plan.instance, LIBRARY_FOLLOWED):
                self.changed_library[(model, plan.instance.pk)] = plan.instance
            self._entry(
                action=ChangeLogEntry.Action.UPDATE,
                instance=plan.instance,
                before=plan.before,
                after=after,
                related=resolve(plan.related),
            )

    def _add_many(self, model: type[models.Model], rows: list[tuple[int, dict[str, list[int]]]]) -> None:
        by_field: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for pk, many in rows:
            for name, ids in many.items():
                by_field[name] += [(pk, target_pk) for target_pk in ids]
        for name, links in by_field.items():
            field = model._meta.get_field(name)
            columns = (field.m2m_field_name(), field.m2m_reverse_field_name())
            insert_rows(field.remote_field.through, columns, links)

    def delete(self, *, kind: str, rows: list[tuple[models.Model, dict[str, Any], models.Model | None]]) -> None:
        """Delete existing rows (instance, snapshot before, use case it belongs to), recording each."""
        if not rows:
            return
        model = type(rows[0][0])
        for instance, before, related in rows:
            self._entry(
                action=ChangeLogEntry.Action.DELETE,
                instance=instance,
                before=before,
                after=None,
                related=related,
                object_id=instance.pk,
            )
            if related is not None and related.pk not in self.new_use_cases:
                self.changed_use_cases.add(related.pk)
        model.objects.filter(pk__in=[instance.pk for instance, _, _ in rows]).delete()
        self.report.count(kind, "deleted", len(rows))

    def finish(self) -> None:
        """Bump the revision of every existing use case that changed (once), write the audit trail, and queue the
        follow-up work the services queue (validation, diagrams) for when the transaction commits."""
        if self.changed_use_cases:
            UseCase.objects.filter(pk__in=self.changed_use_cases).update(revision=F("revision") + 1, modified=self.now)
        usecases_changed(use_case_ids=self.new_use_cases | self.changed_use_cases)
        search_index_queue(use_case_ids=self.new_use_cases | self.changed_use_cases)
        for instance in self.changed_library.values():
            library_object_changed(obj=instance)
        insert_rows(ChangeLogEntry, ENTRY_FIELDS, self.entries)
        self.entries = []
        if self.report.dry_run:  # the rows naming them are rolled back
            for file in self.stored_files:
                file.storage.delete(file.name)
        self.stored_files = []
