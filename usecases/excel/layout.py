"""The one description of the BRIDGE Excel template's layout, shared by the reader and the writer.

The sheet is transposed (see /work/shared/iec62559/excel-template.md): column A holds the top-level section
headings, column B one field label per row, and values start in column C. A field of the use case itself ("one")
has its value in C; a repeated block ("→ cols") gives one object per column from C rightwards, and every row of
the block describes the object of its column.

`ROWS` lists every row of the template (revision 3) in sheet order: its canonical row number, the exact label text
of column B (trailing spaces kept, as the template has them, so that a writer reproduces the template), the
heading in column A, a `key` naming the field (blank for headings and captions) and the `block` it belongs to
(blank for single-valued fields). `EXTENDED_ROWS` are the ETRA variant's rows for sections 6 to 8, which the
official template lacks and which no real file fills; their labels are one row off (B93 "Requirement
description" sits beside A93 "7 Common terms ...").

A reader locates a row by its normalised label (`normalise_label`), searching in sheet order after the previous
row it found, so that duplicate labels ("ID", "Name", "No.") resolve to the block they belong to; the canonical
row number is the fallback for a label that is missing or corrupted (CoordiNet's B31 "nioc").

The labels and headings are the BRIDGE file's own cell texts, which the writer reproduces and the reader matches;
where one reads as a title of `usecases.template` (which the pages show), it is the template file's spelling still,
and stays so if the pages' title is reworded.
"""

import re
from dataclasses import dataclass

HEADING_COLUMN = 1  # A: top-level section headings ("1 Description of the use case")
LABEL_COLUMN = 2  # B: field labels, sub-section headings
FIRST_VALUE_COLUMN = 3  # C: the single value, or the first object of a repeated block

SINGLE = ""  # `Row.block` of a single-valued field (value in column C)


@dataclass(frozen=True)
class Row:
    """One row of the template. `aliases` are other normalised spellings a real file uses for the label."""

    row: int
    label: str = ""
    heading: str = ""
    key: str = ""
    block: str = SINGLE
    aliases: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        """The normalised labels that identify this row."""
        return (normalise_label(self.label), *self.aliases) if self.label else self.aliases

    @property
    def is_field(self) -> bool:
        return bool(self.key)


# Repeated blocks: one object per column. Rows of a block share column alignment, except where noted.
VERSIONS = "versions"
KPIS = "kpis"
ASSUMPTIONS = "assumptions"  # independent of prerequisites although they share columns
PREREQUISITES = "prerequisites"
REMARKS = "remarks"
DRAWINGS = "drawings"
GROUPINGS = "groupings"  # its own list: not reliably aligned with the actors' columns
ACTORS = "actors"
REFERENCES = "references"
SCENARIOS = "scenarios"
STEPS = "steps"  # all scenarios' steps in one flat run, scenario by scenario
INFORMATION = "information"
REQUIREMENT_CATEGORIES = "requirement_categories"  # extended variant only
REQUIREMENTS = "requirements"  # extended variant only
COMMON_TERMS = "common_terms"  # extended variant only: "Term Definition" in one cell
CUSTOM_INFORMATION = "custom_information"  # extended variant only: "Key Value Refers to section" in one cell

