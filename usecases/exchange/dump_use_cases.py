"""The document of one use case (`usecases.exchange.dumper`): its sections, actor groupings, scenarios and steps,
naming the library objects it uses, which `LibraryDumper` collects."""

import posixpath
from collections import defaultdict

from usecases.exchange.dump_libraries import LibraryDumper
from usecases.exchange.dump_values import by_position, extra_of, image_content, placements_of, written_date
from usecases.exchange.records import bookkeeping, derive_uuid, document_mrid, found_value
from usecases.exchange.rows import UNGROUPED
from usecases.models import ActorRole, Condition, Drawing, Scenario, Step, UseCase
from usecases.xml import document as doc
from usecases.xml.document import SCENARIO_CONDITION_KINDS, USE_CASE_CONDITION_KINDS

# The fields of a use case's document that the use case's own row gives (its identity, status and the texts of
# sections 1.1 to 1.7): all a change of that row alone changes in the document (`use_case_own_fields`).
FOUND_FIELDS = (
    "identifier",
    "name",
    "status",
    "area",
    "scope",
    "short_description",
    "complete_description",
    "level_of_depth",
    "prioritisation",
    "classification",
    "nature",
    "view_point",
    "keywords",
)


OWN_FIELDS = ("mrid", *FOUND_FIELDS, "narrative_mrid", "extra")


def use_case_own_fields(use_case: UseCase) -> dict[str, object]:
    """The fields of `use_case`'s document that come from its row, read from the row alone."""
    book = bookkeeping(use_case)
    return {
        "mrid": document_mrid(use_case),
        **{name: found_value(use_case, name, book) for name in FOUND_FIELDS},
        "narrative_mrid": book.get("narrative_mrid", ""),
        "extra": extra_of(use_case),
    }


