"""What every table of a planned use case shares (`usecases.exchange.rows`): a row planned from a node of the
document, in its place among its siblings, with the references it makes resolved."""

import uuid
from collections import defaultdict
from itertools import pairwise
from typing import Any

from django.db import models

from usecases.exchange.bulk import Plan
from usecases.exchange.holdings import ExistingRows
from usecases.exchange.planner import Planner
from usecases.exchange.prepare import Identities
from usecases.exchange.records import join_extra, kept_order, raw_mrid
from usecases.models import Step
from usecases.xml import document


class RowsBase(Planner):
    """Plans the rows of one use case: the rows themselves, their positions and their references."""

    def __init__(
        self,
        *,
        plan: Plan,
        use_case: document.UseCase,
        uid: uuid.UUID,
        existing: ExistingRows | None,
        **collaborators,
    ) -> None:
        super().__init__(**collaborators)
        self.plan = plan
        self.use_case = use_case
        self.owner = f"Use case {use_case.name or use_case.identifier or use_case.mrid!r}"
        self.identities = Identities(use_case_uid=uid, owner=self.owner, report=self.report)
        self.existing = existing or ExistingRows()
        self.actors_seen: set = set()
        self.relations_seen: set = set()
        self.positions: dict[Any, int] = {}
        self.ordered: dict[Any, list[Plan]] = defaultdict(list)

    def next_position(self, group: Any) -> int:
        self.positions[group] = self.positions.get(group, 0) + 1
        return self.positions[group]

    def row(
        self,
        model: type[models.Model],
        kind: str,
        *,
        uid: uuid.UUID,
        node: document.Node | None,
        values: dict[str, Any],
        what: str,
        group: Any = None,
        fills: dict[str, str] | None = None,
        links: dict[str, Any] | None = None,
        many: dict[str, list] | None = None,
        book: dict[str, Any] | None = None,
        key: Any = None,
        depth: int = 0,
    ) -> Plan:
        values, as_found = self.cleaner.coerce(model, values, owner=self.owner, what=what, fills=fills or {})
        book = dict(book or {})
        book["as_found"] = {**as_found, **book.get("as_found", {})}
        book["mrid"] = book.get("mrid") or (raw_mrid(node.mrid) if node is not None else "")
        many = many or {}
        book["order"] = {name: order for name, targets in many.items() if (order := kept_order(targets))}
        values["extra"] = join_extra(node.extra if node is not None else {}, book)
        values["position"] = self.next_position((kind, group))
        found = self.existing.take(model, uid if key is None else key)
        instance, before = found if found is not None else (model(mrid=uid), None)
        links = dict(links or {})
        if model is not Step:
            links["use_case"] = self.plan
        planned = Plan(
            kind=kind, instance=instance, values=values, links=links, many=many, related=self.plan, before=before
        )
        self.plans.add(kind, planned, depth=depth)
        # Actor roles are numbered across the use case but listed (and kept in order) per grouping.
        self.ordered[(kind, group, id(links.get("grouping")))].append(planned)
        return planned

    def keep_positions(self) -> None:
        """Rows that are all there already, in the order they already have, keep their positions (which the pages
        may have left with gaps): only a new order is renumbered, so that writing the same document changes
        nothing."""
        for plans in self.ordered.values():
            current = [plan.instance.position if plan.existing else None for plan in plans]
            if None not in current and all(a <= b for a, b in pairwise(current)):
                for plan in plans:
                    plan.values["position"] = plan.instance.position

    def refs(self, kind: str, refs: list[str], what: str) -> list:
        return self.resolver.resolve_all(kind, refs, owner=f"{self.owner}, {what}")
