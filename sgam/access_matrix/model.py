"""The data access matrix as plain objects, built from the steps of a selection of use cases (`Exchange`s) without
any query: who produces and who receives which information, each cell justified by the steps that say so. Also
what is read from it: the cells filtered and sorted, grouped by data class, the NIST domains x data classes
summary (the seed paper's access levels), the findings, and the difference between two matrices.

A role is an actor of the library, keyed by its name ignoring case and surrounding space (names are unique so);
an information object is keyed by its mRID. Both keys are the same in a live selection and in a frozen version of a
use case, so that any two matrices can be compared."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from usecases.models import InformationObject

PRODUCES, RECEIVES, BOTH = "produces", "receives", "both"
WRITE, READ = "write", "read"
UNCLASSIFIED = ""
DATA_CLASS_LABELS = {**dict(InformationObject.DataClass.choices), UNCLASSIFIED: "No data class"}
DATA_CLASS_ORDER = [*InformationObject.DataClass.values, UNCLASSIFIED]
NOT_PLACED = ("", "Not placed")


def name_key(name: str) -> str:
    """Actors are the same when their names are, ignoring case and surrounding space (as the library says)."""
    return name.strip().lower()


@dataclass(frozen=True)
class StepOfUseCase:
    """A step of a use case as the matrix names it (no step pk in a frozen version of a use case)."""

    use_case_pk: int
    use_case: str
    use_case_url: str
    scenario: str
    step_pk: int | None
    step_number: str
    step_name: str


@dataclass(frozen=True)
class Justification(StepOfUseCase):
    """A step that makes a role produce or receive an information object (`via`: the actor grouping the step names,
    when the role is one of its actors)."""

    direction: str
    via: str = ""
    has_producer: bool = False  # the step names a producer: someone produces the information for its receivers

    @property
    def url(self) -> str:
        return f"{self.use_case_url}#step-{self.step_pk}" if self.step_pk else self.use_case_url

    @property
    def step_label(self) -> str:
        return f"step {self.step_number or '?'} {self.step_name}".strip()

    def as_json(self) -> dict:
        return {
            "use_case": self.use_case,
            "use_case_id": self.use_case_pk,
            "scenario": self.scenario,
            "step": self.step_number,
            "step_name": self.step_name,
            "side": "producer" if self.direction == PRODUCES else "receiver",
            "via_grouping": self.via,
            "url": self.url,
        }


@dataclass
class Role:
    key: str
    name: str
    pk: int | None = None
    mrid: str = ""
    url: str = ""
    zones: list[str] = field(default_factory=list)
    nist_domains: list[tuple[str, str]] = field(default_factory=list)  # (code, name), in the model's order

    @property
    def zone_text(self) -> str:
        return ", ".join(self.zones)

    @property
    def nist_text(self) -> str:
        return ", ".join(name for _, name in self.nist_domains)


@dataclass
class Information:
    key: str
    identifier: str
    name: str
    data_class: str = UNCLASSIFIED
    standards: str = ""
    pk: int | None = None
    url: str = ""

    def __str__(self) -> str:
        return f"{self.identifier} {self.name}".strip()

    @property
    def data_class_label(self) -> str:
        return DATA_CLASS_LABELS.get(self.data_class, self.data_class)


@dataclass
class Cell:
    role: Role
    information: Information
    produced: list[Justification] = field(default_factory=list)
    received: list[Justification] = field(default_factory=list)

    @property
    def access(self) -> str:
        if self.produced and self.received:
            return BOTH
        return PRODUCES if self.produced else RECEIVES

    @property
    def permissions(self) -> list[str]:
        """What a data exchange platform grants: a producer writes the information, a receiver reads it."""
        return [name for name, held in ((READ, self.received), (WRITE, self.produced)) if held]

    @property
    def justifications(self) -> list[Justification]:
        return self.produced + self.received

    @property
    def use_cases(self) -> list[str]:
        return list(dict.fromkeys(item.use_case for item in self.justifications))

    @property
    def short(self) -> str:
        return {PRODUCES: "P", RECEIVES: "R", BOTH: "P+R"}[self.access]


@dataclass(frozen=True)
class Exchange(StepOfUseCase):
    """A step as the matrix reads it: the roles producing and receiving (role key, grouping it came through) and
    the information exchanged (keys)."""

    producers: tuple[tuple[str, str], ...]
    receivers: tuple[tuple[str, str], ...]
    information: tuple[str, ...]

    def justification(self, direction: str, via: str) -> Justification:
        step = {item.name: getattr(self, item.name) for item in fields(StepOfUseCase)}
        return Justification(**step, direction=direction, via=via, has_producer=bool(self.producers))


@dataclass
class AccessMatrix:
    """Cells keyed by (role key, information key); `use_cases`: (pk, label) of the selection, all of it, with or
    without exchanges; `exchanges`: the steps read."""

    use_cases: list[tuple[int, str]]
    roles: dict[str, Role]
    information: dict[str, Information]
    cells: dict[tuple[str, str], Cell]
    exchanges: list[Exchange]

    @classmethod
    def build(
        cls,
        *,
        use_cases: list[tuple[int, str]],
        exchanges: Iterable[Exchange],
        roles: dict[str, Role],
        information: dict[str, Information],
    ) -> "AccessMatrix":
        exchanges = list(exchanges)
        cells: dict[tuple[str, str], Cell] = {}
        for exchange in exchanges:
            for direction, actors in ((PRODUCES, exchange.producers), (RECEIVES, exchange.receivers)):
                for role_key, via in actors:
                    for information_key in exchange.information:
                        key = (role_key, information_key)
                        cell = cells.get(key)
                        if cell is None:
                            cell = cells[key] = Cell(roles[role_key], information[information_key])
                        justifications = cell.produced if direction == PRODUCES else cell.received
                        justifications.append(exchange.justification(direction, via))
        used_roles = {role for role, _ in cells}
        used_information = {information_key for _, information_key in cells}
        return cls(
            use_cases=use_cases,
            roles={key: role for key, role in roles.items() if key in used_roles},
            information={key: item for key, item in information.items() if key in used_information},
            cells=cells,
            exchanges=exchanges,
        )

    def cell(self, *, role_pk: int, information_pk: int) -> Cell | None:
        return next(
            (cell for cell in self.cells.values() if cell.role.pk == role_pk and cell.information.pk == information_pk),
            None,
        )


# Reading the matrix: filters, sorting, groups.

SORTS = {
    "role": lambda cell: (cell.role.name.lower(), str(cell.information).lower()),
    "information": lambda cell: (str(cell.information).lower(), cell.role.name.lower()),
    "access": lambda cell: (cell.access, cell.role.name.lower(), str(cell.information).lower()),
    "zone": lambda cell: (cell.role.zone_text.lower() or "~", cell.role.name.lower(), str(cell.information).lower()),
    "domain": lambda cell: (cell.role.nist_text.lower() or "~", cell.role.name.lower(), str(cell.information).lower()),
    "use_cases": lambda cell: (len(cell.use_cases), cell.role.name.lower(), str(cell.information).lower()),
    "standards": lambda cell: (cell.information.standards.lower() or "~", str(cell.information).lower()),
}
DEFAULT_SORT = "role"


@dataclass(frozen=True)
class CellFilter:
    """Which cells to show: roles (actor pk or name), data classes (`""`: none), NIST domains of the role (codes;
    `none`: not placed), SGAM zones of the role (names or codes), and the order (`-` first: descending)."""

    roles: tuple[str, ...] = ()
    data_classes: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    sort: str = DEFAULT_SORT

    @property
    def active(self) -> bool:
        return bool(self.roles or self.data_classes or self.domains or self.zones)

    def matches(self, cell: Cell) -> bool:
        role, information = cell.role, cell.information
        if self.roles and not any(value == str(role.pk) or name_key(value) == role.key for value in self.roles):
            return False
        if self.data_classes and information.data_class not in self.data_classes:
            return False
        if self.domains:
            codes = {code for code, _ in role.nist_domains} or {"none"}
            if not codes & set(self.domains):
                return False
        if self.zones:
            zones = {zone.lower() for zone in role.zones}
            if not zones & {zone.lower() for zone in self.zones}:
                return False
        return True


def cells_filtered(matrix: AccessMatrix, cell_filter: CellFilter) -> list[Cell]:
    descending = cell_filter.sort.startswith("-")
    key = SORTS.get(cell_filter.sort.lstrip("-"), SORTS[DEFAULT_SORT])
    cells = [cell for cell in matrix.cells.values() if cell_filter.matches(cell)]
    return sorted(cells, key=key, reverse=descending)


@dataclass
class Grid:
    """The cells of one data class as a table: roles (rows) by information objects (columns)."""

    data_class: str
    label: str
    columns: list[Information]
    rows: list[tuple[Role, list[Cell | None]]]
    cells: list[Cell]


def grids_by_data_class(cells: list[Cell]) -> list[Grid]:
    """The cells grouped by data class (in the paper's order, unclassified last); within a group, roles and
    information objects in the order the cells come in (sorted already)."""
    by_class: dict[str, list[Cell]] = defaultdict(list)
    for cell in cells:
        by_class[cell.information.data_class].append(cell)
    grids = []
    for data_class in DATA_CLASS_ORDER:
        group = by_class.get(data_class)
        if not group:
            continue
        columns = list({cell.information.key: cell.information for cell in group}.values())
        roles = list({cell.role.key: cell.role for cell in group}.values())
        found = {(cell.role.key, cell.information.key): cell for cell in group}
        rows = [(role, [found.get((role.key, item.key)) for item in columns]) for role in roles]
        grids.append(Grid(data_class, DATA_CLASS_LABELS[data_class], columns, rows, group))
    return grids


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
