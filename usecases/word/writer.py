"""Neutral document -> one Word document per use case in the IEC 62559-2 template's layout (`layout`): the
template's headings 1 to 8 in its order (References numbered 3.2, as the IEC numbers it), each followed by its
table, with the caption row spanning the table and the field labels on grey, as NIST's template has them.

- One Actors table per actor grouping, and one without a grouping for the actors a scenario or step names that are
  in none; one Steps table per scenario (under a "4.2.n Steps - <scenario>" heading) with every step and sub-step,
  actors named by name, information by ID, and the requirements' R-IDs a step names; section 5 lists the
  information the steps exchange; section 6 the requirements the use case names, a table per category.
- Rich text (`ucmr.richtext`: paragraphs, line breaks, lists, emphasis, links, tables) is written as Word
  paragraphs, runs, hyperlinks and nested tables.
- Section 2 holds the pictures: the uploaded drawings' images and the generated diagrams' PNGs, as `pictures` gives
  them (by the drawing's mRID); a drawing without a picture is named with its address. Nothing is rendered here.
- The page is `UCMR_WORD_PAGE` (A4 landscape by default; see `PageSetup.from_setting`).

Library objects come from a `Library`, looked up by the mRIDs the use case refers to, as for the workbook. What the
template has no field for (SGAM and NIST placements, objective descriptions, mRIDs) is not written: the document is
the template's view of a use case.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

import docx

from usecases.template import Spelling, WrittenColumn, written_columns
from usecases.word import layout
from usecases.word.cells_writer import LinkText, Rich, RichList, label_cell, xml_text
from usecases.word.diagrams_writer import write_diagrams
from usecases.word.page import PageSetup, new_document
from usecases.word.pictures import Picture
from usecases.word.table_writer import TableWriter, header, spans
from usecases.xml import document as doc
from usecases.xml.document import iter_steps
from usecases.xml.library import Library
from usecases.xml.vocabulary import actor_type_spelling

# What other modules import from here (the page is `page.py`'s, the tables' layout `table_writer.py`'s).
__all__ = ["CONTENT_TYPE", "DocumentWriter", "Library", "PageSetup", "document_file_name", "write_document"]

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

LIST_SEPARATOR = ", "
DATE_FORMAT = "%Y-%m-%d"


@dataclass
class DocumentWriter:
    """Writes use cases as Word documents, one each (`write`), on the same page setup."""

    page: PageSetup = field(default_factory=PageSetup.from_setting)

    def write(
        self,
        use_case: doc.UseCase,
        *,
        library: Library,
        output: IO[bytes],
        pictures: dict[str, Picture] | None = None,
    ) -> None:
        document = new_document(self.page, title=use_case.name)
        _UseCaseWriter(document, use_case, library, pictures or {}, self.page).write()
        document.save(output)


def write_document(
    use_case: doc.UseCase,
    *,
    library: Library,
    output: IO[bytes],
    pictures: dict[str, Picture] | None = None,
    page: PageSetup | None = None,
) -> None:
    """One use case as a Word document saved to `output`."""
    DocumentWriter(page=page or PageSetup.from_setting()).write(
        use_case, library=library, output=output, pictures=pictures
    )


def document_file_name(use_case: doc.UseCase) -> str:
    """The name of a use case's document in a zip of several (without the extension)."""
    stem = re.sub(r"[^\w.-]+", "-", use_case.identifier or use_case.name, flags=re.ASCII).strip("-.")
    return stem[:60] or "use-case"


# The use case


