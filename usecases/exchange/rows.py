"""The tables of one use case (sections 1.2 to 8 of the template) planned for writing.

A new use case gets every row. An existing one (policy "update") gets the file's rows in place of its own: a row
the file names by the same mRID is updated where it differs and left alone where it does not, rows the file does
not have are deleted, the others are created. Actors of a use case are matched by actor, relations by related use
case and type, placements by their cell.

Real files are taken as they come, with a warning for each kind of repair: rows repeated under one mRID, step
numbers used twice among siblings (the repetition is suffixed " (2)", the export writes the number as found),
references to objects neither the file nor the repository has (dropped), an actor listed twice in a use case.
"""

import hashlib
import uuid
from collections import defaultdict
from itertools import pairwise
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.template.defaultfilters import filesizeformat

from sgam.models import NistPlacement, SgamPlacement
from usecases.exchange.bulk import Plan
from usecases.exchange.holdings import ExistingRows
from usecases.exchange.kinds import kind_of
from usecases.exchange.libraries import target_uid
from usecases.exchange.planner import Planner
from usecases.exchange.prepare import Identities, step_views, walk
from usecases.exchange.records import derive_uuid, join_extra, kept_order, raw_mrid
from usecases.models import (
    ActorGrouping,
    ActorRole,
    Condition,
    CustomInformation,
    Drawing,
    Kpi,
    Objective,
    Reference,
    Remark,
    Scenario,
    Step,
    UseCaseRelation,
    VersionEntry,
)
from usecases.models.images import image_check
from usecases.xml import document

UNGROUPED = "ungrouped"  # extra flag of the grouping the dumper invents for actors of a use case in none


def stored_digest(image: Any) -> str:
    """SHA-256 of a stored image file ("" when the file is gone)."""
    digest = hashlib.sha256()
    try:
        with image.open("rb") as file:
            for chunk in iter(lambda: file.read(1 << 16), b""):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


