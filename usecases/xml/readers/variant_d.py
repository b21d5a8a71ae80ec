"""Reader for variant D, the export of the OFFIS Use Case Management Repository: root `UseCase`, no namespace,
one use case per file. No schema is public; the structure is read from real exports (see the shared IEC 62559
README, section 4), and what we do not know is kept in `extra` with a warning rather than dropped.

What differs from the IEC dialects, and how it is mapped:

- Nothing has an mRID; objects carry the OFFIS database `id`. The reader derives a stable mRID from it
  (`vocabulary.derived_mrid`, mixed with the file's `namespace`, and with the name for actors and information
  objects), so importing the same export twice lands on the same rows, while `mrid_raw` stays blank to show the
  mRID was not in the file. The use case's `id` becomes its identifier.
- Actors are defined inline in `ActorGrouping/Actor` and referred to by `{id, name}`; the reader builds the actor
  library from them (the loader then merges by name). Actors and information objects referred to but not
  defined are created from the reference.
- `Domain`/`Zone` strings (and an actor's `domain`/`zone`) naming SGAM values become SGAM placements: both given,
  every domain x zone cell; only one, a whole row or column. "alle"/"all" means every value. Other words are
  kept in `extra["Domain"]` / `extra["Zone"]`.
- `Condition` holds the use case's assumption, prerequisites (`PreCondition`), a use case level triggering event
  (`trigerringEvent`, sic; kept in `extra`, our triggering events belong to scenarios) and a `scope`.
- Information objects list requirements only as `{id, requirementCategoryId}`; when the file does not describe
  them, they are listed in the requirement library with their ids only, and a warning says so.
- KPIs name their objective (`referenceToMentionedUseCaseObjective`) instead of referring to it; the reader
  finds it by name. Target and calculation fields are kept in `extra`.
- Texts are HTML-escaped, and stay as found.
"""

import itertools

from lxml import etree

from usecases.xml.document import (
    SCENARIO_CONDITION_KINDS,
    USE_CASE_CONDITION_KINDS,
    Actor,
    ActorGrouping,
    Author,
    CommonTerm,
    Condition,
    Drawing,
    FurtherActorInformation,
    InformationObject,
    Kpi,
    Node,
    Objective,
    Reference,
    Remark,
    Repository,
    Requirement,
    RequirementCategory,
    Scenario,
    SgamPlacement,
    Step,
    UseCase,
    UseCaseRelation,
    Version,
)
from usecases.xml.parsing import local_name
from usecases.xml.readers._common import children, elements, has, sort_conditions, text, text_of, where
from usecases.xml.vocabulary import (
    SGAM_DOMAINS,
    SGAM_ZONES,
    derived_mrid,
    means_all,
    normalise_actor_type,
    normalise_drawing_type,
    normalise_relation_type,
    normalise_uri_type,
    parse_date,
    sgam_code,
)

ROOT_SCALARS = {
    "id": "identifier",
    "name": "name",
    "keywords": "keywords",
    "levelOfDepth": "level_of_depth",
    "prioritisation": "prioritisation",
    "prioritization": "prioritisation",
    "scope": "scope",
    "viewPoint": "view_point",
    "classification": "classification",
    "nature": "nature",
}
ROOT_TABLES = {
    "Domain",
    "Zone",
    "ActorGrouping",
    "Condition",
    "Diagram",
    "GeneralRemark",
    "KeyPerformanceIndicator",
    "Narrative",
    "RelatedObjective",
    "Reference",
    "Scenario",
    "UseCaseRelation",
    "VersionInformation",
    "InformationObjects",
    "RequirementLibrary",
    "Glossary",
}
KPI_EXTRAS = ("target", "calculationDescription", "calculationURI")
VERSION_EXTRAS = ("areaOfExpertise", "domainExpert", "title")


def read_variant_d(*, root: etree._Element) -> Repository:
    """The document an OFFIS UCMR export describes (the root must be its `UseCase`)."""
    return _Reader(root).read()


