"""The plan of an import (what to create, update and delete, by kind) and its writing: one model at a time,
parents first, through the bulk write path (`bulk.Writer`)."""

from collections import defaultdict
from collections.abc import Callable

from django.db import models

from usecases.exchange.bulk import Plan, Writer, resolve
from usecases.exchange.kinds import LIBRARY_MODELS, ROW_MODELS
from usecases.models import Step

TEMPORARY_NUMBER = "\ufffe"  # no XML file can hold U+FFFE, so no real step number starts with it

Progress = Callable[[int, str], None]


class Plans:
    """`planned`: by kind, the plans with their depth (a parent is written at a lower depth than its children);
    `deletions`: by kind, existing rows to delete (instance, snapshot before, use case it belongs to)."""

    def __init__(self) -> None:
        self.planned: dict[str, list[tuple[int, Plan]]] = defaultdict(list)
        self.deletions: dict[str, list[tuple]] = defaultdict(list)

    def add(self, kind: str, plan: Plan, *, depth: int = 0) -> None:
        self.planned[kind].append((depth, plan))

    def delete(self, kind: str, instance: models.Model, before: dict, related: models.Model) -> None:
        self.deletions[kind].append((instance, before, related))


WRITE_ORDER = [
    *LIBRARY_MODELS,
    "related_use_case",
    "use_case",
    *(kind for kind in ROW_MODELS if kind not in ("sgam_placement", "nist_placement")),
    "sgam_placement",
    "nist_placement",
]


def write_plans(plans: Plans, writer: Writer, progress: Progress) -> None:
    """Write the plans, kind by kind in `WRITE_ORDER` and depth by depth, then the deletions."""
    for number, kind in enumerate(WRITE_ORDER, start=1):
        progress(60 + round(35 * number / len(WRITE_ORDER)), f"Writing {kind.replace('_', ' ')}s")
        if kind == "step":
            free_step_numbers(plans)
        planned = sorted(plans.planned.get(kind, []), key=lambda item: item[0])
        for depth in sorted({depth for depth, _ in planned}):
            batch = [plan for plan_depth, plan in planned if plan_depth == depth]
            writer.write(batch, counted=kind != "use_case")
    for kind in ROW_MODELS:
        writer.delete(kind=kind, rows=plans.deletions.get(kind, []))


def free_step_numbers(plans: Plans) -> None:
    """Steps keep numbers unique among siblings at every moment: existing steps that move or go are first
    given a temporary number, so that the file's numbering can be written in any order."""
    moving = [instance for instance, _, _ in plans.deletions.get("step", [])]
    for _, plan in plans.planned.get("step", []):
        if not plan.existing:
            continue
        step = plan.instance
        scenario, parent = resolve(plan.links["scenario"]), resolve(plan.links["parent"])
        if (
            plan.values["number"] != step.number
            or getattr(scenario, "pk", None) != step.scenario_id
            or getattr(parent, "pk", None) != step.parent_id
        ):
            moving.append(step)
    for step in moving:
        step.number = f"{TEMPORARY_NUMBER}{step.pk}"
    if moving:
        Step.objects.bulk_update(moving, ["number"], batch_size=500)
