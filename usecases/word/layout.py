"""The one description of the IEC 62559-2 Word template's layout, shared by the writer and the reader.

The template (see /work/shared/iec62559/word-template.md, read from NIST's public `IEC_UseCaseTemplate.docx`) is
a run of headings (`HEADINGS`, "1.1<tab>Name of Use Case": the number is literal text, a tab, the title), each
followed by at most one kind of table (`TABLES`). Every table's first row is a caption spanning all columns (grey);
what follows depends on its `form`:

- `RECORDS`: a header row of column labels (`columns`), then one row per object (versions, KPIs, references,
  scenarios, information, common terms, custom information).
- `LABEL_COLUMN`: one row per field, the label (grey) in the first cell and the value in the second (1.3).
- `LABEL_ROWS`: one column; a label row (grey) above each value row (1.4, 1.6, 1.7).
- `VALUES`: one column of value rows under the caption (1.8 remarks; 2 the diagrams cell).
- `GROUPED`: a header row of the group's fields (`group_columns`), its value row, then the header row of
  `columns` and one row per member; the whole table repeats per group (actors per grouping, requirements per
  category). The Steps table is also grouped: "Scenario Name :" (spanning the first two columns) beside the
  scenario's name, then the step columns and one row per step; it repeats per scenario.

Names are compared normalised (`normalise`): NBSP and whitespace runs collapsed, case folded, a trailing colon
dropped, dashes as hyphens, spaces around "/" dropped. Other spellings found in real documents are `aliases`,
normalised: the NIST 2014 template numbers References 3.3 (the IEC numbering, which the writer uses, is 3.2), and
the older EPRI/TC8 2012 layout (`TC8`) has other numbers, titles and columns, described on each entry. A reader
should find sections by title (`heading_for`), tables by caption (`table_for_caption`) and columns by header text
(`Table.column_for`), and take numbers as a hint only.

Keys follow the Excel layout's (`usecases.excel.layout`) where both templates have the field. Titles, captions and
labels are spelled as the template file spells them ("Name of Use Case"), which the writer reproduces and the reader
matches, not as `usecases.template` words the sections for the pages ("Name of use case"): the two may differ.
"""

import re
from dataclasses import dataclass

# Layouts a document may be written in.
IEC = "iec"  # IEC 62559-2:2015 numbering: what the writer produces
NIST = "nist-2014"  # NIST's template: as IEC, except References numbered 3.3
TC8 = "tc8-2012"  # the EPRI/TC8 2012 (SG-CG) layout

# Table forms (see the module docstring).
RECORDS = "records"
LABEL_COLUMN = "label-column"
LABEL_ROWS = "label-rows"
VALUES = "values"
GROUPED = "grouped"

CAPTION_FILL = "CCCCCC"  # caption rows and label cells
SCENARIO_CONDITIONS_FILL = "D9D9D9"
DIAGRAM_FILL = "BFBFBF"

LABEL_STYLE = "TableHeading"  # the template's paragraph style of caption and label cells
EMPTY_CELL = "\u00a0"  # the template's empty value cell holds a non-breaking space
NUMBER_SEPARATOR = "\t"  # between a heading's number and its title


@dataclass(frozen=True)
class Alias:
    """Another way a heading is written: its number and/or normalised title in `layout`."""

    layout: str
    number: str = ""
    title: str = ""


@dataclass(frozen=True)
class Heading:
    """A section heading. `level` 1 or 2 (Word's `Heading 1`, `Heading 2`)."""

    key: str
    number: str
    title: str
    level: int
    aliases: tuple[Alias, ...] = ()

    @property
    def text(self) -> str:
        """As written: "1.1<tab>Name of Use Case"."""
        return f"{self.number}{NUMBER_SEPARATOR}{self.title}"

    @property
    def titles(self) -> tuple[str, ...]:
        """The normalised titles that identify this heading."""
        return (normalise(self.title), *(alias.title for alias in self.aliases if alias.title))

    def number_in(self, layout: str) -> str:
        return next((alias.number for alias in self.aliases if alias.layout == layout and alias.number), self.number)


