"""The library part of an export's document (`usecases.exchange.dumper`): the actors, information objects,
requirements with their categories up to the root, common terms, business cases and areas that the written use
cases name, and the references to them in the order the file had."""

from collections import defaultdict
from collections.abc import Iterable

from actors.models import Actor
from requirements.models import Requirement, RequirementCategory
from usecases.exchange.dump_values import (
    actor_key,
    category_key,
    extra_of,
    information_object_key,
    name_key,
    placements_of,
    requirement_key,
    text_key,
)
from usecases.exchange.libraries import UNCATEGORISED
from usecases.exchange.records import bookkeeping, derive_uuid, document_mrid, found_value, ordered, reference_key
from usecases.exchange.selectors import requirement_category_all
from usecases.models import Area, BusinessCase, CommonTerm, InformationObject, UseCase
from usecases.xml import document as doc
from usecases.xml.vocabulary import normalise_actor_type

REPOSITORY_NAME = "UCMR"


class LibraryDumper:
    """The library objects the use cases of an export use, collected while they are written, and the references to
    them; `libraries()` is the document of those objects."""

    def __init__(self, *, user) -> None:
        self.user = user
        self.actors: dict[int, Actor] = {}
        self.information_objects: dict[int, InformationObject] = {}
        self.requirements: dict[int, Requirement] = {}
        self.terms: dict[int, CommonTerm] = {}
        self.business_cases: dict[int, BusinessCase] = {}
        self.areas: dict[int, Area] = {}
        # What a referenced object's mRID and sort key are, by object: the same actor is named by hundreds of
        # steps (the export shares one instance per library object, see usecases.analysis.facts.step_link_rows).
        self.target_of: dict[int, tuple[str, str, tuple]] = {}
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

    # The libraries

    def libraries(self, *, placeholders: list[UseCase]) -> doc.Repository:
        """The document of the libraries the use cases read so far use, with the stubs (the `placeholders` of the
        export and the visible related use cases outside it) as its use cases."""
        self.target_of = {}
        stubs = list({use_case.pk: use_case for use_case in [*placeholders, *self.related.values()]}.values())
        stubs.sort(key=lambda uc: (*text_key(uc.identifier, uc.name), str(uc.mrid)))
        for information_object in self.information_objects.values():
            for requirement in information_object.exported_requirements:
                self.requirements.setdefault(requirement.pk, requirement)
        for business_case in self.business_cases.values():
            for area in business_case.exported_areas:
                self.areas.setdefault(area.pk, area)
        return doc.Repository(
            name=REPOSITORY_NAME,
            actors=[self.actor(actor) for actor in sorted(self.actors.values(), key=actor_key)],
            areas=[
                doc.Area(
                    mrid=document_mrid(area),
                    name=area.name,
                    description=found_value(area, "description"),
                    extra=extra_of(area),
                )
                for area in sorted(self.areas.values(), key=name_key)
            ],
            business_cases=[self.business_case(item) for item in sorted(self.business_cases.values(), key=name_key)],
            information_objects=[
                self.information_object(item)
                for item in sorted(self.information_objects.values(), key=information_object_key)
            ],
            common_terms=[
                doc.CommonTerm(
                    mrid=document_mrid(term),
                    term=found_value(term, "term"),
                    definition=found_value(term, "definition"),
                    extra=extra_of(term),
                )
                for term in sorted(self.terms.values(), key=lambda term: (*text_key(term.term), str(term.mrid)))
            ],
            requirement_categories=self.categories(),
            use_cases=[self.stub(use_case) for use_case in stubs],
        )

    def stub(self, use_case: UseCase) -> doc.UseCase:
        return doc.UseCase(
            mrid=document_mrid(use_case),
            identifier=found_value(use_case, "identifier"),
            name=found_value(use_case, "name"),
            nature=use_case.nature,
            is_stub=True,
        )

    def actor(self, actor: Actor) -> doc.Actor:
        book = bookkeeping(actor)
        actor_type = found_value(actor, "type", book)
        type_text = book.get("type_text", "")
        if type_text and normalise_actor_type(type_text)[0] != actor_type:
            type_text = ""
        sgam, nist = placements_of(actor)
        return doc.Actor(
            mrid=document_mrid(actor),
            name=found_value(actor, "name", book),
            type=actor_type,
            type_text=type_text,
            description=found_value(actor, "description", book),
            sgam=sgam,
            nist=nist,
            extra=extra_of(actor),
        )

    def business_case(self, business_case: BusinessCase) -> doc.BusinessCase:
        return doc.BusinessCase(
            mrid=document_mrid(business_case),
            name=found_value(business_case, "name"),
            description=found_value(business_case, "description"),
            area_refs=self.refs(business_case, "areas", business_case.exported_areas),
            extra=extra_of(business_case),
        )

    def information_object(self, item: InformationObject) -> doc.InformationObject:
        sgam, nist = placements_of(item)
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
            extra=extra_of(item),
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
        for pk, node in sorted(included.items(), key=lambda item: category_key(everything[item[0]])):
            parent_id = everything[pk].parent_id
            (included[parent_id].children if parent_id in included else roots).append(node)
        if uncategorised:
            roots.append(
                doc.RequirementCategory(
                    mrid=str(derive_uuid(UNCATEGORISED)),
                    name="(uncategorised)",
                    requirements=[self.requirement(r) for r in sorted(uncategorised, key=requirement_key)],
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
            requirements=[self.requirement(item) for item in sorted(requirements, key=requirement_key)],
            extra=extra_of(category),
        )

    def requirement(self, requirement: Requirement) -> doc.Requirement:
        return doc.Requirement(
            mrid=document_mrid(requirement),
            identifier=found_value(requirement, "identifier"),
            name=found_value(requirement, "name"),
            description=found_value(requirement, "description"),
            extra=extra_of(requirement),
        )
