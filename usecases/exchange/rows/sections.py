"""The tables of sections 1 to 7 of a planned use case (`usecases.exchange.rows`): versions, objectives and
KPIs, conditions, relations, references, custom information."""

from typing import Any

from usecases.exchange.bulk import Plan
from usecases.exchange.libraries import target_uid
from usecases.exchange.records import derive_uuid
from usecases.exchange.rows.base import RowsBase
from usecases.models import Condition, CustomInformation, Kpi, Objective, Reference, UseCaseRelation, VersionEntry
from usecases.xml import document


class SectionRows(RowsBase):
    """The rows of the use case's sections outside its actors and scenarios."""

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
