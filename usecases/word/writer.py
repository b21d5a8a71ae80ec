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

from usecases.word import layout
from usecases.word.cells_writer import LinkText, Rich, RichList, label_cell, xml_text
from usecases.word.diagrams_writer import write_diagrams
from usecases.word.page import PageSetup, new_document
from usecases.word.pictures import Picture
from usecases.word.table_writer import TableWriter
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
        rows = [
            [
                version.number,
                version.date.strftime(DATE_FORMAT) if version.date else version.extra.get("date", ""),
                LIST_SEPARATOR.join(author.name for author in version.authors if author.name),
                Rich(version.changes),
                version.approval_status,
            ]
            for version in self.use_case.versions
        ]
        self.table("versions", rows)

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
        rows = [
            [
                kpi.identifier,
                kpi.name,
                Rich(kpi.description),
                _lines(o.name for o in _objects(objectives, kpi.objective_refs)) or kpi.extra.get("objectives", ""),
            ]
            for kpi in self.use_case.kpis
        ]
        self.table("kpis", rows)

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
        spec = layout.TABLES_BY_KEY["actors"]
        for name, description, members in groups:
            table = self.new_table("actors", 4)
            self.caption_row(table, spec)
            cells = self.add_row(table, repeat=True)
            label_cell(cells[0].merge(cells[1]), spec.group_columns[0].label, spec.fill)
            label_cell(cells[2].merge(cells[3]), spec.group_columns[1].label, spec.fill)
            cells = self.add_row(table)
            self.value(cells[0].merge(cells[1]), name)
            self.value(cells[2].merge(cells[3]), description)
            self.label_row(table, list(spec.header), repeat=False, fill=spec.fill)
            for actor, further in members or [(doc.Actor(), "")]:
                self.value_row(
                    table,
                    [actor.name, _actor_type(actor) if actor.mrid else "", Rich(actor.description), Rich(further)],
                )
            self.document.add_paragraph()

    def references(self) -> None:
        rows = [
            [
                reference.number,
                reference.reference_type,
                Rich(reference.description, lead=reference.name if reference.name != reference.description else ""),
                reference.status,
                Rich(reference.impact),
                reference.originator,
                LinkText(reference.link),
            ]
            for reference in self.use_case.references
        ]
        self.table("references", rows)

    # Section 4

    def scenarios(self) -> None:
        rows = [
            [
                scenario.number,
                scenario.name,
                Rich(scenario.description),
                _lines(a.name for a in _objects(self.library.actors, scenario.primary_actor_refs))
                or scenario.extra.get("primary_actor", ""),
                RichList(_condition(c) for c in scenario.conditions if c.kind == "triggering_event"),
                RichList(_condition(c) for c in scenario.conditions if c.kind == "precondition"),
                RichList(_condition(c) for c in scenario.conditions if c.kind == "postcondition"),
            ]
            for scenario in self.use_case.scenarios
        ]
        self.table("scenarios", rows)

    def step_tables(self) -> None:
        """A table per scenario, under a heading of its own ("4.2.1<tab>Steps - <scenario name>")."""
        spec = layout.TABLES_BY_KEY["steps"]
        steps_heading = layout.HEADINGS_BY_KEY["steps"]
        scenarios = self.use_case.scenarios or [doc.Scenario()]
        for number, scenario in enumerate(scenarios, start=1):
            title = f"Steps \u2013 {scenario.name}" if scenario.name else steps_heading.title
            self.document.add_heading(f"{steps_heading.number}.{number}{layout.NUMBER_SEPARATOR}{xml_text(title)}", 3)
            table = self.new_table("steps", len(spec.columns))
            self.caption_row(table, spec)
            cells = self.add_row(table, repeat=True)
            label_cell(cells[0].merge(cells[1]), spec.group_columns[0].label, spec.fill)
            self.value(cells[2].merge(cells[-1]), scenario.name)
            requirements = _objects(self.library.requirements, scenario.requirement_refs)
            if requirements:  # the scenario's own requirements, which no column of the template holds
                cells = self.add_row(table, repeat=True)
                label_cell(cells[0].merge(cells[1]), spec.group_columns[1].label, spec.fill)
                self.value(cells[2].merge(cells[-1]), LIST_SEPARATOR.join(_label_of(r) for r in requirements))
            self.label_row(table, list(spec.header), repeat=True, fill=spec.fill)
            steps = list(iter_steps(scenario.steps)) or [doc.Step()]
            for step in steps:
                self.value_row(table, self.step_values(step))

    def step_values(self, step: doc.Step) -> list:
        library = self.library
        return [
            step.number,
            Rich(step.event),
            step.name,
            Rich(step.description),
            step.service,
            _lines(a.name for a in _objects(library.actors, step.producer_refs)) or step.extra.get("producer", ""),
            _lines(a.name for a in _objects(library.actors, step.receiver_refs)) or step.extra.get("receiver", ""),
            LIST_SEPARATOR.join(
                _label_of(i) for i in _objects(library.information_objects, step.information_object_refs)
            )
            or step.extra.get("information", ""),
            LIST_SEPARATOR.join(_label_of(r) for r in _objects(library.requirements, step.requirement_refs)),
        ]

    # Sections 5 to 8

    def used_information(self) -> list[doc.InformationObject]:
        used = {ref for step in self.steps for ref in step.information_object_refs}
        items = [self.library.information_objects[ref] for ref in used if ref in self.library.information_objects]
        order = self.library.information_order
        return sorted(items, key=lambda item: order.get(item.mrid, len(order)))

    def information(self) -> None:
        rows = [
            [
                item.identifier,
                item.name,
                Rich(item.description),
                LIST_SEPARATOR.join(_label_of(r) for r in _objects(self.library.requirements, item.requirement_refs))
                or item.extra.get("requirements", ""),
            ]
            for item in self.used_information()
        ]
        self.table("information", rows)

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
        spec = layout.TABLES_BY_KEY["requirements"]
        for category, requirements in categories or [(doc.RequirementCategory(), [doc.Requirement()])]:
            table = self.new_table("requirements", 3)
            self.caption_row(table, spec)
            self.label_row(table, [column.label for column in spec.group_columns], repeat=True, fill=spec.fill)
            self.value_row(table, [category.identifier, category.name, Rich(category.description)])
            self.label_row(table, list(spec.header), fill=spec.fill)
            for requirement in requirements:
                self.value_row(table, [requirement.identifier, requirement.name, Rich(requirement.description)])
            self.document.add_paragraph()

    def common_terms(self) -> None:
        terms = _objects(self.library.common_terms, self.use_case.common_term_refs)
        self.table("common_terms", [[term.term, Rich(term.definition)] for term in terms])

    def custom_information(self) -> None:
        rows = [[item.key, item.value, item.reference] for item in self.use_case.custom_information]
        self.table("custom_information", rows)


# Values


def _objects(objects: dict, refs: list[str]) -> list:
    return [objects[ref] for ref in dict.fromkeys(refs) if ref in objects]


def _label_of(item) -> str:
    return getattr(item, "identifier", "") or getattr(item, "name", "")


def _lines(names: Iterable[str]) -> str:
    return "\n".join(dict.fromkeys(name for name in names if name))


def _condition(condition: doc.Condition) -> str:
    return condition.description or condition.name


def _actor_type(actor: doc.Actor) -> str:
    return actor.type_text or actor_type_spelling(actor.type)