ROWS: tuple[Row, ...] = (
    Row(1, "Instructions are provided as comments in the rows", heading="1 Description of the use case"),
    Row(2, "1.1 Name of use case"),
    Row(3, "Use case identification"),
    Row(4, "ID ", key="identifier"),
    Row(5, "Area/ Domain(s)/ Zone(s)", key="area"),
    Row(6, "Name of use case", key="name"),
    Row(7, "1.2 Version management"),
    Row(8, "Version No.", key="version.number", block=VERSIONS),
    Row(9, "Date", key="version.date", block=VERSIONS),
    Row(10, "Name of author(s)", key="version.authors", block=VERSIONS),
    Row(11, "Changes ", key="version.changes", block=VERSIONS),
    Row(12, "Approval status", key="version.approval_status", block=VERSIONS),
    Row(13, "1.3 Scope and objectives of use case"),
    Row(14, "Scope", key="scope"),
    Row(15, "Objective(s)", key="objectives"),
    Row(16, "Related business case(s)", key="business_cases"),
    Row(17, "1.4 Narrative of use case"),
    Row(18, "Short description", key="short_description"),
    Row(19, "Complete description", key="complete_description"),
    Row(20, "1.5 Key performance indicators (KPI)"),
    Row(21, "ID   ", key="kpi.identifier", block=KPIS),
    Row(22, "Name", key="kpi.name", block=KPIS),
    Row(23, "Description", key="kpi.description", block=KPIS),
    Row(24, "Reference to mentioned use case objectives", key="kpi.objectives", block=KPIS),
    Row(25, "1.6 Use case conditions"),
    Row(26, "Assumptions", key="assumption", block=ASSUMPTIONS),
    Row(27, "Prerequisites", key="prerequisite", block=PREREQUISITES),
    Row(28, "1.7 Further information to the use case for classification/mapping"),
    Row(29, "Relation to other use cases", key="relations"),
    Row(30, "Level of depth", key="level_of_depth"),
    Row(31, "Prioritisation", key="prioritisation", aliases=("prioritization",)),
    Row(32, "Generic, regional or national relation", key="classification"),
    Row(33, "Nature of the use case", key="nature"),
    Row(34, "Further keywords for classification", key="keywords"),
    Row(35, "1.8 General remarks"),
    Row(36, "General remarks", key="remark", block=REMARKS),
    Row(37, heading="2 Diagrams of use case"),
    Row(38, "Diagram name", key="drawing.name", block=DRAWINGS),
    Row(39, "Diagram type", key="drawing.type", block=DRAWINGS),
    Row(40, "Diagram URI type", key="drawing.uri_type", block=DRAWINGS),
    Row(41, "Diagram URI value", key="drawing.uri", block=DRAWINGS),
    Row(42, heading="3 Technical details"),
    Row(43, "3.1 Actors"),
    Row(44, "Grouping", key="grouping.name", block=GROUPINGS),
    Row(45, "Group description", key="grouping.description", block=GROUPINGS),
    Row(46, "Actor name", key="actor.name", block=ACTORS),
    Row(47, "Actor type", key="actor.type", block=ACTORS),
    Row(48, "Actor description", key="actor.description", block=ACTORS),
    Row(49, "Further information specific to this use case", key="actor.further_information", block=ACTORS),
    Row(50, "3.2 References"),
    Row(51, "Name", key="reference.name", block=REFERENCES),
    Row(52, "No. ", key="reference.number", block=REFERENCES),
    Row(53, "References type", key="reference.type", block=REFERENCES, aliases=("reference type",)),
    Row(54, "Reference  ", key="reference.description", block=REFERENCES),
    Row(55, "Status", key="reference.status", block=REFERENCES),
    Row(56, "Impact on use case", key="reference.impact", block=REFERENCES),
    Row(57, "Originator/organisation", key="reference.originator", block=REFERENCES),
    Row(58, "Link", key="reference.link", block=REFERENCES),
    Row(59),
    Row(60, "4.1 Overview of scenarios", heading="4 Step by step analysis of use case"),
    Row(61, "Scenario conditions"),
    Row(62, "No. ", key="scenario.number", block=SCENARIOS),
    Row(63, "Scenario name", key="scenario.name", block=SCENARIOS),
    Row(64, "Scenario description", key="scenario.description", block=SCENARIOS),
    Row(65, "Primary actor", key="scenario.primary_actor", block=SCENARIOS),
    Row(66, "Triggering event", key="scenario.triggering_event", block=SCENARIOS),
    Row(67, "Pre-condition", key="scenario.precondition", block=SCENARIOS, aliases=("precondition",)),
    Row(68, "Postcondition", key="scenario.postcondition", block=SCENARIOS, aliases=("post-condition",)),
    Row(69, "4.2 Steps \u2013 Scenarios"),
    Row(70, "Scenario name:", key="step.scenario_name", block=STEPS),
    Row(71, "Step No.", key="step.number", block=STEPS),
    Row(72, "Event ", key="step.event", block=STEPS),
    Row(73, "Name of process/activity", key="step.name", block=STEPS),
    Row(74, "Description of process/activity", key="step.description", block=STEPS),
    Row(75, "Service ", key="step.service", block=STEPS),
    Row(76, "Information producer (actor)", key="step.producer", block=STEPS),
    Row(77, "Information receiver (actor)", key="step.receiver", block=STEPS),
    Row(78, "Information exchanged (IDs)", key="step.information", block=STEPS),
    Row(79, "Reference to Scenario number", key="step.scenario_number", block=STEPS),
    Row(80, heading="5 Information exchanged"),
    Row(81, "Requirement, R-Ids ", key="information.requirements", block=INFORMATION),
    Row(82, "Information exchanged, ID", key="information.identifier", block=INFORMATION),
    Row(83, "Name of information", key="information.name", block=INFORMATION),
    Row(84, "Description of information exchanged", key="information.description", block=INFORMATION),
)

