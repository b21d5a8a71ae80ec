"""BRIDGE Excel workbooks (.xlsx, .xlsm) -> the neutral document (`usecases.xml.document.Repository`).

The workbook is untrusted: `check_workbook` (`package.py`) looks at the zip's directory before anything is
decompressed (an OLE file, which is what an encrypted workbook or a legacy .xls is, a zip that is no workbook, a
total uncompressed size above `UCMR_EXCEL_MAX_BYTES`), and openpyxl then opens it read-only with cached values
(`data_only`): no formula is evaluated, no macro runs (the vbaProject of an .xlsm is never read), no external link
is followed. Only the first `UCMR_EXCEL_MAX_ROWS` rows and `UCMR_EXCEL_MAX_COLUMNS` columns of a sheet are read.

Every sheet whose column B carries the template's labels (`layout.SIGNATURE_MIN_LABELS` of them in order) is a
use case; other sheets are reported as skipped. Rows are found by their label, the canonical row standing in
(reported) for a label that is missing (`locate.py`). Sections 2, 3.1 and 4 are read in `drawings.py`, `actors.py`
and `scenarios.py`, with what they share in `reading.py`. Cross-references are free text in the template: steps
name their producers and receivers, information and scenario in words. They are resolved by name (`ActorIndex`,
`InformationIndex`, `ScenarioMatcher`); the raw text stays in the object's `extra` beside the link, and what could
not be resolved is a warning, never an error.

Row 29 becomes relations (to the workbook's use cases, or stubs the loader looks up in the repository), row 81
links requirements of section 6, and the pictures of a sheet (read from its drawing part, which openpyxl's
read-only mode skips) become drawings carrying the image's bytes.

mRIDs are derived (uuid5) from the use case's identifier and name (or the sheet title when it has neither) and
the object's position, so that importing a workbook again lands on what the first import created.
"""

import re
from typing import BinaryIO

import openpyxl
from django.conf import settings

from usecases.excel import layout
from usecases.excel.actors import read_actors
from usecases.excel.drawings import read_drawings
from usecases.excel.layout import FIRST_VALUE_COLUMN, column_letter
from usecases.excel.locate import locate_rows
from usecases.excel.package import ExcelImportError, check_workbook, is_workbook
from usecases.excel.reading import NAMESPACE, SheetReading
from usecases.excel.scenarios import read_scenarios
from usecases.excel.sheets import Sheet, load_sheet
from usecases.exchange.office_names import (
    UNRESOLVED_KINDS,
    InformationIndex,
    RequirementIndex,
    UseCaseIndex,
    fold,
    lenient_date,
    list_item,
    note_unresolved,
    relation_parts,
    report_unresolved,
    shown,
    split_lines,
    term_and_definition,
)
from usecases.xml import document as doc
from usecases.xml.parsing import binary_source
from usecases.xml.vocabulary import derived_mrid

# What other modules import from here; opening a workbook is `usecases.excel.package`'s.
__all__ = ["ExcelImportError", "check_workbook", "is_workbook", "read_workbook", "relation_parts"]

DEFAULT_MAX_ROWS = 1_000
DEFAULT_MAX_COLUMNS = 1_000


# Requirements are named in row 81 of an information item.
_UNRESOLVED_KINDS = (*UNRESOLVED_KINDS[:2], ("requirement", "in row 81 name no requirement of section 6"))


def read_workbook(*, data: bytes | BinaryIO, name: str = "", max_bytes: int | None = None) -> doc.Repository:
    """Read untrusted workbook bytes (or a seekable binary file) into a Repository, one use case per use case
    sheet. `name`: the file's name, for the repository's name and messages."""
    source = binary_source(data)
    warnings = check_workbook(source, max_bytes=max_bytes)
    max_rows = int(getattr(settings, "UCMR_EXCEL_MAX_ROWS", DEFAULT_MAX_ROWS))
    max_columns = int(getattr(settings, "UCMR_EXCEL_MAX_COLUMNS", DEFAULT_MAX_COLUMNS))
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True, keep_links=False, keep_vba=False)
    except Exception as error:  # openpyxl raises many kinds (KeyError, ValueError, zip errors) for damaged files
        raise ExcelImportError(f"The workbook cannot be read: {error}", code="excel_damaged") from error
    builder = _Builder(workbook_name=name)
    builder.warnings += warnings
    try:
        for worksheet in workbook.worksheets:
            sheet = load_sheet(worksheet, archive=workbook._archive, max_rows=max_rows, max_columns=max_columns)
            if sheet.truncated:
                builder.warnings.append(
                    f"Sheet {worksheet.title!r} is larger than {max_rows:,} rows or {max_columns:,} columns: only "
                    "that much of it was read."
                )
            builder.add_sheet(sheet.sheet)
        for chartsheet in workbook.chartsheets:
            builder.warnings.append(f"Sheet {chartsheet.title!r} is a chart, not a use case: skipped.")
    finally:
        workbook.close()
    return builder.repository()


