"""Word documents for the reader's tests, built with python-docx as an author fills the template in Word: headings
with literal numbers, tables with a caption row merged across their columns, header rows, value rows.

A cell is text, `Span(text, columns)` for a merged cell, `Rich(...)` for formatted paragraphs, or `Picture()`.
`nist_document()` fills every section of the NIST 2014 layout; `tc8_document()` writes the older TC8 2012 one
(tables without captions, the version table's seven columns, 1.5 General Remarks, 3.2 conditions, "View", a
scenario table under 4 and "4.1 Steps - Normal" headings).
"""

import io
import struct
import zlib
from dataclasses import dataclass

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches


@dataclass(frozen=True)
class Span:
    text: str
    columns: int


@dataclass(frozen=True)
class Rich:
    """Paragraphs, each a list of (text, style) runs; style: "", "b", "i", "link:URL"; a paragraph whose first run
    is ("*", "") is a bullet list item."""

    paragraphs: tuple[tuple[tuple[str, str], ...], ...]


@dataclass(frozen=True)
class Picture:
    name: str = "overview.png"


def png(width: int = 2, height: int = 2) -> bytes:
    """A small valid PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def heading(document, text: str, level: int = 2) -> None:
    document.add_heading(text, level=level)


def table(document, caption: str | None, rows: list[list], *, columns: int | None = None):
    """A table with a caption row merged across `columns` (unless None) and `rows` of cells."""
    width = columns or max(sum(cell.columns if isinstance(cell, Span) else 1 for cell in row) for row in rows)
    result = document.add_table(rows=0, cols=width)
    if caption is not None:
        cells = result.add_row().cells
        merged = cells[0].merge(cells[-1]) if width > 1 else cells[0]
        merged.text = caption
    for row in rows:
        cells = result.add_row().cells
        index = 0
        for value in row:
            span = value.columns if isinstance(value, Span) else 1
            cell = cells[index].merge(cells[index + span - 1]) if span > 1 else cells[index]
            fill(cell, value.text if isinstance(value, Span) else value)
            index += span
    return result


def fill(cell, value) -> None:
    if isinstance(value, Picture):
        cell.paragraphs[0].add_run().add_picture(io.BytesIO(png()), width=Inches(1))
        cell.paragraphs[0].runs[0]._r.xpath(".//wp:docPr")[0].set("name", value.name)
        return
    if not isinstance(value, Rich):
        cell.text = "\u00a0" if value == "" else value
        return
    first = True
    for runs in value.paragraphs:
        bullet = runs and runs[0] == ("*", "")
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        if bullet:
            paragraph.style = "List Bullet"
            runs = runs[1:]
        for text, style in runs:
            if style.startswith("link:"):
                add_link(paragraph, text, style.removeprefix("link:"))
                continue
            run = paragraph.add_run(text)
            run.bold = style == "b" or None
            run.italic = style == "i" or None


def add_link(paragraph, text: str, url: str) -> None:
    rid = paragraph.part.relate_to(
        url, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink", is_external=True
    )
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    text_element = OxmlElement("w:t")
    text_element.text = text
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)


def save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


COMPLETE = Rich(
    (
        (("The aggregator ", ""), ("bids", "b"), (" on the ", ""), ("market", "i"), (".", "")),
        (("*", ""), ("first item", "")),
        (("*", ""), ("second item", "")),
        (("See ", ""), ("the rules", "link:https://example.org/rules")),
    )
)
STEP_TABLE_HEADER = [
    "Step No.",
    "Event",
    "Name of process/ activity",
    "Description of process/ activity",
    "Service",
    "Information producer (actor)",
    "Information receiver (actor)",
    "Information exchanged (IDs)",
    "Requirements R-ID",
]


def nist_document(*, name: str = "Manage flexibility", steps_by_heading: bool = False, picture: bool = True):
    """The NIST 2014 layout, every section filled (References numbered 3.3, as NIST has it). `steps_by_heading`:
    the steps tables have no "Scenario Name :" row, their headings ("4.2.1 ...") name the scenario."""
    document = docx.Document()
    heading(document, "1\tDescription of the Use Case", 1)
    heading(document, "1.1\tName of Use Case")
    table(
        document,
        "Use case identification",
        [["ID", "Area/ Domain(s)/ Zone(s)", "Name of Use Case"], ["UC-W1", "Distribution", name]],
    )
    heading(document, "1.2\tVersion Management")
    table(
        document,
        "Version management",
        [
            ["Version No.", "Date", "Name\nAuthor(s)", "Changes", "Approval Status"],
            ["0.1", "2024-01-15", "A. Lindqvist, B. Smith", "First draft", "Draft"],
            ["1.0", "15.03.2024", "A. Lindqvist", "Reviewed", "Approved"],
        ],
    )
    heading(document, "1.3\tScope and Objectives of Use Case")
    table(
        document,
        "Scope and objectives of use case",
        [
            ["Scope", "Congestion in the distribution grid"],
            ["Objective(s)", Rich(((("*", ""), ("Avoid congestion", "")), (("*", ""), ("Reduce cost", ""))))],
            ["Related business case(s)", "Flexibility market"],
        ],
    )
    heading(document, "1.4\tNarrative of Use Case")
    table(
        document,
        "Narrative of use case",
        [["Short description"], ["The DSO buys flexibility."], ["Complete description"], [COMPLETE]],
    )
    heading(document, "1.5\tKey performance indicators (KPI)")
    table(
        document,
        "Key Performance Indicators",
        [
            ["ID", "Name", "Description", "Reference to mentioned use case objectives"],
            ["K1", "Congestion hours", "Hours of congestion a year", "Avoid congestion"],
        ],
    )
    heading(document, "1.6\tUse case conditions")
    table(
        document,
        "Use case conditions",
        [
            ["Assumptions"],
            ["Meters are installed"],
            ["Prerequisites"],
            [Rich(((("Market is open", ""),), (("FSPs are registered", ""),)))],
        ],
    )
    heading(document, "1.7\tFurther information to the use case for classification / mapping")
    table(
        document,
        "Classification Information",
        [
            ["Relation to other use cases"],
            ["UC-W0"],
            ["Level of depth"],
            ["Detailed"],
            ["Prioritisation "],
            ["High"],
            ["Generic, regional or national relation"],
            ["European"],
            ["Nature of the use case"],
            ["Business"],
            ["Further keywords\u00a0 for classification"],
            ["flexibility, congestion"],
        ],
    )
    heading(document, "1.8\tGeneral Remarks")
    table(document, "General remarks", [["A remark"]])
    heading(document, "2\tDiagrams of Use Case", 1)
    table(document, "Diagram of use case", [[Picture() if picture else ""]])
    heading(document, "3\tTechnical Details", 1)
    heading(document, "3.1\tActors: People, Systems, Applications, Databases, the Power System, and Other Stakeholders")
    actor_header = ["Actor name", "Actor type", "Actor description", "Further information specific to this use case"]
    table(
        document,
        "Actors",
        [
            [Span("Grouping (Community)", 2), Span("Group description", 2)],
            [Span("Grid operators", 2), Span("Operate the grid", 2)],
            actor_header,
            ["Distribution System Operator (DSO)", "Business", "Runs the distribution grid", "Buys flexibility"],
            ["Market operator", "Business", "Runs the market", ""],
        ],
    )
    table(
        document,
        "Actors",
        [
            [Span("Grouping (Community)", 2), Span("Group description", 2)],
            [Span("Providers", 2), Span("Sell flexibility", 2)],
            actor_header,
            ["Flexibility Service Provider (FSP)", "Business", "Aggregates resources", "Sells flexibility"],
        ],
    )
    heading(document, "3.3\tReferences / Issues")
    table(
        document,
        "References",
        [
            [
                "No.",
                "References Type",
                "Reference",
                "Status",
                "Impact on use case",
                "Originator / Organisation",
                "Link ",
            ],
            [
                "1",
                "Standard",
                "IEC 62559-2",
                "Published",
                "High",
                "IEC",
                Rich(((("IEC webstore", "link:https://webstore.iec.ch/"),),)),
            ],
        ],
    )
    heading(document, "4\tStep by Step Analysis of Use Case", 1)
    heading(document, "4.1\tOverview of scenarios")
    table(
        document,
        "Scenario Conditions",
        [
            [
                "No.",
                "Scenario name",
                "Scenario description",
                "Primary actor",
                "Triggering event",
                "Pre-condition",
                "Post-condition",
            ],
            ["1", "Prequalification", "The FSP qualifies", "FSP", "Request", "Registered", "Qualified"],
            ["2", "Market phase", "Bids and clearing", "market operator", "Gate opens", "Qualified", "Cleared"],
        ],
    )
    scenarios = [
        (
            "Prequalification",
            [
                ["1.1", "Request", "Send request", "The FSP asks", "REPORT", "FSP", "DSO", "I-01", "R-1"],
                ["1.2", "", "Confirm", "The DSO confirms", "report", "dso", "FSP", "Flexibility offer", ""],
            ],
        ),
        (
            "Market phase",
            [
                ["2.1", "Gate opens", "Bid", "Bids are sent", "CREATE", "FSP", "MO", "I-01, I-02", "R-1, R-9"],
                ["2.2", "", "Clear", "The market clears", "EXECUTE", "MO", "FSP; DSO", "I-03", ""],
                ["2.3", "", "Activate", "Activation", "EXECUTE", "TSO", "FSP", "I-02", ""],
            ],
        ),
    ]
    heading(document, "4.2\tSteps \u2013 Scenarios")
    for number, (scenario, rows) in enumerate(scenarios, start=1):
        if steps_by_heading:
            heading(document, f"4.2.{number}\tSteps \u2013 {scenario}", 3)
            table(document, "Scenario", [STEP_TABLE_HEADER, *rows])
        else:
            table(
                document, "Scenario", [[Span("Scenario Name\u00a0:", 2), Span(scenario, 7)], STEP_TABLE_HEADER, *rows]
            )
    heading(document, "5\tInformation Exchanged", 1)
    table(
        document,
        "Information Exchanged",
        [
            [
                "Information exchanged ID",
                "Name of information",
                "Description of information exchanged",
                "Requirements IDs",
            ],
            ["I-01", "Flexibility offer", "Price and volume", "R-1"],
            ["I-02", "Activation order", "When and how much", ""],
        ],
    )
    heading(document, "6\tRequirements (optional)", 1)
    table(
        document,
        "Requirements (optional)",
        [
            ["Categories ID", "Category name for requirements", "Category description"],
            ["C1", "Quality of service", "How fast"],
            ["Requirement ID", "Requirement name", "Requirement description"],
            ["R-1", "Latency", "Within 1 s"],
            ["R-2", "Availability", "99.9 %"],
        ],
    )
    heading(document, "7\tCommon Terms and Definitions", 1)
    table(document, "Common terms and definitions", [["Term", "Definition"], ["DSO", "Distribution System Operator"]])
    heading(document, "8\tCustom information (optional)", 1)
    table(document, "Custom information (optional)", [["Key", "Value", "Refers to section"], ["Source", "Test", "1.1"]])
    return document


def tc8_document():
    """The TC8 2012 layout: no captions (tables found by header row or heading), 1.5 General Remarks, 3.2
    conditions, 3.4 classification with "View", the scenario table under 4, "4.1 Steps - Normal" headings."""
    document = docx.Document()
    heading(document, "1 Description of the Use Case", 1)
    heading(document, "1.1 Name of Use Case")
    table(document, None, [["ID", "Domain(s)", "Name of Use Case"], ["TC8-7", "Transmission", "Voltage control"]])
    heading(document, "1.2 Version Management")
    table(
        document,
        None,
        [
            [
                "Changes / Version",
                "Date",
                "Name / Author(s) or Committee",
                "Domain Expert",
                "Area of Expertise / Domain / Role",
                "Title",
                "Approval Status",
            ],
            ["0.3", "2012-05-01", "WG 1", "J. Doe", "Transmission", "Draft for review", "Draft"],
        ],
    )
    heading(document, "1.3 Scope and Objectives of Use Case")
    table(document, None, [["Scope", "Voltage band"], ["Objective(s)", "Keep the voltage"]])
    heading(document, "1.4 Narrative of Use Case")
    table(document, None, [["Short description"], ["Short"], ["Complete description"], ["Complete"]])
    heading(document, "1.5 General Remarks")
    table(document, None, [["Old remark"]])
    heading(document, "2 Diagrams of Use Case", 1)
    heading(document, "3 Technical Details", 1)
    heading(document, "3.1 Actors: People, Systems, Applications, Databases, the Power System, and Other Stakeholders")
    table(
        document,
        None,
        [
            ["Actor name", "Actor type", "Actor description", "Further information specific to this use case"],
            ["Transmission System Operator (TSO)", "Business", "Runs the transmission grid", ""],
            ["Energy Management System", "System", "Control centre", ""],
        ],
    )
    heading(document, "3.2 Preconditions, Assumptions, Post condition, Events")
    table(
        document,
        None,
        [
            ["Actor/System/Information/Contract", "Triggering Event", "Pre-conditions", "Assumption"],
            ["TSO", "Voltage out of band", "Measurements available", "Telemetry works"],
        ],
    )
    heading(document, "3.3 References / Issues")
    table(
        document,
        None,
        [
            [
                "No.",
                "References Type",
                "Reference",
                "Status",
                "Impact on use case",
                "Originator / Organisation",
                "Link",
            ],
            ["1", "Grid code", "ENTSO-E", "Final", "", "", ""],
        ],
    )
    heading(document, "3.4 Further information to the use case for classification / mapping")
    table(
        document,
        None,
        [["Relation to other use cases"], [""], ["Level of depth"], ["Primary"], ["View"], ["Technical"]],
    )
    heading(document, "4 Step by Step Analysis of Use Case", 1)
    table(
        document,
        None,
        [
            ["No.", "Scenario Name", "Primary Actor", "Triggering Event", "Pre-Condition", "Post-Condition"],
            ["1", "Normal operation", "TSO", "Voltage out of band", "", "Voltage in band"],
            ["2", "Communication failure", "EMS", "Link lost", "", "Operator alerted"],
        ],
    )
    heading(document, "4.1 Steps \u2013 Normal")
    table(
        document,
        None,
        [
            STEP_TABLE_HEADER[:8],
            ["1", "", "Measure", "Read voltages", "GET", "Energy Management System", "TSO", "Voltage measurement"],
            ["2", "", "Command", "Send set points", "EXECUTE", "TSO", "EMS", "Set point"],
        ],
    )
    heading(document, "4.2 Steps \u2013 Alternative, Error Management, and/or Maintenance/Backup Scenario")
    table(document, None, [STEP_TABLE_HEADER[:8], ["1", "", "Alert", "Alert the operator", "REPORT", "EMS", "TSO", ""]])
    heading(document, "5 Information Exchanged", 1)
    table(
        document,
        None,
        [
            ["Name of Information Exchanged", "Description", "Requirements to information data / R-ID"],
            ["Voltage measurement", "Bus voltages", ""],
            ["Set point", "Reactive power set point", ""],
        ],
    )
    heading(document, "6 Common Terms and Definitions", 1)
    table(document, None, [["Term", "Definition"], ["EMS", "Energy Management System"]])
    return document