class _Reader:
    """Walks one export, building the libraries from what the use case defines inline or only refers to."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.namespace = text(root, "namespace")
        self.use_case_id = text(root, "id") or text(root, "name")
        self.repository = Repository()
        self.actors: dict[str, Actor] = {}
        self.information_objects: dict[str, InformationObject] = {}
        self.categories: dict[str, RequirementCategory] = {}
        self.requirements: dict[str, Requirement] = {}
        self.terms: list[CommonTerm] = []

    @property
    def warnings(self) -> list[str]:
        return self.repository.warnings

    def global_mrid(self, kind: str, *key: str) -> str:
        return derived_mrid("offis-ucmr", self.namespace, kind, *key)

    def row_mrid(self, kind: str, element: etree._Element, index: int) -> str:
        return derived_mrid("offis-ucmr", self.namespace, self.use_case_id, kind, text(element, "id") or f"#{index}")

    def read(self) -> Repository:
        root = self.root
        use_case = UseCase(mrid=self.global_mrid("use_case", self.use_case_id))
        for tag, attribute in ROOT_SCALARS.items():
            if has(root, tag):
                setattr(use_case, attribute, text(root, tag))
        for element in elements(root):
            tag = local_name(element)
            if tag not in ROOT_SCALARS and tag not in ROOT_TABLES and tag != "namespace":
                self.keep(use_case, element, name=tag)
        if self.namespace:
            use_case.extra["namespace"] = self.namespace
        for library in children(root, "RequirementLibrary"):
            self.requirement_library(library)
        for information_objects in children(root, "InformationObjects"):
            for element in children(information_objects, "InformationObject"):
                self.information_object(element)
        for glossary in children(root, "Glossary"):
            self.glossary(glossary)

        use_case.sgam = self.placements(root, owner=use_case, domain_tag="Domain", zone_tag="Zone")
        use_case.actor_groupings = [self.actor_grouping(e, i) for i, e in enumerate(children(root, "ActorGrouping"))]
        use_case.conditions = sort_conditions(self.use_case_conditions(use_case), kinds=USE_CASE_CONDITION_KINDS)
        use_case.drawings = [self.drawing(e, i) for i, e in enumerate(children(root, "Diagram"))]
        use_case.remarks = [
            Remark(mrid=self.row_mrid("remark", e, i), text=text(e, "content") or text_of(e))
            for i, e in enumerate(children(root, "GeneralRemark"))
        ]
        use_case.objectives = [
            Objective(mrid=self.row_mrid("objective", e, i), name=text(e, "name"), description=text(e, "description"))
            for i, e in enumerate(children(root, "RelatedObjective"))
        ]
        use_case.kpis = [
            self.kpi(e, i, objectives=use_case.objectives)
            for i, e in enumerate(children(root, "KeyPerformanceIndicator"))
        ]
        for narrative in children(root, "Narrative"):
            use_case.short_description = text(narrative, "shortDescription")
            use_case.complete_description = text(narrative, "completeDescription")
        use_case.references = [self.reference(e, i) for i, e in enumerate(children(root, "Reference"))]
        use_case.scenarios = [self.scenario(e, i) for i, e in enumerate(children(root, "Scenario"))]
        use_case.versions = [self.version(e, i) for i, e in enumerate(children(root, "VersionInformation"))]
        related = [self.relations(e) for e in children(root, "UseCaseRelation")]
        use_case.relations = [relation for relations, _ in related for relation in relations]
        use_case.common_term_refs = [term.mrid for term in self.terms]

        repository = self.repository
        repository.actors = list(self.actors.values())
        repository.information_objects = list(self.information_objects.values())
        repository.requirement_categories = list(self.categories.values())
        repository.common_terms = self.terms
        stubs = {stub.mrid: stub for _, found in related for stub in found if stub.mrid != use_case.mrid}
        repository.use_cases = [use_case, *stubs.values()]
        return repository

    def keep(self, node: Node, element: etree._Element, *, name: str) -> None:
        """Something we have no field for: kept in `extra` when it says anything, with a warning."""
        value = text_of(element)
        if value.strip():
            node.extra[name] = f"{node.extra[name]}\n{value}" if name in node.extra else value
            self.warnings.append(f"Kept <{local_name(element)}> at {where(element)} as extra information.")

    def placements(
        self, element: etree._Element, *, owner: Actor | UseCase, domain_tag: str, zone_tag: str
    ) -> list[SgamPlacement]:
        """Domains x zones. A dimension said to be "all" stays open (a placement covers the whole row or column)."""
        codes: dict[str, list[str]] = {}
        covers_all: dict[str, bool] = {}
        for tag, vocabulary in ((domain_tag, SGAM_DOMAINS), (zone_tag, SGAM_ZONES)):
            words = [text_of(item) for item in children(element, tag) if text_of(item).strip()]
            covers_all[tag] = any(means_all(word) for word in words)
            named = [sgam_code(word, vocabulary=vocabulary) for word in words if not means_all(word)]
            codes[tag] = list(dict.fromkeys(code for code in named if code))
            unknown = [word for word in words if not means_all(word) and sgam_code(word, vocabulary=vocabulary) is None]
            if unknown:
                owner.extra[tag] = "; ".join(unknown)
                self.warnings.append(f"{tag} {', '.join(map(repr, unknown))} of {owner.name!r}: not SGAM words, kept.")
        domains, zones = codes[domain_tag], codes[zone_tag]
        if covers_all[domain_tag]:
            domains = [] if zones else list(dict.fromkeys(SGAM_DOMAINS.values()))
        if covers_all[zone_tag]:
            zones = [] if domains else list(dict.fromkeys(SGAM_ZONES.values()))
        if domains and zones:
            return [SgamPlacement(domain=d, zone=z) for d, z in itertools.product(domains, zones)]
        return [SgamPlacement(domain=d) for d in domains] + [SgamPlacement(zone=z) for z in zones]

    def actor(self, element: etree._Element) -> str:
        """The mRID of the actor an `{id, name}` element defines or refers to, creating it on first sight."""
        actor_id, name = text(element, "id"), text(element, "name")
        key = actor_id or f"name:{name.strip().lower()}"
        if key not in self.actors and not actor_id:
            key = next((k for k, a in self.actors.items() if a.name.strip().lower() == name.strip().lower()), key)
        actor = self.actors.get(key)
        if actor is None:
            actor = self.actors[key] = Actor(mrid=self.global_mrid("actor", actor_id, name), name=name)
        if has(element, "description") and not actor.description:
            actor.description = text(element, "description")
        if has(element, "type") and not actor.type:
            actor.type, actor.type_text = normalise_actor_type(text(element, "type"))
        if not actor.sgam:
            actor.sgam = self.placements(element, owner=actor, domain_tag="domain", zone_tag="zone")
        return actor.mrid

    def actor_grouping(self, element: etree._Element, index: int) -> ActorGrouping:
        grouping_mrid = self.row_mrid("actor_grouping", element, index)
        return ActorGrouping(
            mrid=grouping_mrid,
            name=text(element, "name"),
            description=text(element, "description"),
            further_actor_information=[
                FurtherActorInformation(
                    mrid=derived_mrid(grouping_mrid, text(actor, "id") or f"#{position}"),
                    actor_refs=[self.actor(actor)],
                    description=text(actor, "furtherInformation"),
                )
                for position, actor in enumerate(children(element, "Actor"))
            ],
        )

    def use_case_conditions(self, use_case: UseCase) -> list[Condition]:
        conditions = []
        for index, block in enumerate(children(self.root, "Condition")):
            for position, assumption in enumerate(children(block, "assumption")):
                if text_of(assumption).strip():
                    conditions.append(
                        Condition(
                            mrid=derived_mrid(self.row_mrid("condition", block, index), "assumption", str(position)),
                            kind="assumption",
                            description=text_of(assumption),
                        )
                    )
            for position, prerequisite in enumerate(children(block, "PreCondition")):
                conditions.append(
                    Condition(
                        mrid=derived_mrid(self.row_mrid("condition", block, index), "prerequisite", str(position)),
                        kind="prerequisite",
                        description=text(prerequisite, "content") or text_of(prerequisite),
                    )
                )
            for tag in ("trigerringEvent", "triggeringEvent", "scope"):
                for item in children(block, tag):
                    self.keep(use_case, item, name="triggering_event" if tag != "scope" else "condition_scope")
        return conditions

    def drawing(self, element: etree._Element, index: int) -> Drawing:
        found_type = text(element, "drawingType")
        drawing = Drawing(
            mrid=self.row_mrid("drawing", element, index),
            name=text(element, "name"),
            drawing_type=normalise_drawing_type(found_type) or "other",
            uri=text(element, "URI"),
            uri_type=normalise_uri_type(children(element, "URI")[0].get("type", "") if has(element, "URI") else ""),
        )
        if normalise_drawing_type(found_type) is None and found_type.strip():
            drawing.extra["drawingType"] = found_type
        if text(element, "description").strip():
            drawing.extra["description"] = text(element, "description")
        return drawing

    def kpi(self, element: etree._Element, index: int, *, objectives: list[Objective]) -> Kpi:
        kpi = Kpi(
            mrid=self.row_mrid("kpi", element, index),
            name=text(element, "name"),
            description=text(element, "description"),
        )
        for tag in KPI_EXTRAS:
            if text(element, tag).strip():
                kpi.extra[tag] = text(element, tag)
        for reference in children(element, "referenceToMentionedUseCaseObjective"):
            name = text_of(reference).strip()
            matches = [o for o in objectives if o.name.strip().lower() == name.lower()] if name else []
            if matches:
                kpi.objective_refs.append(matches[0].mrid)
            elif name:
                kpi.extra["referenceToMentionedUseCaseObjective"] = text_of(reference)
                self.warnings.append(f"KPI {kpi.name!r} refers to the objective {name!r}, which the file lacks.")
        return kpi

    def reference(self, element: etree._Element, index: int) -> Reference:
        return Reference(
            mrid=self.row_mrid("reference", element, index),
            reference_type=text(element, "type"),
            name=text(element, "name"),
            status=text(element, "status"),
            impact=text(element, "impact"),
            originator=text(element, "originatorOrganisation") or text(element, "originatorOrganization"),
            link=text(element, "URI") or text(element, "link"),
            description=text(element, "description"),
        )

    def scenario(self, element: etree._Element, index: int) -> Scenario:
        scenario_mrid = self.row_mrid("scenario", element, index)
        conditions = [
            Condition(mrid=derived_mrid(scenario_mrid, kind, str(position)), kind=kind, description=text_of(item))
            for tag, kind in (
                ("postCondition", "postcondition"),
                ("preCondition", "precondition"),
                ("triggeringEvent", "triggering_event"),
                ("trigerringEvent", "triggering_event"),
            )
            for position, item in enumerate(children(element, tag))
            if text_of(item).strip()
        ]
        return Scenario(
            mrid=scenario_mrid,
            number=text(element, "number"),
            name=text(element, "name"),
            description=text(element, "description"),
            primary_actor_refs=[self.actor(e) for e in children(element, "PrimaryActor")],
            conditions=sort_conditions(conditions, kinds=SCENARIO_CONDITION_KINDS),
            steps=[self.step(e, i) for i, e in enumerate(children(element, "Step"))],
        )

    def step(self, element: etree._Element, index: int) -> Step:
        step = Step(
            mrid=self.row_mrid("step", element, index),
            number=text(element, "number"),
            event=text(element, "event"),
            name=text(element, "name"),
            description=text(element, "description"),
            service=text(element, "service"),
            producer_refs=[self.actor(e) for e in children(element, "InformationProducer")],
            receiver_refs=[self.actor(e) for e in children(element, "InformationReceiver")],
            primary_actor_refs=[self.actor(e) for e in children(element, "PrimaryActor")],
            information_object_refs=[self.information_object(e) for e in children(element, "InformationObject")],
            children=[self.step(e, i) for i, e in enumerate(children(element, "Step"))],
        )
        for requirements in children(element, "Requirements"):
            listed = children(requirements, "Requirement")
            step.requirement_refs += [self.requirement(e) for e in listed]
            if not listed:
                self.keep(step, requirements, name="requirements")
        return step

    def information_object(self, element: etree._Element) -> str:
        object_id, name = text(element, "id"), text(element, "name")
        key = object_id or f"name:{name.strip().lower()}"
        information_object = self.information_objects.get(key)
        if information_object is None:
            information_object = InformationObject(
                mrid=self.global_mrid("information_object", object_id, name), name=name
            )
            self.information_objects[key] = information_object
        if has(element, "description") and not information_object.description:
            information_object.description = text(element, "description")
        for requirements in children(element, "Requirements"):
            for requirement in children(requirements, "Requirement"):
                mrid = self.requirement(requirement)
                if mrid not in information_object.requirement_refs:
                    information_object.requirement_refs.append(mrid)
        return information_object.mrid

    def requirement(self, element: etree._Element, *, category_id: str | None = None) -> str:
        """The mRID of a requirement defined or referred to; one only referred to is listed with its ids."""
        requirement_id = text(element, "id")
        if requirement_id in self.requirements and not has(element, "name"):
            return self.requirements[requirement_id].mrid
        category_id = text(element, "requirementCategoryId") if category_id is None else category_id
        category = self.categories.get(category_id)
        if category is None:
            category = self.categories[category_id] = RequirementCategory(
                mrid=self.global_mrid("requirement_category", category_id), identifier=category_id
            )
        requirement = self.requirements.get(requirement_id)
        if requirement is None:
            requirement = self.requirements[requirement_id] = Requirement(
                mrid=self.global_mrid("requirement", requirement_id), identifier=requirement_id
            )
            category.requirements.append(requirement)
            if not has(element, "name"):
                self.warnings.append(
                    f"Requirement {requirement_id} (category {category_id or 'none'}) is referred to at "
                    f"{where(element)} but not described in the file; it is listed with its id only."
                )
        if has(element, "name"):
            requirement.name, requirement.description = text(element, "name"), text(element, "description")
        return requirement.mrid

    def requirement_library(self, library: etree._Element) -> None:
        for element in children(library, "RequirementCategory"):
            category_id = text(element, "id") or text(element, "identifier")
            category = self.categories.setdefault(
                category_id,
                RequirementCategory(mrid=self.global_mrid("requirement_category", category_id), identifier=category_id),
            )
            category.name, category.description = text(element, "name"), text(element, "description")
            for requirement in children(element, "Requirement"):
                self.requirement(requirement, category_id=category_id)
        for requirement in children(library, "Requirement"):
            self.requirement(requirement)

    def glossary(self, glossary: etree._Element) -> None:
        for index, element in enumerate(elements(glossary)):
            term = text(element, "term") or text(element, "name")
            self.terms.append(
                CommonTerm(
                    mrid=self.global_mrid("common_term", text(element, "id") or f"#{index}", term),
                    term=term,
                    definition=text(element, "definition") or text(element, "description"),
                )
            )

    def version(self, element: etree._Element, index: int) -> Version:
        date_text = text(element, "date")
        authors = text(element, "authors")
        version = Version(
            mrid=self.row_mrid("version", element, index),
            number=text(element, "number"),
            date=parse_date(date_text),
            authors=[Author(name=authors)] if authors.strip() else [],
            changes=text(element, "changes"),
            approval_status=text(element, "approvalStatus"),
        )
        for tag in VERSION_EXTRAS:
            if text(element, tag).strip():
                version.extra[tag] = text(element, tag)
        if version.date is None and date_text.strip():
            version.extra["date"] = date_text
            self.warnings.append(f"Version {version.number!r}: {date_text!r} is not a date we can read.")
        return version

    def relations(self, element: etree._Element) -> tuple[list[UseCaseRelation], list[UseCase]]:
        """Relations to other use cases, which come as stubs (as variant C carries them)."""
        relation_type = normalise_relation_type(text(element, "type"))
        relations, stubs = [], []
        for related in children(element, "RelatedUseCase"):
            related_id = text(related, "id") if elements(related) else ""
            name = text(related, "name") if elements(related) else text_of(related)
            stub = UseCase(
                mrid=self.global_mrid("use_case", related_id or name),
                identifier=related_id,
                name=name,
                nature=text(related, "nature"),
                is_stub=True,
            )
            stubs.append(stub)
            relations.append(UseCaseRelation(use_case_ref=stub.mrid, type=relation_type))
        return relations, stubs
