"""The IEC 62559-2 template described once, as data: its sections (1.1 to 8) in order, each with its labelled fields
and its tables, each table's columns a label and how to read the cell from a row. A new column is one more
`Column` here.

What reads it: the frozen versions' document (usecases.versions.document) builds its JSON from it; the table editors
(usecases.authoring) and the admin (usecases.admin) take their columns, labels and order from it (a column's `name`
is the field they edit); the pages' headings are its titles (`{% section_heading %}`), and the use case page and the
print page draw its tables, header and cells, column by column (templates/usecases/includes/template_table.html,
usecases.templatetags.template_tags). The Word and Excel writers (usecases.word.writer, usecases.excel.values) take
the columns of the tables they write an object a row (Word) or a column (Excel) of from it (`written_columns`): each
keeps only how its office template spells a column (the header its layout, usecases.word.layout or
usecases.excel.layout, gives the column's field, as real files have it) and, where the office format renders a cell
otherwise, the cell; a column added here shows in both exports under its label. Word follows the order and leaves
out a column left out here; the BRIDGE sheet keeps its rows where its layout places them and adds a row after a
block's rows for a column it has none for.

A value is read from a `Source`: the use case, with its prefetched rows (`UseCase.objects.with_document()`), and
the page's assembled document (`usecases.selectors.usecase_document`), whose step trees, conditions, drawings and
requirement groups are already computed.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from usecases.models import Condition, UseCase
from usecases.selectors import UseCaseDocument


def names(items: Iterable[Any], attribute: str = "name") -> str:
    return ", ".join(str(getattr(item, attribute) if attribute else item) for item in items)


def short_ids(items: Iterable[Any]) -> str:
    return ", ".join(item.identifier or item.name for item in items)


def conditions_text(conditions: Iterable[Condition]) -> str:
    return "; ".join(condition.name or condition.description for condition in conditions)


@dataclass(frozen=True)
class Source:
    """What the template's values are read from."""

    use_case: UseCase
    document: UseCaseDocument

    @cached_property
    def grouping_names(self) -> dict[int, str]:
        return {grouping.pk: grouping.name for grouping in self.use_case.actor_groupings.all()}


@dataclass(frozen=True)
class Field:
    """A labelled value of a section (1.1's ID, 1.3's scope ...), and `name`, the use case's field it is, where it is
    one: the use case's forms and its admin label that field so, and the admin places it in its section."""

    label: str
    value: Callable[[UseCase], Any]
    name: str = ""


@dataclass(frozen=True)
class Column:
    """A column of a table: its label, its cell in the versions' document (`value`, from the table's row), and
    `name`, the row's field it shows (or the editor's own name for a value it computes, as an actor's type). The
    table editors and the admin show and edit the columns that have a name, in this order, under this label; a
    column without one (a scenario's conditions, edited in tables of their own) is the page's and the versions'.

    The use case page and the print page show every column, in this order, under this label: the cell is `value`,
    escaped, unless `cell` names a template of its own (`templates/usecases/cells/<cell>.html`, given `row`, that
    renders the `<td>` with its links and markup). `heads_group`: the pages show the rows in groups headed by this
    column's value (3.1's grouping, 6's category), so the column stands in the group's head row, not in each row.
    `head_class`: the CSS classes of its header cell on the pages (a width)."""

    label: str
    value: Callable[[Any], Any]
    name: str = ""
    cell: str = ""
    heads_group: bool = False
    head_class: str = ""

    @property
    def ref(self) -> str:
        """How the office writers' spellings name the column: its name, else its label."""
        return self.name or self.label


@dataclass(frozen=True)
class Table:
    """A table of a section: its rows (`rows`, from the source), each keyed by its mRID (`key`).

    `repeat` makes it one table per item (the steps table per scenario): it gives the items, and `rows`, `key_of`
    and `title_of` then take the item. `references` names, per row, another use case the row refers to (to hide its
    name from readers who may not see it).

    On the pages, a row's `<tr>` is anchored `<anchor>-<pk>` of its model row (`item`), `anchor` by default the
    model's name ("kpi-12"), what links, comments and the editors find it by. `group_columns` are the cells of the
    head of each group of rows, read from the group (3.1's grouping, 6's category)."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: Callable[..., Iterable[Any]]
    row_key: Callable[[Any], Any] = lambda row: row.mrid
    repeat: Callable[[Source], Iterable[Any]] | None = None
    key_of: Callable[[Any], str] | None = None
    title_of: Callable[[Any], str] | None = None
    references: Callable[[Any], Any] | None = None
    item: Callable[[Any], Any] = lambda row: row
    anchor: str = ""
    group_columns: tuple[Column, ...] = ()

    @property
    def labels(self) -> list[str]:
        return [column.label for column in self.columns]

    @property
    def page_columns(self) -> tuple[Column, ...]:
        """The columns of the pages' table: all but the one its groups are headed by."""
        return tuple(column for column in self.columns if not column.heads_group)


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    fields: tuple[Field, ...] = ()
    tables: tuple[Table, ...] = field(default_factory=tuple)


