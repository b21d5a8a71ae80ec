"""DRF serializers for the neutral document (`usecases.xml.document`), made from its dataclasses so that the JSON
and the XML always carry the same fields: a new field in the document is a new field in the API.

Text is kept exactly as sent (no trimming), dates are ISO 8601 as the document has them (naive, or with the offset
the file gave), lists default to empty; `mrid_raw` (provenance of a file) and `warnings` are not part of the JSON.
Sub-steps and sub-categories nest to any depth (`children`), which the OpenAPI schema describes as a reference to
the same component.
"""

import hashlib
import logging
import threading
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, fields
from datetime import datetime
from types import UnionType

from django.conf import settings
from django.core.cache import cache
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from usecases.exchange.dump_use_cases import OWN_FIELDS, use_case_own_fields
from usecases.exchange.records import bookkeeping
from usecases.exchange.selectors import usecase_visible_ids
from usecases.exchange.use_cases import PLACEHOLDER
from usecases.models import UseCase, UseCaseRelation
from usecases.selectors import library_stamp
from usecases.xml import document as doc

HIDDEN_FIELDS = {"mrid_raw", "warnings", "is_stub", "content", "filename", "digest"}  # a drawing's embedded image
_made: dict[type, type[serializers.Serializer]] = {}


class NestedDocument(serializers.Field):
    """A list item of the same class as the one being defined (a step's `children`), resolved when used."""

    def __init__(self, cls: type, **kwargs):
        self.cls = cls
        self._serializer = None
        super().__init__(**kwargs)

    def serializer(self) -> serializers.Serializer:
        """One serializer for every item this field meets: making one per sub-step costs more than the JSON."""
        if self._serializer is None:
            self._serializer = document_serializer(self.cls)()
        return self._serializer

    def to_representation(self, value):
        return representation_plan(self.serializer_class())(value)

    def serializer_class(self) -> type[serializers.Serializer]:
        return document_serializer(self.cls)

    def to_internal_value(self, data):
        return self.serializer().run_validation(data)


class DocumentDateTimeField(serializers.DateTimeField):
    """A date as the document has it: naive when the file gave no time zone, else with the file's offset. Turning it
    into the server's time zone would make a document read and written back a different one (see `_date` of the
    dumper, which keeps the file's spelling while the moment is the same)."""

    def enforce_timezone(self, value):
        return value


class NestedDocumentExtension(OpenApiSerializerFieldExtension):
    target_class = NestedDocument

    def map_serializer_field(self, auto_schema, direction):
        return auto_schema.resolve_serializer(document_serializer(self.target.cls), direction).ref


# A document is thousands of values in hundreds of nested objects: DRF's generic loop (a copy of every nested
# serializer's fields for each response, then a lookup, a None check and a method call per value) cost more than
# reading the use case. A document's serializers are read through a plan made once per process from their fields,
# which gives the same representation: a text is `str(value)`, a list or dict of texts is built in one
# comprehension, nested documents follow their own plans, any other field is asked as DRF asks it.
_plans: dict[type, Callable[[object], dict]] = {}
_planning: dict[type, Callable[[object], dict]] = {}  # plans being made (a step's children follow the step's plan)
_planning_lock = threading.RLock()


class PlannedSerializer(serializers.Serializer):
    """A serializer whose fields need no context, represented through its plan (`representation_plan`)."""

    def to_representation(self, instance):
        if isinstance(instance, Mapping):  # validated data, or a browsable API form's initial values
            return super().to_representation(instance)
        return representation_plan(type(self))(instance)


def representation_plan(serializer_class: type[PlannedSerializer]) -> Callable[[object], dict]:
    """What `serializer_class().to_representation(instance)` gives, made once; safe to share between threads."""
    plan = _plans.get(serializer_class)
    if plan is not None:
        return plan
    with _planning_lock:
        plan = _plans.get(serializer_class) or _planning.get(serializer_class)
        if plan is not None:
            return plan
        readers: list[tuple[str, str, Callable[[object], object]]] = []

        def plan(instance) -> dict:
            # As DRF: None stays None without asking the field.
            return {
                name: None if (value := getattr(instance, attribute)) is None else represent(value)
                for name, attribute, represent in readers
            }

        outermost = not _planning
        _planning[serializer_class] = plan
        try:
            for field in serializer_class()._readable_fields:
                (attribute,) = field.source_attrs
                readers.append((field.field_name, attribute, _value_plan(field)))
            if outermost:  # only whole plans are shared: another thread waits for the lock meanwhile
                _plans.update(_planning)
        finally:
            if outermost:
                _planning.clear()
        return plan


