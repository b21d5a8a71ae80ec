"""How an imported object remembers what its file said, so that the export can say it again.

A model's `extra` JSON holds two things:

- the document's own `extra` (name -> text: what a dialect says that our model has no field for, such as a variant
  D KPI's `target`), stored as top-level keys and exported again as `ucmr:extra.<kind>.<name>` entries;
- under the key `@exchange` (a name no XML element and no `ucmr:` key can produce), the loader's bookkeeping:

  - `mrid`: the mRID as the file wrote it when it is not a UUID (BRIDGE uses actor names as mRIDs); the row's
    `mrid` column holds uuid5 of it;
  - `as_found`: `{field: [stored, found]}` for a value we had to change to store it (shortened to fit its column, a
    blank name filled in, a duplicate step number suffixed, a blank relation type stored as "associate"); the
    export writes `found` for as long as the column still holds `stored`;
  - `order`: `{many-to-many field: [mRID, ...]}`, the order the file listed references in (a many-to-many field
    keeps none);
  - `narrative_mrid`, `authors`, `authors_text`, `date`, `fai`, `fai_extra`, `empty_fai`, `type_text`,
    `placeholder`: see the loader and the dumper.

Every value under `@exchange` is only believed while the columns still say what the import wrote: a later edit in
the application wins over what the file said.
"""

import functools
import uuid
from typing import Any

from django.db import models

BOOKKEEPING = "@exchange"
# `extra` flag of a stub that a file names only in free text (an Excel sheet's row 29): it is linked to a use case the
# user sees that has its ID (in the workspace first) or its name, and never made a placeholder: with none, the
# relation is dropped (and reported), the text staying with the use case.
LOOKUP = "lookup"

# Namespace of the UUIDs that non-UUID mRIDs map to, and of the mRIDs the loader derives for objects without one.
MRID_NAMESPACE = uuid.UUID("3c1f0a52-6255-4c9e-8d3a-1e0c62559e03")


@functools.lru_cache(maxsize=1 << 16)  # a file refers to the same objects many times
def to_uuid(mrid: str) -> uuid.UUID | None:
    """The UUID an (already normalised) mRID names: itself when it is one, else uuid5 of the text; None if blank."""
    if not mrid:
        return None
    try:
        return uuid.UUID(mrid)
    except ValueError:
        return uuid.uuid5(MRID_NAMESPACE, mrid)


def derive_uuid(*parts: Any) -> uuid.UUID:
    """A stable mRID for an object the file gives none: the same file gives the same one, so a re-import matches."""
    return uuid.uuid5(MRID_NAMESPACE, "\x1f".join(str(part) for part in parts))


def raw_mrid(mrid: str) -> str:
    """What to keep of the file's mRID: blank when the UUID column says the same, else the text itself."""
    value = to_uuid(mrid)
    return "" if value is None or str(value) == mrid else mrid


def split_extra(extra: dict[str, Any] | None) -> tuple[dict[str, str], dict[str, Any]]:
    """(the document's extra, the loader's bookkeeping) of a model's `extra`."""
    extra = dict(extra or {})
    book = extra.pop(BOOKKEEPING, None)
    return {key: value for key, value in extra.items() if isinstance(value, str)}, dict(book or {})


def join_extra(document_extra: dict[str, str], book: dict[str, Any]) -> dict[str, Any]:
    """A model's `extra` from its two parts; empty parts are left out so that unchanged rows compare equal."""
    extra: dict[str, Any] = {key: value for key, value in document_extra.items() if not key.startswith("@")}
    book = {key: value for key, value in book.items() if value not in (None, "", [], {})}
    if book:
        extra[BOOKKEEPING] = book
    return extra


def bookkeeping(instance: models.Model) -> dict[str, Any]:
    return split_extra(getattr(instance, "extra", None))[1]


def document_mrid(instance: models.Model) -> str:
    """The mRID to write for an object: the file's non-UUID spelling when it came with one, else the UUID."""
    return bookkeeping(instance).get("mrid") or str(instance.mrid)


def found_value(instance: models.Model, field: str, book: dict[str, Any] | None = None) -> Any:
    """The value the file had for `field`, as long as the column still holds what the import stored."""
    current = getattr(instance, field)
    book = bookkeeping(instance) if book is None else book
    stored_found = (book.get("as_found") or {}).get(field)
    if stored_found and stored_found[0] == current:
        return stored_found[1]
    return current


def ordered(items: list, *, mrid_of, order: list[str] | None, key) -> list:
    """`items` in the file's order when `order` still names exactly them, else sorted by `key`."""
    if order:
        by_mrid = {mrid_of(item): item for item in items}
        if len(by_mrid) == len(items) and set(order) == set(by_mrid):
            return [by_mrid[mrid] for mrid in order]
    return sorted(items, key=key)


def reference_key(target: Any) -> tuple:
    """How the export orders references whose order the file did not keep: by what the objects say, then by mRID.
    `target` is a row, or a `bulk.Plan` whose values are not written yet."""
    instance, values = (target.instance, target.values) if hasattr(target, "before") else (target, {})

    def text(name: str) -> str:
        return str(values.get(name, getattr(instance, name, "")) or "").lower()

    kind = type(instance).__name__
    if kind == "Objective":
        return (values.get("position", instance.position), "", str(instance.mrid))
    if kind in ("InformationObject", "Requirement", "RequirementCategory"):
        return (text("identifier"), text("name"), str(instance.mrid))
    return (text("term" if kind == "CommonTerm" else "name"), "", str(instance.mrid))


def kept_order(targets: list) -> list[str]:
    """The mRIDs of `targets` in the file's order when sorting would not give it back, else [] (nothing to keep)."""
    keys = [reference_key(target) for target in targets]
    return [] if keys == sorted(keys) else [key[-1] for key in keys]


@functools.cache
def text_fields(model: type[models.Model]) -> dict[str, tuple[int | None, bool, frozenset | None, bool]]:
    """attname -> (max_length, blank allowed, choices, is a CharField) of the model's text columns."""
    specs = {}
    for field in model._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField) and not isinstance(field, models.FileField):
            choices = frozenset(value for value, _ in field.flatchoices) if field.choices else None
            specs[field.attname] = (field.max_length, field.blank, choices, isinstance(field, models.CharField))
    return specs
