"""IEC 62559-2 Word documents (.docx, .docm) -> the neutral document (`usecases.xml.document.Repository`).

One document is one use case, in the NIST 2014 layout or the older TC8 2012 one (`usecases.word.layout`). The
document is untrusted: `check_document` looks at the zip's directory before anything is decompressed (an OLE file,
which is what an encrypted document or a legacy .doc is, a zip that is no Word document, parts that would unpack to
more than `UCMR_EXCEL_MAX_BYTES` or a text part above `UCMR_XML_MAX_BYTES`, a DOCTYPE in any XML part), with the
workbook reader's zip checks; macros (a .docm's vbaProject) are dropped before python-docx opens the package, and
linked (external) pictures and other external targets are never fetched: each is reported.

Sections are found by their headings' titles, tables by their caption row, else by their header row, else by the
heading they stand under; numbers are a hint only (NIST numbers References 3.3, TC8 Remarks 1.5). Columns are read
by their header labels, so that a column moved, added or missing is no matter. Each steps table belongs to the
scenario its "Scenario Name :" row or its heading names (matched as the Excel reader matches), else to the next
scenario without steps, with a warning. Producers, receivers, information and primary actors are resolved by name,
abbreviation or ID as the Excel reader resolves them; the raw text stays in `extra` beside the link.

Rich text fields (`ucmr.richtext.RICH_TEXT_FIELDS`) keep the cell's paragraphs, lists, bold, italic, underline and
links as an HTML fragment (plain paragraphs stay plain text, one per line); short fields are plain text. Pictures
become drawings of the use case.

mRIDs are derived (uuid5) from the use case's ID and name (or the file's name when it has neither) and each object's
position, so that importing the document again lands on what the first import created.
"""

import html
import posixpath
import re
import zipfile
from typing import BinaryIO

from usecases.exchange.office_names import (
    UNRESOLVED_KINDS,
    ActorIndex,
    InformationIndex,
    ScenarioMatcher,
    Unresolved,
    cell_text,
    fold,
    lenient_date,
    list_item,
    note_unresolved,
    report_unresolved,
    service_text,
    term_and_definition,
)
from usecases.exchange.rows import UNGROUPED
from usecases.word import layout
from usecases.word.cells import EMPTY, Block, Cell, Picture
from usecases.word.package import WordImportError, check_document, open_package
from usecases.word.tables import Found, TemplateTables, header_columns, labelled_as, row_values, value_cells
from usecases.xml import document as doc
from usecases.xml.parsing import binary_source
from usecases.xml.vocabulary import DRAWING_TYPES, derived_mrid, normalise_actor_type, normalise_drawing_type

_NAMESPACE = "word"


# The document's fields that keep formatting (what `ucmr.richtext.RICH_TEXT_FIELDS` lists for their models).
RICH_KEYS = frozenset(
    {
        "scope",
        "short_description",
        "complete_description",
        "version.changes",
        "kpi.description",
        "assumption",
        "prerequisite",
        "remark",
        "grouping.description",
        "actor.description",
        "actor.further_information",
        "reference.description",
        "reference.impact",
        "scenario.description",
        "scenario.triggering_event",
        "scenario.precondition",
        "scenario.postcondition",
        "step.event",
        "step.description",
        "information.description",
        "common_term.definition",
        "category.description",
        "requirement.description",
        "condition.precondition",
        "condition.assumption",
    }
)
_R_ID_SPLIT = re.compile(r"\s*[,;\n]\s*")


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


# Building the document