def _value_plan(field: serializers.Field) -> Callable[[object], object]:
    """How a value of `field` is represented: as `field.to_representation` does, without its per-value calls."""
    if type(field) is serializers.CharField:
        return str
    if type(field) is serializers.DictField and type(field.child) is serializers.CharField:
        return lambda values: {str(key): None if value is None else str(value) for key, value in values.items()}
    if type(field) is serializers.ListField and type(field.child) is serializers.CharField:
        return lambda values: [None if value is None else str(value) for value in values]
    if type(field) is serializers.ListField and type(field.child) is NestedDocument:
        nested = representation_plan(field.child.serializer_class())
        return lambda values: [None if value is None else nested(value) for value in values]
    if isinstance(field, serializers.ListSerializer) and isinstance(field.child, PlannedSerializer):
        child = representation_plan(type(field.child))
        return lambda values: [child(value) for value in values]
    if isinstance(field, PlannedSerializer):
        return representation_plan(type(field))
    return field.to_representation


def _field(cls: type, name: str, hint, *, default) -> serializers.Field:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is str:
        return serializers.CharField(allow_blank=True, trim_whitespace=False, required=False, default=default)
    if hint is bool:
        return serializers.BooleanField(required=False, default=default)
    if origin in (UnionType, typing.Union) and datetime in args:
        return DocumentDateTimeField(allow_null=True, required=False, default=None)
    if origin is dict:
        return serializers.DictField(
            child=serializers.CharField(allow_blank=True, trim_whitespace=False), required=False, default=dict
        )
    if origin is list and args[0] is str:
        return serializers.ListField(
            child=serializers.CharField(allow_blank=True, trim_whitespace=False), required=False, default=list
        )
    if origin is list and args[0] is cls:
        return serializers.ListField(child=NestedDocument(cls), required=False, default=list)
    if origin is list:
        return document_serializer(args[0])(many=True, required=False, default=list)
    raise TypeError(f"{cls.__name__}.{name}: no API field for {hint!r}")


def document_serializer(cls: type) -> type[serializers.Serializer]:
    """The serializer of a document class (made once): validated data is an instance of `cls`."""
    if cls in _made:
        return _made[cls]
    hints = typing.get_type_hints(cls)
    attrs = {}
    for item in fields(cls):
        if item.name in HIDDEN_FIELDS:
            continue
        default = item.default if item.default is not MISSING else None
        attrs[item.name] = _field(cls, item.name, hints[item.name], default=default)

    def to_internal_value(self, data):
        return cls(**serializers.Serializer.to_internal_value(self, data))

    attrs["to_internal_value"] = to_internal_value
    attrs["__doc__"] = (cls.__doc__ or "").strip() or None
    serializer = type(f"{cls.__name__}DocumentSerializer", (PlannedSerializer,), attrs)
    _made[cls] = serializer
    return serializer


class RelatedUseCaseSerializer(PlannedSerializer):
    """A use case the document's relations point at (a stub: its header, not its content)."""

    mrid = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False, default="")
    identifier = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False, default="")
    name = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False, default="")
    nature = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False, default="")

    def to_internal_value(self, data):
        return doc.UseCase(**super().to_internal_value(data), is_stub=True)


class LibrariesSerializer(PlannedSerializer):
    """The library objects a use case document refers to (by mRID), and stubs of its related use cases."""

    actors = document_serializer(doc.Actor)(many=True, required=False, default=list)
    areas = document_serializer(doc.Area)(many=True, required=False, default=list)
    business_cases = document_serializer(doc.BusinessCase)(many=True, required=False, default=list)
    information_objects = document_serializer(doc.InformationObject)(many=True, required=False, default=list)
    common_terms = document_serializer(doc.CommonTerm)(many=True, required=False, default=list)
    requirement_categories = document_serializer(doc.RequirementCategory)(many=True, required=False, default=list)
    related_use_cases = RelatedUseCaseSerializer(many=True, source="use_cases", required=False, default=list)

    def to_internal_value(self, data):
        return doc.Repository(**super().to_internal_value(data))


# The document cache: one use case's serialised document, kept in Django's cache (Redis in production, the process's
# memory in the embedded default) and keyed by everything its content follows from, so that no write has to remove
# anything and a stale entry can never be found: the use case's id, mRID, revision and last change (every write bumps
# the revision and the time; the mRID and time tell apart rows that a restored database or a rolled-back test gave
# the same id and revision), the address the links are built on, the related use cases the requester may see (their
# stubs are the only part of a document that depends on who reads it) with their revisions (their headers), and the
# latest change to any library object (the `libraries` section shows their current state).

