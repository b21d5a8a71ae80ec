"""Neutral document -> workbook in the BRIDGE Excel template's layout (`layout.ROWS`): one sheet per use case,
the labels in column B at the template's rows, the single values in C and one column per object of a repeated
block from C rightwards, with the template's section headings, colours and guidance comments (`guidance`), and
its `Instructions` sheet last.

The workbook is built in openpyxl's write-only mode: each sheet goes to a temporary file as it is written, so
memory holds one sheet and the shared strings, however many use cases there are (`WorkbookWriter.add` takes them
one at a time, as `RepositoryExportBatches` gives them).

What the template has no row for (SGAM and NIST placements, common terms, custom information, sub-step nesting,
objective descriptions, mRIDs) is not written: the workbook is the template's view of a use case. Requirements that
row 81 links go to the extended variant's section 6 (rows 85-93); drawings' images are embedded in their column.
Steps and scenarios name actors by name, information by its ID, as the template asks; library objects come from a
`Library`, looked up by the mRIDs the use case refers to.

Written so that `usecases.excel.reader` reads back what was written:
- A reference cell the Excel import kept as found (the reader's `extra`: a step's "producer", "receiver" and
  "information", a scenario's "primary_actor", a KPI's "objectives", an information item's "requirements", the use
  case's "relations") is written as found while the reader, reading it back, finds the same objects in it (its
  own `ActorIndex` and `InformationIndex` decide), text it could not resolve included; else the names of the
  objects referred to (information by ID).
- Actors take one column per grouping they are in, with the grouping's name and description in the same column
  (rows 44 and 45 aligned with the actors), which the reader takes as membership.
- Objectives are one a line in their one cell, by name (a KPI's row 24 names them the same way).
"""

import io
import re
from collections.abc import Callable
from copy import copy
from datetime import UTC, datetime, time
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image as Picture
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from PIL import Image

from usecases.excel import guidance
from usecases.excel.layout import EXTENDED_ROWS, FIELDS, FIRST_VALUE_COLUMN, LAST_TEMPLATE_ROW, ROWS, SINGLE, Row
from usecases.exchange.office_names import (
    ActorIndex,
    InformationIndex,
    RequirementIndex,
    UseCaseIndex,
    fold,
    relation_parts,
    split_lines,
)
from usecases.xml import document as doc
from usecases.xml.document import iter_steps
from usecases.xml.library import Library
from usecases.xml.vocabulary import actor_type_spelling

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INSTRUCTIONS_SHEET = "Instructions"

# The template shows at least four value columns (C to F) in every repeated block.
TEMPLATE_VALUE_COLUMNS = 4
# Excel refuses a cell longer than this.
MAX_CELL_TEXT = 32_767
SHEET_TITLE_LENGTH = 31
# The largest a drawing's picture is shown in its column, in pixels (width, height): a thumbnail of the image.
PICTURE_BOX = (240, 160)

_HEADING_FONT = Font(name="Arial", size=9, bold=True)
_HEADING_FILL = PatternFill("solid", fgColor="CF8D2A")
_SUBHEADING_FONT = Font(bold=True)
_SUBHEADING_FILL = PatternFill("solid", fgColor="AEAAAA")  # the template's grey (theme 2, 25 % darker)
_MANDATORY_FILL = PatternFill("solid", fgColor="FFF2CC")  # column C: yellow
_OPTIONAL_FILL = PatternFill("solid", fgColor="D9E1F2")  # D and further: blue (theme 4, 80 % lighter)
_WRAPPED = Alignment(wrap_text=True, vertical="top")
_HEADING_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
_DATE_FORMAT = "yyyy-mm-dd"
_DATE_TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"

_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Characters XML 1.0 cannot carry (openpyxl refuses them in a cell).
_ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

LIST_SEPARATOR = ", "  # what the template's comments ask for: authors, business cases, information IDs
NAME_SEPARATOR = "\n"  # actor and objective names may hold commas: one per line
UNGROUPED_NAME = "Actors"