def _version_date(version) -> str:
    return version.date.date().isoformat() if version.date else ""


def _drawing_image(row) -> str:
    return row.drawing.image.name if row.drawing.image else ""


def _requirement_rows(source: Source):
    return ((group, requirement) for group in source.document.requirement_groups for requirement in group.requirements)


CONDITION_COLUMNS = (
    Column("No.", lambda condition: condition.number, "number"),
    Column("Name", lambda condition: condition.name, "name"),
    Column("Description", lambda condition: condition.description, "description"),
)

STEP_COLUMNS = (
    Column("Step No.", lambda node: node.number, "number", cell="step_number"),
    Column("Event", lambda node: node.step.event, "event", cell="rich_text"),
    Column("Name of process/activity", lambda node: node.step.name, "name", cell="step_name"),
    Column("Description of process/activity", lambda node: node.step.description, "description", cell="rich_text"),
    Column("Service", lambda node: node.step.service, "service"),
    Column(
        "Information producer (actor)", lambda node: names(node.step.producers.all()), "producers", cell="producers"
    ),
    Column(
        "Information receiver (actor)", lambda node: names(node.step.receivers.all()), "receivers", cell="receivers"
    ),
    Column(
        "Information exchanged (IDs)",
        lambda node: short_ids(node.step.information_objects.all()),
        "information_objects",
        cell="step_information",
    ),
    Column(
        "Requirement, R-IDs",
        lambda node: short_ids(node.step.requirements.all()),
        "requirements",
        cell="step_requirements",
    ),
)

# The template's parts whose heading stands above sections of their own (sections 2, 5, 6, 7 and 8 are parts and
# sections at once).
PARTS: dict[str, str] = {
    "1": "Description of the use case",
    "3": "Technical details",
    "4": "Step by step analysis of use case",
}

