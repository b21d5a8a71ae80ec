"""Merging duplicates in the shared libraries (actors, requirements, information objects, common terms).

`library_merge` moves every reference to each duplicate onto the survivor, then deletes the duplicates, in one
transaction, and records it in the audit trail. References are found from the model's relations
(`_meta.related_objects` and its own many-to-many fields), so a table added later that points at a library is
moved too. Where a moved row would clash with a row the survivor already has (an actor listed twice in one use
case, a step producing the same actor twice, two placements in the same SGAM cell), the survivor's row is kept,
takes over what the duplicate's row said that it did not (blank fields, further text) and what pointed at the
duplicate's row (an actor's placement in one use case), and the duplicate's row is deleted.

Merging changes no use case revision, as editing a library object does not; the use cases using the survivor
are validated again when the transaction commits, as after such an edit.

The reads the merge page needs (candidates with their "used in" counts, the references that will move) are here
too, next to the relations they count.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Q
from django.utils.text import capfirst

from ucmr.audit import record_change, snapshot
from ucmr.models import ChangeLogEntry
from ucmr.permissions import CHANGE, DELETE, library_usage, user_can, visible_to
from ucmr.signals import library_object_changed

# The fields a candidate search looks in, where the model has them.
SEARCH_FIELDS = ("identifier", "name", "term")
CANDIDATES_SHOWN = 100
# Fields of a row that are never taken over from a duplicate's row folded into the survivor's.
KEPT_FIELDS = {"created", "modified"}


def _label(model: type[models.Model]) -> tuple[str, str]:
    return model._meta.app_label, model._meta.model_name


def is_mergeable(model: type[models.Model]) -> bool:
    return library_usage(model) is not None  # the libraries whose use is registered (ucmr.permissions)


def may_merge(user, model: type[models.Model]) -> bool:
    """Merging is for whoever may change and delete the library's objects (curators, administrators)."""
    return is_mergeable(model) and user_can(user, CHANGE, model) and user_can(user, DELETE, model)


@dataclass(frozen=True)
class Reference:
    """A table whose rows point at objects of a model through the foreign key `field_name`. `identities`: for each
    way a row is unique, the other fields that, with the foreign key, identify it. `link`: a many-to-many table
    (its rows are audited through the objects they link, not one by one)."""

    label: str
    model: type[models.Model]
    field_name: str
    identities: tuple[tuple[str, ...], ...]
    link: bool


def _identities(model: type[models.Model], field_name: str) -> tuple[tuple[str, ...], ...]:
    found: list[tuple[str, ...]] = []
    if model._meta.get_field(field_name).unique:
        found.append(())
    together = [tuple(names) for names in model._meta.unique_together]
    together += [
        tuple(constraint.fields)
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields and constraint.condition is None
    ]
    # Uniqueness that `clean()` enforces (sgam placements: one row per subject and cell).
    identity_fields = getattr(model, "identity_fields", None)
    if identity_fields is not None:
        together.append((field_name, *identity_fields))
    for names in together:
        if field_name in names:
            others = tuple(name for name in names if name != field_name)
            found.append(tuple(model._meta.get_field(name).attname for name in others))
    return tuple(dict.fromkeys(found))


def _reference(label: str, model: type[models.Model], field_name: str) -> Reference:
    return Reference(label, model, field_name, _identities(model, field_name), bool(model._meta.auto_created))


def references_to(model: type[models.Model]) -> list[Reference]:
    """Every table whose rows point at objects of `model`: foreign keys and many-to-many tables, both those of
    other models pointing here and those of the model's own many-to-many fields."""
    found = []
    for relation in model._meta.related_objects:
        plural = capfirst(relation.related_model._meta.verbose_name_plural)
        if relation.many_to_many:
            many = relation.field
            label = f"{plural} ({many.verbose_name})"
            found.append(_reference(label, relation.through, many.m2m_reverse_field_name()))
        else:
            found.append(_reference(plural, relation.related_model, relation.field.name))
    for many in model._meta.many_to_many:
        label = f"{capfirst(many.verbose_name)} of the {model._meta.verbose_name}"
        found.append(_reference(label, many.remote_field.through, many.m2m_field_name()))
    return found


def _key(row: models.Model, attnames: tuple[str, ...]) -> tuple:
    return tuple(getattr(row, attname) for attname in attnames)


def _owner(row: models.Model, default: models.Model) -> models.Model:
    """What a change to `row` belongs to in the audit trail: its use case (for a placement of an actor in one use
    case, that use case), else the library object it now points at."""
    for candidate in (row, getattr(row, "subject", None)):
        owner = getattr(candidate, "owner_use_case", None)
        if owner is not None:
            return owner
    return default