class WorkbookWriter:
    """A workbook written one use case sheet at a time (`add`), saved by `finish`."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)
        self.titles: set[str] = set()
        self.styles: dict = {}  # style ids of this workbook, by combination (`_cell`)
        self.count = 0

    def add(self, use_case: doc.UseCase, *, library: Library) -> None:
        values = sheet_values(use_case, library=library)
        sheet = self.workbook.create_sheet(self._title(use_case))
        _write_sheet(sheet, values, self.styles)
        _add_pictures(sheet, written_drawings(use_case))
        self.count += 1

    def finish(self, *, output: IO[bytes]) -> None:
        """Add the template's `Instructions` sheet and save the workbook to `output`."""
        sheet = self.workbook.create_sheet(self._unique(INSTRUCTIONS_SHEET))
        sheet.column_dimensions["A"].width = 81
        for line in guidance.INSTRUCTIONS:
            sheet.append([line])
        self.workbook.save(output)

    def _title(self, use_case: doc.UseCase) -> str:
        text = _TITLE_FORBIDDEN.sub("-", use_case.identifier or use_case.name).strip().strip("'")
        return self._unique(text[:SHEET_TITLE_LENGTH].strip() or "Use case")

    def _unique(self, title: str) -> str:
        """Sheet titles are unique regardless of case: a repeated one gets " (2)", " (3)" ..."""
        candidate, number = title, 1
        while candidate.casefold() in self.titles:
            number += 1
            suffix = f" ({number})"
            candidate = title[: SHEET_TITLE_LENGTH - len(suffix)] + suffix
        self.titles.add(candidate.casefold())
        return candidate


def write_workbook(*, document: doc.Repository, output: IO[bytes]) -> int:
    """The full use cases of `document` as a workbook, one sheet each, saved to `output`. Returns their number."""
    writer = WorkbookWriter()
    library = Library.of(document)
    for use_case in document.full_use_cases:
        writer.add(use_case, library=library)
    writer.finish(output=output)
    return writer.count


# What goes in the cells: template key -> the values, one per column (a single value is a list of one).