class RowPlanner(Planner):
    """Plans the rows of one use case."""

    def __init__(
        self,
        *,
        plan: Plan,
        use_case: document.UseCase,
        uid: uuid.UUID,
        existing: ExistingRows | None,
        **collaborators,
    ) -> None:
        super().__init__(**collaborators)
        self.plan = plan
        self.use_case = use_case
        self.owner = f"Use case {use_case.name or use_case.identifier or use_case.mrid!r}"
        self.identities = Identities(use_case_uid=uid, owner=self.owner, report=self.report)
        self.existing = existing or ExistingRows()
        self.actors_seen: set = set()
        self.relations_seen: set = set()
        self.positions: dict[Any, int] = {}
        self.ordered: dict[Any, list[Plan]] = defaultdict(list)

    def next_position(self, group: Any) -> int:
        self.positions[group] = self.positions.get(group, 0) + 1
        return self.positions[group]

    def row(
        self,
        model: type[models.Model],
        kind: str,
        *,
        uid: uuid.UUID,
        node: document.Node | None,
        values: dict[str, Any],
        what: str,
        group: Any = None,
        fills: dict[str, str] | None = None,
        links: dict[str, Any] | None = None,
        many: dict[str, list] | None = None,
        book: dict[str, Any] | None = None,
        key: Any = None,
        depth: int = 0,
    ) -> Plan:
        values, as_found = self.cleaner.coerce(model, values, owner=self.owner, what=what, fills=fills or {})
        book = dict(book or {})
        book["as_found"] = {**as_found, **book.get("as_found", {})}
        book["mrid"] = book.get("mrid") or (raw_mrid(node.mrid) if node is not None else "")
        many = many or {}
        book["order"] = {name: order for name, targets in many.items() if (order := kept_order(targets))}
        values["extra"] = join_extra(node.extra if node is not None else {}, book)
        values["position"] = self.next_position((kind, group))
        found = self.existing.take(model, uid if key is None else key)
        instance, before = found if found is not None else (model(mrid=uid), None)
        links = dict(links or {})
        if model is not Step:
            links["use_case"] = self.plan
        planned = Plan(
            kind=kind, instance=instance, values=values, links=links, many=many, related=self.plan, before=before
        )
        self.plans.add(kind, planned, depth=depth)
        # Actor roles are numbered across the use case but listed (and kept in order) per grouping.
        self.ordered[(kind, group, id(links.get("grouping")))].append(planned)
        return planned

    def keep_positions(self) -> None:
        """Rows that are all there already, in the order they already have, keep their positions (which the pages
        may have left with gaps): only a new order is renumbered, so that writing the same document changes
        nothing."""
        for plans in self.ordered.values():
            current = [plan.instance.position if plan.existing else None for plan in plans]
            if None not in current and all(a <= b for a, b in pairwise(current)):
                for plan in plans:
                    plan.values["position"] = plan.instance.position

    def refs(self, kind: str, refs: list[str], what: str) -> list:
        return self.resolver.resolve_all(kind, refs, owner=f"{self.owner}, {what}")

    def plan_all(self) -> None:
        use_case = self.use_case
        for index, version in enumerate(use_case.versions):
            self.version(version, index)
        objectives = self.objectives()
        for index, kpi in enumerate(use_case.kpis):
            self.kpi(kpi, index, objectives)
        self.conditions(use_case.conditions, scenario=None, place=("use case",))
        for index, relation in enumerate(use_case.relations):
            self.relation(relation, index)
        for index, remark in enumerate(use_case.remarks):
            uid = self.identities.claim("remark", remark, index)
            if uid is not None:
                self.row(Remark, "remark", uid=uid, node=remark, values={"text": remark.text}, what="remark")
        for index, drawing in enumerate(use_case.drawings):
            self.drawing(drawing, self.identities.claim("drawing", drawing, "use case", index), links={})
        for index, grouping in enumerate(use_case.actor_groupings):
            self.actor_grouping(grouping, index)
        for index, reference in enumerate(use_case.references):
            self.reference(reference, index)
        # An activity's mRID may occur in several scenarios: its occurrences are counted across the use case.
        occurrences: dict = {}
        views = [
            step_views(scenario, index=index, identities=self.identities, occurrences=occurrences)
            for index, scenario in enumerate(use_case.scenarios)
        ]
        for index, scenario in enumerate(use_case.scenarios):
            self.scenario(scenario, index, views[index])
        self.custom_information()
        self.placements()
        self.keep_positions()
        for instance, before in self.existing.leftovers():
            if isinstance(instance, UseCaseRelation) and self.permits.relates_to_hidden(instance):
                continue
            self.plans.delete(kind_of(type(instance)), instance, before, self.plan.instance)

    def objectives(self) -> dict[str, Plan]:
        """The use case's objectives, by the reference KPIs name them with."""
        objectives = {}
        for index, objective in enumerate(self.use_case.objectives):
            uid = self.identities.claim("objective", objective, index)
            if uid is not None:
                objectives[objective.mrid or str(uid)] = self.row(
                    Objective,
                    "objective",
                    uid=uid,
                    node=objective,
                    values={"name": objective.name, "description": objective.description},
                    fills={"name": "(unnamed objective)"},
                    what=f"objective {objective.name!r}",
                )
        return objectives

    def custom_information(self) -> None:
        for index, information in enumerate(self.use_case.custom_information):
            uid = self.identities.claim("custom_information", information, index)
            if uid is not None:
                self.row(
                    CustomInformation,
                    "custom_information",
                    uid=uid,
                    node=information,
                    values={
                        "key": information.key,
                        "value": information.value,
                        "refers_to_section": information.reference,
                    },
                    fills={"key": "(no key)"},
                    what=f"custom information {information.key!r}",
                )

    def version(self, version: document.Version, index: int) -> None:
        uid = self.identities.claim("version", version, index)
        if uid is None:
            return
        names = [author.name.strip() for author in version.authors]
        authors_text = ", ".join(name for name in names if name)
        book: dict[str, Any] = {}
        if len(version.authors) > 1 or any(author.mrid or author.extra for author in version.authors):
            book["authors"] = [{"mrid": a.mrid, "name": a.name, "extra": a.extra} for a in version.authors]
        elif version.authors and version.authors[0].name != authors_text:
            book["authors"] = [{"mrid": "", "name": version.authors[0].name, "extra": {}}]
        date, date_text = self.cleaner.aware(version.date, owner=self.owner)
        if date_text:
            book["date"] = date_text
        planned = self.row(
            VersionEntry,
            "version",
            uid=uid,
            node=version,
            values={
                "number": version.number,
                "date": date,
                "authors": authors_text,
                "changes": version.changes,
                "approval_status": version.approval_status,
            },
            what=f"version {version.number!r}",
            book=book,
        )
        if "authors" in book:
            # The export believes the author list while the column still holds what was stored from it.
            extra = planned.values["extra"]
            extra.setdefault("@exchange", {})["authors_text"] = planned.values["authors"]

    def kpi(self, kpi: document.Kpi, index: int, objectives: dict[str, Plan]) -> None:
        uid = self.identities.claim("kpi", kpi, index)
        if uid is None:
            return
        targets = []
        for ref in kpi.objective_refs:
            target = objectives.get(ref)
            if target is None:
                self.report.note(self.owner, "KPI references to objectives the use case lacks were dropped", ref)
            elif target not in targets:
                targets.append(target)
        self.row(
            Kpi,
            "kpi",
            uid=uid,
            node=kpi,
            values={"identifier": kpi.identifier, "name": kpi.name, "description": kpi.description},
            what=f"KPI {kpi.identifier or kpi.name!r}",
            many={"objectives": targets},
        )

    def conditions(self, conditions: list[document.Condition], *, scenario: Plan | None, place: tuple) -> None:
        for index, condition in enumerate(conditions):
            uid = self.identities.claim("condition", condition, *place, index)
            if uid is None:
                continue
            self.row(
                Condition,
                "condition",
                uid=uid,
                node=condition,
                values={
                    "kind": condition.kind,
                    "number": condition.number,
                    "name": condition.name,
                    "description": condition.description,
                },
                what=f"{condition.kind.replace('_', ' ')} {condition.number or condition.name!r}",
                group=(id(scenario), condition.kind),
                links={"scenario": scenario},
            )

    def relation(self, relation: document.UseCaseRelation, index: int) -> None:
        target = self.resolver.resolve_use_case(relation.use_case_ref)
        if target is None:
            self.report.note(
                self.owner,
                "relations to use cases neither the file nor the repository has were dropped",
                relation.use_case_ref,
            )
            return
        if target is self.plan or target is self.plan.instance:
            self.report.note(self.owner, "relations of the use case to itself were dropped", relation.use_case_ref)
            return
        values, _ = self.cleaner.coerce(
            UseCaseRelation,
            {"type": relation.type},
            owner=self.owner,
            what="relation",
            fills={"type": UseCaseRelation.Type.ASSOCIATE},
        )
        related = target.instance if isinstance(target, Plan) else target
        seen_key = (related.pk or id(related), values["type"])
        if seen_key in self.relations_seen:
            self.report.note(
                self.owner, "repeated relations to the same use case were kept once", relation.use_case_ref
            )
            return
        self.relations_seen.add(seen_key)
        key = ("relation", related.pk, values["type"]) if related.pk is not None else ("new", id(related))
        self.row(
            UseCaseRelation,
            "relation",
            uid=derive_uuid(self.identities.use_case_uid, "relation", target_uid(target), values["type"]),
            node=None,
            values={"type": relation.type, "description": relation.description},
            fills={"type": UseCaseRelation.Type.ASSOCIATE},
            what=f"relation to {relation.use_case_ref}",
            links={"related": target},
            key=key,
        )

    def drawing(
        self, drawing: document.Drawing, uid: uuid.UUID | None, *, links: dict[str, Any], mrid: str = ""
    ) -> None:
        if uid is None:
            return
        values = {
            "name": drawing.name,
            "drawing_type": drawing.drawing_type,
            "uri": drawing.uri,
            "uri_type": drawing.uri_type,
        }
        image = self.drawing_image(drawing, self.existing.peek(Drawing, uid))
        if image is not None:
            values["image"] = image
        self.row(
            Drawing,
            "drawing",
            uid=uid,
            node=drawing,
            values=values,
            fills={"name": "(unnamed drawing)", "drawing_type": Drawing.Type.OTHER, "uri_type": Drawing.UriType.IMAGE},
            what=f"drawing {drawing.name!r}",
            links={"scenario": None, "step": None, **links},
            book={"mrid": mrid},
        )

    def drawing_image(self, drawing: document.Drawing, existing: models.Model | None) -> ContentFile | None:
        """The image a file embeds in a drawing (an Excel picture), to store in `Drawing.image` as an upload would
        be: within UCMR_DRAWING_MAX_BYTES, and a PNG, JPEG, GIF or WebP within UCMR_DRAWING_MAX_PIXELS. None when
        there is none, when the drawing holds the same bytes already (a re-import stores no new file), or when it
        is refused: then the drawing is kept without it, with a warning."""
        if not drawing.content:
            return None
        what = f"drawing {drawing.name!r}"
        limit = settings.UCMR_DRAWING_MAX_BYTES
        if len(drawing.content) > limit:
            self.report.note(self.owner, f"images larger than {filesizeformat(limit)} were left out", what)
            return None
        image = ContentFile(drawing.content, name=drawing.filename or "image")
        try:
            image_check(image)
        except ValidationError as error:
            self.report.note(self.owner, f"images were left out: {' '.join(error.messages)}", what)
            return None
        if existing is not None and existing.image and stored_digest(existing.image) == drawing.digest:
            return None
        return image

    def actor_grouping(self, grouping: document.ActorGrouping, index: int) -> None:
        uid = self.identities.claim("actor_grouping", grouping, index)
        if uid is None:
            return
        ungrouped = grouping.extra.get(UNGROUPED) == "true"
        empty: list[dict[str, Any]] = []
        grouping_plan = None
        if not ungrouped:
            grouping_plan = self.row(
                ActorGrouping,
                "actor_grouping",
                uid=uid,
                node=grouping,
                values={"name": grouping.name, "description": grouping.description},
                what=f"actor grouping {grouping.name!r}",
            )
        for position, information in enumerate(grouping.further_actor_information):
            info_uid = self.identities.claim("further_actor_information", information, index, position)
            if info_uid is None:
                continue
            actors = self.refs("actor", information.actor_refs, f"actor grouping {grouping.name!r}")
            if not actors:
                empty.append(
                    {
                        "index": position,
                        "mrid": information.mrid or str(info_uid),
                        "description": information.description,
                        "extra": information.extra,
                    }
                )
                continue
            for order, actor in enumerate(actors):
                # A further actor information of one actor is that actor's role: its mRID is the role's.
                role_uid = info_uid if len(actors) == 1 else derive_uuid(info_uid, target_uid(actor))
                self.actor_role(actor, information, info_uid, role_uid, grouping_plan, first=order == 0)
        if empty and grouping_plan is not None:
            book = grouping_plan.values["extra"].setdefault("@exchange", {})
            book["empty_fai"] = empty

    def actor_role(
        self,
        actor: Any,
        information: document.FurtherActorInformation,
        info_uid: uuid.UUID,
        role_uid: uuid.UUID,
        grouping: Plan | None,
        *,
        first: bool,
    ) -> None:
        instance = actor.instance if isinstance(actor, Plan) else actor
        key = ("actor", instance.pk) if instance.pk is not None else ("new", id(instance))
        if key in self.actors_seen:
            self.report.note(self.owner, "actors listed twice in the use case were kept once", instance.name)
            return
        self.actors_seen.add(key)
        existing = self.existing.peek(ActorRole, key)
        fai = information.mrid or str(info_uid)
        # The export writes a role's own mRID as its further actor information's unless told otherwise.
        book: dict[str, Any] = {} if fai == str(existing.mrid if existing is not None else role_uid) else {"fai": fai}
        if first and information.extra:
            book["fai_extra"] = information.extra
        self.row(
            ActorRole,
            "actor_role",
            uid=role_uid,
            node=None,
            values={"further_information": information.description},
            what=f"actor {instance.name!r}",
            links={"actor": actor, "grouping": grouping},
            book=book,
            key=key,
        )

    def reference(self, reference: document.Reference, index: int) -> None:
        uid = self.identities.claim("reference", reference, index)
        if uid is None:
            return
        self.row(
            Reference,
            "reference",
            uid=uid,
            node=reference,
            values={
                "number": reference.number,
                "reference_type": reference.reference_type,
                "name": reference.name,
                "status": reference.status,
                "impact": reference.impact,
                "originator": reference.originator,
                "link": reference.link,
                "description": reference.description,
            },
            fills={"name": "(unnamed reference)"},
            what=f"reference {reference.number or reference.name!r}",
        )

    def scenario(self, scenario: document.Scenario, index: int, views: list) -> None:
        uid = self.identities.claim("scenario", scenario, index)
        if uid is None:
            return
        what = f"scenario {scenario.number or scenario.name!r}"
        planned = self.row(
            Scenario,
            "scenario",
            uid=uid,
            node=scenario,
            values={"number": scenario.number, "name": scenario.name, "description": scenario.description},
            fills={"name": "(unnamed scenario)"},
            what=what,
            many={
                "primary_actors": self.refs("actor", scenario.primary_actor_refs, what),
                "requirements": self.refs("requirement", scenario.requirement_refs, what),
            },
        )
        self.conditions(scenario.conditions, scenario=planned, place=("scenario", index))
        for position, drawing in enumerate(scenario.drawings):
            drawing_uid = self.identities.claim("drawing", drawing, "scenario", index, position)
            self.drawing(drawing, drawing_uid, links={"scenario": planned})
        numbers: dict[int, set[str]] = {}
        plans: dict[int, Plan] = {}
        for view, parent, depth, _ in walk(views):
            step = view.step
            what = f"step {step.number or step.name!r}"
            values, as_found = self.cleaner.coerce(Step, {"number": step.number}, owner=self.owner, what=what, fills={})
            number = self.unique_number(values["number"], numbers.setdefault(id(parent), set()))
            found = as_found.get("number", [None, step.number.strip()])[1]
            book = {"as_found": {"number": [number, found]}} if number != found else {}
            book["mrid"] = view.repeated_mrid
            plans[id(view)] = self.row(
                Step,
                "step",
                uid=view.uid,
                node=step,
                values={
                    "number": number,
                    "event": step.event,
                    "name": step.name,
                    "description": step.description,
                    "service": step.service,
                },
                fills={"name": "(unnamed step)"},
                what=what,
                group=(id(planned), id(parent)),
                links={"scenario": planned, "parent": plans[id(parent)] if parent is not None else None},
                many={
                    "producers": self.refs("actor", step.producer_refs, what),
                    "receivers": self.refs("actor", step.receiver_refs, what),
                    "primary_actors": self.refs("actor", step.primary_actor_refs, what),
                    "information_objects": self.refs("information_object", step.information_object_refs, what),
                    "requirements": self.refs("requirement", step.requirement_refs, what),
                },
                book=book,
                depth=depth,
            )
            for drawing, drawing_uid, drawing_mrid in view.drawings:
                self.drawing(drawing, drawing_uid, links={"step": plans[id(view)]}, mrid=drawing_mrid)

    def unique_number(self, number: str, taken: set[str]) -> str:
        """Step numbers are unique among siblings; a repeated one gets " (2)", " (3)", ..."""
        if not number:
            return number
        candidate, suffix = number, 1
        while candidate in taken:
            suffix += 1
            tail = f" ({suffix})"
            candidate = number[: Step._meta.get_field("number").max_length - len(tail)] + tail
        if candidate != number:
            self.report.note(self.owner, "step numbers used twice among siblings were suffixed", number)
        taken.add(candidate)
        return candidate

    def placements(self) -> None:
        seen = set()
        for cell in self.use_case.sgam:
            codes = self.resolver.sgam_codes(cell, owner=self.owner)
            if codes is None:
                continue
            key = ("sgam", *(item.pk if item is not None else None for item in codes))
            if key in seen:
                continue
            seen.add(key)
            self.placement(
                SgamPlacement, "sgam_placement", key, dict(zip(("layer", "domain", "zone"), codes, strict=True))
            )
        for code in self.use_case.nist:
            domain = self.resolver.nist_domain(code, owner=self.owner)
            if domain is None or ("nist", domain.pk) in seen:
                continue
            seen.add(("nist", domain.pk))
            self.placement(NistPlacement, "nist_placement", ("nist", domain.pk), {"nist_domain": domain})

    def placement(self, model: type[models.Model], kind: str, key: tuple, links: dict[str, Any]) -> None:
        found = self.existing.take(model, key)
        instance, before = found if found is not None else (model(), None)
        self.plans.add(
            kind,
            Plan(
                kind=kind,
                instance=instance,
                values={},
                links={**links, "use_case": self.plan},
                related=self.plan,
                before=before,
            ),
        )