class UseCaseDumper(LibraryDumper):
    """Writes full use cases, loaded by `usecase_export_list`; the related use cases outside the export are named
    only while the user may see them (`visible_related`)."""

    def __init__(self, *, user, images: bool = False) -> None:
        super().__init__(user=user)
        self.images = images
        self.visible_related: set[int] = set()

    def use_case(self, use_case: UseCase) -> doc.UseCase:
        conditions = [c for c in use_case.exported_conditions if c.scenario_id is None]
        drawings = _drawings_by_holder(use_case)
        scenario_conditions = _conditions_by_scenario(use_case)
        for business_case in use_case.exported_business_cases:
            self.business_cases.setdefault(business_case.pk, business_case)
        for term in use_case.exported_common_terms:
            self.terms.setdefault(term.pk, term)
        sgam, nist = placements_of(use_case)
        return doc.UseCase(
            **use_case_own_fields(use_case),
            workspace=use_case.workspace.name,
            versions=[self.version(version) for version in by_position(use_case.exported_versions)],
            objectives=_objectives(use_case),
            business_case_refs=self.refs(use_case, "business_cases", use_case.exported_business_cases),
            kpis=[self.kpi(kpi) for kpi in by_position(use_case.exported_kpis)],
            conditions=self.conditions(conditions, USE_CASE_CONDITION_KINDS),
            relations=self.relations(use_case),
            remarks=_remarks(use_case),
            drawings=[self.drawing(drawing) for drawing in drawings[("scenario", None)]],
            actor_groupings=self.actor_groupings(use_case),
            primary_actor_refs=self.actor_refs(use_case, "primary_actors", use_case.exported_primary_actors),
            references=[self.reference(reference) for reference in by_position(use_case.exported_references)],
            scenarios=[
                self.scenario(scenario, scenario_conditions[scenario.pk], drawings)
                for scenario in by_position(use_case.exported_scenarios)
            ],
            custom_information=_custom_information(use_case),
            common_term_refs=self.refs(use_case, "common_terms", use_case.exported_common_terms),
            sgam=sgam,
            nist=nist,
        )

    def version(self, version) -> doc.Version:
        book = bookkeeping(version)
        if book.get("authors") and book.get("authors_text") == version.authors:
            authors = [
                doc.Author(mrid=author["mrid"], name=author["name"], extra=dict(author.get("extra") or {}))
                for author in book["authors"]
            ]
        else:
            authors = [doc.Author(name=version.authors)] if version.authors else []
        return doc.Version(
            mrid=document_mrid(version),
            number=found_value(version, "number", book),
            date=written_date(version.date, book.get("date", "")),
            authors=authors,
            changes=found_value(version, "changes", book),
            approval_status=found_value(version, "approval_status", book),
            extra=extra_of(version),
        )

    def kpi(self, kpi) -> doc.Kpi:
        return doc.Kpi(
            mrid=document_mrid(kpi),
            identifier=found_value(kpi, "identifier"),
            name=found_value(kpi, "name"),
            description=found_value(kpi, "description"),
            objective_refs=self.refs(kpi, "objectives", kpi.exported_objectives),
            extra=extra_of(kpi),
        )

    def conditions(self, conditions: list[Condition], kinds: tuple[str, ...]) -> list[doc.Condition]:
        ordered_conditions = sorted(conditions, key=lambda c: (kinds.index(c.kind), c.position, c.pk))
        return [
            doc.Condition(
                mrid=document_mrid(condition),
                kind=condition.kind,
                number=found_value(condition, "number"),
                name=found_value(condition, "name"),
                description=found_value(condition, "description"),
                extra=extra_of(condition),
            )
            for condition in ordered_conditions
        ]

    def relations(self, use_case: UseCase) -> list[doc.UseCaseRelation]:
        return [
            doc.UseCaseRelation(
                use_case_ref=document_mrid(relation.related),
                type=found_value(relation, "type"),
                description=found_value(relation, "description"),
            )
            for relation in by_position(use_case.exported_relations)
            if relation.related_id in self.visible_related
        ]

    def drawing(self, drawing: Drawing) -> doc.Drawing:
        content = image_content(drawing) if self.images and drawing.image else b""
        uri = found_value(drawing, "uri") or (drawing.image.url if drawing.image and not content else "")
        return doc.Drawing(
            mrid=document_mrid(drawing),
            name=found_value(drawing, "name"),
            drawing_type=drawing.drawing_type,
            uri=uri,
            uri_type=drawing.uri_type,
            extra=extra_of(drawing),
            content=content,
            filename=posixpath.basename(drawing.image.name) if content else "",
        )

    def actor_groupings(self, use_case: UseCase) -> list[doc.ActorGrouping]:
        roles_of: dict[int | None, list[ActorRole]] = defaultdict(list)
        for role in by_position(use_case.exported_actor_roles):
            roles_of[role.grouping_id].append(role)
        groupings = [
            self.actor_grouping(
                grouping=grouping,
                mrid=document_mrid(grouping),
                roles=roles_of.pop(grouping.pk, []),
                empty=bookkeeping(grouping).get("empty_fai") or [],
            )
            for grouping in by_position(use_case.exported_actor_groupings)
        ]
        ungrouped = [role for roles in roles_of.values() for role in roles]
        if ungrouped:
            mrid = str(derive_uuid(use_case.mrid, UNGROUPED))
            groupings.append(self.actor_grouping(grouping=None, mrid=mrid, roles=by_position(ungrouped), empty=[]))
        return groupings

    def actor_grouping(self, *, grouping, mrid: str, roles: list[ActorRole], empty: list) -> doc.ActorGrouping:
        informations: list[tuple[list[ActorRole], str]] = []
        for role in roles:
            self.actors.setdefault(role.actor.pk, role.actor)
            fai = bookkeeping(role).get("fai") or str(role.mrid)
            last = informations[-1] if informations else None
            if last is not None and last[1] == fai and last[0][0].further_information == role.further_information:
                last[0].append(role)
            else:
                informations.append(([role], fai))
        further = [
            doc.FurtherActorInformation(
                mrid=fai,
                actor_refs=[document_mrid(role.actor) for role in group],
                description=found_value(group[0], "further_information"),
                extra=dict(bookkeeping(group[0]).get("fai_extra") or {}),
            )
            for group, fai in informations
        ]
        for item in sorted(empty, key=lambda item: item.get("index", 0)):
            further.insert(
                min(item.get("index", len(further)), len(further)),
                doc.FurtherActorInformation(
                    mrid=item.get("mrid", ""), description=item.get("description", ""), extra=item.get("extra") or {}
                ),
            )
        if grouping is None:
            return doc.ActorGrouping(mrid=mrid, extra={UNGROUPED: "true"}, further_actor_information=further)
        return doc.ActorGrouping(
            mrid=mrid,
            name=grouping.name,
            description=found_value(grouping, "description"),
            further_actor_information=further,
            extra=extra_of(grouping),
        )

    def reference(self, reference) -> doc.Reference:
        return doc.Reference(
            mrid=document_mrid(reference),
            **{
                name: found_value(reference, field)
                for name, field in (
                    ("number", "number"),
                    ("reference_type", "reference_type"),
                    ("name", "name"),
                    ("status", "status"),
                    ("originator", "originator"),
                    ("link", "link"),
                )
            },
            impact=found_value(reference, "impact"),
            description=found_value(reference, "description"),
            extra=extra_of(reference),
        )

    def scenario(self, scenario: Scenario, conditions: list[Condition], drawings: dict) -> doc.Scenario:
        steps = list(scenario.exported_steps)
        known = {step.pk for step in steps}
        children: dict[int | None, list[Step]] = defaultdict(list)
        for step in steps:
            children[step.parent_id if step.parent_id in known else None].append(step)

        def tree(parent_id: int | None, seen: set[int]) -> list[doc.Step]:
            nodes = []
            for step in by_position(children.get(parent_id, [])):
                if step.pk in seen:
                    continue
                seen.add(step.pk)
                nodes.append(self.step(step, tree(step.pk, seen), drawings))
            return nodes

        return doc.Scenario(
            mrid=document_mrid(scenario),
            number=found_value(scenario, "number"),
            name=found_value(scenario, "name"),
            description=found_value(scenario, "description"),
            primary_actor_refs=self.actor_refs(scenario, "primary_actors", scenario.exported_primary_actors),
            requirement_refs=self.requirement_refs(scenario, "requirements", scenario.exported_requirements),
            conditions=self.conditions(conditions, SCENARIO_CONDITION_KINDS),
            drawings=[self.drawing(drawing) for drawing in drawings[("scenario", scenario.pk)]],
            steps=tree(None, set()),
            extra=extra_of(scenario),
        )

    def step(self, step: Step, children: list[doc.Step], drawings: dict) -> doc.Step:
        information_objects = list(step.exported_information_objects)
        for information_object in information_objects:
            self.information_objects.setdefault(information_object.pk, information_object)
        return doc.Step(
            mrid=document_mrid(step),
            number=found_value(step, "number"),
            event=found_value(step, "event"),
            name=found_value(step, "name"),
            description=found_value(step, "description"),
            service=found_value(step, "service"),
            producer_refs=self.actor_refs(step, "producers", step.exported_producers),
            receiver_refs=self.actor_refs(step, "receivers", step.exported_receivers),
            primary_actor_refs=self.actor_refs(step, "primary_actors", step.exported_primary_actors),
            information_object_refs=self.refs(step, "information_objects", information_objects),
            requirement_refs=self.requirement_refs(step, "requirements", step.exported_requirements),
            drawings=[self.drawing(drawing) for drawing in drawings[("step", step.pk)]],
            children=children,
            extra=extra_of(step),
        )


