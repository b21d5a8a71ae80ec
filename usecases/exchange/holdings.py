"""What the repository already holds that a file's objects may be, loaded in bulk before anything is planned (a
few queries per table, however large the file): library objects by mRID and by name or identifier, the use cases
the file names, the rows of those it updates, many-to-many links and placements, and which of them the user may
change. Nothing here writes."""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models.functions import Lower, Trim

from requirements.models import RequirementCategory
from sgam.models import Domain, Layer, NistDomain, NistPlacement, SgamPlacement, Zone
from usecases.exchange.bulk import Plan, snapshot
from usecases.exchange.kinds import KINDS_BY_MODEL, LIBRARY_MODELS, ROW_MODELS, ROW_RELATED, placement_key
from usecases.exchange.permits import Permits
from usecases.exchange.prepare import references
from usecases.exchange.records import LOOKUP, derive_uuid, to_uuid
from usecases.models import ActorRole, Step, UseCase, UseCaseRelation, Workspace
from usecases.xml import document as doc

CHUNK = 5000
DEFAULT_WORKSPACE_NAME = "Imported use cases"


def name_key(name: str) -> str:
    """Actors and terms are the same when their names are, ignoring case and surrounding space."""
    return name.strip().lower()


def derived_uid(kind: str, node: doc.Node) -> uuid.UUID:
    """The mRID of a library object the file gives none: from what it says, so that the same object from the
    same (or another) file gets the same one."""
    name = node.term if kind == "common_term" else node.name
    parts = [requirement.mrid for requirement in node.requirements] if kind == "requirement_category" else []
    return derive_uuid(kind, getattr(node, "identifier", ""), name, *parts)


def row_key(instance: models.Model) -> Any:
    """How an existing row is found again: by mRID, except actors of a use case (by actor), relations (by related
    use case and type) and placements (by cell)."""
    if isinstance(instance, ActorRole):
        return ("actor", instance.actor_id)
    if isinstance(instance, UseCaseRelation):
        return ("relation", instance.related_id, instance.type)
    if isinstance(instance, SgamPlacement | NistPlacement):
        return placement_key(instance)
    return instance.mrid


class ExistingRows:
    """The rows an existing use case has, by model and matching key, and which of them the file claimed."""

    def __init__(self) -> None:
        self.rows: dict[type, dict[Any, models.Model]] = {}
        self.many: dict[tuple[type, int], dict[str, list[int]]] = {}
        self.repeated: list[tuple[type, models.Model]] = []

    def add(self, model: type, key: Any, instance: models.Model) -> None:
        """A row is found by its key; a second row with the same key (two rows sharing an mRID) is left over."""
        rows = self.rows.setdefault(model, {})
        if key in rows:
            self.repeated.append((model, instance))
        else:
            rows[key] = instance

    def peek(self, model: type, key: Any) -> models.Model | None:
        return self.rows.get(model, {}).get(key)

    def take(self, model: type, key: Any) -> tuple[models.Model, dict[str, Any]] | None:
        """The row with this key (and its snapshot), which is then no longer left over."""
        instance = self.rows.get(model, {}).pop(key, None)
        if instance is None:
            return None
        return instance, snapshot(instance, self.many.get((model, instance.pk), {}))

    def leftovers(self) -> list[tuple[models.Model, dict[str, Any]]]:
        rows = [(model, instance) for model, found in self.rows.items() for instance in found.values()]
        return [
            (instance, snapshot(instance, self.many.get((model, instance.pk), {})))
            for model, instance in [*rows, *self.repeated]
        ]