CACHE_PREFIX = "ucmr:usecase-document"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DocumentVersion:
    """What one reader's document of one use case follows from. `etag` names it to clients: the use case's revision,
    the reader's variant, and a digest of what the document shows of other objects (library objects, related use
    cases), so that `If-None-Match` never keeps a library change from a client. `write_tag` is the part of it a
    write compares with `If-Match`: a write conflicts with a change of the use case, not with a library object
    changed meanwhile. `cache_key` stores the document."""

    etag: str
    write_tag: str
    cache_key: str
    related: tuple = ()  # what it shows of other objects: the related use cases seen, with their revisions,
    library_stamp: tuple = ()  # and the latest change to a library object

    def written_over(self, header: str) -> bool:
        """Whether an `If-Match` header names an older state of the use case than this one (a write would lose it)."""
        tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
        return "*" not in tags and not any(tag.startswith(self.write_tag) for tag in tags)


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _related_seen(*, user, use_case: UseCase) -> tuple[tuple[int, int, datetime], ...]:
    """The related use cases whose stubs `user` sees in the document, with their revisions (two queries at most)."""
    related = {
        pk: (revision, modified)
        for pk, revision, modified in UseCaseRelation.objects.filter(use_case=use_case).values_list(
            "related_id", "related__revision", "related__modified"
        )
    }
    visible = usecase_visible_ids(user=user, pks=set(related) - {use_case.pk}) | {use_case.pk}
    return tuple(sorted((pk, *related[pk]) for pk in related if pk in visible))


def usecase_document_version(
    *, user, use_case: UseCase, base_url: str, others_as: DocumentVersion | None = None
) -> DocumentVersion:
    """The ETag and cache key of `use_case`'s document as `user` reads it at `base_url` (the scheme and host the
    links are built on), without building it: a few small queries, whatever the size of the use case. `others_as`:
    the version of an earlier state of `use_case` read in the same transaction, which the document still shows
    other objects as (a write changed only the use case's row): then no query."""
    if others_as is None:
        related, stamp = _related_seen(user=user, use_case=use_case), library_stamp()
    else:
        related, stamp = others_as.related, others_as.library_stamp
    variant = _digest(base_url, tuple(pk for pk, *_ in related))
    write_tag = f'"{use_case.pk}-{use_case.revision}-{variant[:16]}-'
    others = _digest(related, stamp)
    etag = f'{write_tag}{others[:12]}"'
    state = _digest(etag, str(use_case.mrid), use_case.modified.isoformat(), others)
    cache_key = f"{CACHE_PREFIX}:{use_case.pk}:{state}"
    return DocumentVersion(etag=etag, write_tag=write_tag, cache_key=cache_key, related=related, library_stamp=stamp)


def usecase_document_cached(*, version: DocumentVersion) -> dict | None:
    """The serialised document named by `version` if it is cached."""
    try:
        return cache.get(version.cache_key)
    except Exception:  # a cache that is down (Redis answers within a second) leaves the document to the database
        logger.warning("The document cache did not answer", exc_info=True)
        return None


def usecase_document_data(*, version: DocumentVersion, build) -> dict:
    """The serialised document named by `version`: from the cache, or `build()` (the serialiser's data) stored."""
    data = usecase_document_cached(version=version)
    if data is None:
        data = dict(build())
        data["warnings"] = []  # the advice of one write is part of its answer, never of the document
        try:
            cache.set(version.cache_key, data, settings.UCMR_DOCUMENT_CACHE_SECONDS)
        except Exception:
            logger.warning("The document cache did not answer", exc_info=True)
    return data


def usecase_document_rewritten(*, data: dict, use_case: UseCase) -> dict | None:
    """`data`, the serialised document of an earlier revision of `use_case`, as it is now, when only the use case's
    own row changed since (a PATCH of sections 1.1 to 1.7), showing other objects as `data` does: the fields that
    row gives are read from it again, the rest is kept (its tables were not read for the answer). None for a
    placeholder, whose document is a stub and not made from those fields."""
    if bookkeeping(use_case).get(PLACEHOLDER):
        return None
    shown = representation_plan(document_serializer(doc.UseCase))(doc.UseCase(**use_case_own_fields(use_case)))
    document = {**data["document"], **{name: shown[name] for name in OWN_FIELDS}}
    return {**data, "status": use_case.status, "revision": use_case.revision, "document": document}