def sheet_values(use_case: doc.UseCase, *, library: Library) -> dict[str, list[Any]]:
    """The values of a use case's sheet by `layout` key: for a single field a list of one, for a field of a repeated
    block the values of its objects, in column order."""
    values: dict[str, list[Any]] = {
        "identifier": [use_case.identifier],
        "area": [use_case.area],
        "name": [use_case.name],
        "scope": [use_case.scope],
        "objectives": [_objectives(use_case.objectives)],
        "business_cases": [_names(library.business_cases, use_case.business_case_refs, LIST_SEPARATOR)],
        "short_description": [use_case.short_description],
        "complete_description": [use_case.complete_description],
        "relations": [_relations(use_case, library)],
        "level_of_depth": [use_case.level_of_depth],
        "prioritisation": [use_case.prioritisation],
        "classification": [use_case.classification],
        "nature": [use_case.nature],
        "keywords": [use_case.keywords],
        "remark": [remark.text for remark in use_case.remarks],
    }
    values |= _columns(
        use_case.versions,
        {
            "version.number": lambda version: version.number,
            "version.date": lambda version: version.date or version.extra.get("date", ""),
            "version.authors": lambda version: LIST_SEPARATOR.join(a.name for a in version.authors if a.name),
            "version.changes": lambda version: version.changes,
            "version.approval_status": lambda version: version.approval_status,
        },
    )
    objectives = {objective.mrid: objective for objective in use_case.objectives}
    values |= _columns(
        use_case.kpis,
        {
            "kpi.identifier": lambda kpi: kpi.identifier,
            "kpi.name": lambda kpi: kpi.name,
            "kpi.description": lambda kpi: kpi.description,
            "kpi.objectives": lambda kpi: _reference_text(
                kpi.extra.get("objectives", ""),
                _objects(objectives, kpi.objective_refs),
                lambda text: _objective_refs(text, use_case.objectives),
            ),
        },
    )
    for kind in ("assumption", "prerequisite"):
        values[kind] = [_condition(c) for c in use_case.conditions if c.kind == kind]
    values |= _columns(
        written_drawings(use_case),
        {
            "drawing.name": lambda drawing: drawing.name,
            "drawing.type": lambda drawing: drawing.extra.get("drawing_type") or drawing.drawing_type.replace(" ", "_"),
            "drawing.uri_type": lambda drawing: drawing.uri_type,
            "drawing.uri": lambda drawing: drawing.uri,
        },
    )
    actor_values, actors = _actors(use_case, library)
    values |= actor_values
    actor_index = ActorIndex(actors)
    values |= _columns(
        use_case.references,
        {
            "reference.name": lambda reference: reference.name,
            "reference.number": lambda reference: reference.number,
            "reference.type": lambda reference: reference.reference_type,
            "reference.description": lambda reference: reference.description,
            "reference.status": lambda reference: reference.status,
            "reference.impact": lambda reference: reference.impact,
            "reference.originator": lambda reference: reference.originator,
            "reference.link": lambda reference: reference.link,
        },
    )
    values |= _columns(
        use_case.scenarios,
        {
            "scenario.number": lambda scenario: scenario.number,
            "scenario.name": lambda scenario: scenario.name,
            "scenario.description": lambda scenario: scenario.description,
            "scenario.primary_actor": lambda scenario: _reference_text(
                scenario.extra.get("primary_actor", ""),
                _objects(library.actors, scenario.primary_actor_refs),
                actor_index.resolve,
            ),
            "scenario.triggering_event": lambda scenario: _conditions(scenario, "triggering_event"),
            "scenario.precondition": lambda scenario: _conditions(scenario, "precondition"),
            "scenario.postcondition": lambda scenario: _conditions(scenario, "postcondition"),
        },
    )
    steps = [(scenario, step) for scenario in use_case.scenarios for step in iter_steps(scenario.steps)]
    used = {ref for _, step in steps for ref in step.information_object_refs}
    information = sorted(
        (library.information_objects[ref] for ref in used if ref in library.information_objects),
        key=lambda item: library.information_order.get(item.mrid, len(library.information_order)),
    )
    information_index = InformationIndex(information)
    # Section 6 (the ETRA variant's rows 86 to 93): the requirements row 81 links, each in a column of its own with
    # its category in the same column, which the reader takes as membership.
    requirements = _objects(library.requirements, [ref for item in information for ref in item.requirement_refs])
    requirement_index = RequirementIndex(requirements)
    values |= _columns(
        steps,
        {
            "step.scenario_name": lambda pair: pair[0].name,
            "step.number": lambda pair: pair[1].number,
            "step.event": lambda pair: pair[1].event,
            "step.name": lambda pair: pair[1].name,
            "step.description": lambda pair: pair[1].description,
            "step.service": lambda pair: pair[1].service,
            "step.producer": lambda pair: _reference_text(
                pair[1].extra.get("producer", ""), _objects(library.actors, pair[1].producer_refs), actor_index.resolve
            ),
            "step.receiver": lambda pair: _reference_text(
                pair[1].extra.get("receiver", ""), _objects(library.actors, pair[1].receiver_refs), actor_index.resolve
            ),
            "step.information": lambda pair: _reference_text(
                pair[1].extra.get("information", ""),
                _objects(library.information_objects, pair[1].information_object_refs),
                information_index.resolve,
                separator=LIST_SEPARATOR,
            ),
            "step.scenario_number": lambda pair: pair[0].number,
        },
    )
    values |= _columns(
        information,
        {
            "information.requirements": lambda item: _reference_text(
                item.extra.get("requirements", ""),
                _objects(library.requirements, item.requirement_refs),
                requirement_index.resolve,
                separator=LIST_SEPARATOR,
            ),
            "information.identifier": lambda item: item.identifier,
            "information.name": lambda item: item.name,
            "information.description": lambda item: item.description,
        },
    )
    if requirements:
        categories = [library.categories.get(requirement.mrid) for requirement in requirements]
        values |= _columns(
            list(zip(requirements, categories, strict=True)),
            {
                "category.identifier": lambda pair: pair[1].identifier if pair[1] else "",
                "category.name": lambda pair: pair[1].name if pair[1] else "",
                "category.description": lambda pair: pair[1].description if pair[1] else "",
                "requirement.identifier": lambda pair: pair[0].identifier,
                "requirement.name": lambda pair: pair[0].name,
                "requirement.description": lambda pair: pair[0].description,
            },
        )
    return values


def written_drawings(use_case: doc.UseCase) -> list[doc.Drawing]:
    """The drawings of section 2 a sheet has, one a column (not the diagrams UCMR generates)."""
    return [drawing for drawing in use_case.drawings if not isinstance(drawing, doc.GeneratedDrawing)]