SECTIONS: tuple[Section, ...] = (
    Section(
        "1.1",
        "Name of use case",
        fields=(
            Field("ID", lambda uc: uc.identifier, "identifier"),
            Field("Area / Domain(s) / Zone(s)", lambda uc: uc.area, "area"),
            Field("Name of use case", lambda uc: uc.name, "name"),
            Field("SGAM placement", lambda uc: "; ".join(str(placement) for placement in uc.sgam_placements.all())),
            Field("NIST domains", lambda uc: names((p.nist_domain for p in uc.nist_placements.all()), "")),
        ),
    ),
    Section(
        "1.2",
        "Version management",
        tables=(
            Table(
                "versions",
                "Versions",
                (
                    Column("Version No.", lambda version: version.number, "number"),
                    Column("Date", _version_date, "date", cell="nowrap"),
                    Column("Name of author(s)", lambda version: version.authors, "authors"),
                    Column("Changes", lambda version: version.changes, "changes", cell="rich_text"),
                    Column("Approval status", lambda version: version.approval_status, "approval_status"),
                ),
                rows=lambda source: source.use_case.versions.all(),
            ),
        ),
    ),
    Section(
        "1.3",
        "Scope and objectives of use case",
        fields=(Field("Scope", lambda uc: uc.scope, "scope"),),
        tables=(
            Table(
                "objectives",
                "Objectives",
                (
                    Column("Name", lambda row: row.name, "name"),
                    Column("Description", lambda row: row.description, "description"),
                ),
                rows=lambda source: source.use_case.objectives.all(),
            ),
            Table(
                "business-cases",
                "Related business cases",
                (
                    Column("Name", lambda case: case.name, "name"),
                    Column("Areas", lambda case: names(case.areas.all())),
                    Column("Description", lambda case: case.description, "description"),
                ),
                rows=lambda source: source.use_case.business_cases.all(),
            ),
        ),
    ),
    Section(
        "1.4",
        "Narrative of use case",
        fields=(
            Field("Short description", lambda uc: uc.short_description, "short_description"),
            Field("Complete description", lambda uc: uc.complete_description, "complete_description"),
        ),
    ),
    Section(
        "1.5",
        "Key performance indicators (KPI)",
        tables=(
            Table(
                "kpis",
                "KPIs",
                (
                    Column("ID", lambda kpi: kpi.identifier, "identifier"),
                    Column("Name", lambda kpi: kpi.name, "name"),
                    Column("Description", lambda kpi: kpi.description, "description", cell="rich_text"),
                    Column(
                        "Reference to mentioned use case objectives",
                        lambda kpi: names(kpi.objectives.all()),
                        "objectives",
                        cell="kpi_objectives",
                    ),
                ),
                rows=lambda source: source.use_case.kpis.all(),
            ),
        ),
    ),
    Section(
        "1.6",
        "Use case conditions",
        tables=(
            Table("assumptions", "Assumptions", CONDITION_COLUMNS, rows=lambda source: source.document.assumptions),
            Table(
                "prerequisites", "Prerequisites", CONDITION_COLUMNS, rows=lambda source: source.document.prerequisites
            ),
        ),
    ),
    Section(
        "1.7",
        "Further information to the use case for classification/mapping",
        fields=(
            Field("Level of depth", lambda uc: uc.level_of_depth, "level_of_depth"),
            Field("Prioritisation", lambda uc: uc.prioritisation, "prioritisation"),
            Field("Generic, regional or national relation", lambda uc: uc.classification, "classification"),
            Field("Nature of the use case", lambda uc: uc.nature, "nature"),
            Field("View point", lambda uc: uc.view_point, "view_point"),
            Field("Further keywords for classification", lambda uc: uc.keywords, "keywords"),
        ),
        tables=(
            Table(
                "relations",
                "Relation to other use cases",
                (
                    Column("Relation", lambda relation: relation.get_type_display(), "type"),
                    Column("Related use case", lambda relation: relation.related, "related"),
                    Column("Description", lambda relation: relation.description, "description"),
                ),
                rows=lambda source: [row.relation for row in source.document.relations],
                references=lambda relation: relation.related_id,
            ),
        ),
    ),
    Section(
        "1.8",
        "General remarks",
        tables=(
            Table(
                "remarks",
                "Remarks",
                (Column("Remark", lambda remark: remark.text, "text", cell="rich_text"),),
                rows=lambda source: source.use_case.remarks.all(),
            ),
        ),
    ),
    Section(
        "2",
        "Diagrams of use case",
        tables=(
            Table(
                "drawings",
                "Diagrams",
                (
                    Column("Name", lambda row: row.drawing.name, "name"),
                    Column("Diagram type", lambda row: row.drawing.get_drawing_type_display(), "drawing_type"),
                    Column("Refers to", lambda row: row.refers_to or "Use case", "scenario"),
                    Column("URI", lambda row: row.drawing.uri, "uri", cell="drawing_uri"),
                    Column("Image file", _drawing_image, "image", cell="drawing_image"),
                ),
                rows=lambda source: source.document.drawings,
                row_key=lambda row: row.drawing.mrid,
                item=lambda row: row.drawing,
            ),
        ),
    ),
    Section(
        "3.1",
        "Actors",
        fields=(Field("Primary actors of the use case", lambda uc: names(uc.primary_actors.all()), "primary_actors"),),
        tables=(
            Table(
                "actor-groupings",
                "Groupings",
                (
                    Column("Grouping", lambda grouping: grouping.name, "name"),
                    Column("Group description", lambda grouping: grouping.description, "description"),
                ),
                rows=lambda source: source.use_case.actor_groupings.all(),
            ),
            Table(
                "actors",
                "Actors",
                (
                    Column("Actor name", lambda row: row[0].actor.name, "actor", cell="actor_name"),
                    Column("Actor type", lambda row: row[0].actor.get_type_display(), "actor_type"),
                    Column("Actor description", lambda row: row[0].actor.description, cell="rich_text"),
                    Column("Grouping", lambda row: row[1].get(row[0].grouping_id, ""), "grouping", heads_group=True),
                    Column(
                        "Further information specific to this use case",
                        lambda row: row[0].further_information,
                        "further_information",
                        cell="rich_text",
                    ),
                ),
                rows=lambda source: ((role, source.grouping_names) for role in source.use_case.actor_roles.all()),
                row_key=lambda row: row[0].mrid,
                item=lambda row: row[0],
                group_columns=(
                    Column("Grouping", lambda group: group.grouping.name if group.grouping else "", cell="grouping"),
                    Column(
                        "Group description",
                        lambda group: group.grouping.description if group.grouping else "",
                        cell="grouping_description",
                    ),
                ),
            ),
        ),
    ),
    Section(
        "3.2",
        "References",
        tables=(
            Table(
                "references",
                "References",
                (
                    Column("No.", lambda reference: reference.number, "number"),
                    Column("Reference type", lambda reference: reference.reference_type, "reference_type"),
                    Column("Reference", lambda reference: reference.name, "name", cell="reference_name"),
                    Column("Status", lambda reference: reference.status, "status"),
                    Column("Impact on use case", lambda reference: reference.impact, "impact", cell="rich_text"),
                    Column("Originator", lambda reference: reference.originator, "originator"),
                    Column("Link", lambda reference: reference.link, "link", cell="reference_link"),
                ),
                rows=lambda source: source.use_case.references.all(),
            ),
        ),
    ),
    Section(
        "4.1",
        "Overview of scenarios",
        tables=(
            Table(
                "scenarios",
                "Scenarios",
                (
                    Column("No.", lambda section: section.scenario.number, "number"),
                    Column("Scenario name", lambda section: section.scenario.name, "name", cell="scenario_name"),
                    Column(
                        "Scenario description",
                        lambda section: section.scenario.description,
                        "description",
                        cell="rich_text",
                    ),
                    Column(
                        "Primary actor",
                        lambda section: names(section.scenario.primary_actors.all()),
                        "primary_actors",
                        cell="scenario_actors",
                    ),
                    Column(
                        "Triggering event",
                        lambda section: conditions_text(section.triggering_events),
                        cell="triggering_events",
                    ),
                    Column(
                        "Pre-condition", lambda section: conditions_text(section.preconditions), cell="preconditions"
                    ),
                    Column(
                        "Post-condition", lambda section: conditions_text(section.postconditions), cell="postconditions"
                    ),
                    Column(
                        "Requirements",
                        lambda section: short_ids(section.scenario.requirements.all()),
                        "requirements",
                        cell="scenario_requirements",
                    ),
                ),
                rows=lambda source: source.document.scenarios,
                row_key=lambda section: section.scenario.mrid,
                item=lambda section: section.scenario,
            ),
        ),
    ),
    Section(
        "4.2",
        "Steps per scenario",
        tables=(
            Table(
                "steps",
                "Steps",
                STEP_COLUMNS,
                repeat=lambda source: source.document.scenarios,
                rows=lambda section: section.steps,
                row_key=lambda node: node.step.mrid,
                key_of=lambda section: f"steps-{section.scenario.mrid}",
                title_of=lambda section: f"Scenario {section.scenario}",
            ),
        ),
    ),
    Section(
        "5",
        "Information exchanged",
        tables=(
            Table(
                "information",
                "Information exchanged",
                (
                    Column(
                        "Information exchanged, ID", lambda item: item.identifier, "identifier", cell="information_id"
                    ),
                    Column("Name of information", lambda item: item.name, "name"),
                    Column(
                        "Description of information exchanged",
                        lambda item: item.description,
                        "description",
                        cell="rich_text",
                    ),
                    Column(
                        "Requirement, R-IDs",
                        lambda item: short_ids(item.requirements.all()),
                        "requirements",
                        cell="information_requirements",
                    ),
                ),
                rows=lambda source: source.document.information_objects,
            ),
        ),
    ),
    Section(
        "6",
        "Requirements",
        tables=(
            Table(
                "requirements",
                "Requirements",
                (
                    Column("Category", lambda row: str(row[0].category) if row[0].category else "", heads_group=True),
                    Column("Requirement R-ID", lambda row: row[1].identifier, cell="requirement_id"),
                    Column("Requirement name", lambda row: row[1].name),
                    Column("Requirement description", lambda row: row[1].description, cell="rich_text"),
                ),
                rows=_requirement_rows,
                row_key=lambda row: row[1].mrid,
                item=lambda row: row[1],
                group_columns=(
                    Column(
                        "Category ID",
                        lambda group: group.category.identifier if group.category else "",
                        cell="category_id",
                    ),
                    Column(
                        "Category name for requirements", lambda group: group.category.name if group.category else ""
                    ),
                    Column(
                        "Category description",
                        lambda group: group.category.description if group.category else "",
                        cell="rich_text",
                    ),
                ),
            ),
        ),
    ),
    Section(
        "7",
        "Common terms and definitions",
        tables=(
            Table(
                "terms",
                "Terms",
                (
                    Column("Term", lambda term: term.term, "term", cell="term", head_class="w-25"),
                    Column("Definition", lambda term: term.definition, "definition", cell="rich_text"),
                ),
                rows=lambda source: source.use_case.common_terms.all(),
                anchor="term",
            ),
        ),
    ),
    Section(
        "8",
        "Custom information",
        tables=(
            Table(
                "custom-information",
                "Custom information",
                (
                    Column("Key", lambda item: item.key, "key"),
                    Column("Value", lambda item: item.value, "value", cell="lines"),
                    Column("Refers to section", lambda item: item.refers_to_section, "refers_to_section"),
                ),
                rows=lambda source: source.use_case.custom_information.all(),
            ),
        ),
    ),
)


