"""The data access matrix of a frozen version: the document a version keeps (`usecases.versions`) read back into
`Exchange`s, the roles and information objects looked up in today's libraries.

Where a step names an actor that is also the name of one of the version's actor groupings (section 3.1), the step
stands for the actors of that grouping, as in `sgam.access_matrix.selectors`."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models.functions import Lower, Trim

from actors.models import Actor
from sgam.access_matrix.model import AccessMatrix, Exchange, Information, Role, name_key
from usecases.models import InformationObject, UseCase


def _split_names(text: str, known: dict[str, str]) -> list[str]:
    """Names joined with ", " back into names; a name with a comma in it is found among `known` (key -> name)."""
    parts = [part.strip() for part in text.split(", ") if part.strip()] if text else []
    names, index = [], 0
    while index < len(parts):
        for end in range(len(parts), index, -1):
            candidate = ", ".join(parts[index:end])
            if name_key(candidate) in known or end == index + 1:
                names.append(candidate)
                index = end
                break
    return names


def _table(document: dict, section: str, key: str) -> dict | None:
    for found in document.get("sections", []):
        if found.get("key") == section:
            return next((table for table in found.get("tables", []) if table.get("key") == key), None)
    return None


def _column(table: dict, name: str) -> int | None:
    columns = table.get("columns", [])
    return columns.index(name) if name in columns else None


def _cells(row: dict, index: int | None) -> str:
    cells = row.get("cells", [])
    return cells[index] if index is not None and index < len(cells) else ""


STEP_COLUMNS = (
    "Step No.",
    "Name of process/activity",
    "Information producer (actor)",
    "Information receiver (actor)",
    "Information exchanged (IDs)",
)


def _version_actors(document: dict) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The actors a version names (section 3.1 and its libraries), by name key, and the members of its groupings."""
    actors_table = _table(document, "3.1", "actors") or {}
    known = {name_key(_cells(row, 0)): _cells(row, 0) for row in actors_table.get("rows", [])}
    known |= _library_names(document)
    groupings: dict[str, list[str]] = defaultdict(list)
    grouping_column = _column(actors_table, "Grouping")
    for row in actors_table.get("rows", []):
        if _cells(row, grouping_column).strip():
            groupings[name_key(_cells(row, grouping_column))].append(_cells(row, 0))
    return known, groupings


def _version_information(document: dict) -> tuple[dict[str, Information], dict[str, str]]:
    """The information objects a version lists (section 5), by their row's key, and that key by the ID (or name)
    the steps use."""
    information_table = _table(document, "5", "information") or {}
    information: dict[str, Information] = {}
    short_ids: dict[str, str] = {}
    for row in information_table.get("rows", []):
        identifier, name = _cells(row, 0), _cells(row, 1)
        information[row["key"]] = Information(key=row["key"], identifier=identifier, name=name)
        short_ids.setdefault(identifier or name, row["key"])
    return information, short_ids


def _version_steps(document: dict) -> Iterable[tuple[str, dict, dict[str, int | None]]]:
    """Each step row of the version's scenarios (section 4.2): its scenario's title, the row, and the index of each
    of STEP_COLUMNS in its table."""
    for section in document.get("sections", []):
        if section.get("key") != "4.2":
            continue
        for table in section.get("tables", []):
            columns = {name: _column(table, name) for name in STEP_COLUMNS}
            for row in table.get("rows", []):
                yield table.get("title", ""), row, columns


