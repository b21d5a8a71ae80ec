"""What is concluded from a data access matrix (`sgam.access_matrix.model`), without any query: the NIST domains x
data classes summary (the seed paper's access levels), the findings about the selection, and the difference
between two matrices (two selections, or two versions of a use case)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sgam.access_matrix.model import (
    DATA_CLASS_LABELS,
    DATA_CLASS_ORDER,
    NOT_PLACED,
    SORTS,
    AccessMatrix,
    Cell,
    Information,
    Justification,
    Role,
)
from usecases.models import InformationObject

# The NIST domains x data classes summary: the paper's access levels.


@dataclass
class SummaryEntry:
    roles: set[str] = field(default_factory=set)
    information: set[str] = field(default_factory=set)
    write: int = 0
    read: int = 0

    @property
    def empty(self) -> bool:
        return not self.roles


@dataclass
class Summary:
    data_classes: list[tuple[str, str]]
    rows: list[tuple[tuple[str, str], list[SummaryEntry]]]  # ((code, name) of the NIST domain, one per data class)


def access_summary(cells: Iterable[Cell], *, nist_domains: list[tuple[str, str]]) -> Summary:
    """For each NIST domain (and "not placed") and data class: which roles of that domain hold which information of
    that class, and how many cells write and read it. A role placed in two domains counts in both."""
    classes = [(data_class, DATA_CLASS_LABELS[data_class]) for data_class in DATA_CLASS_ORDER]
    table = {domain[0]: {data_class: SummaryEntry() for data_class, _ in classes} for domain in [*nist_domains]}
    table[NOT_PLACED[0]] = {data_class: SummaryEntry() for data_class, _ in classes}
    for cell in cells:
        for code in [code for code, _ in cell.role.nist_domains] or [NOT_PLACED[0]]:
            entry = table.setdefault(code, {data_class: SummaryEntry() for data_class, _ in classes})[
                cell.information.data_class
            ]
            entry.roles.add(cell.role.key)
            entry.information.add(cell.information.key)
            entry.write += bool(cell.produced)
            entry.read += bool(cell.received)
    rows = [(domain, [table[domain[0]][data_class] for data_class, _ in classes]) for domain in nist_domains]
    rows.append((NOT_PLACED, [table[NOT_PLACED[0]][data_class] for data_class, _ in classes]))
    return Summary(classes, rows)


# Findings about the selection.

AM001, AM002, AM003 = "AM001", "AM002", "AM003"
FINDING_TITLES = {
    AM001: "Information exchanged without a data class",
    AM002: "Role receives meter usage data that no step produces for it",
    AM003: "Role receives data that no step of its own uses",
}


@dataclass(frozen=True)
class AccessFinding:
    rule: str
    severity: str
    message: str
    url: str
    justifications: tuple[Justification, ...] = ()

    @property
    def title(self) -> str:
        return FINDING_TITLES[self.rule]

    def as_json(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "url": self.url,
            "steps": [item.as_json() for item in self.justifications],
        }


def access_findings(matrix: AccessMatrix) -> list[AccessFinding]:
    """Warnings about the selection: information objects without a data class (AM001); roles receiving meter usage
    data in steps none of which has a producer, so no step produces it for them (AM002); roles receiving data in a
    use case in which they produce nothing, so no step of theirs uses it (AM003)."""
    findings = [
        AccessFinding(AM001, "warning", f"{item} has no data class: a platform cannot tell who may read it.", item.url)
        for item in sorted(matrix.information.values(), key=lambda item: str(item).lower())
        if not item.data_class
    ]
    producing: dict[int, set[str]] = defaultdict(set)
    for exchange in matrix.exchanges:
        producing[exchange.use_case_pk].update(role for role, _ in exchange.producers)
    cells = sorted(matrix.cells.values(), key=SORTS["role"])
    for cell in cells:
        if not cell.received:
            continue
        produced_for = any(item.has_producer for item in cell.received)
        if cell.information.data_class == InformationObject.DataClass.METER_USAGE and not produced_for:
            findings.append(
                AccessFinding(
                    AM002,
                    "warning",
                    f"{cell.role.name} receives meter usage data {cell.information}, but no step produces it for "
                    f"{cell.role.name}: the steps name no producer.",
                    cell.received[0].url,
                    tuple(cell.received),
                )
            )
        unused = [item for item in cell.received if cell.role.key not in producing[item.use_case_pk]]
        if unused:
            use_cases = ", ".join(dict.fromkeys(item.use_case for item in unused))
            findings.append(
                AccessFinding(
                    AM003,
                    "warning",
                    f"{cell.role.name} receives {cell.information} in {use_cases}, but produces nothing there: no "
                    f"step of {cell.role.name} uses it.",
                    unused[0].url,
                    tuple(unused),
                )
            )
    return findings


# The difference between two matrices.


@dataclass(frozen=True)
class CellChange:
    role: Role
    information: Information
    old: Cell | None
    new: Cell | None

    @property
    def gained(self) -> list[str]:
        before = set(self.old.permissions) if self.old else set()
        return [name for name in (self.new.permissions if self.new else []) if name not in before]

    @property
    def lost(self) -> list[str]:
        after = set(self.new.permissions) if self.new else set()
        return [name for name in (self.old.permissions if self.old else []) if name not in after]

    @property
    def message(self) -> str:
        what = f"{self.information} ({self.information.data_class_label.lower()})"
        parts = []
        if self.gained:
            parts.append(f"gives {self.role.name} {' and '.join(self.gained)} access to {what}")
        if self.lost:
            parts.append(f"takes {' and '.join(self.lost)} access to {what} away from {self.role.name}")
        return "This change " + "; it ".join(parts) + "."

    def as_json(self) -> dict:
        return {
            "role": self.role.name,
            "information": {"id": self.information.identifier, "name": self.information.name},
            "data_class": self.information.data_class,
            "old": self.old.access if self.old else None,
            "new": self.new.access if self.new else None,
            "gained": self.gained,
            "lost": self.lost,
            "message": self.message,
            "steps": [item.as_json() for item in (self.new or self.old).justifications],
        }


def matrix_diff(old: AccessMatrix, new: AccessMatrix) -> list[CellChange]:
    """The cells whose access differs, access gained first, then by data class, role and information."""
    changes = []
    for key in old.cells.keys() | new.cells.keys():
        before, after = old.cells.get(key), new.cells.get(key)
        if before is not None and after is not None and before.access == after.access:
            continue
        cell = after or before
        changes.append(CellChange(cell.role, cell.information, before, after))
    return sorted(
        changes,
        key=lambda change: (
            not change.gained,
            DATA_CLASS_ORDER.index(change.information.data_class)
            if change.information.data_class in DATA_CLASS_ORDER
            else len(DATA_CLASS_ORDER),
            change.role.name.lower(),
            str(change.information).lower(),
        ),
    )