def _columns(objects: list, getters: dict[str, Any]) -> dict[str, list[Any]]:
    return {key: [getter(item) for item in objects] for key, getter in getters.items()}


def _objects(objects: dict[str, Any], refs: list[str]) -> list:
    """The objects `refs` names, in its order, once each (an mRID the document does not define is left out)."""
    return [objects[ref] for ref in dict.fromkeys(refs) if ref in objects]


def _label(item: Any) -> str:
    """How a cell names an object: information and requirements by their ID, the others by name."""
    return getattr(item, "identifier", "") or getattr(item, "name", "")


def _names(objects: dict[str, Any], refs: list[str], separator: str) -> str:
    return separator.join(dict.fromkeys(label for label in map(_label, _objects(objects, refs)) if label))


def _reference_text(
    raw: str,
    chosen: list,
    resolve: Callable[[str], tuple[list[str], list[str]] | list[str]],
    *,
    separator: str = NAME_SEPARATOR,
) -> str:
    """A cell that names objects (`chosen`): the text the Excel import found there while the reader, reading it
    back (`resolve`), finds exactly these objects in it, so that what it could not resolve is kept; else their
    labels, one a line (IDs comma-separated)."""
    if raw:
        resolved = resolve(raw)
        refs = resolved[0] if isinstance(resolved, tuple) else resolved
        if refs == [item.mrid for item in chosen]:
            return raw
    return separator.join(dict.fromkeys(label for label in map(_label, chosen) if label))


def _objective_refs(text: str, objectives: list[doc.Objective]) -> list[str]:
    """The objectives a KPI's row 24 names, as the reader finds them (`reader._SheetReader.kpis`)."""
    if fold(text) in {"all", "all objectives"}:
        return [objective.mrid for objective in objectives]
    by_name = {fold(objective.name): objective.mrid for objective in objectives}
    parts = [fold(part) for part in [text, *split_lines(text.replace(",", "\n"))]]
    return list(dict.fromkeys(by_name[part] for part in parts if part in by_name))


def _objectives(objectives: list[doc.Objective]) -> str:
    """All objectives in the one cell the template has, one a line, by name (a KPI names them so in row 24)."""
    return NAME_SEPARATOR.join(objective.name for objective in objectives if objective.name)


def _condition(condition: doc.Condition) -> str:
    return condition.description or condition.name


def _conditions(scenario: doc.Scenario, kind: str) -> str:
    return NAME_SEPARATOR.join(_condition(c) for c in scenario.conditions if c.kind == kind and _condition(c))


def _relations(use_case: doc.UseCase, library: Library) -> str:
    """Row 29: the text the Excel import found there while the reader, reading it back, finds in it exactly the
    relations the use case has (`reader.relation_parts`, by ID or name), so that prose beside them is kept; else one
    related use case a line, by ID (else by name), the type of the relation in brackets."""
    relations = [relation for relation in use_case.relations if relation.use_case_ref in library.use_cases]
    raw = use_case.extra.get("relations", "")
    if raw:
        index = UseCaseIndex(list(library.use_cases.values()))
        found = {(index.find(part), part.type) for part in relation_parts(raw)} - {("", "")}
        found = {(ref, kind) for ref, kind in found if ref and ref != use_case.mrid}
        if found == {(relation.use_case_ref, relation.type) for relation in relations}:
            return raw
    lines = []
    for relation in relations:
        target = library.use_cases[relation.use_case_ref]
        label = target.identifier or target.name
        if label:
            lines.append(f"{label} ({relation.type})" if relation.type else label)
    return NAME_SEPARATOR.join(lines)