class _DocumentReader:
    def __init__(self, *, part, document, file_name: str) -> None:
        self.part = part
        self.document = document
        self.file_name = file_name
        self.warnings: list[str] = []
        self.body = TemplateTables(part=part, document=document, warnings=self.warnings)
        self.unresolved: Unresolved = {}

    def read(self) -> doc.Repository:
        self.body.walk()
        return self.build()

    # reading tables

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def mrid(self, *parts: object) -> str:
        return derived_mrid(_NAMESPACE, self.identity, *(str(part) for part in parts))

    def value(self, cells: dict[str, Cell], key: str) -> str:
        """A field's stored text: rich text for the rich fields, else plain (placeholders such as "n/a" empty)."""
        cell = cells.get(key, EMPTY)
        if key in RICH_KEYS and cell.rich != cell.text:
            return cell.rich
        return cell_text(cell.text)

    # the use case

    def build(self) -> doc.Repository:
        identification = self.body.first("identification")
        rows = self.body.records(identification) if identification else []
        ids = rows[0] if rows else {}
        if len(rows) > 1:
            self.warn(f"Section 1.1 names {len(rows)} use cases: the first was read, a document holds one.")
        identifier, name = cell_text(ids.get("identifier", EMPTY).text), cell_text(ids.get("name", EMPTY).text)
        stem = posixpath.basename(self.file_name).rsplit(".", 1)[0] if self.file_name else ""
        self.identity = f"{identifier}\x1f{name}" if identifier or name else f"document\x1f{stem}"
        scope, narrative, classification = (
            self.body.labelled(found) if (found := self.body.first(key)) else {}
            for key in ("scope", "narrative", "classification")
        )
        use_case = doc.UseCase(
            mrid=self.mrid("use_case"),
            identifier=identifier,
            name=name or stem or "Untitled use case",
            area=cell_text(ids.get("area", EMPTY).text),
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
        self.business_case_list: list[doc.BusinessCase]
        use_case.kpis = self.kpis(use_case.objectives)
        use_case.conditions = self.conditions()
        use_case.remarks = self.remarks()
        use_case.drawings = self.drawings()
        actors, use_case.actor_groupings = self.actors()
        use_case.references = self.references()
        categories = self.requirements()
        requirement_ids = {
            fold(requirement.identifier): requirement.mrid
            for category in categories
            for requirement in category.requirements
            if requirement.identifier
        }
        information, information_items = self.information(requirement_ids)
        use_case.scenarios = self.scenarios(actors, information, requirement_ids)
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
            mrid=derived_mrid(_NAMESPACE, "repository", use_case.mrid),
            name=self.file_name,
            actors=list(self.actor_library.values()),
            business_cases=self.business_case_list,
            information_objects=information_items,
            requirement_categories=categories,
            common_terms=terms,
            use_cases=[use_case],
        )
        repository.warnings = self.warnings
        return repository

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
                mrid = derived_mrid(_NAMESPACE, "business_case", fold(name))
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
            for number, item in enumerate(_paragraph_items(cell), start=1):
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

    def drawings(self) -> list[doc.Drawing]:
        """Section 2's table, paragraph by paragraph: a picture, then the paragraph naming it (its bold name, then
        ": type"); a paragraph without a picture is a drawing by its address or name alone. Pictures anywhere else
        (figures after the table, pictures in other tables) are drawings too, named by their file."""
        found: list[tuple[Picture | None, str, str, str]] = []  # (picture, name, type, address)
        pending: list[Picture] = []
        for table in self.body.tables("diagrams"):
            for cell in value_cells(table.grid):
                for block in cell.blocks:
                    if block.pictures:
                        found += [(picture, "", "", "") for picture in pending]
                        pending = list(block.pictures)
                        continue
                    if not block.text:
                        continue
                    name, drawing_type, address = _drawing_label(block)
                    if pending:
                        found.append((pending.pop(0), name, drawing_type, ""))
                        found += [(picture, "", "", "") for picture in pending]
                        pending = []
                    else:  # a drawing by its address, or by name alone
                        found.append((None, name, drawing_type, address))
        found += [(picture, "", "", "") for picture in pending]
        for key, tables in self.body.found.items():
            for table in tables if key != "diagrams" else ():
                for row in table.grid.rows:
                    for cell in {cell.identity: cell for cell in row}.values():
                        found += [(picture, "", "", "") for picture in cell.pictures]
        found += [(picture, "", "", "") for picture in self.body.loose_pictures]
        linked = [picture for picture, *_ in found if picture is not None and picture.link]
        if linked:
            targets = ", ".join(picture.link[:80] for picture in linked[:3])
            self.warn(
                f"{len(linked)} linked picture(s) ({targets}) point outside the document: they were not fetched; add "
                "the images to the use case's diagrams by hand."
            )
        drawings = []
        for picture, name, type_text, address in found:
            if picture is not None and not picture.content:
                continue
            drawing = doc.Drawing(
                mrid=self.mrid("drawing", len(drawings) + 1),
                name=name or (picture.name if picture else address),
                drawing_type=normalise_drawing_type(type_text) or ("other" if type_text else _type_in(name)),
                uri=address,
                content=picture.content if picture else b"",
                filename=picture.filename if picture else "",
            )
            if type_text and normalise_drawing_type(type_text) is None:
                drawing.extra["drawing_type"] = type_text
            drawings.append(drawing)
        return drawings

    def actors(self) -> tuple[ActorIndex, list[doc.ActorGrouping]]:
        """Actors, one Actors table per grouping (a table may also hold several groupings, each with its group rows).
        Actors of a table without a grouping are the use case's without one (the loader's `UNGROUPED`)."""
        self.actor_library: dict[str, doc.Actor] = {}
        groupings: list[doc.ActorGrouping] = []
        by_name: dict[str, doc.ActorGrouping] = {}
        ungrouped = doc.ActorGrouping(mrid=self.mrid("grouping", "actors"), extra={UNGROUPED: "true"})
        for table_number, found in enumerate(self.body.tables("actors"), start=1):
            for group_number, (group, members) in enumerate(self.grouped(found), start=1):
                grouping = ungrouped
                group_name = cell_text(group.get("grouping.name", EMPTY).text)
                if group_name or group.get("grouping.description", EMPTY).text:
                    key = fold(group_name) or f"{table_number}.{group_number}"
                    grouping = by_name.get(key)
                    if grouping is None:
                        grouping = doc.ActorGrouping(
                            mrid=self.mrid("grouping", table_number, group_number),
                            name=group_name or f"Group {len(by_name) + 1}",
                            description=self.value(group, "grouping.description"),
                        )
                        by_name[key] = grouping
                        groupings.append(grouping)
                for row_number, row in enumerate(members, start=1):
                    name = cell_text(row.get("actor.name", EMPTY).text)
                    if not name:
                        self.warn(f"An actor in table {found.number} has no name: left out.")
                        continue
                    code, spelling = normalise_actor_type(cell_text(row.get("actor.type", EMPTY).text))
                    mrid = derived_mrid(_NAMESPACE, "actor", fold(name))
                    self.actor_library.setdefault(
                        mrid,
                        doc.Actor(
                            mrid=mrid,
                            name=name,
                            type=code,
                            type_text=spelling,
                            description=self.value(row, "actor.description"),
                        ),
                    )
                    grouping.further_actor_information.append(
                        doc.FurtherActorInformation(
                            mrid=self.mrid("actor", table_number, group_number, row_number),
                            actor_refs=[mrid],
                            description=self.value(row, "actor.further_information"),
                        )
                    )
        if ungrouped.further_actor_information:
            groupings.append(ungrouped)
        return ActorIndex(list(self.actor_library.values())), groupings

    def grouped(self, found: Found) -> list[tuple[dict[str, Cell], list[dict[str, Cell]]]]:
        """A GROUPED table's groups: (the group's fields, its member rows). A group's fields stand under their header
        row, or beside their label in one row ("Scenario Name :" | name)."""
        table = found.table
        member_labels = {label for column in table.columns for label in column.labels}
        group_labels = {label for column in table.group_columns for label in column.labels}
        groups: list[tuple[dict[str, Cell], list[dict[str, Cell]]]] = []
        group_header: dict[int, str] | None = None
        members: dict[int, str] | None = None
        rows = found.grid.rows[1:] if found.grid.caption() else found.grid.rows
        for row in rows:
            labels = [cell.label for cell in row]
            others = [cell for cell in row if cell.identity != (row[0].identity if row else 0)]
            if (
                labels
                and labels[0] in group_labels
                and any(cell.text for cell in others)
                and not any(cell.label in group_labels or cell.label in member_labels for cell in others)
            ):  # "Scenario Name :" | the name, in one row
                value = next(cell for cell in others if cell.text)
                key = table.column_for(row[0].text).key
                if groups and not groups[-1][1] and key not in groups[-1][0]:  # a second field of the same group
                    groups[-1][0][key] = value
                else:
                    groups.append(({key: value}, []))
                members, group_header = None, None
                continue
            group_hits = sum(1 for label in set(labels) if label in group_labels)
            member_hits = sum(1 for label in set(labels) if label in member_labels)
            if group_hits and group_hits >= member_hits:
                group_header = header_columns(row, table.group_columns)
                members = None
                continue
            if member_hits >= 2:
                members = header_columns(row, table.columns)
                group_header = None
                if not groups:
                    groups.append(({}, []))
                continue
            if group_header is not None:
                values = row_values(row, group_header)
                if any(cell.text for cell in values.values()) or not groups:
                    groups.append((values, []))
                continue
            if members is not None:
                values = row_values(row, members)
                if any(cell.text or cell.pictures for cell in values.values()):
                    groups[-1][1].append(values)
        return groups

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
            for group_number, (group, members) in enumerate(self.grouped(found), start=1):
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

    def requirement_refs(self, text: str, requirement_ids: dict[str, str], where: str) -> list[str]:
        refs = []
        for token in (list_item(part) for part in _R_ID_SPLIT.split(text)):
            if not cell_text(token):
                continue
            mrid = requirement_ids.get(fold(token))
            if mrid:
                refs.append(mrid)
            else:
                note_unresolved(self.unresolved, "requirement", [token], where)
        return list(dict.fromkeys(refs))

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

    # scenarios and steps

    def scenarios(
        self, actors: ActorIndex, information: InformationIndex, requirement_ids: dict[str, str]
    ) -> list[doc.Scenario]:
        found = self.body.first("scenarios")
        scenarios = []
        for number, row in enumerate(self.body.records(found) if found else [], start=1):
            scenario = doc.Scenario(
                mrid=self.mrid("scenario", number),
                number=self.value(row, "scenario.number"),
                name=self.value(row, "scenario.name"),
                description=self.value(row, "scenario.description"),
            )
            primary = cell_text(row.get("scenario.primary_actor", EMPTY).text)
            if primary:
                scenario.extra["primary_actor"] = primary
                scenario.primary_actor_refs = self.actor_refs(actors, primary, f"scenario {scenario.number or number}")
            for kind in doc.SCENARIO_CONDITION_KINDS:
                for index, text in enumerate(_paragraph_items(row.get(f"scenario.{kind}", EMPTY)), start=1):
                    mrid = self.mrid(kind, number) if index == 1 else self.mrid(kind, number, index)
                    scenario.conditions.append(doc.Condition(mrid=mrid, kind=kind, description=text))
            scenarios.append(scenario)
        step_tables = self.step_tables(actors, information, requirement_ids)
        if step_tables and not scenarios:
            self.warn(
                f"{len(step_tables)} steps table(s) but no scenario table (section 4.1): a scenario was made for each."
            )
        matcher = ScenarioMatcher(scenarios)
        by_order = []
        for table_number, (title, heading, steps, requirement_refs) in enumerate(step_tables, start=1):
            scenario = matcher.by_name(title) if title and scenarios else None
            if scenario is None and heading and scenarios:
                scenario = matcher.by_name(_steps_heading_title(heading)) or matcher.by_number(
                    layout.split_heading(heading)[0]
                )
                if scenario is not None and scenario.steps:
                    scenario = None
            if scenario is None:
                scenario = next((candidate for candidate in scenarios if not candidate.steps), None)
                if scenario is None:
                    scenario = doc.Scenario(
                        mrid=self.mrid("scenario", "steps", table_number),
                        number=str(len(scenarios) + 1),
                        name=title or _steps_heading_title(heading) or f"Scenario {len(scenarios) + 1}",
                    )
                    scenarios.append(scenario)
                elif steps:
                    by_order.append(f"{title or heading or f'table {table_number}'!r} -> {scenario.name!r}")
            scenario.steps += steps
            scenario.requirement_refs = list(dict.fromkeys([*scenario.requirement_refs, *requirement_refs]))
        if by_order:
            self.warn(
                "Steps table(s) naming no scenario of section 4.1 were given to the next scenario without steps: "
                + "; ".join(by_order)
                + "."
            )
        for scenario in scenarios:
            numbers = [step.number for step in scenario.steps if step.number]
            duplicates = sorted({number for number in numbers if numbers.count(number) > 1})
            if duplicates:
                self.warn(
                    f"Scenario {scenario.name or scenario.number!r} repeats step number(s) {', '.join(duplicates)}."
                )
        return scenarios

    def step_tables(
        self, actors: ActorIndex, information: InformationIndex, requirement_ids: dict[str, str]
    ) -> list[tuple[str, str, list[doc.Step], list[str]]]:
        """(scenario name, heading, steps, the scenario's own requirements) of each scenario's steps, a table's groups
        each one."""
        result = []
        for table_number, found in enumerate(self.body.tables("steps"), start=1):
            for group_number, (group, members) in enumerate(self.grouped(found), start=1):
                title = cell_text(group.get("step.scenario_name", EMPTY).text)
                text = cell_text(group.get("step.scenario_requirements", EMPTY).text)
                where = f"the requirements of scenario {title or found.heading or found.number!r}"
                scenario_requirements = self.requirement_refs(text, requirement_ids, where) if text else []
                steps = []
                for row_number, row in enumerate(members, start=1):
                    step = doc.Step(
                        mrid=self.mrid("step", table_number, group_number, row_number),
                        number=self.value(row, "step.number"),
                        event=self.value(row, "step.event"),
                        name=self.value(row, "step.name"),
                        description=self.value(row, "step.description"),
                        service=service_text(self.value(row, "step.service")),
                    )
                    place = title or found.heading or f"table {found.number}"
                    where = f"step {step.number or row_number} of {place!r}"
                    for key, attribute in (("step.producer", "producer_refs"), ("step.receiver", "receiver_refs")):
                        text = cell_text(row.get(key, EMPTY).text)
                        if text:
                            step.extra[key.partition(".")[2]] = text
                            setattr(step, attribute, self.actor_refs(actors, text, where))
                    text = cell_text(row.get("step.information", EMPTY).text)
                    if text:
                        step.extra["information"] = text
                        step.information_object_refs, unresolved = information.resolve(text)
                        note_unresolved(self.unresolved, "information", unresolved, where)
                    text = cell_text(row.get("step.requirements", EMPTY).text)
                    if text:
                        step.extra["requirements"] = text
                        step.requirement_refs = self.requirement_refs(text, requirement_ids, where)
                    steps.append(step)
                if steps or title:
                    result.append((title, found.heading, steps, scenario_requirements))
        return result

    def actor_refs(self, actors: ActorIndex, text: str, where: str) -> list[str]:
        refs, unresolved = actors.resolve(text)
        note_unresolved(self.unresolved, "actor", unresolved, where)
        return refs

    # sections 7 and 8

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