class _UseCaseWriter(TableWriter):
    """A use case's sections, in the template's order, each its tables (`TableWriter`)."""

    def __init__(
        self,
        document: docx.Document,
        use_case: doc.UseCase,
        library: Library,
        pictures: dict[str, Picture],
        page: PageSetup,
    ) -> None:
        super().__init__(document, page)
        self.use_case = use_case
        self.library = library
        self.pictures = pictures
        self.steps = [step for scenario in use_case.scenarios for step in iter_steps(scenario.steps)]

    def write(self) -> None:
        sections = {
            "name": self.identification,
            "versions": self.versions,
            "scope": self.scope,
            "narrative": self.narrative,
            "kpis": self.kpis,
            "conditions": self.conditions,
            "classification": self.classification,
            "remarks": self.remarks,
            "diagrams": self.diagrams,
            "actors": self.actors,
            "references": self.references,
            "scenarios": self.scenarios,
            "steps": self.step_tables,
            "information": self.information,
            "requirements": self.requirements,
            "common_terms": self.common_terms,
            "custom_information": self.custom_information,
        }
        for heading in layout.WRITTEN_HEADINGS:
            self.document.add_heading(heading.text, level=heading.level)
            if heading.key in sections:
                sections[heading.key]()

    # Section 1

    def identification(self) -> None:
        use_case = self.use_case
        self.table("identification", [[use_case.identifier, use_case.area, use_case.name]])

    def versions(self) -> None:
        spellings = {
            "number": Spelling("version.number"),
            "date": Spelling("version.date", _version_date),
            "authors": Spelling("version.authors", lambda v: LIST_SEPARATOR.join(a.name for a in v.authors if a.name)),
            "changes": Spelling("version.changes", lambda version: Rich(version.changes)),
            "approval_status": Spelling("version.approval_status"),
        }
        self.records("versions", written_columns("versions", spellings), self.use_case.versions)

    def scope(self) -> None:
        spec = layout.TABLES_BY_KEY["scope"]
        table = self.new_table("scope", 2)
        self.caption_row(table, spec)
        values = {
            "scope": Rich(self.use_case.scope),
            "objectives": _lines(objective.name for objective in self.use_case.objectives),
            "business_cases": LIST_SEPARATOR.join(
                item.name for item in _objects(self.library.business_cases, self.use_case.business_case_refs)
            ),
        }
        for column in spec.columns:
            cells = self.add_row(table)
            label_cell(cells[0], column.label, spec.fill)
            self.value(cells[1], values[column.key])

    def narrative(self) -> None:
        self.label_rows(
            "narrative",
            {
                "short_description": Rich(self.use_case.short_description),
                "complete_description": Rich(self.use_case.complete_description),
            },
        )

    def kpis(self) -> None:
        objectives = {objective.mrid: objective for objective in self.use_case.objectives}
        spellings = {
            "identifier": Spelling("kpi.identifier"),
            "name": Spelling("kpi.name"),
            "description": Spelling("kpi.description", lambda kpi: Rich(kpi.description)),
            "objectives": Spelling(
                "kpi.objectives",
                lambda kpi: (
                    _lines(o.name for o in _objects(objectives, kpi.objective_refs)) or kpi.extra.get("objectives", "")
                ),
            ),
        }
        self.records("kpis", written_columns("kpis", spellings), self.use_case.kpis)

    def conditions(self) -> None:
        by_kind = {
            kind: RichList(_condition(c) for c in self.use_case.conditions if c.kind == kind)
            for kind in doc.USE_CASE_CONDITION_KINDS
        }
        self.label_rows("conditions", by_kind)

    def classification(self) -> None:
        use_case = self.use_case
        self.label_rows(
            "classification",
            {
                "relations": self.relations(),
                "level_of_depth": use_case.level_of_depth,
                "prioritisation": use_case.prioritisation,
                "classification": use_case.classification,
                "nature": use_case.nature,
                "keywords": use_case.keywords,
            },
        )

    def relations(self) -> str:
        lines = []
        for relation in self.use_case.relations:
            target = self.library.use_cases.get(relation.use_case_ref)
            label = (target.identifier or target.name) if target is not None else ""
            if label:
                lines.append(f"{label} ({relation.type})" if relation.type else label)
        return "\n".join(lines) or self.use_case.extra.get("relations", "")

    def remarks(self) -> None:
        spec = layout.TABLES_BY_KEY["remarks"]
        table = self.new_table("remarks", 1)
        self.caption_row(table, spec)
        for remark in self.use_case.remarks or [doc.Remark()]:
            self.value_row(table, [Rich(remark.text)])

    # Section 2

    def diagrams(self) -> None:
        drawings = [
            *((drawing, "") for drawing in self.use_case.drawings),
            *((drawing, scenario.name) for scenario in self.use_case.scenarios for drawing in scenario.drawings),
            *((drawing, f"step {step.number}".strip()) for step in self.steps for drawing in step.drawings),
        ]
        write_diagrams(self, drawings, self.pictures)

    # Section 3

    def actors(self) -> None:
        """One table per grouping; the actors named in the scenarios and steps that are in none get a table without
        a grouping (the dumper's grouping of the ungrouped is one without a name)."""
        placed: set[str] = set()
        groups: list[tuple[str, object, list[tuple[doc.Actor, str]]]] = []
        ungrouped: list[tuple[doc.Actor, str]] = []
        for grouping in self.use_case.actor_groupings:
            members = [
                (self.library.actors[ref], information.description)
                for information in grouping.further_actor_information
                for ref in dict.fromkeys(information.actor_refs)
                if ref in self.library.actors
            ]
            placed.update(actor.mrid for actor, _ in members)
            if grouping.name:
                groups.append((grouping.name, Rich(grouping.description), members))
            else:
                ungrouped += members
        named = [
            *self.use_case.primary_actor_refs,
            *(ref for scenario in self.use_case.scenarios for ref in scenario.primary_actor_refs),
            *(ref for s in self.steps for ref in [*s.producer_refs, *s.receiver_refs, *s.primary_actor_refs]),
        ]
        ungrouped += [
            (self.library.actors[ref], "")
            for ref in dict.fromkeys(named)
            if ref in self.library.actors and ref not in placed
        ]
        if ungrouped or not groups:
            groups.append(("", "", ungrouped))
        spellings = {
            "actor": Spelling("actor.name", lambda member: member[0].name),
            "actor_type": Spelling("actor.type", lambda member: _actor_type(member[0]) if member[0].mrid else ""),
            "Actor description": Spelling("actor.description", lambda member: Rich(member[0].description)),
            "grouping": None,  # the table's: a table per grouping
            "further_information": Spelling("actor.further_information", lambda member: Rich(member[1])),
        }
        columns = written_columns("actors", spellings, subject=lambda member: member[0])
        spec = layout.TABLES_BY_KEY["actors"]
        for name, description, members in groups:
            table = self.new_table("actors", len(columns), columns=columns)
            self.caption_row(table, spec)
            for cell, column in zip(spans(self.add_row(table, repeat=True), 2), spec.group_columns, strict=True):
                label_cell(cell, column.label, spec.fill)
            for cell, value in zip(spans(self.add_row(table), 2), (name, description), strict=True):
                self.value(cell, value)
            self.label_row(table, header(spec, columns), repeat=False, fill=spec.fill)
            for member in members or [(doc.Actor(), "")]:
                self.value_row(table, [column.cell(member) for column in columns])
            self.document.add_paragraph()

    def references(self) -> None:
        spellings = {
            "number": Spelling("reference.number"),
            "reference_type": Spelling("reference.type"),
            "name": Spelling(  # the reference's name in bold before its description: the template has no column for it
                "reference.description",
                lambda r: Rich(r.description, lead=r.name if r.name != r.description else ""),
            ),
            "status": Spelling("reference.status"),
            "impact": Spelling("reference.impact", lambda reference: Rich(reference.impact)),
            "originator": Spelling("reference.originator"),
            "link": Spelling("reference.link", lambda reference: LinkText(reference.link)),
        }
        self.records("references", written_columns("references", spellings), self.use_case.references)

    # Section 4

    def scenarios(self) -> None:
        spellings = {
            "number": Spelling("scenario.number"),
            "name": Spelling("scenario.name"),
            "description": Spelling("scenario.description", lambda scenario: Rich(scenario.description)),
            "primary_actors": Spelling(
                "scenario.primary_actor",
                lambda scenario: (
                    _lines(a.name for a in _objects(self.library.actors, scenario.primary_actor_refs))
                    or scenario.extra.get("primary_actor", "")
                ),
            ),
            "Triggering event": Spelling("scenario.triggering_event", lambda s: _conditions(s, "triggering_event")),
            "Pre-condition": Spelling("scenario.precondition", lambda scenario: _conditions(scenario, "precondition")),
            "Post-condition": Spelling("scenario.postcondition", lambda s: _conditions(s, "postcondition")),
            "requirements": None,  # in the scenario's Steps table, under its name
        }
        self.records("scenarios", written_columns("scenarios", spellings), self.use_case.scenarios)

    def step_tables(self) -> None:
        """A table per scenario, under a heading of its own ("4.2.1<tab>Steps - <scenario name>")."""
        spec = layout.TABLES_BY_KEY["steps"]
        columns = self.step_columns()
        steps_heading = layout.HEADINGS_BY_KEY["steps"]
        scenarios = self.use_case.scenarios or [doc.Scenario()]
        for number, scenario in enumerate(scenarios, start=1):
            title = f"Steps \u2013 {scenario.name}" if scenario.name else steps_heading.title
            self.document.add_heading(f"{steps_heading.number}.{number}{layout.NUMBER_SEPARATOR}{xml_text(title)}", 3)
            table = self.new_table("steps", len(columns), columns=columns)
            self.caption_row(table, spec)
            cells = self.add_row(table, repeat=True)
            label_cell(cells[0].merge(cells[1]), spec.group_columns[0].label, spec.fill)
            self.value(cells[2].merge(cells[-1]), scenario.name)
            requirements = _objects(self.library.requirements, scenario.requirement_refs)
            if requirements:  # the scenario's own requirements, which no column of the template holds
                cells = self.add_row(table, repeat=True)
                label_cell(cells[0].merge(cells[1]), spec.group_columns[1].label, spec.fill)
                self.value(cells[2].merge(cells[-1]), LIST_SEPARATOR.join(_label_of(r) for r in requirements))
            self.label_row(table, header(spec, columns), repeat=True, fill=spec.fill)
            for step in list(iter_steps(scenario.steps)) or [doc.Step()]:
                self.value_row(table, [column.cell(step) for column in columns])

    def step_columns(self) -> tuple[WrittenColumn, ...]:
        library = self.library
        spellings = {
            "number": Spelling("step.number"),
            "event": Spelling("step.event", lambda step: Rich(step.event)),
            "name": Spelling("step.name"),
            "description": Spelling("step.description", lambda step: Rich(step.description)),
            "service": Spelling("step.service"),
            "producers": Spelling(
                "step.producer",
                lambda step: (
                    _lines(a.name for a in _objects(library.actors, step.producer_refs))
                    or step.extra.get("producer", "")
                ),
            ),
            "receivers": Spelling(
                "step.receiver",
                lambda step: (
                    _lines(a.name for a in _objects(library.actors, step.receiver_refs))
                    or step.extra.get("receiver", "")
                ),
            ),
            "information_objects": Spelling(
                "step.information",
                lambda step: (
                    LIST_SEPARATOR.join(
                        _label_of(i) for i in _objects(library.information_objects, step.information_object_refs)
                    )
                    or step.extra.get("information", "")
                ),
            ),
            "requirements": Spelling(
                "step.requirements",
                lambda step: LIST_SEPARATOR.join(
                    _label_of(r) for r in _objects(library.requirements, step.requirement_refs)
                ),
            ),
        }
        return written_columns("steps", spellings)

    # Sections 5 to 8

    def used_information(self) -> list[doc.InformationObject]:
        used = {ref for step in self.steps for ref in step.information_object_refs}
        items = [self.library.information_objects[ref] for ref in used if ref in self.library.information_objects]
        order = self.library.information_order
        return sorted(items, key=lambda item: order.get(item.mrid, len(order)))

    def information(self) -> None:
        spellings = {
            "identifier": Spelling("information.identifier"),
            "name": Spelling("information.name"),
            "description": Spelling("information.description", lambda item: Rich(item.description)),
            "requirements": Spelling(
                "information.requirements",
                lambda item: (
                    LIST_SEPARATOR.join(
                        _label_of(r) for r in _objects(self.library.requirements, item.requirement_refs)
                    )
                    or item.extra.get("requirements", "")
                ),
            ),
        }
        self.records("information", written_columns("information", spellings), self.used_information())

    def requirements(self) -> None:
        """A table per category of the requirements the use case names (its scenarios, steps and information)."""
        named = {
            *(ref for scenario in self.use_case.scenarios for ref in scenario.requirement_refs),
            *(ref for step in self.steps for ref in step.requirement_refs),
            *(ref for item in self.used_information() for ref in item.requirement_refs),
        }
        categories = [
            (category, [requirement for requirement in category.requirements if requirement.mrid in named])
            for category in self.library.requirement_categories
        ]
        categories = [(category, requirements) for category, requirements in categories if requirements]
        spellings = {
            "Category": None,  # the table's: a table per category
            "Requirement R-ID": Spelling("requirement.identifier", lambda requirement: requirement.identifier),
            "Requirement name": Spelling("requirement.name", lambda requirement: requirement.name),
            "Requirement description": Spelling(
                "requirement.description", lambda requirement: Rich(requirement.description)
            ),
        }
        columns = written_columns("requirements", spellings)
        spec = layout.TABLES_BY_KEY["requirements"]
        for category, requirements in categories or [(doc.RequirementCategory(), [doc.Requirement()])]:
            table = self.new_table("requirements", len(columns), columns=columns)
            self.caption_row(table, spec)
            group = (category.identifier, category.name, Rich(category.description))
            cells = spans(self.add_row(table, repeat=True), len(group))
            for cell, column in zip(cells, spec.group_columns, strict=True):
                label_cell(cell, column.label, spec.fill)
            for cell, value in zip(spans(self.add_row(table), len(group)), group, strict=True):
                self.value(cell, value)
            self.label_row(table, header(spec, columns), fill=spec.fill)
            for requirement in requirements:
                self.value_row(table, [column.cell(requirement) for column in columns])
            self.document.add_paragraph()

    def common_terms(self) -> None:
        spellings = {
            "term": Spelling("common_term.term"),
            "definition": Spelling("common_term.definition", lambda term: Rich(term.definition)),
        }
        terms = _objects(self.library.common_terms, self.use_case.common_term_refs)
        self.records("common_terms", written_columns("terms", spellings), terms)

    def custom_information(self) -> None:
        spellings = {
            "key": Spelling("custom_information.key"),
            "value": Spelling("custom_information.value"),
            "refers_to_section": Spelling("custom_information.reference", lambda item: item.reference),
        }
        columns = written_columns("custom-information", spellings)
        self.records("custom_information", columns, self.use_case.custom_information)


# Values


def _objects(objects: dict, refs: list[str]) -> list:
    return [objects[ref] for ref in dict.fromkeys(refs) if ref in objects]


def _label_of(item) -> str:
    return getattr(item, "identifier", "") or getattr(item, "name", "")


def _lines(names: Iterable[str]) -> str:
    return "\n".join(dict.fromkeys(name for name in names if name))


def _condition(condition: doc.Condition) -> str:
    return condition.description or condition.name


def _conditions(scenario: doc.Scenario, kind: str) -> RichList:
    return RichList(_condition(c) for c in scenario.conditions if c.kind == kind)


def _version_date(version: doc.Version) -> str:
    return version.date.strftime(DATE_FORMAT) if version.date else version.extra.get("date", "")


def _actor_type(actor: doc.Actor) -> str:
    return actor.type_text or actor_type_spelling(actor.type)