class Holdings:
    """The repository's objects a file may name, by kind: `existing` by mRID, `by_key` by match key (see
    `libraries.py`), `changeable` the primary keys the user may change, `many` the many-to-many ids of each loaded
    object, `placements` the cells each actor and information object has; and the reference data (SGAM and NIST)."""

    def __init__(self, *, permits: Permits) -> None:
        self.permits = permits
        self.existing: dict[str, dict[uuid.UUID, models.Model]] = defaultdict(dict)
        self.by_key: dict[str, dict[str, models.Model]] = defaultdict(dict)
        self.changeable: dict[str, set[int]] = defaultdict(set)
        self.many: dict[tuple[str, int], dict[str, list[int]]] = {}
        self.placements: dict[tuple[str, int], set[tuple]] = defaultdict(set)
        self.identifiers: dict[tuple[Any, str], Any] = {}
        self.workspaces: dict[str, Workspace] = {}
        self.category_parents: dict[int, int | None] = {}
        self.layers: dict[str, Layer] = {}
        self.domains: dict[str, Domain] = {}
        self.zones: dict[str, Zone] = {}
        self.nist_domains: dict[str, NistDomain] = {}

    def load_libraries(self, repository: doc.Repository) -> None:
        defined = {
            "area": repository.areas,
            "business_case": repository.business_cases,
            "requirement_category": repository.all_categories(),
            "requirement": repository.all_requirements(),
            "actor": repository.actors,
            "information_object": repository.information_objects,
            "common_term": repository.common_terms,
        }
        referred = references(repository)
        keys = _match_keys(repository)
        for kind, model in LIBRARY_MODELS.items():
            uids = {to_uuid(node.mrid) or derived_uid(kind, node) for node in defined[kind]}
            uids |= {to_uuid(mrid) for mrid in referred.get(kind, ()) if mrid}
            found = in_chunks(model.objects.all(), "mrid", uids)
            self.existing[kind] = {instance.mrid: instance for instance in found}
            for field, values in keys.get(kind, {}).items():
                rows = in_chunks(
                    model.objects.annotate(match_key=Lower(Trim(field))).order_by("pk"), "match_key", values
                )
                for instance in rows:
                    instance = self.existing[kind].setdefault(instance.mrid, instance)  # one object per row
                    self.by_key[kind].setdefault(f"{field}:{name_key(getattr(instance, field))}", instance)
            loaded = {
                instance.pk: instance for instance in [*self.existing[kind].values(), *self.by_key[kind].values()]
            }
            self.changeable[kind] = self.permits.allowed(model, loaded)
            for field in model._meta.many_to_many:
                self.load_many(kind, model, field.name, list(loaded))
            if kind in ("actor", "information_object"):
                for placement_model in (SgamPlacement, NistPlacement):
                    for placement in in_chunks(placement_model.objects.all(), f"{kind}_id", list(loaded)):
                        self.placements[(kind, getattr(placement, f"{kind}_id"))].add(placement_key(placement))
        self.category_parents = dict(RequirementCategory.objects.values_list("pk", "parent_id"))
        self.layers = {item.code: item for item in Layer.objects.all()}
        self.domains = {item.code: item for item in Domain.objects.all()}
        self.zones = {item.code: item for item in Zone.objects.all()}
        self.nist_domains = {item.code: item for item in NistDomain.objects.all()}

    def load_use_cases(self, use_cases: list[doc.UseCase], *, lock: bool) -> None:
        """The use cases the file names (by mRID, identifier, or name for `LOOKUP` stubs) and the workspaces it
        names. `lock`: planned inside the import's transaction (see `loader.repository_import`), locked now."""
        uids = {to_uuid(use_case.mrid) for use_case in use_cases if use_case.mrid}
        uids |= {
            to_uuid(relation.use_case_ref)
            for use_case in use_cases
            for relation in use_case.relations
            if relation.use_case_ref
        }
        locked = UseCase.objects.select_related("workspace")
        if lock:
            locked = locked.select_for_update(of=("self",))
        self.existing["use_case"] = {instance.mrid: instance for instance in in_chunks(locked, "mrid", uids)}
        identifiers = {use_case.identifier.strip() for use_case in use_cases if use_case.identifier.strip()}
        for instance in in_chunks(locked, "identifier", identifiers):
            instance = self.existing["use_case"].setdefault(instance.mrid, instance)
            self.identifiers[(instance.workspace_id, instance.identifier)] = instance
        names = {
            use_case.name.strip() for use_case in use_cases if use_case.extra.get(LOOKUP) and use_case.name.strip()
        }
        for instance in in_chunks(locked, "name", names):  # stubs a file names in free text (see LOOKUP)
            self.existing["use_case"].setdefault(instance.mrid, instance)
        for instance in self.existing["use_case"].values():
            if instance.identifier:
                self.identifiers.setdefault((instance.workspace_id, instance.identifier), instance)
        self.changeable["use_case"] = self.permits.allowed(
            UseCase, {instance.pk: instance for instance in self.existing["use_case"].values()}
        )
        names = {use_case.workspace.strip() for use_case in use_cases if use_case.workspace.strip()}
        self.workspaces = {
            workspace.name: workspace
            for workspace in Workspace.objects.filter(name__in=names | {DEFAULT_WORKSPACE_NAME})
        }

    def load_rows(self, pks: list[int]) -> dict[int, ExistingRows]:
        """The rows of the use cases the file updates (by primary key), each table in one query."""
        rows_of: dict[int, ExistingRows] = {pk: ExistingRows() for pk in pks}
        if not pks:
            return rows_of
        for field in UseCase._meta.many_to_many:
            self.load_many("use_case", UseCase, field.name, pks)
        for kind, model in ROW_MODELS.items():
            owner = "scenario__use_case_id" if model is Step else "use_case_id"
            rows = model.objects.annotate(owner_pk=models.F(owner)).select_related(*ROW_RELATED.get(model, ()))
            rows = list(in_chunks(rows.order_by("pk"), owner, pks))
            for field in model._meta.many_to_many:
                self.load_many(kind, model, field.name, [row.pk for row in rows])
            for row in rows:
                holder = rows_of[row.owner_pk]
                holder.add(model, row_key(row), row)
                holder.many[(model, row.pk)] = self.many.get((kind, row.pk), {})
        return rows_of

    def load_many(self, kind: str, model: type[models.Model], name: str, pks: list[int]) -> None:
        field = model._meta.get_field(name)
        through = field.remote_field.through
        source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        links = in_chunks(through.objects.order_by("pk"), source, pks, columns=(source, target))
        for pk in pks:
            self.many.setdefault((kind, pk), {}).setdefault(name, [])
        for source_pk, target_pk in links:
            self.many[(kind, source_pk)][name].append(target_pk)

    def current_many(self, kind: str, instance: models.Model) -> dict[str, list[int]]:
        return self.many.get((kind, instance.pk), {})

    def current_placements(self, target: Any) -> set[tuple]:
        if isinstance(target, Plan):
            return set()
        return self.placements[(KINDS_BY_MODEL[type(target)], target.pk)]