EXTENDED_ROWS: tuple[Row, ...] = (
    Row(86, "Requirement, R-IDs", heading="6 Requirements (optional)"),
    Row(87, "Categories ID", key="category.identifier", block=REQUIREMENT_CATEGORIES),
    Row(88, "Category name", key="category.name", block=REQUIREMENT_CATEGORIES),
    Row(89, "Category description", key="category.description", block=REQUIREMENT_CATEGORIES),
    Row(90, "Requirement R-ID", key="requirement.identifier", block=REQUIREMENTS),
    Row(91, "Requirement name", key="requirement.name", block=REQUIREMENTS),
    Row(
        93,
        "Requirement description",
        key="requirement.description",
        block=REQUIREMENTS,
        heading="7 Common terms and definitions",
    ),
    Row(94, "Common terms and definitions"),
    Row(96, "Term Definition", key="common_term", block=COMMON_TERMS, heading="8 Custom information (optional)"),
    Row(97, "Custom information (optional)"),
    Row(98, "Key Value Refers to section", key="custom_information", block=CUSTOM_INFORMATION),
)

LAST_TEMPLATE_ROW = ROWS[-1].row
FIELDS: dict[str, Row] = {row.key: row for row in (*ROWS, *EXTENDED_ROWS) if row.key}


def block_rows(block: str) -> tuple[Row, ...]:
    """The rows of a repeated block, in sheet order."""
    return tuple(row for row in (*ROWS, *EXTENDED_ROWS) if row.block == block and row.key)


BLOCKS: tuple[str, ...] = tuple(dict.fromkeys(row.block for row in (*ROWS, *EXTENDED_ROWS) if row.block))

# Sheet signature: a sheet is a use case sheet when at least this many labelled rows of `ROWS` are found in sheet
# order (the template has 75 labelled rows; a real sheet with a few corrupted or deleted rows still has 70).
SIGNATURE_MIN_LABELS = 30
# How far (in rows) a label may sit below where the previous label was found before it counts as missing.
SEARCH_WINDOW = 6

_SPACES = re.compile(r"\s+")


def normalise_label(text: object) -> str:
    """A column B label as compared: NBSP and runs of space collapsed, stripped, case-folded, a trailing colon
    dropped, the en dash as a hyphen ("Scenario name:" -> "scenario name", "ID   " -> "id")."""
    if text is None:
        return ""
    label = _SPACES.sub(" ", str(text).replace("\xa0", " ").replace("\u2013", "-")).strip().casefold()
    return label.rstrip(":").rstrip()


def column_letter(column: int) -> str:
    """1 -> A, 3 -> C, 27 -> AA (for messages: "C46")."""
    letters = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