class _Builder:
    def __init__(self, *, workbook_name: str) -> None:
        self.workbook_name = workbook_name
        self.warnings: list[str] = []
        self.relation_texts: list[tuple[doc.UseCase, str, str]] = []  # (use case, row 29, where)
        self.stubs: dict[str, doc.UseCase] = {}
        self.actors: dict[str, doc.Actor] = {}  # by mRID, shared by the workbook's use cases
        self.business_cases: dict[str, doc.BusinessCase] = {}
        self.information: list[doc.InformationObject] = []
        self.categories: list[doc.RequirementCategory] = []
        self.common_terms: list[doc.CommonTerm] = []
        self.use_cases: list[doc.UseCase] = []
        self.keys: set[str] = set()

    def repository(self) -> doc.Repository:
        self.relations()
        repository = doc.Repository(
            mrid=derived_mrid(NAMESPACE, "repository", *(use_case.mrid for use_case in self.use_cases)),
            name=self.workbook_name,
            actors=list(self.actors.values()),
            business_cases=list(self.business_cases.values()),
            information_objects=self.information,
            requirement_categories=self.categories,
            common_terms=self.common_terms,
            use_cases=[*self.use_cases, *self.stubs.values()],
        )
        if not self.use_cases:
            self.warnings.append("The workbook holds no sheet laid out as the IEC 62559-2 use case template.")
        repository.warnings = self.warnings
        return repository

    def relations(self) -> None:
        """Row 29 of every sheet as relations (once all sheets are read, as a sheet names those after it): each part
        that names a use case of the workbook by ID or name relates to it; one that looks like another's ID or name
        (`relation_parts`) relates to a stub the loader links to the repository's use case of that ID or name, or
        drops (`use_cases.LOOKUP`). The text stays in `extra["relations"]`; parts that name nothing are a warning."""
        index = UseCaseIndex(self.use_cases)
        for use_case, text, where in self.relation_texts:
            unresolved = []
            for part in relation_parts(text):
                found = index.find(part)
                if found == use_case.mrid:
                    continue
                if not found and (part.identifier or part.name):
                    stub = doc.UseCase(
                        mrid_raw=part.identifier or part.name,
                        identifier=part.identifier,
                        name=part.name,
                        is_stub=True,
                        extra={"lookup": "true"},
                    )
                    found = self.stubs.setdefault(stub.mrid, stub).mrid
                if not found:
                    unresolved.append(part.text)
                elif found not in {relation.use_case_ref for relation in use_case.relations}:
                    use_case.relations.append(doc.UseCaseRelation(use_case_ref=found, type=part.type))
            if unresolved:
                listed = "; ".join(repr(shown(text)) for text in unresolved[:5])
                more = f" and {len(unresolved) - 5} more" if len(unresolved) > 5 else ""
                self.warnings.append(
                    f"{where}: {len(unresolved)} part(s) of row 29 (relation to other use cases) name no use case "
                    f"and were kept as text: {listed}{more}."
                )

    def add_sheet(self, sheet: Sheet) -> None:
        rows, found, fallbacks = locate_rows(sheet)
        if found < layout.SIGNATURE_MIN_LABELS:
            self.warnings.append(
                f"Sheet {sheet.title!r} is not laid out as the use case template ({found} of its labels in "
                "column B): skipped."
            )
            return
        if not any(column >= FIRST_VALUE_COLUMN for _, column in sheet.values):
            self.warnings.append(f"Sheet {sheet.title!r} is an empty use case template: skipped.")
            return
        _SheetReader(self, sheet, rows, fallbacks).read()