def _actors(use_case: doc.UseCase, library: Library) -> tuple[dict[str, list[Any]], list[doc.Actor]]:
    """(the values of rows 44 to 49, the actors of the use case): the actors of its groupings, then those a scenario
    or step names that are in none, with what is specific to each in this use case.

    Who is in which grouping is told as the reader understands it. Where every actor is in the grouping named as its
    type or in the default one (unnamed, or "Actors" as the reader calls the actors it finds in no grouping), the
    groupings are a list of their own, as most authors of the template write them; else each actor's column carries
    its grouping's name and description (an actor of two groupings has two columns), and groupings without actors
    are left out."""
    columns: list[tuple[doc.ActorGrouping | None, doc.Actor, str]] = []
    for grouping in use_case.actor_groupings:
        for information in grouping.further_actor_information:
            for ref in dict.fromkeys(information.actor_refs):
                if ref in library.actors:
                    columns.append((grouping, library.actors[ref], information.description))
    placed = {actor.mrid for _, actor, _ in columns}
    steps = [step for scenario in use_case.scenarios for step in iter_steps(scenario.steps)]
    named = [
        *use_case.primary_actor_refs,
        *(ref for scenario in use_case.scenarios for ref in scenario.primary_actor_refs),
        *(ref for step in steps for ref in [*step.producer_refs, *step.receiver_refs, *step.primary_actor_refs]),
    ]
    unplaced = [ref for ref in dict.fromkeys(named) if ref in library.actors and ref not in placed]
    columns += [(None, library.actors[ref], "") for ref in unplaced]
    actors = list({actor.mrid: actor for _, actor, _ in columns}.values())
    values = {
        "actor.name": [actor.name for _, actor, _ in columns],
        "actor.type": [_actor_type(actor) for _, actor, _ in columns],
        "actor.description": [actor.description for _, actor, _ in columns],
        "actor.further_information": [further for _, _, further in columns],
    }
    listed = [grouping for grouping in use_case.actor_groupings if not _is_default(grouping)]
    if _membership_by_type(columns, listed):
        return {
            "grouping.name": [grouping.name for grouping in listed],
            "grouping.description": [grouping.description for grouping in listed],
            **values,
        }, actors
    return {
        "grouping.name": [UNGROUPED_NAME if _is_default(grouping) else grouping.name for grouping, _, _ in columns],
        "grouping.description": [grouping.description if grouping else "" for grouping, _, _ in columns],
        **values,
    }, actors


def _actor_type(actor: doc.Actor) -> str:
    return actor.type_text or actor_type_spelling(actor.type)


def _is_default(grouping: doc.ActorGrouping | None) -> bool:
    """The grouping of actors that are in none: the dumper's unnamed one, or the reader's "Actors"."""
    return grouping is None or not grouping.name or (fold(grouping.name) == fold(UNGROUPED_NAME))


def _membership_by_type(columns: list, listed: list[doc.ActorGrouping]) -> bool:
    """Whether the reader finds each actor's grouping from the groupings listed on their own: by its type, or as one
    in none. Not when the two lists would line up column for column (the reader then goes by column)."""
    names = {fold(grouping.name) for grouping in listed}
    actors = [actor.mrid for _, actor, _ in columns]
    if len(set(actors)) < len(actors) or len(names) < len(listed):
        return False
    if listed and len(listed) == len(columns) and any(_is_default(grouping) for grouping, _, _ in columns):
        return False
    return all(
        fold(_actor_type(actor)) not in names
        if _is_default(grouping)
        else fold(grouping.name) == fold(_actor_type(actor))
        for grouping, actor, _ in columns
    )


# The sheet


def _sheet_rows(values: dict[str, list[Any]]) -> list[Row]:
    """The template's rows, and the extended variant's rows of section 6 (85 to 93, their gaps blank) when the
    sheet lists requirements."""
    if not values.get("requirement.identifier"):
        return list(ROWS)
    section_6 = [row for row in EXTENDED_ROWS if row.row <= FIELDS["requirement.description"].row]
    numbers = {row.row for row in section_6}
    gaps = [Row(number) for number in range(LAST_TEMPLATE_ROW + 1, section_6[-1].row) if number not in numbers]
    return [*ROWS, *sorted([*section_6, *gaps], key=lambda row: row.row)]