def _paragraph_items(cell: Cell) -> list[str]:
    """One text per paragraph or list item of a cell (as rich text where the paragraph is formatted)."""
    return [item for item in (_strip_rich(text) for text in cell.rich_items) if item]


def _strip_rich(text: str) -> str:
    """A paragraph's HTML as stored: plain text (unescaped) when it holds no markup."""
    if "<" not in text:
        return cell_text(html.unescape(text))
    return text


def _drawing_label(block: Block) -> tuple[str, str, str]:
    """(name, type, address) of the paragraph naming a drawing, as our writer writes it: the name in bold, then
    ": type", then ". note" in italics, then " " and the address (a hyperlink, or text when it is none)."""
    runs = [run for run in block.runs if run[0]]
    lead = 0
    while lead < len(runs) and runs[lead][1] and not runs[lead][3]:
        lead += 1
    if not lead:
        return block.text, "", block.links[0] if block.links else ""
    name = "".join(run[0] for run in runs[:lead]).strip()
    rest = runs[lead:]
    type_text = ""
    if rest and rest[0][0].startswith(": ") and not rest[0][3]:
        type_text = rest.pop(0)[0][2:].strip()
    rest = [run for run in rest if not run[2]]  # the note
    address = ""
    if rest and (rest[-1][3] or (len(rest) >= 2 and rest[-2][0] == " ")):
        address = rest[-1][3] or rest[-1][0].strip()
    return name, type_text, address


def _type_in(name: str) -> str:
    """The drawing type a name says ("Role model of the market" is a role model; our writer then leaves the type
    out), else a use case overview."""
    words = layout.normalise(name)
    return max((kind for kind in DRAWING_TYPES if kind in words), key=len, default="use case overview")


def _steps_heading_title(heading: str) -> str:
    """ "4.1 Steps - Normal" -> "Normal"; "4.2.1 Steps - Scenarios: Market phase" -> "Market phase"."""
    title = layout.split_heading(heading)[1]
    stripped = re.sub(r"^\s*steps\s*[-\u2013\u2014:]*\s*", "", title, flags=re.IGNORECASE)
    stripped = re.sub(r"^scenarios?\s*[-\u2013\u2014:]\s*", "", stripped, flags=re.IGNORECASE)
    return "" if layout.normalise(stripped) in ("scenarios", "scenario") else stripped.strip()


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
