"""Database -> document: `repository_export` reads use cases (as far as the user may see them) into a
`usecases.xml.document.Repository`, which `usecases.xml.write_variant_c` writes as variant C.

The document holds the use cases, the library objects they use (actors, information objects, requirements with
their categories up to the root, common terms, business cases and their areas), stubs for the related use cases
that are not exported in full (only those the user may see), SGAM and NIST placements, workspace and status.
What an import kept in `extra` comes back: the file's own extra fields, non-UUID mRIDs, values as the file had
them (see `records.py`), author lists, the order of references. Everything is sorted by what it says, never by
database ids, so that export -> import into another database -> export gives the same file.

The diagrams UCMR generates for a use case (`usecases.analysis.diagrams`) come along as drawings
(`document.GeneratedDrawing`: a sequence diagram on its scenario, the others on the use case, after the author's
drawings), each linking to the diagram's address without primary keys; our reader leaves them out again. The API's
whole-use-case document asks for none, since what it reads is written back as it is.

Queries: a fixed number, whatever the number of use cases (`selectors.usecase_export_list`); a fixed number per
batch of `BATCH_SIZE` use cases for `RepositoryExportBatches`, which streamed exports use.
"""

import logging
import posixpath
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from django.db.models import QuerySet

from actors.models import Actor
from requirements.models import Requirement, RequirementCategory
from sgam.selectors import SgamReference, effective_placements, sgam_reference_get
from usecases.analysis.diagrams import usecase_generated_drawings
from usecases.analysis.facts import UseCaseFacts, usecase_facts
from usecases.exchange.libraries import UNCATEGORISED
from usecases.exchange.records import (
    bookkeeping,
    derive_uuid,
    document_mrid,
    found_value,
    ordered,
    reference_key,
    split_extra,
)
from usecases.exchange.rows import UNGROUPED
from usecases.exchange.selectors import (
    exported,
    library_details,
    requirement_category_all,
    usecase_export_list,
    usecase_export_order,
    usecase_visible_ids,
)
from usecases.exchange.use_cases import PLACEHOLDER
from usecases.models import (
    ActorRole,
    Area,
    BusinessCase,
    CommonTerm,
    Condition,
    Drawing,
    InformationObject,
    Scenario,
    Step,
    UseCase,
)
from usecases.xml import document as doc
from usecases.xml.document import SCENARIO_CONDITION_KINDS, USE_CASE_CONDITION_KINDS
from usecases.xml.vocabulary import normalise_actor_type, parse_date

logger = logging.getLogger(__name__)

REPOSITORY_NAME = "UCMR"
# Use cases read at once by a streamed export: enough for the bulk queries to pay, few enough to stay small.
BATCH_SIZE = 100


def repository_export(
    *, user, use_cases: QuerySet[UseCase], generated_drawings: bool = True, images: bool = False
) -> doc.Repository:
    """The document of the use cases in `use_cases` that `user` may see, with the diagrams UCMR generates for each
    as drawings unless `generated_drawings` is False. `images`: a drawing's uploaded image travels as its bytes
    (`doc.Drawing.content`, for a format that embeds it: Excel), else as its address (the `uri`)."""
    listed = usecase_export_list(user=user, use_cases=use_cases)
    return _Dumper(user=user, use_cases=listed, generated_drawings=generated_drawings, images=images).repository()