def _take_over(*, kept: models.Model, dropped: models.Model, skip: set[str]) -> list[str]:
    """Give `kept` what `dropped` says that it does not: blank texts and empty links filled, other texts added."""
    changed = []
    for model_field in type(kept)._meta.concrete_fields:
        if model_field.primary_key or model_field.name in skip | KEPT_FIELDS:
            continue
        mine, theirs = getattr(kept, model_field.attname), getattr(dropped, model_field.attname)
        if theirs in (None, "") or mine == theirs:
            continue
        if isinstance(model_field, models.CharField | models.TextField | models.ForeignKey) and mine in (None, ""):
            setattr(kept, model_field.attname, theirs)
        elif isinstance(model_field, models.TextField):
            setattr(kept, model_field.attname, f"{mine}\n\n{theirs}")
        else:
            continue
        changed.append(model_field.attname)
    return changed


@dataclass
class _Merger:
    user: Any

    def move(self, reference: Reference, source: models.Model, target: models.Model) -> int:
        """Point `reference`'s rows from `source` to `target`, folding each row that would clash into the row
        `target` already has; the number of rows that pointed at `source`."""
        manager = reference.model._base_manager
        rows = list(manager.filter(**{reference.field_name: source}).order_by("pk"))
        if not rows:
            return 0
        index = {
            (position, _key(row, identity)): row
            for row in manager.filter(**{reference.field_name: target})
            for position, identity in enumerate(reference.identities)
        }
        for row in rows:
            keys = [(position, _key(row, identity)) for position, identity in enumerate(reference.identities)]
            clash = next((index[key] for key in keys if key in index), None)
            if clash is not None:
                self.fold(reference, kept=clash, dropped=row, target=target)
                continue
            before = None if reference.link else snapshot(row)
            manager.filter(pk=row.pk).update(**{reference.field_name: target})
            setattr(row, reference.field_name, target)
            if before is not None:
                self.audit(ChangeLogEntry.Action.UPDATE, row, before, snapshot(row), related=_owner(row, target))
            index.update(dict.fromkeys(keys, row))
        return len(rows)

    def fold(self, reference: Reference, *, kept: models.Model, dropped: models.Model, target: models.Model) -> None:
        """`dropped` says what `kept` (a row of `target`) says: keep `kept`, with what only `dropped` said and what
        pointed at `dropped`; delete `dropped`."""
        if reference.link:
            dropped.delete()
            return
        before = snapshot(kept)
        changed = _take_over(kept=kept, dropped=dropped, skip={reference.field_name})
        if changed:
            kept.save(update_fields=changed)
            self.audit(ChangeLogEntry.Action.UPDATE, kept, before, snapshot(kept), related=_owner(kept, target))
        for inner in references_to(type(dropped)):
            self.move(inner, dropped, kept)
        dropped_before, dropped_pk, related = snapshot(dropped), dropped.pk, _owner(kept, target)
        dropped.delete()
        self.audit(ChangeLogEntry.Action.DELETE, dropped, dropped_before, None, related=related, object_id=dropped_pk)

    def audit(self, action, instance, before, after, *, related, object_id=None) -> None:
        if related is instance:
            related = None
        record_change(
            user=self.user,
            action=action,
            instance=instance,
            before=before,
            after=after,
            related=related,
            object_id=object_id,
        )


@dataclass(frozen=True)
class MergedDuplicate:
    name: str
    pk: int
    moved: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.moved.values())


def _check(*, user, survivor: models.Model, duplicates: list[models.Model]) -> None:
    model = type(survivor)
    if not is_mergeable(model):
        raise ValidationError(f"{capfirst(model._meta.verbose_name_plural)} cannot be merged.")
    if not may_merge(user, model):
        raise ValidationError(
            f"Only those who may change and delete {model._meta.verbose_name_plural} (library curators) may merge them."
        )
    if not duplicates:
        raise ValidationError("Choose at least one duplicate to merge.")
    for duplicate in duplicates:
        if type(duplicate) is not model:
            raise ValidationError(
                f"'{duplicate}' is a {duplicate._meta.verbose_name}, not a {model._meta.verbose_name}: "
                "only objects of the same library can be merged."
            )
        if duplicate.pk == survivor.pk:
            raise ValidationError(f"'{survivor}' cannot be merged into itself.")


