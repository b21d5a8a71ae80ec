"""The planner of one use case's tables (`usecases.exchange.rows`): every table in the document's order, SGAM and
NIST placements, and the deletion of the rows the file no longer has."""

from typing import Any

from django.db import models

from sgam.models import NistPlacement, SgamPlacement
from usecases.exchange.bulk import Plan
from usecases.exchange.kinds import kind_of
from usecases.exchange.prepare import step_views
from usecases.exchange.rows.actors import ActorRows
from usecases.exchange.rows.scenarios import ScenarioRows
from usecases.models import Remark, UseCaseRelation


class RowPlanner(ScenarioRows, ActorRows):
    """Plans the rows of one use case."""

    def plan_all(self) -> None:
        use_case = self.use_case
        for index, version in enumerate(use_case.versions):
            self.version(version, index)
        objectives = self.objectives()
        for index, kpi in enumerate(use_case.kpis):
            self.kpi(kpi, index, objectives)
        self.conditions(use_case.conditions, scenario=None, place=("use case",))
        for index, relation in enumerate(use_case.relations):
            self.relation(relation, index)
        for index, remark in enumerate(use_case.remarks):
            uid = self.identities.claim("remark", remark, index)
            if uid is not None:
                self.row(Remark, "remark", uid=uid, node=remark, values={"text": remark.text}, what="remark")
        for index, drawing in enumerate(use_case.drawings):
            self.drawing(drawing, self.identities.claim("drawing", drawing, "use case", index), links={})
        for index, grouping in enumerate(use_case.actor_groupings):
            self.actor_grouping(grouping, index)
        for index, reference in enumerate(use_case.references):
            self.reference(reference, index)
        # An activity's mRID may occur in several scenarios: its occurrences are counted across the use case.
        occurrences: dict = {}
        views = [
            step_views(scenario, index=index, identities=self.identities, occurrences=occurrences)
            for index, scenario in enumerate(use_case.scenarios)
        ]
        for index, scenario in enumerate(use_case.scenarios):
            self.scenario(scenario, index, views[index])
        self.custom_information()
        self.placements()
        self.keep_positions()
        for instance, before in self.existing.leftovers():
            if isinstance(instance, UseCaseRelation) and self.permits.relates_to_hidden(instance):
                continue
            self.plans.delete(kind_of(type(instance)), instance, before, self.plan.instance)

    def placements(self) -> None:
        seen = set()
        for cell in self.use_case.sgam:
            codes = self.resolver.sgam_codes(cell, owner=self.owner)
            if codes is None:
                continue
            key = ("sgam", *(item.pk if item is not None else None for item in codes))
            if key in seen:
                continue
            seen.add(key)
            self.placement(
                SgamPlacement, "sgam_placement", key, dict(zip(("layer", "domain", "zone"), codes, strict=True))
            )
        for code in self.use_case.nist:
            domain = self.resolver.nist_domain(code, owner=self.owner)
            if domain is None or ("nist", domain.pk) in seen:
                continue
            seen.add(("nist", domain.pk))
            self.placement(NistPlacement, "nist_placement", ("nist", domain.pk), {"nist_domain": domain})

    def placement(self, model: type[models.Model], kind: str, key: tuple, links: dict[str, Any]) -> None:
        found = self.existing.take(model, key)
        instance, before = found if found is not None else (model(), None)
        self.plans.add(
            kind,
            Plan(
                kind=kind,
                instance=instance,
                values={},
                links={**links, "use_case": self.plan},
                related=self.plan,
                before=before,
            ),
        )