def _drawings_by_holder(use_case: UseCase) -> dict[tuple[str, int | None], list[Drawing]]:
    """The use case's drawings by what holds them: ("step", pk), ("scenario", pk), or ("scenario", None) for the
    use case itself."""
    drawings = defaultdict(list)
    for drawing in by_position(use_case.exported_drawings):
        drawings[("step", drawing.step_id) if drawing.step_id else ("scenario", drawing.scenario_id)].append(drawing)
    return drawings


def _conditions_by_scenario(use_case: UseCase) -> dict[int, list[Condition]]:
    scenario_conditions = defaultdict(list)
    for condition in use_case.exported_conditions:
        if condition.scenario_id is not None:
            scenario_conditions[condition.scenario_id].append(condition)
    return scenario_conditions


def _objectives(use_case: UseCase) -> list[doc.Objective]:
    return [
        doc.Objective(
            mrid=document_mrid(objective),
            name=found_value(objective, "name"),
            description=found_value(objective, "description"),
            extra=extra_of(objective),
        )
        for objective in by_position(use_case.exported_objectives)
    ]


def _remarks(use_case: UseCase) -> list[doc.Remark]:
    return [
        doc.Remark(mrid=document_mrid(remark), text=found_value(remark, "text"), extra=extra_of(remark))
        for remark in by_position(use_case.exported_remarks)
    ]


def _custom_information(use_case: UseCase) -> list[doc.CustomInformation]:
    return [
        doc.CustomInformation(
            mrid=document_mrid(information),
            key=found_value(information, "key"),
            value=information.value,
            reference=found_value(information, "refers_to_section"),
            extra=extra_of(information),
        )
        for information in by_position(use_case.exported_custom_information)
    ]
