"""Section 3.1 of a Word document read: the Actors tables, one per grouping (a table may also hold several groupings,
each with its group rows), into the repository's actors (one per folded name, the document's type spelling kept)
and the use case's groupings with what is specific to each actor in it."""

from usecases.exchange.office_names import ActorIndex, cell_text, fold
from usecases.exchange.rows import UNGROUPED
from usecases.word.cells import EMPTY, Cell
from usecases.word.reading import NAMESPACE, Reading
from usecases.word.tables import Found
from usecases.xml import document as doc
from usecases.xml.vocabulary import derived_mrid, normalise_actor_type


def read_actors(reading: Reading) -> tuple[ActorIndex, list[doc.ActorGrouping], list[doc.Actor]]:
    """(the index that resolves the steps' actor names, the use case's groupings, the repository's actors). Actors of
    a table without a grouping are the use case's without one (the loader's `UNGROUPED`)."""
    library: dict[str, doc.Actor] = {}
    groupings: list[doc.ActorGrouping] = []
    by_name: dict[str, doc.ActorGrouping] = {}
    ungrouped = doc.ActorGrouping(mrid=reading.mrid("grouping", "actors"), extra={UNGROUPED: "true"})
    for table_number, found in enumerate(reading.body.tables("actors"), start=1):
        for group_number, (group, members) in enumerate(reading.body.grouped(found), start=1):
            grouping = ungrouped
            group_name = cell_text(group.get("grouping.name", EMPTY).text)
            if group_name or group.get("grouping.description", EMPTY).text:
                key = fold(group_name) or f"{table_number}.{group_number}"
                grouping = by_name.get(key)
                if grouping is None:
                    grouping = doc.ActorGrouping(
                        mrid=reading.mrid("grouping", table_number, group_number),
                        name=group_name or f"Group {len(by_name) + 1}",
                        description=reading.value(group, "grouping.description"),
                    )
                    by_name[key] = grouping
                    groupings.append(grouping)
            for row_number, row in enumerate(members, start=1):
                _add_actor(reading, row, found, library, grouping, (table_number, group_number, row_number))
    if ungrouped.further_actor_information:
        groupings.append(ungrouped)
    actors = list(library.values())
    return ActorIndex(actors), groupings, actors


def _add_actor(
    reading: Reading,
    row: dict[str, Cell],
    found: Found,
    library: dict[str, doc.Actor],
    grouping: doc.ActorGrouping,
    place: tuple[int, int, int],
) -> None:
    """An actor row: the actor in the library (the first row of its name describes it) and, in its grouping, what is
    specific to it in this use case."""
    name = cell_text(row.get("actor.name", EMPTY).text)
    if not name:
        reading.warn(f"An actor in table {found.number} has no name: left out.")
        return
    code, spelling = normalise_actor_type(cell_text(row.get("actor.type", EMPTY).text))
    mrid = derived_mrid(NAMESPACE, "actor", fold(name))
    library.setdefault(
        mrid,
        doc.Actor(
            mrid=mrid,
            name=name,
            type=code,
            type_text=spelling,
            description=reading.value(row, "actor.description"),
        ),
    )
    grouping.further_actor_information.append(
        doc.FurtherActorInformation(
            mrid=reading.mrid("actor", *place),
            actor_refs=[mrid],
            description=reading.value(row, "actor.further_information"),
        )
    )
