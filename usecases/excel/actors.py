"""Section 3.1 of a use case sheet read: the groupings (rows 44 and 45) and the actors (rows 46 to 49, one a column),
into the workbook's actors (one per folded name, shared by its sheets) and the use case's groupings."""

from usecases.excel import layout
from usecases.excel.layout import column_letter
from usecases.excel.reading import NAMESPACE, SheetReading
from usecases.exchange.office_names import ActorIndex, fold
from usecases.xml import document as doc
from usecases.xml.vocabulary import derived_mrid, normalise_actor_type


def read_actors(reading: SheetReading, *, library: dict[str, doc.Actor]) -> tuple[ActorIndex, list[doc.ActorGrouping]]:
    """Actors (one per column) and their groupings. The template does not say which actor is in which group:
    an actor is in the group named as its type, or, when groups and actors fill exactly the same columns, in
    the group of its column; the others are in a grouping named "Actors". Groups of one name are one group."""
    group_columns = reading.columns(layout.GROUPINGS)
    actor_columns = [column for column in reading.columns(layout.ACTORS) if reading.text("actor.name", column)]
    by_name: dict[str, doc.ActorGrouping] = {}
    by_column: dict[int, doc.ActorGrouping] = {}
    for column in group_columns:
        name = reading.text("grouping.name", column)
        key = fold(name) or f"column {column}"
        grouping = by_name.setdefault(
            key,
            doc.ActorGrouping(
                mrid=reading.mrid("grouping", column),
                name=name or f"Group {column_letter(column)}",
                description=reading.text("grouping.description", column),
            ),
        )
        by_column[column] = grouping
    aligned = bool(group_columns) and group_columns == actor_columns
    ungrouped = doc.ActorGrouping(mrid=reading.mrid("grouping", "actors"), name="Actors")
    actors = []
    for column in reading.columns(layout.ACTORS):
        name = reading.text("actor.name", column)
        if not name:
            reading.warn(f"the actor in column {column_letter(column)} has no name: left out.")
            continue
        type_text = reading.text("actor.type", column)
        code, spelling = normalise_actor_type(type_text)
        mrid = derived_mrid(NAMESPACE, "actor", fold(name))
        actor = library.get(mrid)
        if actor is None:
            actor = doc.Actor(
                mrid=mrid,
                name=name,
                type=code,
                type_text=spelling,
                description=reading.text("actor.description", column),
            )
            library[mrid] = actor
        actors.append(actor)
        grouping = by_name.get(fold(type_text)) if type_text else None
        if grouping is None and aligned:
            grouping = by_column[column]
        (grouping or ungrouped).further_actor_information.append(
            doc.FurtherActorInformation(
                mrid=reading.mrid("actor", column),
                actor_refs=[mrid],
                description=reading.text("actor.further_information", column),
            )
        )
    groupings = list(by_name.values())
    if ungrouped.further_actor_information:
        groupings.append(ungrouped)
    return ActorIndex(actors), groupings
