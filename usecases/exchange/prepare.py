"""Views of a document that the loader writes from, made without changing the document (a caller may import the
same document twice, as a dry run and for real).

- Identity: every object gets the UUID its row will have: the file's mRID (`records.to_uuid`), or, when it has
  none, one derived from its place in the file, so that importing the same file again lands on the same rows.
- A step is an occurrence: Modsarus repeats an activity's mRID when one modelled activity occurs several times in
  the sequence, each time with its own receivers, information and sub-steps (edf-1 holds 35 such occurrences).
  The first occurrence in the use case has the mRID's UUID; the n-th has one derived from (use case, mRID, n), and
  remembers the file's mRID so that the export writes it again as it came (so does a drawing of such a step).
  Other rows of a use case that share an mRID are kept once when they are equal, and get a new mRID when they
  differ (nothing the file says is dropped).
"""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from usecases.exchange.records import derive_uuid, to_uuid
from usecases.exchange.report import ImportReport
from usecases.xml import document
from usecases.xml.document import iter_steps


@dataclass
class StepView:
    """A step as it will be written: its UUID, the file's mRID when the UUID is not that mRID's (a later occurrence
    of a repeated activity, see `step_views`), its drawings (each with the same pair) and its sub-steps."""

    step: document.Step
    uid: uuid.UUID
    repeated_mrid: str = ""
    drawings: list[tuple[document.Drawing, uuid.UUID, str]] = field(default_factory=list)
    children: list["StepView"] = field(default_factory=list)


class Identities:
    """The UUIDs of one use case's rows, one table at a time (a row's mRID is unique in its use case and table)."""

    def __init__(self, *, use_case_uid: uuid.UUID, owner: str, report: ImportReport) -> None:
        self.use_case_uid = use_case_uid
        self.owner = owner
        self.report = report
        self.seen: dict[tuple[str, uuid.UUID], object] = {}

    def claim(self, table: str, node: document.Node | None, *place: object) -> uuid.UUID | None:
        """The row's UUID, or None when the row repeats an earlier one of its table exactly (then it is dropped)."""
        mrid = node.mrid if node is not None else ""
        uid = to_uuid(mrid) or derive_uuid(self.use_case_uid, table, *place)
        earlier = self.seen.get((table, uid))
        if earlier is None:
            self.seen[(table, uid)] = node
            return uid
        if earlier == node:
            self.report.note(self.owner, f"repeated {table.replace('_', ' ')}s with the same mRID kept once", mrid)
            return None
        self.report.note(
            self.owner, f"different {table.replace('_', ' ')}s share an mRID; later ones got a new mRID", mrid
        )
        uid = derive_uuid(self.use_case_uid, table, "again", uid, *place)
        self.seen[(table, uid)] = node
        return uid


def step_views(
    scenario: document.Scenario, *, index: int, identities: Identities, occurrences: dict[uuid.UUID, int]
) -> list[StepView]:
    """The scenario's steps, every occurrence kept; `occurrences` counts the mRIDs seen so far in this use case."""
    top: list[StepView] = []
    _add_steps(scenario.steps, into=top, path=(index,), identities=identities, occurrences=occurrences)
    return top


def _add_steps(
    steps: list[document.Step],
    *,
    into: list[StepView],
    path: tuple,
    identities: Identities,
    occurrences: dict[uuid.UUID, int],
) -> None:
    for position, step in enumerate(steps):
        place = (*path, position)
        uid = to_uuid(step.mrid) or derive_uuid(identities.use_case_uid, "step", *place)
        occurrence = occurrences[uid] = occurrences.get(uid, 0) + 1
        if occurrence == 1:
            view = StepView(step=step, uid=uid)
            for drawing_index, drawing in enumerate(step.drawings):
                drawing_uid = identities.claim("drawing", drawing, "step", *place, drawing_index)
                if drawing_uid is not None:
                    view.drawings.append((drawing, drawing_uid, ""))
        else:
            # The same (mRID, occurrence) gives the same UUID, so importing the file again finds the same row.
            view = StepView(
                step=step,
                uid=derive_uuid(identities.use_case_uid, "step", uid, "occurrence", occurrence),
                repeated_mrid=step.mrid,
            )
            view.drawings = [
                (drawing, derive_uuid(view.uid, "drawing", drawing_index), drawing.mrid)
                for drawing_index, drawing in enumerate(step.drawings)
            ]
        into.append(view)
        _add_steps(step.children, into=view.children, path=place, identities=identities, occurrences=occurrences)


def walk(views: list[StepView], depth: int = 0, parent: StepView | None = None) -> Iterator[tuple]:
    """(view, parent view, depth, position among siblings), parents before their sub-steps."""
    for position, view in enumerate(views, start=1):
        yield view, parent, depth, position
        yield from walk(view.children, depth + 1, view)


def references(repository: document.Repository) -> dict[str, set[str]]:
    """Every mRID the use cases and libraries of the file refer to, by kind: what to look up in the database."""
    refs: dict[str, set[str]] = {
        kind: set() for kind in ("actor", "information_object", "requirement", "business_case", "area", "common_term")
    }
    for business_case in repository.business_cases:
        refs["area"].update(business_case.area_refs)
    for information_object in repository.information_objects:
        refs["requirement"].update(information_object.requirement_refs)
    for use_case in repository.use_cases:
        refs["business_case"].update(use_case.business_case_refs)
        refs["common_term"].update(use_case.common_term_refs)
        refs["actor"].update(use_case.primary_actor_refs)
        for grouping in use_case.actor_groupings:
            for information in grouping.further_actor_information:
                refs["actor"].update(information.actor_refs)
        for scenario in use_case.scenarios:
            refs["actor"].update(scenario.primary_actor_refs)
            refs["requirement"].update(scenario.requirement_refs)
            for step in iter_steps(scenario.steps):
                refs["actor"].update([*step.producer_refs, *step.receiver_refs, *step.primary_actor_refs])
                refs["information_object"].update(step.information_object_refs)
                refs["requirement"].update(step.requirement_refs)
    return refs