class RepositoryExportBatches:
    """`repository_export` for exports too big to hold: iterating gives the documents of the full use cases in
    batches (in the file's order, each batch read with the bulk queries of `usecase_export_list`); after that,
    `libraries()` is the rest of the document: the library objects they use, and the stubs as its use cases.
    Memory grows with the batch and the libraries, not with the number of use cases."""

    def __init__(
        self,
        *,
        user,
        use_cases: QuerySet[UseCase],
        generated_drawings: bool = True,
        images: bool = False,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.user = user
        self.batch_size = batch_size
        self.full, self.placeholders = usecase_export_order(user=user, use_cases=use_cases, key=use_case_order_key)
        self.dumper = _Dumper(user=user, use_cases=[], generated_drawings=generated_drawings, images=images)

    def __len__(self) -> int:
        return len(self.full) + len(self.placeholders)

    def __iter__(self) -> Iterator[list[doc.UseCase]]:
        selected = {*self.full, *self.placeholders}
        for start in range(0, len(self.full), self.batch_size):
            batch = UseCase.objects.filter(pk__in=self.full[start : start + self.batch_size])
            loaded = usecase_export_list(user=self.user, use_cases=batch)
            loaded.sort(key=_use_case_key)
            yield self.dumper.use_case_documents(loaded, selected=selected)

    def libraries(self) -> doc.Repository:
        placeholders = list(UseCase.objects.filter(pk__in=self.placeholders))
        return self.dumper.libraries(placeholders=placeholders)

    def full_stubs(self) -> list[doc.UseCase]:
        """The full use cases of the export as stubs (mRID, ID, name), read before any batch: what a relation to a
        use case of another batch names in a format that names it (the Excel template does)."""
        fields = ("mrid", "identifier", "name", "nature", "extra")
        return [
            self.dumper.stub(use_case)
            for start in range(0, len(self.full), 1000)
            for use_case in UseCase.objects.filter(pk__in=self.full[start : start + 1000]).only(*fields)
        ]


def _image_content(drawing: Drawing) -> bytes:
    """The bytes of a drawing's stored image (none when the file is gone: the export goes on without it)."""
    try:
        with drawing.image.open("rb") as file:
            return file.read()
    except OSError:
        logger.warning("The image %s of drawing %s is missing from storage.", drawing.image.name, drawing.pk)
        return b""


def _by_position(rows: Iterable) -> list:
    return sorted(rows, key=lambda row: (row.position, row.pk))


def _text_key(*values: Any) -> tuple:
    return tuple(str(value or "").lower() for value in values)


def _placements(subject) -> tuple[list[doc.SgamPlacement], list[str]]:
    """SGAM cells and NIST domains in the reference order (layers, domains, zones as SGAM draws them)."""

    def order(item) -> int:
        return item.order if item is not None else -1

    cells = sorted(
        subject.exported_sgam_placements,
        key=lambda placement: (order(placement.layer), order(placement.domain), order(placement.zone)),
    )
    sgam = [
        doc.SgamPlacement(
            layer=placement.layer.code if placement.layer_id else "",
            domain=placement.domain.code if placement.domain_id else "",
            zone=placement.zone.code if placement.zone_id else "",
        )
        for placement in cells
    ]
    domains = sorted(subject.exported_nist_placements, key=lambda placement: placement.nist_domain.order)
    return sgam, [placement.nist_domain.code for placement in domains]


class _Dumper:
    def __init__(
        self, *, user, use_cases: list[UseCase], generated_drawings: bool = True, images: bool = False
    ) -> None:
        self.user = user
        self.use_cases = use_cases
        self.generated_drawings = generated_drawings
        self.images = images
        self.actors: dict[int, Actor] = {}
        self.information_objects: dict[int, InformationObject] = {}
        self.requirements: dict[int, Requirement] = {}
        self.terms: dict[int, CommonTerm] = {}
        self.business_cases: dict[int, BusinessCase] = {}
        self.areas: dict[int, Area] = {}
        # What a referenced object's mRID and sort key are, by object: the same actor is named by hundreds of
        # steps (the export shares one instance per library object, see usecases.analysis.facts.step_link_rows).
        self.target_of: dict[int, tuple[str, str, tuple]] = {}
        self.visible_related: set[int] = set()
        # The related use cases outside the export that the user may see: they are written as stubs.
        self.related: dict[int, UseCase] = {}

    # References: the order the file had while it still names the same objects, else sorted by what they say.

    def target(self, item) -> tuple[str, str, tuple]:
        """(its UUID as text, the mRID to write, its sort key), computed once per object."""
        known = self.target_of.get(id(item))  # the loaded objects live as long as the dumper: ids are not reused
        if known is None:
            known = self.target_of[id(item)] = (str(item.mrid), document_mrid(item), reference_key(item))
        return known

    def refs(self, owner, name: str, items: Iterable) -> list[str]:
        items = list(items)
        order = (bookkeeping(owner).get("order") or {}).get(name)
        chosen = ordered(
            items,
            mrid_of=lambda item: self.target(item)[0],
            order=order,
            key=lambda item: self.target(item)[2],
        )
        return [self.target(item)[1] for item in chosen]

    def actor_refs(self, owner, name: str, actors: Iterable[Actor]) -> list[str]:
        actors = list(actors)
        for actor in actors:
            self.actors.setdefault(actor.pk, actor)
        return self.refs(owner, name, actors)

    def requirement_refs(self, owner, name: str, requirements: Iterable[Requirement]) -> list[str]:
        requirements = list(requirements)
        for requirement in requirements:
            self.requirements.setdefault(requirement.pk, requirement)
        return self.refs(owner, name, requirements)

    # The document

    def repository(self) -> doc.Repository:
        selected = {use_case.pk for use_case in self.use_cases}
        full = [use_case for use_case in self.use_cases if not bookkeeping(use_case).get(PLACEHOLDER)]
        full.sort(key=_use_case_key)
        documents = self.use_case_documents(full, selected=selected)
        placeholders = [use_case for use_case in self.use_cases if bookkeeping(use_case).get(PLACEHOLDER)]
        libraries = self.libraries(placeholders=placeholders)
        libraries.use_cases = [*documents, *libraries.use_cases]
        return libraries

    def use_case_documents(self, full: list[UseCase], *, selected: set[int]) -> list[doc.UseCase]:
        """The documents of these use cases (loaded by `usecase_export_list`, in the file's order), collecting the
        library objects they use and the related use cases outside `selected` (the pks of the whole export)."""
        self.target_of = {}  # objects of an earlier batch may be gone, and their ids reused
        related = {
            relation.related_id: relation.related
            for use_case in full
            for relation in use_case.exported_relations
            if relation.related_id not in selected
        }
        self.visible_related = usecase_visible_ids(user=self.user, pks=set(related)) | selected
        self.related.update((pk, use_case) for pk, use_case in related.items() if pk in self.visible_related)
        documents = [self.use_case(use_case) for use_case in full]
        facts = (
            [usecase_facts(use_case=use_case, related=exported) for use_case in full] if self.generated_drawings else []
        )
        # The facts hold their own instances of the actors and information objects: they get placements too.
        library_details(
            actors=[
                *(actor for actor in self.actors.values() if not hasattr(actor, "exported_sgam_placements")),
                *(actor for item in facts for actor in item.actors),
            ],
            information_objects=[
                *(item for item in self.information_objects.values() if not hasattr(item, "exported_requirements")),
                *(information_object for item in facts for information_object in item.information_objects),
            ],
        )
        if facts:
            reference = sgam_reference_get()
            for item, document in zip(facts, documents, strict=True):
                self.add_generated_drawings(document, item, reference)
        return documents

    def libraries(self, *, placeholders: list[UseCase]) -> doc.Repository:
        """The document of the libraries the use cases read so far use, with the stubs (the `placeholders` of the
        export and the visible related use cases outside it) as its use cases."""
        self.target_of = {}
        stubs = list({use_case.pk: use_case for use_case in [*placeholders, *self.related.values()]}.values())
        stubs.sort(key=lambda uc: (*_text_key(uc.identifier, uc.name), str(uc.mrid)))
        for information_object in self.information_objects.values():
            for requirement in information_object.exported_requirements:
                self.requirements.setdefault(requirement.pk, requirement)
        for business_case in self.business_cases.values():
            for area in business_case.exported_areas:
                self.areas.setdefault(area.pk, area)
        return doc.Repository(
            name=REPOSITORY_NAME,
            actors=[self.actor(actor) for actor in sorted(self.actors.values(), key=_actor_key)],
            areas=[
                doc.Area(
                    mrid=document_mrid(area),
                    name=area.name,
                    description=found_value(area, "description"),
                    extra=_extra(area),
                )
                for area in sorted(self.areas.values(), key=_name_key)
            ],
            business_cases=[self.business_case(item) for item in sorted(self.business_cases.values(), key=_name_key)],
            information_objects=[
                self.information_object(item)
                for item in sorted(self.information_objects.values(), key=_information_object_key)
            ],
            common_terms=[
                doc.CommonTerm(
                    mrid=document_mrid(term),
                    term=found_value(term, "term"),
                    definition=found_value(term, "definition"),
                    extra=_extra(term),
                )
                for term in sorted(self.terms.values(), key=lambda term: (*_text_key(term.term), str(term.mrid)))
            ],
            requirement_categories=self.categories(),
            use_cases=[self.stub(use_case) for use_case in stubs],
        )

    def add_generated_drawings(self, document: doc.UseCase, facts: UseCaseFacts, reference: SgamReference) -> None:
        """The use case's generated diagrams after the author's drawings: a sequence diagram on its scenario."""
        placements = effective_placements(facts=facts, reference=reference, related=exported)
        scenarios = {
            scenario.pk: item
            for scenario, item in zip(_by_position(facts.use_case.exported_scenarios), document.scenarios, strict=True)
        }
        for drawing in usecase_generated_drawings(facts=facts, placements=placements):
            holder = document if drawing.scenario_id is None else scenarios[drawing.scenario_id]
            holder.drawings.append(
                doc.GeneratedDrawing(
                    mrid=str(drawing.mrid), name=drawing.name, drawing_type=drawing.drawing_type, uri=drawing.path
                )
            )

    def stub(self, use_case: UseCase) -> doc.UseCase:
        return doc.UseCase(
            mrid=document_mrid(use_case),
            identifier=found_value(use_case, "identifier"),
            name=found_value(use_case, "name"),
            nature=use_case.nature,
            is_stub=True,
        )

    def use_case(self, use_case: UseCase) -> doc.UseCase:
        book = bookkeeping(use_case)
        conditions = [c for c in use_case.exported_conditions if c.scenario_id is None]
        drawings = defaultdict(list)
        for drawing in _by_position(use_case.exported_drawings):
            drawings[("step", drawing.step_id) if drawing.step_id else ("scenario", drawing.scenario_id)].append(
                drawing
            )
        scenario_conditions = defaultdict(list)
        for condition in use_case.exported_conditions:
            if condition.scenario_id is not None:
                scenario_conditions[condition.scenario_id].append(condition)
        for business_case in use_case.exported_business_cases:
            self.business_cases.setdefault(business_case.pk, business_case)
        for term in use_case.exported_common_terms:
            self.terms.setdefault(term.pk, term)
        sgam, nist = _placements(use_case)
        return doc.UseCase(
            mrid=document_mrid(use_case),
            identifier=found_value(use_case, "identifier", book),
            name=found_value(use_case, "name", book),
            status=found_value(use_case, "status", book),
            workspace=use_case.workspace.name,
            area=found_value(use_case, "area", book),
            scope=found_value(use_case, "scope", book),
            narrative_mrid=book.get("narrative_mrid", ""),
            short_description=found_value(use_case, "short_description", book),
            complete_description=found_value(use_case, "complete_description", book),
            level_of_depth=found_value(use_case, "level_of_depth", book),
            prioritisation=found_value(use_case, "prioritisation", book),
            classification=found_value(use_case, "classification", book),
            nature=found_value(use_case, "nature", book),
            view_point=found_value(use_case, "view_point", book),
            keywords=found_value(use_case, "keywords", book),
            extra=_extra(use_case),
            versions=[self.version(version) for version in _by_position(use_case.exported_versions)],
            objectives=[
                doc.Objective(
                    mrid=document_mrid(objective),
                    name=found_value(objective, "name"),
                    description=found_value(objective, "description"),
                    extra=_extra(objective),
                )
                for objective in _by_position(use_case.exported_objectives)
            ],
            business_case_refs=self.refs(use_case, "business_cases", use_case.exported_business_cases),
            kpis=[self.kpi(kpi) for kpi in _by_position(use_case.exported_kpis)],
            conditions=self.conditions(conditions, USE_CASE_CONDITION_KINDS),
            relations=self.relations(use_case),
            remarks=[
                doc.Remark(mrid=document_mrid(remark), text=found_value(remark, "text"), extra=_extra(remark))
                for remark in _by_position(use_case.exported_remarks)
            ],
            drawings=[self.drawing(drawing) for drawing in drawings[("scenario", None)]],
            actor_groupings=self.actor_groupings(use_case),
            primary_actor_refs=self.actor_refs(use_case, "primary_actors", use_case.exported_primary_actors),
            references=[self.reference(reference) for reference in _by_position(use_case.exported_references)],
            scenarios=[
                self.scenario(scenario, scenario_conditions[scenario.pk], drawings)
                for scenario in _by_position(use_case.exported_scenarios)
            ],
            custom_information=[
                doc.CustomInformation(
                    mrid=document_mrid(information),
                    key=found_value(information, "key"),
                    value=information.value,
                    reference=found_value(information, "refers_to_section"),
                    extra=_extra(information),
                )
                for information in _by_position(use_case.exported_custom_information)
            ],
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
            date=_date(version.date, book.get("date", "")),
            authors=authors,
            changes=found_value(version, "changes", book),
            approval_status=found_value(version, "approval_status", book),
            extra=_extra(version),
        )

    def kpi(self, kpi) -> doc.Kpi:
        return doc.Kpi(
            mrid=document_mrid(kpi),
            identifier=found_value(kpi, "identifier"),
            name=found_value(kpi, "name"),
            description=found_value(kpi, "description"),
            objective_refs=self.refs(kpi, "objectives", kpi.exported_objectives),
            extra=_extra(kpi),
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
                extra=_extra(condition),
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
            for relation in _by_position(use_case.exported_relations)
            if relation.related_id in self.visible_related
        ]

    def drawing(self, drawing: Drawing) -> doc.Drawing:
        content = _image_content(drawing) if self.images and drawing.image else b""
        uri = found_value(drawing, "uri") or (drawing.image.url if drawing.image and not content else "")
        return doc.Drawing(
            mrid=document_mrid(drawing),
            name=found_value(drawing, "name"),
            drawing_type=drawing.drawing_type,
            uri=uri,
            uri_type=drawing.uri_type,
            extra=_extra(drawing),
            content=content,
            filename=posixpath.basename(drawing.image.name) if content else "",
        )

    def actor_groupings(self, use_case: UseCase) -> list[doc.ActorGrouping]:
        roles_of: dict[int | None, list[ActorRole]] = defaultdict(list)
        for role in _by_position(use_case.exported_actor_roles):
            roles_of[role.grouping_id].append(role)
        groupings = [
            self.actor_grouping(
                grouping=grouping,
                mrid=document_mrid(grouping),
                roles=roles_of.pop(grouping.pk, []),
                empty=bookkeeping(grouping).get("empty_fai") or [],
            )
            for grouping in _by_position(use_case.exported_actor_groupings)
        ]
        ungrouped = [role for roles in roles_of.values() for role in roles]
        if ungrouped:
            mrid = str(derive_uuid(use_case.mrid, UNGROUPED))
            groupings.append(self.actor_grouping(grouping=None, mrid=mrid, roles=_by_position(ungrouped), empty=[]))
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
            extra=_extra(grouping),
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
            extra=_extra(reference),
        )

    def scenario(self, scenario: Scenario, conditions: list[Condition], drawings: dict) -> doc.Scenario:
        steps = list(scenario.exported_steps)
        known = {step.pk for step in steps}
        children: dict[int | None, list[Step]] = defaultdict(list)
        for step in steps:
            children[step.parent_id if step.parent_id in known else None].append(step)

        def tree(parent_id: int | None, seen: set[int]) -> list[doc.Step]:
            nodes = []
            for step in _by_position(children.get(parent_id, [])):
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
            extra=_extra(scenario),
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
            extra=_extra(step),
        )

    # Libraries

    def actor(self, actor: Actor) -> doc.Actor:
        book = bookkeeping(actor)
        actor_type = found_value(actor, "type", book)
        type_text = book.get("type_text", "")
        if type_text and normalise_actor_type(type_text)[0] != actor_type:
            type_text = ""
        sgam, nist = _placements(actor)
        return doc.Actor(
            mrid=document_mrid(actor),
            name=found_value(actor, "name", book),
            type=actor_type,
            type_text=type_text,
            description=found_value(actor, "description", book),
            sgam=sgam,
            nist=nist,
            extra=_extra(actor),
        )

    def business_case(self, business_case: BusinessCase) -> doc.BusinessCase:
        return doc.BusinessCase(
            mrid=document_mrid(business_case),
            name=found_value(business_case, "name"),
            description=found_value(business_case, "description"),
            area_refs=self.refs(business_case, "areas", business_case.exported_areas),
            extra=_extra(business_case),
        )

    def information_object(self, item: InformationObject) -> doc.InformationObject:
        sgam, nist = _placements(item)
        return doc.InformationObject(
            mrid=document_mrid(item),
            identifier=found_value(item, "identifier"),
            name=found_value(item, "name"),
            description=found_value(item, "description"),
            requirement_refs=self.refs(item, "requirements", item.exported_requirements),
            data_class=found_value(item, "data_class"),
            standards=found_value(item, "standards"),
            sgam=sgam,
            nist=nist,
            extra=_extra(item),
        )

    def categories(self) -> list[doc.RequirementCategory]:
        """The categories of the exported requirements, with their ancestors, as a tree."""
        everything = requirement_category_all() if self.requirements else {}
        included: dict[int, doc.RequirementCategory] = {}
        uncategorised: list[Requirement] = []
        requirements_of: dict[int, list[Requirement]] = defaultdict(list)
        for requirement in self.requirements.values():
            if requirement.category_id in everything:
                requirements_of[requirement.category_id].append(requirement)
            else:
                uncategorised.append(requirement)
        pending = list(requirements_of)
        while pending:
            pk = pending.pop()
            if pk in included or pk not in everything:
                continue
            category = everything[pk]
            included[pk] = self.category(category, requirements_of.get(pk, []))
            if category.parent_id is not None:
                pending.append(category.parent_id)
        roots = []
        for pk, node in sorted(included.items(), key=lambda item: _category_key(everything[item[0]])):
            parent_id = everything[pk].parent_id
            (included[parent_id].children if parent_id in included else roots).append(node)
        if uncategorised:
            roots.append(
                doc.RequirementCategory(
                    mrid=str(derive_uuid(UNCATEGORISED)),
                    name="(uncategorised)",
                    requirements=[self.requirement(r) for r in sorted(uncategorised, key=_requirement_key)],
                    extra={UNCATEGORISED: "true"},
                )
            )
        return roots

    def category(self, category: RequirementCategory, requirements: list[Requirement]) -> doc.RequirementCategory:
        return doc.RequirementCategory(
            mrid=document_mrid(category),
            identifier=found_value(category, "identifier"),
            name=found_value(category, "name"),
            description=found_value(category, "description"),
            requirements=[self.requirement(item) for item in sorted(requirements, key=_requirement_key)],
            extra=_extra(category),
        )

    def requirement(self, requirement: Requirement) -> doc.Requirement:
        return doc.Requirement(
            mrid=document_mrid(requirement),
            identifier=found_value(requirement, "identifier"),
            name=found_value(requirement, "name"),
            description=found_value(requirement, "description"),
            extra=_extra(requirement),
        )


