"""The shared libraries of a file (areas, business cases, requirement categories and requirements, actors,
information objects, common terms) matched to the repository's and planned for writing.

Matching, in this order: the mRID (a non-UUID mRID, such as BRIDGE's actor names, by its uuid5); for actors and
common terms then the name ignoring case and surrounding space (their names are unique that way, so the same actor
from five files is one actor); for an object without mRID its identifier (information objects, requirements,
categories) or name. Objects the file lists twice are written once.

An object already in the repository is shared with other use cases and other files: the file fills in and changes
what it says, but a value the file leaves blank does not blank the repository's, and references and placements
are added, never removed.
"""

import uuid
from typing import Any

from actors.models import Actor
from requirements.models import Requirement, RequirementCategory
from sgam.models import NistPlacement, SgamPlacement
from usecases.exchange.bulk import Plan, snapshot
from usecases.exchange.holdings import Holdings, derived_uid, name_key
from usecases.exchange.planner import Planner
from usecases.exchange.records import join_extra, kept_order, raw_mrid, split_extra, to_uuid
from usecases.models import Area, BusinessCase, CommonTerm, InformationObject
from usecases.xml import document

UNCATEGORISED = "uncategorised"  # extra flag of the category the dumper invents for requirements in none


class LibraryPlanner(Planner):
    """Plans the libraries of one file (see the module's docstring), matching them to the `holdings`."""

    def __init__(self, *, holdings: Holdings, **collaborators) -> None:
        super().__init__(**collaborators)
        self.holdings = holdings

    def plan_all(self, repository: document.Repository) -> None:
        for area in repository.areas:
            self._object("area", Area, area, {"name": area.name, "description": area.description}, key_field="name")
        for business_case in repository.business_cases:
            self._object(
                "business_case",
                BusinessCase,
                business_case,
                {"name": business_case.name, "description": business_case.description},
                many={"areas": ("area", business_case.area_refs)},
                key_field="name",
            )
        for category in repository.requirement_categories:
            self._category(category, parent=None, depth=0)
        for actor in repository.actors:
            target = self._object(
                "actor",
                Actor,
                actor,
                {"name": actor.name, "type": actor.type, "description": actor.description},
                fills={"type": Actor.Type.OTHER, "name": "(unnamed actor)"},
                book={"type_text": actor.type_text},
                key_by_name=True,
            )
            self._placements(target, actor.sgam, actor.nist, subject_field="actor", what=f"Actor {actor.name!r}")
        for item in repository.information_objects:
            target = self._object(
                "information_object",
                InformationObject,
                item,
                {
                    "identifier": item.identifier,
                    "name": item.name,
                    "description": item.description,
                    "data_class": item.data_class,
                    "standards": item.standards,
                },
                fills={"name": item.identifier or "(unnamed information object)", "data_class": ""},
                many={"requirements": ("requirement", item.requirement_refs)},
                key_field=_key_field(item),
            )
            self._placements(
                target, item.sgam, item.nist, subject_field="information_object", what=f"Information {item.name!r}"
            )
        for term in repository.common_terms:
            self._object(
                "common_term",
                CommonTerm,
                term,
                {"term": term.term, "definition": term.definition},
                fills={"term": "(unnamed term)"},
                key_by_name=True,
                name_field="term",
            )

    def _category(self, category: document.RequirementCategory, *, parent: Any, depth: int) -> None:
        if category.extra.get(UNCATEGORISED) == "true":
            for requirement in category.requirements:
                self._requirement(requirement, category=None)
            return
        fill = f"Category {category.identifier}" if category.identifier.strip() else "(unnamed category)"
        target = self._object(
            "requirement_category",
            RequirementCategory,
            category,
            {"identifier": category.identifier, "name": category.name, "description": category.description},
            fills={"name": fill},
            links={"parent": parent} if parent is not None else {},
            key_field=_key_field(category),
            depth=depth,
        )
        for requirement in category.requirements:
            self._requirement(requirement, category=target)
        for child in category.children:
            self._category(child, parent=target, depth=depth + 1)

    def _requirement(self, requirement: document.Requirement, *, category: Any) -> None:
        if not requirement.name.strip() and requirement.identifier.strip():
            self.report.note("Requirement library", "requirements known only by their ID", requirement.identifier)
        self._object(
            "requirement",
            Requirement,
            requirement,
            {"identifier": requirement.identifier, "name": requirement.name, "description": requirement.description},
            fills={"name": "" if requirement.identifier.strip() else "(unnamed requirement)"},
            links={"category": category},
            key_field=_key_field(requirement),
        )

    def _object(
        self,
        kind: str,
        model: type,
        node: document.Node,
        raw: dict[str, str],
        *,
        fills: dict[str, str] | None = None,
        many: dict[str, tuple[str, list[str]]] | None = None,
        links: dict[str, Any] | None = None,
        book: dict[str, Any] | None = None,
        key_field: str = "",
        key_by_name: bool = False,
        name_field: str = "name",
        depth: int = 0,
    ) -> Any:
        """Match or plan one library object; returns what references to it resolve to (a Plan, an existing row, or
        None when it cannot be written), and registers that under the object's mRID."""
        label = raw.get(name_field) or raw.get("identifier") or node.mrid or "(without name, ID or mRID)"
        what = f"{kind.replace('_', ' ')} {label!r}"
        targets = self.resolver.targets[kind]
        if node.mrid and node.mrid in targets:
            self.report.note(
                "Libraries", f"{kind.replace('_', ' ')}s listed twice in the file were read once", node.mrid
            )
            return targets[node.mrid]
        uid = to_uuid(node.mrid)
        # Actors and terms always meet by name (unique ignoring case); others only when the file gives no mRID.
        field = name_field if key_by_name else (key_field if uid is None else "")
        match_key = f"{field}:{name_key(raw[field])}" if field and raw[field].strip() else ""
        if match_key and match_key in self.resolver.file_keys[kind]:
            target = self.resolver.file_keys[kind][match_key]
            if node.mrid:
                targets[node.mrid] = target
            self.report.count(kind, "merged")
            self.report.note("Libraries", f"{kind.replace('_', ' ')}s listed twice under one name were merged", what)
            return target
        existing, merged = self._match(kind, node, uid, match_key)
        values, as_found = self.cleaner.coerce(model, dict(raw), owner="Libraries", what=what, fills=fills or {})
        resolved_many = {name: self.resolver.resolve_all(*refs, owner=what) for name, refs in (many or {}).items()}
        if existing is not None:
            if merged:  # found by this value: the repository's spelling of it stays
                values.pop(field, None)
            target = self._update(
                kind, existing, node, raw, values, as_found, resolved_many, links, book, merged, depth
            )
        elif not self.permits.may_add(model):
            self.report.count(kind, "skipped")
            self.report.note("Libraries", f"new {kind.replace('_', ' ')}s not added: you may not add them", what)
            target = None
        else:
            target = self._new(kind, model, node, values, as_found, resolved_many, links, book, depth)
        if node.mrid:
            targets[node.mrid] = target
        if match_key and target is not None:
            self.resolver.file_keys[kind][match_key] = target
        return target

    def _match(self, kind: str, node: document.Node, uid, match_key: str) -> tuple[Any, bool]:
        """The repository's object the file's is: by mRID (or the one derived from what it says), else by match key
        (then `merged`)."""
        existing = self.holdings.existing[kind].get(uid or derived_uid(kind, node))
        if existing is None and match_key:
            existing = self.holdings.by_key[kind].get(match_key)
            return existing, existing is not None
        return existing, False

    def _new(self, kind, model, node, values, as_found, resolved_many, links, book, depth) -> Plan:
        """The plan of a library object the repository does not have."""
        extra = join_extra(
            node.extra,
            {"mrid": raw_mrid(node.mrid), "as_found": as_found, "order": _order(resolved_many), **(book or {})},
        )
        plan = Plan(
            kind=kind,
            instance=model(mrid=to_uuid(node.mrid) or derived_uid(kind, node)),
            values={**values, "extra": extra},
            links=links,
            many=resolved_many,
        )
        self.plans.add(kind, plan, depth=depth)
        return plan

    def _update(self, kind, existing, node, raw, values, as_found, resolved_many, links, book, merged, depth) -> Any:
        current_many = self.holdings.current_many(kind, existing)
        if existing.pk not in self.holdings.changeable[kind]:
            if not _would_change(existing, raw, values, resolved_many, current_many):
                self.report.count(kind, "unchanged")
                return existing
            self.report.count(kind, "skipped")
            self.report.note(
                "Libraries", f"{kind.replace('_', ' ')}s you may not change were left as they are", str(existing)
            )
            return existing
        before = snapshot(existing, current_many)
        document_extra, current_book = split_extra(existing.extra)
        chosen = {name: value for name, value in values.items() if str(raw.get(name, "")).strip()}
        found = dict(current_book.get("as_found") or {})
        found.update({name: pair for name, pair in as_found.items() if name in chosen})
        new_book = {**current_book, "as_found": found}
        for name, value in (book or {}).items():
            if value:
                new_book[name] = value
        merged_many = {
            name: [*current_many.get(name, []), *targets_] for name, targets_ in resolved_many.items() if targets_
        }
        if merged_many:
            new_book["order"] = {**(current_book.get("order") or {}), **_order(resolved_many)}
        chosen["extra"] = join_extra({**document_extra, **node.extra}, new_book)
        safe_links = {
            name: target for name, target in (links or {}).items() if self.may_link(kind, existing, name, target)
        }
        plan = Plan(
            kind=kind,
            instance=existing,
            values=chosen,
            links=safe_links,
            many=merged_many,
            before=before,
            merged=merged,
        )
        self.plans.add(kind, plan, depth=depth)
        return existing

    def _placements(self, target: Any, sgam: list, nist: list, *, subject_field: str, what: str) -> None:
        if target is None:
            return
        if not isinstance(target, Plan) and target.pk not in self.holdings.changeable[subject_field]:
            return
        existing = self.holdings.current_placements(target)
        for cell in dict.fromkeys(sgam):
            codes = self.resolver.sgam_codes(cell, owner=what)
            if codes is None or ("sgam", *[getattr(item, "pk", None) for item in codes]) in existing:
                continue
            layer, domain, zone = codes
            self.plans.add(
                "sgam_placement",
                Plan(
                    kind="sgam_placement",
                    instance=SgamPlacement(layer=layer, domain=domain, zone=zone),
                    values={},
                    links={subject_field: target},
                    related=target,
                ),
            )
            existing.add(("sgam", *[getattr(item, "pk", None) for item in codes]))
        for code in dict.fromkeys(nist):
            domain = self.resolver.nist_domain(code, owner=what)
            if domain is None or ("nist", domain.pk) in existing:
                continue
            self.plans.add(
                "nist_placement",
                Plan(
                    kind="nist_placement",
                    instance=NistPlacement(nist_domain=domain),
                    values={},
                    links={subject_field: target},
                    related=target,
                ),
            )
            existing.add(("nist", domain.pk))

    def may_link(self, kind: str, instance, name: str, target: Any) -> bool:
        """Foreign keys of an existing library object the file may set: never to nothing, never into a loop."""
        if target is None:
            return False
        if kind == "requirement_category" and name == "parent" and not isinstance(target, Plan):
            ancestor, seen = target.pk, set()
            while ancestor is not None and ancestor not in seen:
                if ancestor == instance.pk:
                    self.report.note(
                        "Requirement library", "category nestings that would make a loop were ignored", str(instance)
                    )
                    return False
                seen.add(ancestor)
                ancestor = self.holdings.category_parents.get(ancestor)
        return True


def _would_change(existing, raw: dict, values: dict, resolved_many: dict, current_many: dict) -> bool:
    """Whether the file says something about an existing object that it does not already say (values the file
    gives, references it adds)."""
    if any(str(raw.get(name, "")).strip() and getattr(existing, name) != value for name, value in values.items()):
        return True
    return any(
        isinstance(target, Plan) or target.pk not in set(current_many.get(name, []))
        for name, targets in resolved_many.items()
        for target in targets
    )


def _order(resolved_many: dict[str, list]) -> dict[str, list[str]]:
    """The file's order of references, where the export would not find it by sorting."""
    return {name: order for name, targets in resolved_many.items() if (order := kept_order(targets))}


def _key_field(item: document.Node) -> str:
    """Objects without mRID are matched by identifier when they have one, else by name."""
    return "identifier" if item.identifier.strip() else "name"


def target_uid(target: Any) -> uuid.UUID:
    instance = target.instance if isinstance(target, Plan) else target
    return instance.mrid
