"""The tables of one use case (sections 1.2 to 8 of the template) planned for writing.

A new use case gets every row. An existing one (policy "update") gets the file's rows in place of its own: a row
the file names by the same mRID is updated where it differs and left alone where it does not, rows the file does
not have are deleted, the others are created. Actors of a use case are matched by actor, relations by related use
case and type, placements by their cell.

Real files are taken as they come, with a warning for each kind of repair: rows repeated under one mRID, step
numbers used twice among siblings (the repetition is suffixed " (2)", the export writes the number as found),
references to objects neither the file nor the repository has (dropped), an actor listed twice in a use case.

The planner (`planner.RowPlanner`) is made of one part per family of tables: `sections.py` (versions, objectives,
KPIs, conditions, relations, references, custom information), `actors.py`, `scenarios.py` with their steps,
`drawings.py`, all on `base.py` (a row, its position, its references).
"""

from usecases.exchange.rows.actors import UNGROUPED
from usecases.exchange.rows.planner import RowPlanner

__all__ = ["UNGROUPED", "RowPlanner"]