def _extra(instance) -> dict[str, str]:
    return split_extra(instance.extra)[0]


def _date(value: datetime | None, found: str) -> datetime | None:
    """The stored date, written as the file had it (naive, or with its offset) while it is the same moment."""
    if value is None or not found:
        return value
    original = parse_date(found)
    if original is None:
        return value
    moment = original if original.tzinfo is not None else original.replace(tzinfo=UTC)
    return original if moment == value else value


def _use_case_key(use_case: UseCase) -> tuple:
    """The order of the full use cases in the file."""
    return use_case_order_key(use_case.workspace.name, use_case.identifier, use_case.name, use_case.mrid)


def use_case_order_key(workspace_name: str, identifier: str, name: str, mrid) -> tuple:
    return (*_text_key(workspace_name, identifier, name), str(mrid))


def _name_key(item) -> tuple:
    return (*_text_key(item.name), str(item.mrid))


def _actor_key(actor: Actor) -> tuple:
    return (*_text_key(actor.name), str(actor.mrid))


def _information_object_key(item: InformationObject) -> tuple:
    return (*_text_key(item.identifier, item.name), str(item.mrid))


def _requirement_key(requirement: Requirement) -> tuple:
    return (*_text_key(requirement.identifier, requirement.name), str(requirement.mrid))


def _category_key(category: RequirementCategory) -> tuple:
    return (*_text_key(category.identifier, category.name), str(category.mrid))