@transaction.atomic
def library_merge(*, user, survivor: models.Model, duplicates: list[models.Model]) -> list[MergedDuplicate]:
    """Merge `duplicates` into `survivor` (objects of the same library): every reference to a duplicate moves to
    the survivor, the duplicates are deleted. One audit entry per duplicate (a deletion naming the survivor and the
    references moved) and one on the survivor; one per use case row changed on the way. Refused (ValidationError)
    for a user who may not change and delete the library's objects, for the survivor itself, for objects of
    another model, and for objects deleted meanwhile."""
    duplicates = list(duplicates)
    _check(user=user, survivor=survivor, duplicates=duplicates)
    model = type(survivor)
    wanted = {survivor.pk, *(duplicate.pk for duplicate in duplicates)}
    locked = model._base_manager.select_for_update().filter(pk__in=wanted).order_by("pk").in_bulk()
    if set(locked) != wanted:
        raise ValidationError(f"Some of the {model._meta.verbose_name_plural} chosen have been deleted meanwhile.")
    survivor = locked[survivor.pk]
    survivor_before = snapshot(survivor)
    merger = _Merger(user=user)
    references = references_to(model)
    merged = []
    try:
        with transaction.atomic():
            for pk in sorted(wanted - {survivor.pk}):
                duplicate = locked[pk]
                duplicate_before = snapshot(duplicate)
                moved = {reference.label: merger.move(reference, duplicate, survivor) for reference in references}
                result = MergedDuplicate(str(duplicate), pk, {label: count for label, count in moved.items() if count})
                duplicate.delete()
                merger.audit(
                    ChangeLogEntry.Action.DELETE,
                    duplicate,
                    duplicate_before,
                    {"merged_into": f"{survivor} (#{survivor.pk})", "references_moved": result.total},
                    related=survivor,
                    object_id=pk,
                )
                merged.append(result)
    except IntegrityError as error:
        raise ValidationError(f"The merge conflicts with data saved meanwhile: {error}") from error
    summary = "; ".join(f"{item.name} (#{item.pk}): {item.total} reference(s) moved" for item in merged)
    merger.audit(
        ChangeLogEntry.Action.UPDATE, survivor, survivor_before, {**snapshot(survivor), "merged": summary}, related=None
    )
    library_object_changed.send(sender=model, obj=survivor)
    return merged


# Reads for the merge page.


def library_usage_counts(*, user, model: type[models.Model], pks) -> dict[int, int]:
    """For each object of `pks`, the number of use cases the user may see that use it: one query per kind of use,
    whatever the number of objects."""
    using_model, paths = library_usage(model)
    visible = visible_to(user, using_model.objects.order_by())
    used: dict[int, set[int]] = {pk: set() for pk in pks}
    for path in paths:
        rows = model._base_manager.filter(pk__in=list(used), **{f"{path}__in": visible}).values_list("pk", path)
        for pk, use_case in rows.order_by().distinct():
            used[pk].add(use_case)
    return {pk: len(use_cases) for pk, use_cases in used.items()}


def library_merge_candidates(*, user, survivor: models.Model, query: str = "") -> list[models.Model]:
    """The other objects of the survivor's library that match `query` (first `CANDIDATES_SHOWN`), each with
    `used_in`: the number of use cases the user may see that use it."""
    model = type(survivor)
    candidates = visible_to(user, model.objects.exclude(pk=survivor.pk))
    query = query.strip()
    if query:
        names = [name for name in SEARCH_FIELDS if any(f.name == name for f in model._meta.concrete_fields)]
        candidates = candidates.filter(reduce(or_, (Q(**{f"{name}__icontains": query}) for name in names)))
    shown = list(candidates.order_by(*model._meta.ordering, "pk")[:CANDIDATES_SHOWN])
    counts = library_usage_counts(user=user, model=model, pks=[obj.pk for obj in shown])
    for obj in shown:
        obj.used_in = counts[obj.pk]
    return shown


@dataclass(frozen=True)
class MergePreview:
    """What merging `obj` will move: (label, number of rows) per kind of reference; `used_in` as on the list."""

    obj: models.Model
    moved: list[tuple[str, int]]
    used_in: int

    @property
    def total(self) -> int:
        return sum(count for _, count in self.moved)


def library_merge_preview(*, user, objects: list[models.Model]) -> list[MergePreview]:
    """For each object, how many rows of each kind point at it (in every use case, seen or not: they all move):
    one query per kind of reference, whatever the number of objects."""
    if not objects:
        return []
    model = type(objects[0])
    pks = [obj.pk for obj in objects]
    counts: dict[int, list[tuple[str, int]]] = {pk: [] for pk in pks}
    for reference in references_to(model):
        rows = (
            reference.model._base_manager.filter(**{f"{reference.field_name}__in": pks})
            .values_list(reference.field_name)
            .annotate(count=Count("pk"))
            .order_by()
        )
        for pk, count in rows:
            counts[pk].append((reference.label, count))
    used_in = library_usage_counts(user=user, model=model, pks=pks)
    return [MergePreview(obj, counts[obj.pk], used_in[obj.pk]) for obj in objects]
