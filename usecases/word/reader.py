"""IEC 62559-2 Word documents (.docx, .docm) -> the neutral document (`usecases.xml.document.Repository`).

One document is one use case, in the NIST 2014 layout or the older TC8 2012 one (`usecases.word.layout`). The
document is untrusted: `check_document` looks at the zip's directory before anything is decompressed (an OLE file,
which is what an encrypted document or a legacy .doc is, a zip that is no Word document, parts that would unpack to
more than `UCMR_EXCEL_MAX_BYTES` or a text part above `UCMR_XML_MAX_BYTES`, a DOCTYPE in any XML part), with the
workbook reader's zip checks; macros (a .docm's vbaProject) are dropped before python-docx opens the package, and
linked (external) pictures and other external targets are never fetched: each is reported.

Sections are found by their headings' titles, tables by their caption row, else by their header row, else by the
heading they stand under (`tables.py`); numbers are a hint only (NIST numbers References 3.3, TC8 Remarks 1.5).
Columns are read by their header labels, so that a column moved, added or missing is no matter. Section 1 and the
library's parts (3.2, 5 to 8) are read here; section 2 in `drawings.py`, 3.1 in `actors.py`, 4 in `scenarios.py`,
with what they share (rich text fields, mRIDs, names that name nothing) in `reading.py`.

mRIDs are derived (uuid5) from the use case's ID and name (or the file's name when it has neither) and each object's
position, so that importing the document again lands on what the first import created.
"""

import posixpath
import re
import zipfile
from typing import BinaryIO

from usecases.exchange.office_names import (
    UNRESOLVED_KINDS,
    InformationIndex,
    cell_text,
    fold,
    lenient_date,
    list_item,
    report_unresolved,
    term_and_definition,
)
from usecases.word.actors import read_actors
from usecases.word.cells import EMPTY, Cell
from usecases.word.drawings import read_drawings
from usecases.word.package import WordImportError, check_document, open_package
from usecases.word.reading import NAMESPACE, Reading, paragraph_items
from usecases.word.scenarios import read_scenarios
from usecases.word.tables import labelled_as, value_cells
from usecases.xml import document as doc
from usecases.xml.parsing import binary_source
from usecases.xml.vocabulary import derived_mrid


def read_word_document(*, data: bytes | BinaryIO, name: str = "", max_bytes: int | None = None) -> doc.Repository:
    """Read untrusted document bytes (or a seekable binary file) into a Repository of one use case. `name`: the
    file's name, for the repository's name, the use case's when the document gives none, and messages."""
    source = binary_source(data)
    warnings = check_document(source, max_bytes=max_bytes)
    start = source.tell()
    with zipfile.ZipFile(source) as archive:
        names = archive.namelist()
    source.seek(start)
    try:
        part = open_package(source, names)
        document = part.document
    except WordImportError:
        raise
    except Exception as error:  # python-docx raises many kinds (KeyError, ValueError, lxml errors) for damaged files
        raise WordImportError(f"The document cannot be read: {error}", code="word_damaged") from error
    reader = _DocumentReader(part=part, document=document, file_name=name)
    reader.warnings += warnings
    return reader.read()


# Building the document: section 1 here, sections 2, 3.1 and 4 in drawings.py, actors.py and scenarios.py.