class _SheetReader(SheetReading):
    """A use case sheet into the workbook's document: sections 1, 3.2 and 5 to 8 here; 2, 3.1 and 4 in `drawings.py`,
    `actors.py` and `scenarios.py`. Actors, business cases, information and requirements go to the workbook's lists."""

    def __init__(self, builder: _Builder, sheet: Sheet, rows: dict[str, int], fallbacks: list[str]) -> None:
        super().__init__(sheet=sheet, rows=rows, warnings=builder.warnings)
        self.builder = builder
        self.fallbacks = fallbacks
        self.information_items: list[doc.InformationObject] = []
        self.requirements: list[doc.Requirement] = []

    # the use case

    def read(self) -> None:
        identifier, name = self.text("identifier"), self.text("name")
        self.identity = f"{identifier}\x1f{name}" if identifier or name else f"sheet\x1f{self.sheet.title}"
        if self.identity in self.builder.keys:
            self.identity = f"{self.identity}\x1f{self.sheet.title}"
        self.builder.keys.add(self.identity)
        for message in self.fallbacks:
            self.warn(message)
        use_case = doc.UseCase(
            mrid=self.mrid("use_case"),
            identifier=identifier,
            name=name or self.sheet.title,
            area=self.text("area"),
            scope=self.text("scope"),
            narrative_mrid=self.mrid("narrative"),
            short_description=self.text("short_description"),
            complete_description=self.text("complete_description"),
            level_of_depth=self.text("level_of_depth"),
            prioritisation=self.text("prioritisation"),
            classification=self.text("classification"),
            nature=self.text("nature"),
            keywords=self.text("keywords"),
        )
        if not name:
            self.warn(f"the use case has no name; named after the sheet, {self.sheet.title!r}.")
        relations = self.text("relations")
        if relations:
            use_case.extra["relations"] = relations
            self.builder.relation_texts.append((use_case, relations, self.where))
        use_case.versions = self.versions()
        use_case.objectives = [
            doc.Objective(mrid=self.mrid("objective", number), name=text)
            for number, text in enumerate(split_lines(self.text("objectives")), start=1)
        ]
        use_case.business_case_refs = self.business_cases()
        use_case.kpis = self.kpis(use_case.objectives)
        use_case.conditions = [
            *self.conditions("assumption", layout.ASSUMPTIONS),
            *self.conditions("prerequisite", layout.PREREQUISITES),
        ]
        use_case.remarks = [
            doc.Remark(mrid=self.mrid("remark", column), text=self.text("remark", column))
            for column in self.columns(layout.REMARKS)
        ]
        use_case.drawings = read_drawings(self)
        actor_index, use_case.actor_groupings = read_actors(self, library=self.builder.actors)
        use_case.references = self.references()
        information_index = self.information()
        use_case.scenarios = read_scenarios(self, actors=actor_index, information=information_index)
        use_case.custom_information = self.extended()
        self.requirement_links()
        report_unresolved(self.unresolved, _UNRESOLVED_KINDS, self.warn)
        self.builder.use_cases.append(use_case)

    def versions(self) -> list[doc.Version]:
        versions = []
        for column in self.columns(layout.VERSIONS):
            date, date_text = lenient_date(self.raw("version.date", column))
            authors = re.split(r"\s*[,;\n]\s*", self.text("version.authors", column))
            version = doc.Version(
                mrid=self.mrid("version", column),
                number=self.text("version.number", column),
                date=date,
                authors=[
                    doc.Author(mrid=self.mrid("author", column, number), name=list_item(author))
                    for number, author in enumerate(authors)
                    if list_item(author)
                ],
                changes=self.text("version.changes", column),
                approval_status=self.text("version.approval_status", column),
            )
            if date_text:
                version.extra["date"] = date_text
                self.warn(f"version date {date_text!r} in {self.cell('version.date', column)} is not a date.")
            versions.append(version)
        return versions

    def business_cases(self) -> list[str]:
        refs = []
        for name in split_lines(self.text("business_cases").replace(",", "\n")):
            mrid = derived_mrid(NAMESPACE, "business_case", fold(name))
            self.builder.business_cases.setdefault(mrid, doc.BusinessCase(mrid=mrid, name=name))
            refs.append(mrid)
        return list(dict.fromkeys(refs))

    def kpis(self, objectives: list[doc.Objective]) -> list[doc.Kpi]:
        by_name = {fold(objective.name): objective.mrid for objective in objectives}
        kpis = []
        for column in self.columns(layout.KPIS):
            reference = self.text("kpi.objectives", column)
            kpi = doc.Kpi(
                mrid=self.mrid("kpi", column),
                identifier=self.text("kpi.identifier", column),
                name=self.text("kpi.name", column),
                description=self.text("kpi.description", column),
            )
            if reference:
                kpi.extra["objectives"] = reference
                if fold(reference) in {"all", "all objectives"}:
                    kpi.objective_refs = [objective.mrid for objective in objectives]
                else:
                    parts = [fold(part) for part in [reference, *split_lines(reference.replace(",", "\n"))]]
                    kpi.objective_refs = list(dict.fromkeys(by_name[part] for part in parts if part in by_name))
            kpis.append(kpi)
        return kpis

    def conditions(self, kind: str, block: str) -> list[doc.Condition]:
        return [
            doc.Condition(mrid=self.mrid(kind, column), kind=kind, description=self.text(kind, column))
            for column in self.columns(block)
        ]

    def references(self) -> list[doc.Reference]:
        references = []
        for column in self.columns(layout.REFERENCES):
            link_row = self.rows.get("reference.link", 0)
            references.append(
                doc.Reference(
                    mrid=self.mrid("reference", column),
                    number=self.text("reference.number", column),
                    reference_type=self.text("reference.type", column),
                    name=self.text("reference.name", column),
                    description=self.text("reference.description", column),
                    status=self.text("reference.status", column),
                    impact=self.text("reference.impact", column),
                    originator=self.text("reference.originator", column),
                    link=self.sheet.links.get((link_row, column)) or self.text("reference.link", column),
                )
            )
        return references

    def information(self) -> InformationIndex:
        items = []
        for column in self.columns(layout.INFORMATION):
            item = doc.InformationObject(
                mrid=self.mrid("information", column),
                identifier=self.text("information.identifier", column),
                name=self.text("information.name", column),
                description=self.text("information.description", column),
            )
            requirements = self.text("information.requirements", column)
            if requirements:
                item.extra["requirements"] = requirements
            if not item.name:
                item.name = item.identifier or f"Information {column_letter(column)}"
            items.append(item)
        self.builder.information += items
        self.information_items = items
        return InformationIndex(items)

    # sections 6 to 8 (the extended variant) and what is left out

    def requirement_links(self) -> None:
        """Row 81 of each information item links the requirements of section 6 it names (`RequirementIndex`); the
        text stays in `extra["requirements"]`, and what names none is reported."""
        index = RequirementIndex(self.requirements)
        for column, item in zip(self.columns(layout.INFORMATION), self.information_items, strict=False):
            text = item.extra.get("requirements", "")
            if not text:
                continue
            item.requirement_refs, unresolved = index.resolve(text)
            where = f"information {item.identifier or item.name!r} in {column_letter(column)}"
            note_unresolved(self.unresolved, "requirement", unresolved, where)

    def extended(self) -> list[doc.CustomInformation]:
        categories = [
            doc.RequirementCategory(
                mrid=self.mrid("category", column),
                identifier=self.text("category.identifier", column),
                name=self.text("category.name", column) or self.text("category.identifier", column),
                description=self.text("category.description", column),
            )
            for column in self.columns(layout.REQUIREMENT_CATEGORIES)
        ]
        requirements = [
            doc.Requirement(
                mrid=self.mrid("requirement", column),
                identifier=self.text("requirement.identifier", column),
                name=self.text("requirement.name", column) or self.text("requirement.identifier", column),
                description=self.text("requirement.description", column),
            )
            for column in self.columns(layout.REQUIREMENTS)
        ]
        self.requirements = requirements
        category_columns = self.columns(layout.REQUIREMENT_CATEGORIES)
        if requirements and category_columns == self.columns(layout.REQUIREMENTS):
            # Aligned (as the writer writes them): each requirement is in the category of its column, categories of
            # one ID and name being one.
            by_key: dict[tuple[str, str], doc.RequirementCategory] = {}
            for category, requirement in zip(categories, requirements, strict=True):
                kept = by_key.setdefault((fold(category.identifier), fold(category.name)), category)
                kept.requirements.append(requirement)
            categories = list(by_key.values())
        elif requirements:
            if not categories:
                categories.append(doc.RequirementCategory(mrid=self.mrid("category", "requirements"), name="Other"))
            categories[0].requirements = requirements
        self.builder.categories += categories
        for column in self.columns(layout.COMMON_TERMS):
            term, definition = term_and_definition(self.text("common_term", column))
            self.builder.common_terms.append(
                doc.CommonTerm(mrid=self.mrid("common_term", column), term=term, definition=definition)
            )
        return [
            doc.CustomInformation(mrid=self.mrid("custom_information", column), key=key, value=value)
            for column in self.columns(layout.CUSTOM_INFORMATION)
            for key, value in [term_and_definition(self.text("custom_information", column))]
        ]