def _write_sheet(sheet: WriteOnlyWorksheet, values: dict[str, list[Any]], styles: dict) -> None:
    rows = _sheet_rows(values)
    widths = {row.block: len(values.get(row.key, ())) for row in rows if row.block != SINGLE}
    columns = max([TEMPLATE_VALUE_COLUMNS, *widths.values()])
    sheet.column_dimensions["A"].width = 29
    sheet.column_dimensions["B"].width = 56
    for column in range(FIRST_VALUE_COLUMN, FIRST_VALUE_COLUMN + columns):
        sheet.column_dimensions[get_column_letter(column)].width = 32
    for index, row in enumerate(rows):
        if row.key:
            width = max(TEMPLATE_VALUE_COLUMNS, widths[row.block]) if row.block != SINGLE else 1
            cells = _value_cells(sheet, values.get(row.key, []), width, styles)
        else:
            following = next((later for later in rows[index + 1 :] if later.key), None)
            block = following.block if following is not None else SINGLE
            width = max(TEMPLATE_VALUE_COLUMNS, widths[block]) if block != SINGLE and row.label else 1
            cells = [_cell(sheet, None, styles, fill=_SUBHEADING_FILL) for _ in range(width)]
        sheet.append([_heading_cell(sheet, row, styles), _label_cell(sheet, row, styles), *cells])


def _add_pictures(sheet: WriteOnlyWorksheet, drawings: list[doc.Drawing]) -> None:
    """The image of each drawing that has one (`doc.Drawing.content`) in its column, anchored in the drawing's row
    41 (its URI, which the image stands for) and shown at most `PICTURE_BOX` pixels large; the reader takes a
    picture anchored there as the image of that column's drawing. The bytes are written as they are (openpyxl
    converts only what is no PNG, JPEG or GIF to PNG)."""
    row = FIELDS["drawing.uri"].row
    for index, drawing in enumerate(drawings):
        if not drawing.content:
            continue
        try:
            picture = Picture(io.BytesIO(drawing.content))
        except (OSError, ValueError, Image.DecompressionBombError):  # checked when imported or uploaded: not expected
            continue
        scale = min(1.0, PICTURE_BOX[0] / max(picture.width, 1), PICTURE_BOX[1] / max(picture.height, 1))
        picture.width, picture.height = max(1, round(picture.width * scale)), max(1, round(picture.height * scale))
        sheet.add_image(picture, f"{get_column_letter(FIRST_VALUE_COLUMN + index)}{row}")


def _heading_cell(sheet: WriteOnlyWorksheet, row: Row, styles: dict) -> Cell | None:
    if not row.heading:
        return None
    return _cell(sheet, row.heading, styles, font=_HEADING_FONT, fill=_HEADING_FILL, alignment=_HEADING_ALIGNMENT)


def _label_cell(sheet: WriteOnlyWorksheet, row: Row, styles: dict) -> Cell | None:
    comment = guidance.COMMENTS.get(row.row)
    if not row.label and comment is None:
        return None
    cell = _cell(sheet, row.label or None, styles, font=None if row.key or row.row == 1 else _SUBHEADING_FONT)
    if comment is not None:
        cell.comment = Comment(comment, guidance.AUTHOR, width=300, height=160)
    return cell


def _value_cells(sheet: WriteOnlyWorksheet, values: list[Any], width: int, styles: dict) -> list[Cell]:
    padded = [*values, *[None] * (width - len(values))]
    return [
        _cell(sheet, _cell_value(value), styles, fill=_MANDATORY_FILL if column == 0 else _OPTIONAL_FILL, wrapped=True)
        for column, value in enumerate(padded)
    ]


def _cell_value(value: Any) -> Any:
    if isinstance(value, datetime):  # Excel has no time zones: the moment in UTC
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo is not None else value
    if value is None:
        return value
    text = _ILLEGAL_CHARACTERS.sub("", str(value))
    return text[:MAX_CELL_TEXT] if text else None


def _cell(
    sheet: WriteOnlyWorksheet,
    value: Any,
    styles: dict,
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    alignment: Alignment | None = None,
    wrapped: bool = False,
) -> Cell:
    """A cell with its style. The workbook's style ids of each combination are worked out once (`styles`, by
    combination) and copied: setting a font or fill looks it up by hash, most of the time of writing a sheet."""
    cell = WriteOnlyCell(sheet, value=value)
    alignment = alignment or (_WRAPPED if wrapped else None)
    number_format = None
    if isinstance(value, datetime):
        number_format = _DATE_FORMAT if value.time() == time() else _DATE_TIME_FORMAT
    key = (id(font), id(fill), id(alignment), number_format)
    if key in styles:
        cell._style = copy(styles[key])
        return cell
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    styles[key] = copy(cell._style)
    return cell