def in_chunks(queryset: models.QuerySet, field: str, keys: Iterable, *, columns: tuple[str, ...] = ()) -> list:
    """`queryset.filter(<field>__in=keys)` (or its `values_list(*columns)`) in chunks: SQLite limits the number of
    parameters of one statement."""
    keys = [key for key in dict.fromkeys(keys) if key is not None]
    found: list = []
    for start in range(0, len(keys), CHUNK):
        chunk = queryset.filter(**{f"{field}__in": keys[start : start + CHUNK]})
        found += list(chunk.values_list(*columns) if columns else chunk)
    return found


def _match_keys(repository: doc.Repository) -> dict[str, dict[str, set[str]]]:
    """The names and identifiers the libraries will be matched by, to look them up in bulk."""
    keys: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for actor in repository.actors:
        keys["actor"]["name"].add(name_key(actor.name))
    for term in repository.common_terms:
        keys["common_term"]["term"].add(name_key(term.term))
    blank = {
        "area": repository.areas,
        "business_case": repository.business_cases,
        "information_object": repository.information_objects,
        "requirement": repository.all_requirements(),
        "requirement_category": repository.all_categories(),
    }
    for kind, items in blank.items():
        for item in items:
            if not item.mrid:
                field = "identifier" if getattr(item, "identifier", "").strip() else "name"
                if getattr(item, field).strip():
                    keys[kind][field].add(name_key(getattr(item, field)))
    return keys