@dataclass(frozen=True)
class Column:
    """A field of a table: its label in the header row (or label cell), a key naming it, other normalised labels."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        return (normalise(self.label), *self.aliases)


@dataclass(frozen=True)
class Table:
    """A table of the template, under the heading `section`. `layouts` it occurs in (the TC8-only tables say so)."""

    key: str
    caption: str
    section: str
    form: str
    columns: tuple[Column, ...]
    group_columns: tuple[Column, ...] = ()
    fill: str = CAPTION_FILL
    caption_aliases: tuple[str, ...] = ()
    layouts: tuple[str, ...] = (IEC, NIST, TC8)

    @property
    def captions(self) -> tuple[str, ...]:
        return (normalise(self.caption), *self.caption_aliases)

    @property
    def header(self) -> tuple[str, ...]:
        """The header row's labels, as written."""
        return tuple(column.label for column in self.columns)

    def column_for(self, text: str) -> Column | None:
        """The column (or group field) whose label is `text`, compared normalised."""
        wanted = normalise(text)
        return next((c for c in (*self.group_columns, *self.columns) if wanted in c.labels), None)


# Headings, in document order.
HEADINGS: tuple[Heading, ...] = (
    Heading("description", "1", "Description of the Use Case", 1),
    Heading("name", "1.1", "Name of Use Case", 2),
    Heading("versions", "1.2", "Version Management", 2),
    Heading("scope", "1.3", "Scope and Objectives of Use Case", 2),
    Heading("narrative", "1.4", "Narrative of Use Case", 2),
    Heading("kpis", "1.5", "Key performance indicators (KPI)", 2),  # TC8: none
    Heading("conditions", "1.6", "Use case conditions", 2),
    Heading(
        "classification",
        "1.7",
        "Further information to the use case for classification / mapping",
        2,
        aliases=(Alias(TC8, "3.4"),),
    ),
    Heading("remarks", "1.8", "General Remarks", 2, aliases=(Alias(TC8, "1.5"),)),
    Heading("diagrams", "2", "Diagrams of Use Case", 1),
    Heading("technical", "3", "Technical Details", 1),
    Heading(
        "actors",
        "3.1",
        "Actors: People, Systems, Applications, Databases, the Power System, and Other Stakeholders",
        2,
        aliases=(
            Alias(IEC, title="actors"),
            Alias(IEC, title="actors: people, systems, applications, databases, the power system"),
        ),
    ),
    Heading(
        "tc8_conditions",
        "3.2",
        "Preconditions, Assumptions, Post condition, Events",
        2,
        aliases=(Alias(TC8, title="preconditions, assumptions, postcondition, events"),),
    ),  # TC8 only: the writer leaves it out
    Heading(
        "references",
        "3.2",
        "References / Issues",
        2,
        aliases=(Alias(NIST, "3.3"), Alias(TC8, "3.3"), Alias(IEC, title="references")),
    ),
    Heading("steps_analysis", "4", "Step by Step Analysis of Use Case", 1),
    Heading("scenarios", "4.1", "Overview of scenarios", 2),  # TC8: the scenario table sits under 4 itself
    Heading(
        "steps",
        "4.2",
        "Steps \u2013 Scenarios",
        2,
        aliases=(
            # TC8: "4.1 Steps - Normal", "4.2 Steps - Alternative, ...", "4.3 Steps - ...": one heading per scenario
            Alias(TC8, "4.1", "steps - normal"),
            Alias(TC8, "4.2", "steps - alternative, error management, and/or maintenance/backup scenario"),
        ),
    ),
    Heading("information", "5", "Information Exchanged", 1),
    Heading("requirements", "6", "Requirements (optional)", 1, aliases=(Alias(IEC, title="requirements"),)),
    Heading("common_terms", "7", "Common Terms and Definitions", 1, aliases=(Alias(TC8, "6"),)),
    Heading(
        "custom_information", "8", "Custom information (optional)", 1, aliases=(Alias(IEC, title="custom information"),)
    ),
)

# The writer's headings: the TC8-only 3.2 is not one of them.
WRITTEN_HEADINGS: tuple[Heading, ...] = tuple(heading for heading in HEADINGS if heading.key != "tc8_conditions")

# A steps heading per scenario, as NIST's filled example numbers them: "4.2.1", "4.2.2" ... The TC8 layout's steps
# headings all start with "Steps" (`is_steps_title`).
STEPS_TITLE_PREFIX = "steps"