# Every heading of the template, parts and sections, in document order ("1", "1.1", ... "2", "3", "3.1" ...).
TITLES: dict[str, str] = dict(
    sorted(
        {**PARTS, **{section.number: section.title for section in SECTIONS}}.items(),
        key=lambda item: tuple(int(part) for part in item[0].split(".")),
    )
)


def table(key: str) -> Table:
    """The table `key` of the template ("kpis"), as the template describes it now (read when asked, so that the
    editors, the admin and the versions follow one description)."""
    return next(found for section in SECTIONS for found in section.tables if found.key == key)


def named_columns(key: str) -> tuple[Column, ...]:
    """The columns of table `key` that the table editors and the admin show: those with a name, in order."""
    return tuple(column for column in table(key).columns if column.name)


def field_labels() -> dict[str, str]:
    """The use case's own fields the template labels, by name, in the template's order ({"identifier": "ID", ...})."""
    return {item.name: item.label for section in SECTIONS for item in section.fields if item.name}


@dataclass(frozen=True)
class Spelling:
    """How an office template (the Word and Excel writers') writes a column of a table: as its own field `key` (its
    layout's, which gives the header's spelling: "kpi.name"), with `cell`, the cell's value from the row the writer
    has (a `usecases.xml.document` object), where that is other than the object's field of the column's name."""

    key: str
    cell: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class WrittenColumn:
    """A column of a table as an office writer writes it: `key`, its field in the office template's layout ("" for a
    column that template does not know, headed by `label`, the template's), and `cell`, its value from a row."""

    key: str
    label: str
    cell: Callable[[Any], Any]


