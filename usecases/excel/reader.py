"""BRIDGE Excel workbooks (.xlsx, .xlsm) -> the neutral document (`usecases.xml.document.Repository`).

The workbook is untrusted: `check_workbook` looks at the zip's directory before anything is decompressed (an OLE
file, which is what an encrypted workbook or a legacy .xls is, a zip that is no workbook, a total uncompressed
size above `UCMR_EXCEL_MAX_BYTES`), and openpyxl then opens it read-only with cached values (`data_only`): no
formula is evaluated, no macro runs (the vbaProject of an .xlsm is never read), no external link is followed.
Only the first `UCMR_EXCEL_MAX_ROWS` rows and `UCMR_EXCEL_MAX_COLUMNS` columns of a sheet are read.

Every sheet whose column B carries the template's labels (`layout.SIGNATURE_MIN_LABELS` of them in order) is a
use case; other sheets are reported as skipped. Rows are found by their label, the canonical row standing in
(reported) for a label that is missing. Cross-references are free text in the template: steps name their
producers and receivers, information and scenario in words. They are resolved by name (see `ActorIndex`,
`InformationIndex`, `_scenario_of`); the raw text stays in the object's `extra` beside the link, and what could
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
from django.core.exceptions import ValidationError

from usecases.excel import layout
from usecases.excel.layout import FIRST_VALUE_COLUMN, Row, column_letter
from usecases.excel.sheets import Image, Sheet, load_sheet
from usecases.exchange.office_names import (
    UNRESOLVED_KINDS,
    ActorIndex,
    InformationIndex,
    RequirementIndex,
    ScenarioMatcher,
    Unresolved,
    UseCaseIndex,
    cell_text,
    fold,
    lenient_date,
    list_item,
    note_unresolved,
    relation_parts,
    report_unresolved,
    service_text,
    shown,
    split_lines,
    strip_enum,
    term_and_definition,
)
from usecases.exchange.office_zip import OLE_SIGNATURE, OfficeKind, check_office_zip, is_zip, signature
from usecases.xml import document as doc
from usecases.xml.parsing import binary_source
from usecases.xml.vocabulary import (
    derived_mrid,
    normalise_actor_type,
    normalise_drawing_type,
    normalise_uri_type,
)

DEFAULT_MAX_ROWS = 1_000
DEFAULT_MAX_COLUMNS = 1_000


_NAMESPACE = "excel"
# Requirements are named in row 81 of an information item.
_UNRESOLVED_KINDS = (*UNRESOLVED_KINDS[:2], ("requirement", "in row 81 name no requirement of section 6"))
# A step column holds a step when one of these rows has a value (a merged scenario name alone makes none).
_STEP_CONTENT = (
    "step.number",
    "step.event",
    "step.name",
    "step.description",
    "step.service",
    "step.producer",
    "step.receiver",
    "step.information",
)


class ExcelImportError(ValidationError):
    """A workbook we will not read; the message says why, in words the upload form and the API show."""


WORKBOOK = OfficeKind(
    error=ExcelImportError,
    code="excel",
    noun="workbook",
    title="an Excel workbook",
    needed_by="no workbook",
    not_code="excel_not_workbook",
    required_part="xl/workbook.xml",
)


# Opening


def is_workbook(data: bytes | BinaryIO) -> bool:
    """Whether the content is to be read as a workbook: any zip (the Office Open XML container) or OLE file (what an
    encrypted workbook or a legacy .xls is), told by its first bytes, not its name. `check_workbook` then refuses,
    with the reason, the ones that are no workbook we read."""
    found = signature(binary_source(data))
    return found == OLE_SIGNATURE or is_zip(found)


def check_workbook(data: bytes | BinaryIO, *, max_bytes: int | None = None) -> list[str]:
    """Refuse what we will not open (`ExcelImportError`), from the zip's directory alone, before anything is
    decompressed (`check_office_zip`); the warnings (macros, external links) of a workbook we will read."""
    source = binary_source(data)
    found = signature(source)
    if found == OLE_SIGNATURE:
        raise ExcelImportError(
            "This is an encrypted (password-protected) workbook or an old binary .xls file: save it as an "
            "unprotected .xlsx and import that.",
            code="excel_encrypted",
        )
    if not is_zip(found):
        raise ExcelImportError("This is not an Excel workbook (.xlsx or .xlsm).", code="excel_not_workbook")
    names = {info.filename for info in check_office_zip(source, kind=WORKBOOK, max_bytes=max_bytes)}
    warnings = []
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        warnings.append("The workbook holds macros (VBA): they were neither run nor read.")
    external = sorted(name for name in names if name.startswith("xl/externalLinks/") and name.endswith(".xml"))
    if external:
        warnings.append(
            f"The workbook links to {len(external)} other workbook(s): the links were not followed; cells that "
            "show linked values were read as last saved."
        )
    return warnings


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
            mrid=derived_mrid(_NAMESPACE, "repository", *(use_case.mrid for use_case in self.use_cases)),
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
        rows, found, fallbacks = _locate_rows(sheet)
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


def _locate_rows(sheet: Sheet) -> tuple[dict[str, int], int, list[str]]:
    """Row of every field key (and heading label) by its label in column B, in sheet order; the canonical row,
    shifted as the rows before it were, where a label is missing. Returns (rows by key, labels found, messages)."""
    labels = {row: sheet.label(row) for row in range(1, sheet.max_row + 1)}
    rows: dict[str, int] = {}
    found, messages = 0, []
    previous, shift = 0, 0
    for row in layout.ROWS:
        if not row.labels:
            continue
        expected = row.row + shift
        hit = _search(labels, row, start=previous + 1, stop=expected + layout.SEARCH_WINDOW)
        if hit:
            found += 1
            previous, shift = hit, hit - row.row
        if row.key:
            rows[row.key] = hit or expected
            if not hit and expected <= sheet.max_row:
                actual = labels.get(expected, "")
                messages.append(
                    f"no row labelled {row.label.strip()!r}; read row {expected}"
                    + (f" (labelled {actual!r})" if actual else "")
                    + " in its place"
                )
            elif not hit:
                messages.append(f"no row labelled {row.label.strip()!r} (the sheet ends at row {sheet.max_row})")
    if any(_search(labels, row, start=previous + 1, stop=sheet.max_row) for row in layout.EXTENDED_ROWS if row.key):
        for row in layout.EXTENDED_ROWS:
            if not row.labels:
                continue
            hit = _search(labels, row, start=previous + 1, stop=row.row + shift + layout.SEARCH_WINDOW)
            if hit:
                previous = hit
                if row.key:
                    rows[row.key] = hit
    return rows, found, messages


def _search(labels: dict[int, str], row: Row, *, start: int, stop: int) -> int:
    wanted = row.labels
    return next((number for number in range(start, stop + 1) if labels.get(number) in wanted), 0)


class _SheetReader:
    def __init__(self, builder: _Builder, sheet: Sheet, rows: dict[str, int], fallbacks: list[str]) -> None:
        self.builder = builder
        self.sheet = sheet
        self.rows = rows
        self.fallbacks = fallbacks
        self.where = f"Sheet {sheet.title!r}"
        self.unresolved: Unresolved = {}
        self.information_items: list[doc.InformationObject] = []
        self.requirements: list[doc.Requirement] = []

    # cells

    def raw(self, key: str, column: int = FIRST_VALUE_COLUMN) -> object:
        row = self.rows.get(key)
        return self.sheet.values.get((row, column)) if row else None

    def text(self, key: str, column: int = FIRST_VALUE_COLUMN) -> str:
        return cell_text(self.raw(key, column))

    def columns(self, block: str) -> list[int]:
        """The columns from C rightwards where any row of the block holds a value (gaps skipped, not stopped at)."""
        keys = [row.key for row in layout.block_rows(block) if row.key in self.rows]
        return [
            column
            for column in range(FIRST_VALUE_COLUMN, self.sheet.max_column + 1)
            if any(self.text(key, column) for key in keys)
        ]

    def warn(self, message: str) -> None:
        self.builder.warnings.append(f"{self.where}: {message}")

    def mrid(self, *parts: object) -> str:
        return derived_mrid(_NAMESPACE, self.identity, *(str(part) for part in parts))

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
        use_case.drawings = self.drawings()
        actor_index, use_case.actor_groupings = self.actors()
        use_case.references = self.references()
        information_index = self.information()
        use_case.scenarios = self.scenarios(actor_index, information_index)
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

    def cell(self, key: str, column: int) -> str:
        return f"{column_letter(column)}{self.rows.get(key, 0)}"

    def business_cases(self) -> list[str]:
        refs = []
        for name in split_lines(self.text("business_cases").replace(",", "\n")):
            mrid = derived_mrid(_NAMESPACE, "business_case", fold(name))
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

    def drawings(self) -> list[doc.Drawing]:
        """Section 2: one drawing per column of rows 38 to 41, with the picture anchored in that column of those rows
        as its image; every other picture of the sheet (anchored beside a step, in a description, ...) is a
        drawing of its own, named by its alternative text or name and where it stands."""
        rows = {row: key for key, row in self.rows.items() if key.startswith("drawing.")}
        in_column: dict[int, list[Image]] = {}
        elsewhere: list[Image] = []
        for image in self.sheet.images:
            if image.row in rows and image.column >= FIRST_VALUE_COLUMN:
                in_column.setdefault(image.column, []).append(image)
            else:
                elsewhere.append(image)
        drawings = []
        for column in sorted({*self.columns(layout.DRAWINGS), *in_column}):
            found_type = strip_enum(self.text("drawing.type", column))
            uri = self.text("drawing.uri", column)
            images = in_column.get(column, [])
            image = images[0] if images else None
            name = self.text("drawing.name", column) or uri or (self.image_name(image) if image else "")
            drawing = doc.Drawing(
                mrid=self.mrid("drawing", column),
                name=name,
                drawing_type=normalise_drawing_type(found_type.replace("_", " ")) or "other",
                uri=uri,
                uri_type=normalise_uri_type(strip_enum(self.text("drawing.uri_type", column))),
                **(self.image_content(image) if image else {}),
            )
            if found_type and normalise_drawing_type(found_type.replace("_", " ")) is None:
                drawing.extra["drawing_type"] = found_type
            drawings.append(drawing)
            elsewhere += images[1:]
        for image in elsewhere:
            drawings.append(
                doc.Drawing(
                    mrid=self.mrid("image", image.row, image.column, image.path),
                    name=f"{self.image_name(image)} ({self.image_place(image)})",
                    drawing_type="other",
                    **self.image_content(image),
                )
            )
        return drawings

    def image_name(self, image: Image) -> str:
        return image.description or image.name or image.filename

    def image_place(self, image: Image) -> str:
        """Where a picture stands: its cell and the label of its row ("E74, Description of process/activity")."""
        if not image.row:
            return "not anchored to a cell"
        keys = [key for key, number in self.rows.items() if number == image.row and key in layout.FIELDS]
        label = layout.FIELDS[keys[0]].label.strip() if keys else ""
        cell = f"{column_letter(image.column)}{image.row}"
        return f"{cell}, {label}" if label else cell

    def image_content(self, image: Image) -> dict[str, object]:
        if image.problem:
            self.warn(f"the picture {image.filename} at {self.image_place(image)} was not imported: {image.problem}.")
            return {}
        return {"content": image.content, "filename": image.filename}

    def actors(self) -> tuple[ActorIndex, list[doc.ActorGrouping]]:
        """Actors (one per column) and their groupings. The template does not say which actor is in which group:
        an actor is in the group named as its type, or, when groups and actors fill exactly the same columns, in
        the group of its column; the others are in a grouping named "Actors". Groups of one name are one group."""
        group_columns = self.columns(layout.GROUPINGS)
        actor_columns = [column for column in self.columns(layout.ACTORS) if self.text("actor.name", column)]
        by_name: dict[str, doc.ActorGrouping] = {}
        by_column: dict[int, doc.ActorGrouping] = {}
        for column in group_columns:
            name = self.text("grouping.name", column)
            key = fold(name) or f"column {column}"
            grouping = by_name.setdefault(
                key,
                doc.ActorGrouping(
                    mrid=self.mrid("grouping", column),
                    name=name or f"Group {column_letter(column)}",
                    description=self.text("grouping.description", column),
                ),
            )
            by_column[column] = grouping
        aligned = bool(group_columns) and group_columns == actor_columns
        ungrouped = doc.ActorGrouping(mrid=self.mrid("grouping", "actors"), name="Actors")
        actors = []
        for column in self.columns(layout.ACTORS):
            name = self.text("actor.name", column)
            if not name:
                self.warn(f"the actor in column {column_letter(column)} has no name: left out.")
                continue
            type_text = self.text("actor.type", column)
            code, spelling = normalise_actor_type(type_text)
            mrid = derived_mrid(_NAMESPACE, "actor", fold(name))
            actor = self.builder.actors.get(mrid)
            if actor is None:
                actor = doc.Actor(
                    mrid=mrid,
                    name=name,
                    type=code,
                    type_text=spelling,
                    description=self.text("actor.description", column),
                )
                self.builder.actors[mrid] = actor
            actors.append(actor)
            grouping = by_name.get(fold(type_text)) if type_text else None
            if grouping is None and aligned:
                grouping = by_column[column]
            (grouping or ungrouped).further_actor_information.append(
                doc.FurtherActorInformation(
                    mrid=self.mrid("actor", column),
                    actor_refs=[mrid],
                    description=self.text("actor.further_information", column),
                )
            )
        groupings = list(by_name.values())
        if ungrouped.further_actor_information:
            groupings.append(ungrouped)
        return ActorIndex(actors), groupings

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

    # scenarios and steps

    def scenarios(self, actors: ActorIndex, information: InformationIndex) -> list[doc.Scenario]:
        scenarios = []
        for column in self.columns(layout.SCENARIOS):
            scenario = doc.Scenario(
                mrid=self.mrid("scenario", column),
                number=self.text("scenario.number", column),
                name=self.text("scenario.name", column),
                description=self.text("scenario.description", column),
            )
            primary = self.text("scenario.primary_actor", column)
            if primary:
                scenario.extra["primary_actor"] = primary
                scenario.primary_actor_refs = self.actor_refs(
                    actors, primary, f"scenario {scenario.number or '?'} in {column_letter(column)}"
                )
            for kind in doc.SCENARIO_CONDITION_KINDS:
                text = self.text(f"scenario.{kind}", column)
                if text:
                    scenario.conditions.append(doc.Condition(mrid=self.mrid(kind, column), kind=kind, description=text))
            scenarios.append(scenario)
        steps = self.steps(actors, information)
        if steps and not scenarios:
            self.warn(f"{len(steps)} step(s) but no scenario: they were put in a scenario named 'Steps'.")
            scenarios.append(doc.Scenario(mrid=self.mrid("scenario", "steps"), number="1", name="Steps"))
        matcher = ScenarioMatcher(scenarios)
        previous: doc.Scenario | None = None
        assigned_by_order = []
        for column, step in steps:
            scenario = matcher.match(
                number=self.text("step.scenario_number", column),
                name=self.text("step.scenario_name", column),
                step_number=step.number,
            )
            if scenario is None:
                scenario = previous or scenarios[0]
                assigned_by_order.append(column_letter(column))
            previous = scenario
            scenario.steps.append(step)
        if assigned_by_order and len(scenarios) > 1:
            self.warn(
                f"the steps in column(s) {', '.join(assigned_by_order)} name no scenario we could find (rows 79, 70 "
                "and the step number): each was put in the scenario of the step before it."
            )
        for scenario in scenarios:
            self.repair_float_numbers(scenario)
        return scenarios

    def steps(self, actors: ActorIndex, information: InformationIndex) -> list[tuple[int, doc.Step]]:
        steps = []
        for column in self.columns(layout.STEPS):
            if not any(self.text(key, column) for key in _STEP_CONTENT):
                continue  # only a scenario name or number spread across a merged range
            number_value = self.raw("step.number", column)
            step = doc.Step(
                mrid=self.mrid("step", column),
                number=self.text("step.number", column),
                event=self.text("step.event", column),
                name=self.text("step.name", column),
                description=self.text("step.description", column),
                service=service_text(self.text("step.service", column)),
            )
            if isinstance(number_value, float):
                step.extra["number_value"] = repr(number_value)
            where = f"step {step.number or '?'} in {column_letter(column)}"
            for key, attribute in (("step.producer", "producer_refs"), ("step.receiver", "receiver_refs")):
                text = self.text(key, column)
                if text:
                    step.extra[key.partition(".")[2]] = text
                    setattr(step, attribute, self.actor_refs(actors, text, where))
            text = self.text("step.information", column)
            if text:
                step.extra["information"] = text
                step.information_object_refs, unresolved = information.resolve(text)
                note_unresolved(self.unresolved, "information", unresolved, where)
            steps.append((column, step))
        return steps

    def actor_refs(self, actors: ActorIndex, text: str, where: str) -> list[str]:
        refs, unresolved = actors.resolve(text)
        note_unresolved(self.unresolved, "actor", unresolved, where)
        return refs

    def repair_float_numbers(self, scenario: doc.Scenario) -> None:
        """Excel keeps "1.10" typed as a number as 1.1: where a float step number goes back (1.9, then 1.1), it
        is read as the next one it can stand for (1.10), with a warning. Duplicates left are reported."""
        previous: tuple[str, int] | None = None
        for step in scenario.steps:
            if "number_value" in step.extra and "." in step.number:
                major, minor = step.number.split(".", 1)
                if previous and previous[0] == major and minor.isdigit() and int(minor) <= previous[1]:
                    candidate = previous[1] + 1
                    while not str(candidate).startswith(minor):
                        candidate += 1
                    if len(str(candidate)) > len(minor):
                        self.warn(
                            f"step number {step.number} follows {major}.{previous[1]}: read as {major}.{candidate} "
                            "(Excel stores 1.10 typed as a number as 1.1)."
                        )
                        step.number = f"{major}.{candidate}"
                        minor = str(candidate)
                previous = (major, int(minor)) if minor.isdigit() else None
            else:
                previous = None
            step.extra.pop("number_value", None)
        numbers = [step.number for step in scenario.steps if step.number]
        duplicates = sorted({number for number in numbers if numbers.count(number) > 1})
        if duplicates:
            self.warn(f"scenario {scenario.name or scenario.number!r} repeats step number(s) {', '.join(duplicates)}.")

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