class _DocumentReader(Reading):
    def __init__(self, *, part, document, file_name: str) -> None:
        super().__init__(part=part, document=document)
        self.file_name = file_name
        self.business_case_list: list[doc.BusinessCase] = []

    def read(self) -> doc.Repository:
        self.body.walk()
        return self.build()

    def build(self) -> doc.Repository:
        use_case = self.description()
        use_case.drawings = read_drawings(self)
        actors, use_case.actor_groupings, actor_library = read_actors(self)
        use_case.references = self.references()
        categories = self.requirements()
        requirement_ids = {
            fold(requirement.identifier): requirement.mrid
            for category in categories
            for requirement in category.requirements
            if requirement.identifier
        }
        information, information_items = self.information(requirement_ids)
        use_case.scenarios = read_scenarios(
            self, actors=actors, information=information, requirement_ids=requirement_ids
        )
        terms = self.common_terms()
        use_case.common_term_refs = [term.mrid for term in terms]
        use_case.custom_information = self.custom_information()
        report_unresolved(self.unresolved, UNRESOLVED_KINDS, self.warn)
        if not self.body.found:
            self.warn(
                "The document holds none of the IEC 62559-2 template's tables (captions such as 'Use case "
                "identification' or 'Actors'): the use case is empty."
            )
        elif not _has_content(use_case):
            self.warn("The document is an empty template: every table of it is blank, so the use case is empty.")
        repository = doc.Repository(
            mrid=derived_mrid(NAMESPACE, "repository", use_case.mrid),
            name=self.file_name,
            actors=actor_library,
            business_cases=self.business_case_list,
            information_objects=information_items,
            requirement_categories=categories,
            common_terms=terms,
            use_cases=[use_case],
        )
        repository.warnings = self.warnings
        return repository

    # Section 1

    def identification(self) -> tuple[str, str, str]:
        """(ID, name, area) of 1.1; the use case's identity, which its objects' mRIDs derive from: its ID and name,
        else the file's name."""
        identification = self.body.first("identification")
        rows = self.body.records(identification) if identification else []
        ids = rows[0] if rows else {}
        if len(rows) > 1:
            self.warn(f"Section 1.1 names {len(rows)} use cases: the first was read, a document holds one.")
        identifier, name = cell_text(ids.get("identifier", EMPTY).text), cell_text(ids.get("name", EMPTY).text)
        self.identity = f"{identifier}\x1f{name}" if identifier or name else f"document\x1f{self.stem}"
        return identifier, name, cell_text(ids.get("area", EMPTY).text)

    @property
    def stem(self) -> str:
        return posixpath.basename(self.file_name).rsplit(".", 1)[0] if self.file_name else ""

    def description(self) -> doc.UseCase:
        """The use case with section 1: identification, versions, scope and objectives, narrative, KPIs,
        conditions, classification and remarks."""
        identifier, name, area = self.identification()
        scope, narrative, classification = (
            self.body.labelled(found) if (found := self.body.first(key)) else {}
            for key in ("scope", "narrative", "classification")
        )
        use_case = doc.UseCase(
            mrid=self.mrid("use_case"),
            identifier=identifier,
            name=name or self.stem or "Untitled use case",
            area=area,
            scope=self.value(scope, "scope"),
            narrative_mrid=self.mrid("narrative"),
            short_description=self.value(narrative, "short_description"),
            complete_description=self.value(narrative, "complete_description"),
            level_of_depth=self.value(classification, "level_of_depth"),
            prioritisation=self.value(classification, "prioritisation"),
            classification=self.value(classification, "classification"),
            keywords=self.value(classification, "keywords"),
        )
        nature = self.value(classification, "nature")
        if labelled_as(self.body.tables("classification"), "view"):  # TC8's "View" stands where NIST has "Nature"
            use_case.view_point = nature
        else:
            use_case.nature = nature
        if not name:
            self.warn(f"The use case has no name (section 1.1): named {use_case.name!r} after the file.")
        relations = self.value(classification, "relations")
        if relations:
            use_case.extra["relations"] = relations
        use_case.versions = self.versions()
        use_case.objectives = [
            doc.Objective(mrid=self.mrid("objective", number), name=list_item(text))
            for number, text in enumerate(scope.get("objectives", EMPTY).items, start=1)
            if cell_text(list_item(text))
        ]
        use_case.business_case_refs = self.business_cases(scope.get("business_cases", EMPTY))
        use_case.kpis = self.kpis(use_case.objectives)
        use_case.conditions = self.conditions()
        use_case.remarks = self.remarks()
        return use_case

    def versions(self) -> list[doc.Version]:
        found = self.body.first("versions")
        versions = []
        for number, row in enumerate(self.body.records(found) if found else [], start=1):
            date, date_text = lenient_date(cell_text(row.get("version.date", EMPTY).text))
            # The cell as written, one author: "A, B (X); C" may as well be one committee as three people, and a
            # document read back must say what it said.
            authors = [text] if (text := cell_text(row.get("version.authors", EMPTY).text)) else []
            version = doc.Version(
                mrid=self.mrid("version", number),
                number=self.value(row, "version.number"),
                date=date,
                authors=[
                    doc.Author(mrid=self.mrid("author", number, index), name=author)
                    for index, author in enumerate(authors)
                ],
                changes=self.value(row, "version.changes"),
                approval_status=self.value(row, "version.approval_status"),
            )
            for key in ("version.domain_expert", "version.expertise", "version.title"):
                if self.value(row, key):
                    version.extra[key.partition(".")[2]] = self.value(row, key)
            if date_text:
                version.extra["date"] = date_text
                self.warn(f"Version {version.number or number}: the date {date_text!r} is not a date we read.")
            versions.append(version)
        return versions

    def business_cases(self, cell: Cell) -> list[str]:
        self.business_case_list = []
        refs = []
        for line in cell.items:
            for name in (list_item(part) for part in line.split(",")):
                if not cell_text(name):
                    continue
                mrid = derived_mrid(NAMESPACE, "business_case", fold(name))
                if mrid not in refs:
                    self.business_case_list.append(doc.BusinessCase(mrid=mrid, name=name))
                    refs.append(mrid)
        return refs

    def kpis(self, objectives: list[doc.Objective]) -> list[doc.Kpi]:
        by_name = {fold(objective.name): objective.mrid for objective in objectives}
        found = self.body.first("kpis")
        kpis = []
        for number, row in enumerate(self.body.records(found) if found else [], start=1):
            kpi = doc.Kpi(
                mrid=self.mrid("kpi", number),
                identifier=self.value(row, "kpi.identifier"),
                name=self.value(row, "kpi.name"),
                description=self.value(row, "kpi.description"),
            )
            reference = cell_text(row.get("kpi.objectives", EMPTY).text)
            if reference:
                kpi.extra["objectives"] = reference
                if fold(reference) in {"all", "all objectives"}:
                    kpi.objective_refs = [objective.mrid for objective in objectives]
                else:
                    parts = [reference, *(list_item(part) for part in re.split(r"[,\n]", reference))]
                    kpi.objective_refs = list(dict.fromkeys(by_name[fold(p)] for p in parts if fold(p) in by_name))
            kpis.append(kpi)
        return kpis

    def conditions(self) -> list[doc.Condition]:
        conditions = []
        found = self.body.first("conditions")
        values = self.body.labelled(found) if found else {}
        for kind in doc.USE_CASE_CONDITION_KINDS:
            cell = values.get(kind, EMPTY)
            for number, item in enumerate(paragraph_items(cell), start=1):
                conditions.append(doc.Condition(mrid=self.mrid(kind, number), kind=kind, description=item))
        tc8 = self.body.first("tc8_conditions")
        for number, row in enumerate(self.body.records(tc8) if tc8 else [], start=1):
            for key, kind in (("condition.assumption", "assumption"), ("condition.precondition", "prerequisite")):
                text = self.value(row, key)
                if not text:
                    continue
                condition = doc.Condition(
                    mrid=self.mrid("tc8", kind, number),
                    kind=kind,
                    name=self.value(row, "condition.actor"),
                    description=text,
                )
                event = self.value(row, "condition.triggering_event")
                if event:
                    condition.extra["triggering_event"] = event
                conditions.append(condition)
        order = {kind: index for index, kind in enumerate(doc.USE_CASE_CONDITION_KINDS)}
        return sorted(conditions, key=lambda condition: order[condition.kind])

    def remarks(self) -> list[doc.Remark]:
        texts = [
            self.value({"remark": cell}, "remark")
            for found in self.body.tables("remarks")
            for cell in value_cells(found.grid)
        ]
        return [
            doc.Remark(mrid=self.mrid("remark", number), text=text)
            for number, text in enumerate((text for text in texts if text), start=1)
        ]

    # Sections 3.2, 5 and 6

    def references(self) -> list[doc.Reference]:
        found = self.body.first("references")
        references = []
        for number, row in enumerate(self.body.records(found) if found else [], start=1):
            link_cell = row.get("reference.link", EMPTY)
            references.append(
                doc.Reference(
                    mrid=self.mrid("reference", number),
                    number=self.value(row, "reference.number"),
                    reference_type=self.value(row, "reference.type"),
                    description=self.value(row, "reference.description"),
                    status=self.value(row, "reference.status"),
                    impact=self.value(row, "reference.impact"),
                    originator=self.value(row, "reference.originator"),
                    link=link_cell.links[0] if link_cell.links else cell_text(link_cell.text),
                )
            )
        return references

    def requirements(self) -> list[doc.RequirementCategory]:
        categories = []
        for table_number, found in enumerate(self.body.tables("requirements"), start=1):
            for group_number, (group, members) in enumerate(self.body.grouped(found), start=1):
                identifier = self.value(group, "category.identifier")
                category = doc.RequirementCategory(
                    mrid=self.mrid("category", table_number, group_number),
                    identifier=identifier,
                    name=self.value(group, "category.name") or identifier or "Other",
                    description=self.value(group, "category.description"),
                )
                for row_number, row in enumerate(members, start=1):
                    requirement_id = self.value(row, "requirement.identifier")
                    category.requirements.append(
                        doc.Requirement(
                            mrid=self.mrid("requirement", table_number, group_number, row_number),
                            identifier=requirement_id,
                            name=self.value(row, "requirement.name"),  # the loader names it by its ID
                            description=self.value(row, "requirement.description"),
                        )
                    )
                if category.requirements or identifier or category.name != "Other":
                    categories.append(category)
        return categories

    def information(self, requirement_ids: dict[str, str]) -> tuple[InformationIndex, list[doc.InformationObject]]:
        found = self.body.first("information")
        items = []
        for number, row in enumerate(self.body.records(found) if found else [], start=1):
            item = doc.InformationObject(
                mrid=self.mrid("information", number),
                identifier=self.value(row, "information.identifier"),
                name=self.value(row, "information.name"),
                description=self.value(row, "information.description"),
            )
            requirements = cell_text(row.get("information.requirements", EMPTY).text)
            if requirements:
                item.extra["requirements"] = requirements
                item.requirement_refs = self.requirement_refs(
                    requirements, requirement_ids, f"information {item.identifier or number}"
                )
            items.append(item)  # without a name the loader names it by its ID
        return InformationIndex(items), items

    # Sections 7 and 8

    def common_terms(self) -> list[doc.CommonTerm]:
        found = self.body.first("common_terms")
        terms = []
        for number, row in enumerate(self.body.records(found) if found else [], start=1):
            term, definition = self.value(row, "common_term.term"), self.value(row, "common_term.definition")
            if term and not definition and "definition" not in {c for c in row if row[c].text}:
                term, definition = term_and_definition(term)
            terms.append(doc.CommonTerm(mrid=self.mrid("common_term", number), term=term, definition=definition))
        return terms

    def custom_information(self) -> list[doc.CustomInformation]:
        found = self.body.first("custom_information")
        return [
            doc.CustomInformation(
                mrid=self.mrid("custom_information", number),
                key=self.value(row, "custom_information.key"),
                value=self.value(row, "custom_information.value"),
                reference=self.value(row, "custom_information.reference"),
            )
            for number, row in enumerate(self.body.records(found) if found else [], start=1)
        ]


def _has_content(use_case: doc.UseCase) -> bool:
    scalar = (
        use_case.identifier,
        use_case.area,
        use_case.scope,
        use_case.short_description,
        use_case.complete_description,
        use_case.level_of_depth,
        use_case.prioritisation,
        use_case.classification,
        use_case.nature,
        use_case.keywords,
    )
    lists = (
        use_case.versions,
        use_case.objectives,
        use_case.kpis,
        use_case.conditions,
        use_case.remarks,
        use_case.drawings,
        use_case.actor_groupings,
        use_case.references,
        use_case.scenarios,
        use_case.custom_information,
    )
    return any(scalar) or any(lists)