def written_columns(
    key: str, spellings: dict[str, Spelling | None], subject: Callable[[Any], Any] = lambda row: row
) -> tuple[WrittenColumn, ...]:
    """The columns of table `key` an office writer writes, in the template's order, as it spells them (`spellings`,
    by `Column.ref`; None: that template has no place for the column in this table). A column the writer does not
    spell (one added here) is written under the template's label, its cell the field of the column's name of the
    row's object (`subject`), so that a new column shows in the Word and Excel exports without touching them."""
    columns = []
    for column in table(key).columns:
        spelling = spellings.get(column.ref, Spelling(""))
        if spelling is None:
            continue
        cell = spelling.cell or (lambda row, name=column.name: _field_text(subject(row), name))
        columns.append(WrittenColumn(spelling.key, column.label, cell))
    return tuple(columns)


def _field_text(item: Any, name: str) -> Any:
    """An exported object's field `name`, or what the import kept of it (`extra`), as a cell shows it ("" if it is
    none, or a list of references)."""
    value = getattr(item, name, None) if name else None
    if value is None:
        value = getattr(item, "extra", {}).get(name, "")
    return value if isinstance(value, str | int | float | date) else ""


def heading(number: str) -> str:
    """ "1.3 Scope and objectives of use case": a part's or section's number and title, as pages show it."""
    return f"{number} {TITLES[number]}"
