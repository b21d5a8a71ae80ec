"""The data access matrix as plain objects, built from the steps of a selection of use cases (`Exchange`s) without
any query: who produces and who receives which information, each cell justified by the steps that say so, and its
cells filtered and sorted, grouped by data class. What is concluded from a matrix (the NIST domains x data classes
summary, the findings, the difference between two matrices) is in `sgam.access_matrix.reports`.

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
