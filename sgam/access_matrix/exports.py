"""The matrix written out: CSV and Excel (one row per cell, with its justification), and the JSON access-policy
proposal a data exchange platform can consume (role -> information objects with read/write, data class, why)."""

import csv
import io
from collections import defaultdict

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sgam.access_matrix.model import AccessMatrix, Cell
from sgam.access_matrix.reports import AccessFinding, Summary

POLICY_FORMAT = "ucmr-access-policy/1"
COLUMNS = (
    "Role",
    "Role SGAM zones",
    "Role NIST domains",
    "Information ID",
    "Information",
    "Data class",
    "Defining standards",
    "Access",
    "Permissions",
    "Use cases",
    "Justifying steps",
)


def _justifying_steps(cell: Cell) -> str:
    return "; ".join(
        f"{item.use_case} / {item.scenario} / {item.step_label} ({item.direction}"
        f"{', via ' + item.via if item.via else ''})"
        for item in cell.justifications
    )


def _row(cell: Cell) -> list[str]:
    return [
        cell.role.name,
        cell.role.zone_text,
        cell.role.nist_text,
        cell.information.identifier,
        cell.information.name,
        cell.information.data_class_label,
        cell.information.standards,
        cell.access,
        "/".join(cell.permissions),
        "; ".join(cell.use_cases),
        _justifying_steps(cell),
    ]


def _safe(value: str) -> str:
    """A text a spreadsheet would take for a formula is written as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def matrix_csv(cells: list[Cell]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for cell in cells:
        writer.writerow([_safe(value) for value in _row(cell)])
    return out.getvalue()


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list], *, first: bool = False):
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(value) if isinstance(value, str) else value for value in row])
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        width = max([len(str(name)), *(len(str(row[index - 1])) for row in rows[:200])]) + 2
        sheet.column_dimensions[get_column_letter(index)].width = min(width, 60)
    if rows:
        sheet.auto_filter.ref = sheet.dimensions
    return sheet


def matrix_xlsx(cells: list[Cell], summary: Summary, findings: list[AccessFinding]) -> bytes:
    """Three sheets: the cells (filterable), the NIST domains x data classes summary, the findings."""
    workbook = Workbook()
    _sheet(workbook, "Access matrix", list(COLUMNS), [_row(cell) for cell in cells], first=True)
    _sheet(
        workbook,
        "NIST x data classes",
        ["NIST domain", *(label for _, label in summary.data_classes)],
        [
            [
                name,
                *(
                    f"{len(entry.roles)} roles, {entry.write} write, {entry.read} read" if not entry.empty else ""
                    for entry in entries
                ),
            ]
            for (_, name), entries in summary.rows
        ],
    )
    _sheet(
        workbook,
        "Findings",
        ["Rule", "Severity", "Finding"],
        [[finding.rule, finding.severity, finding.message] for finding in findings],
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def access_policy(matrix: AccessMatrix, cells: list[Cell], *, selection: dict, generated: str) -> dict:
    """Role -> the information objects it may write (it produces them) and read (it receives them), with their data
    class, standards and the steps that justify each permission."""
    by_role: dict[str, list[Cell]] = defaultdict(list)
    for cell in cells:
        by_role[cell.role.key].append(cell)
    roles = []
    for role_cells in sorted(by_role.values(), key=lambda group: group[0].role.name.lower()):
        role = role_cells[0].role
        roles.append(
            {
                "role": role.name,
                "actor_mrid": role.mrid,
                "sgam_zones": role.zones,
                "nist_domains": [code for code, _ in role.nist_domains],
                "permissions": [
                    {
                        "information": {
                            "id": cell.information.identifier,
                            "name": cell.information.name,
                            "mrid": cell.information.key,
                        },
                        "access": cell.permissions,
                        "data_class": cell.information.data_class or None,
                        "standards": cell.information.standards,
                        "justification": [item.as_json() for item in cell.justifications],
                    }
                    for cell in sorted(role_cells, key=lambda cell: str(cell.information).lower())
                ],
            }
        )
    return {
        "format": POLICY_FORMAT,
        "generated": generated,
        "selection": {
            **selection,
            "use_cases": [{"id": pk, "name": label} for pk, label in matrix.use_cases],
        },
        "roles": roles,
    }