TABLES: tuple[Table, ...] = (
    Table(
        "identification",
        "Use case identification",
        "name",
        RECORDS,
        (
            Column("identifier", "ID"),
            Column("area", "Area/ Domain(s)/ Zone(s)", aliases=("domain(s)", "area/domain(s)/zone(s)", "domain")),
            Column("name", "Name of Use Case"),
        ),
    ),
    Table(
        "versions",
        "Version management",
        "versions",
        RECORDS,
        (
            Column("version.number", "Version No.", aliases=("changes/version", "version")),
            Column("version.date", "Date"),
            Column("version.authors", "Name Author(s)", aliases=("name/author(s) or committee", "name/author(s)")),
            Column("version.changes", "Changes"),
            Column("version.approval_status", "Approval Status"),
            # TC8 only:
            Column("version.domain_expert", "Domain Expert"),
            Column("version.expertise", "Area of Expertise / Domain / Role"),
            Column("version.title", "Title"),
        ),
    ),
    Table(
        "scope",
        "Scope and objectives of use case",
        "scope",
        LABEL_COLUMN,
        (
            Column("scope", "Scope"),
            Column("objectives", "Objective(s)", aliases=("objectives",)),
            Column("business_cases", "Related business case(s)", aliases=("related business case",)),
        ),
    ),
    Table(
        "narrative",
        "Narrative of use case",
        "narrative",
        LABEL_ROWS,
        (
            Column("short_description", "Short description"),
            Column("complete_description", "Complete description"),
        ),
    ),
    Table(
        "kpis",
        "Key Performance Indicators",
        "kpis",
        RECORDS,
        (
            Column("kpi.identifier", "ID"),
            Column("kpi.name", "Name"),
            Column("kpi.description", "Description"),
            Column("kpi.objectives", "Reference to mentioned use case objectives"),
        ),
        layouts=(IEC, NIST),
    ),
    Table(
        "conditions",
        "Use case conditions",
        "conditions",
        LABEL_ROWS,
        (
            Column("assumption", "Assumptions"),
            Column("prerequisite", "Prerequisites"),
        ),
    ),
    Table(
        "classification",
        "Classification Information",
        "classification",
        LABEL_ROWS,
        (
            Column("relations", "Relation to other use cases"),
            Column("level_of_depth", "Level of depth"),
            Column("prioritisation", "Prioritisation", aliases=("prioritization",)),
            Column("classification", "Generic, regional or national relation"),
            Column("nature", "Nature of the use case", aliases=("view",)),  # TC8: "View"
            Column("keywords", "Further keywords for classification"),
        ),
    ),
    Table("remarks", "General remarks", "remarks", VALUES, (Column("remark", "General remarks"),)),
    Table("diagrams", "Diagram of use case", "diagrams", VALUES, (Column("drawing", "Diagram"),), fill=DIAGRAM_FILL),
    Table(
        "actors",
        "Actors",
        "actors",
        GROUPED,
        (
            Column("actor.name", "Actor name"),
            Column("actor.type", "Actor type"),
            Column("actor.description", "Actor description"),
            Column("actor.further_information", "Further information specific to this use case"),
        ),
        group_columns=(
            Column("grouping.name", "Grouping (Community)", aliases=("grouping",)),
            Column("grouping.description", "Group description"),
        ),
    ),
    Table(
        "tc8_conditions",
        "Preconditions, Assumptions, Post condition, Events",
        "tc8_conditions",
        RECORDS,
        (
            Column("condition.actor", "Actor/System/Information/Contract"),
            Column("condition.triggering_event", "Triggering Event"),
            Column("condition.precondition", "Pre-conditions", aliases=("pre-condition", "preconditions")),
            Column("condition.assumption", "Assumption", aliases=("assumptions",)),
        ),
        layouts=(TC8,),
    ),
    Table(
        "references",
        "References",
        "references",
        RECORDS,
        (
            Column("reference.number", "No."),
            Column("reference.type", "References Type", aliases=("reference type",)),
            Column("reference.description", "Reference"),
            Column("reference.status", "Status"),
            Column("reference.impact", "Impact on use case"),
            Column("reference.originator", "Originator / Organisation", aliases=("originator/organization",)),
            Column("reference.link", "Link"),
        ),
    ),
    Table(
        "scenarios",
        "Scenario Conditions",
        "scenarios",
        RECORDS,
        (
            Column("scenario.number", "No."),
            Column("scenario.name", "Scenario name"),
            Column("scenario.description", "Scenario description"),
            Column("scenario.primary_actor", "Primary actor"),
            Column("scenario.triggering_event", "Triggering event"),
            Column("scenario.precondition", "Pre-condition", aliases=("precondition",)),
            Column("scenario.postcondition", "Post-condition", aliases=("postcondition",)),
        ),
        fill=SCENARIO_CONDITIONS_FILL,
        caption_aliases=("scenario conditions", "scenarios"),
    ),
    Table(
        "steps",
        "Scenario",
        "steps",
        GROUPED,
        (
            Column("step.number", "Step No.", aliases=("step no", "step #", "no.")),
            Column("step.event", "Event"),
            Column("step.name", "Name of process/ activity", aliases=("name of process/activity",)),
            Column("step.description", "Description of process/ activity"),
            Column("step.service", "Service"),
            Column("step.producer", "Information producer (actor)", aliases=("information producer",)),
            Column("step.receiver", "Information receiver (actor)", aliases=("information receiver",)),
            Column("step.information", "Information exchanged (IDs)", aliases=("information exchanged",)),
            Column("step.requirements", "Requirements R-ID", aliases=("requirements, r-id", "requirements r-ids")),
        ),
        group_columns=(
            Column("step.scenario_name", "Scenario Name :", aliases=("scenario name",)),
            # Not in the template, which has no place for them: the requirements of the scenario as a whole (R-IDs),
            # in a row under its name when it has any, so that they come back on import.
            Column(
                "step.scenario_requirements",
                "Requirements of the scenario (R-IDs) :",
                aliases=("requirements of the scenario", "scenario requirements", "scenario requirements (r-ids)"),
            ),
        ),
    ),
    Table(
        "information",
        "Information Exchanged",
        "information",
        RECORDS,
        (
            Column("information.identifier", "Information exchanged ID", aliases=("information exchanged, id",)),
            Column(
                "information.name",
                "Name of information",
                aliases=("name of information exchanged",),  # TC8
            ),
            Column("information.description", "Description of information exchanged", aliases=("description",)),
            Column(
                "information.requirements",
                "Requirements IDs",
                aliases=("requirements to information data/r-id", "requirements to information data r-id"),
            ),
        ),
    ),
    Table(
        "requirements",
        "Requirements (optional)",
        "requirements",
        GROUPED,
        (
            Column("requirement.identifier", "Requirement ID", aliases=("requirement r-id", "r-id")),
            Column("requirement.name", "Requirement name"),
            Column("requirement.description", "Requirement description"),
        ),
        group_columns=(
            Column("category.identifier", "Categories ID", aliases=("category id",)),
            Column("category.name", "Category name for requirements", aliases=("category name",)),
            Column("category.description", "Category description"),
        ),
        caption_aliases=("requirements",),
        layouts=(IEC, NIST),
    ),
    Table(
        "common_terms",
        "Common terms and definitions",
        "common_terms",
        RECORDS,
        (Column("common_term.term", "Term"), Column("common_term.definition", "Definition")),
    ),
    Table(
        "custom_information",
        "Custom information (optional)",
        "custom_information",
        RECORDS,
        (
            Column("custom_information.key", "Key"),
            Column("custom_information.value", "Value"),
            Column("custom_information.reference", "Refers to section"),
        ),
        caption_aliases=("custom information",),
        layouts=(IEC, NIST),
    ),
)