def access_matrix_of_version(*, use_case: UseCase, document: dict, label: str) -> AccessMatrix:
    """The matrix of one use case as a frozen version describes it (a document of `usecases.versions`, redacted for
    the reader). Roles and information objects are looked up in today's libraries by name and mRID (for their
    placements, data class and standards); what the libraries no longer hold keeps what the version says."""
    known, groupings = _version_actors(document)
    information, short_ids = _version_information(document)
    version_label = f"{use_case} ({label})"
    url = use_case.get_absolute_url()
    exchanges, role_names = [], {}
    for scenario, row, columns in _version_steps(document):
        exchanged = tuple(
            short_ids[part]
            for part in _split_names(_cells(row, columns["Information exchanged (IDs)"]), {})
            if part in short_ids
        )
        sides = [_version_side(_cells(row, columns[column]), known, groupings, role_names) for column in ACTOR_COLUMNS]
        exchanges.append(
            Exchange(
                use_case_pk=use_case.pk,
                use_case=version_label,
                use_case_url=url,
                scenario=scenario,
                step_pk=None,
                step_number=_cells(row, columns["Step No."]),
                step_name=_cells(row, columns["Name of process/activity"]),
                producers=sides[0],
                receivers=sides[1],
                information=exchanged,
            )
        )
    _from_libraries(information, role_names)
    return AccessMatrix.build(
        use_cases=[(use_case.pk, version_label)],
        exchanges=exchanges,
        roles=_library_roles(role_names),
        information=information,
    )


ACTOR_COLUMNS = ("Information producer (actor)", "Information receiver (actor)")


def _library_names(document: dict) -> dict[str, str]:
    """Library actors whose names, joined with ", " in a step table, could be read as several (one query)."""
    candidates = set()
    for section in document.get("sections", []):
        for table in section.get("tables", []) if section.get("key") == "4.2" else []:
            for column in [_column(table, name) for name in ACTOR_COLUMNS]:
                for row in table.get("rows", []):
                    parts = _cells(row, column).split(", ")
                    candidates.update(
                        name_key(", ".join(parts[start:end]))
                        for start in range(len(parts))
                        for end in range(start + 2, len(parts) + 1)
                    )
    if not candidates:
        return {}
    names = Actor.objects.annotate(key=Lower(Trim("name"))).filter(key__in=candidates).values_list("key", "name")
    return dict(names)


def _version_side(
    text: str, known: dict[str, str], groupings: dict[str, list[str]], role_names: dict[str, str]
) -> tuple[tuple[str, str], ...]:
    """The roles of a producer or receiver cell of a version's step table, groupings expanded (see the module)."""
    side: dict[str, str] = {}
    for name in _split_names(text, known):
        members = [member for member in groupings.get(name_key(name), []) if name_key(member) != name_key(name)]
        for member in members or [name]:
            role_names.setdefault(name_key(member), member)
            side.setdefault(name_key(member), name if members else "")
    return tuple(side.items())


def _from_libraries(information: dict[str, Information], role_names: dict[str, str]) -> None:
    found = InformationObject.objects.filter(mrid__in=list(information)).only(
        "pk", "mrid", "identifier", "name", "data_class", "standards"
    )
    for item in found:
        entry = information[str(item.mrid)]
        entry.data_class, entry.standards, entry.pk, entry.url = (
            item.data_class,
            item.standards,
            item.pk,
            item.get_absolute_url(),
        )


def _library_roles(role_names: dict[str, str]) -> dict[str, Role]:
    actors = (
        Actor.objects.annotate(key=Lower(Trim("name")))
        .filter(key__in=list(role_names))
        .prefetch_related("sgam_placements__zone", "nist_placements__nist_domain")
    )
    roles = {key: Role(key=key, name=name) for key, name in role_names.items()}
    for actor in actors:
        role = roles[actor.key]
        role.name, role.pk, role.mrid, role.url = actor.name, actor.pk, str(actor.mrid), actor.get_absolute_url()
        placements = sorted(
            {placement.zone for placement in actor.sgam_placements.all() if placement.zone}, key=lambda z: z.order
        )
        role.zones = [zone.name for zone in placements]
        domains = sorted({placement.nist_domain for placement in actor.nist_placements.all()}, key=lambda d: d.order)
        role.nist_domains = [(domain.code, domain.name) for domain in domains]
    return roles