HEADINGS_BY_KEY: dict[str, Heading] = {heading.key: heading for heading in HEADINGS}
TABLES_BY_KEY: dict[str, Table] = {table.key: table for table in TABLES}

_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SLASH = re.compile(r"\s*/\s*")
_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)\.?(?:\s+|$)")


def normalise(text: object) -> str:
    """A heading title, caption or label as compared: NBSP and whitespace runs as one space, stripped, case-folded,
    dashes as "-", no space around "/", a trailing colon dropped ("Scenario Name\u00a0:" -> "scenario name")."""
    if text is None:
        return ""
    folded = _SPACES.sub(" ", str(text).replace("\u00a0", " ")).strip().casefold()
    folded = _SLASH.sub("/", _DASHES.sub("-", folded))
    return folded.rstrip(":").rstrip()


def split_heading(text: str) -> tuple[str, str]:
    """(number, title) of a heading as written: "1.1\\tName of Use Case" -> ("1.1", "Name of Use Case"); a heading
    without a number gives ("", text)."""
    stripped = text.replace("\u00a0", " ").strip()
    match = _NUMBER.match(stripped)
    if match is None:
        return "", stripped
    return match.group(1), stripped[match.end() :].strip()


def heading_for(text: str) -> Heading | None:
    """The heading whose title `text` has (its number, if any, ignored), or None."""
    title = normalise(split_heading(text)[1])
    if not title:
        return None
    return next((heading for heading in HEADINGS if title in heading.titles), None)


def is_steps_title(text: str) -> bool:
    """Whether a heading starts a steps table: "4.2 Steps - Scenarios", "4.2.1 Steps - ...", TC8's "4.1 Steps - Normal"
    (any dash)."""
    return normalise(split_heading(text)[1]).startswith(STEPS_TITLE_PREFIX)


def table_for_caption(text: str) -> Table | None:
    """The table whose caption is `text` (compared normalised), or None."""
    caption = normalise(text)
    return next((table for table in TABLES if caption in table.captions), None)
