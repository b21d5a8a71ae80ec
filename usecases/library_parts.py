"""What use cases add to the library apps' detail pages, registered in UsecasesConfig.ready() so that actors and
requirements import nothing of use cases (`ucmr.pages.register_detail_part`): where an actor or a requirement is
used in the use cases the user may see, and an actor's impact analysis."""

from typing import Any

from django.db.models import Prefetch

from ucmr.pages import DetailPart, register_detail_part
from ucmr.permissions import visible_to
from usecases.analysis.impact import actor_impact_get
from usecases.models import ActorRole, Scenario, UseCase
from usecases.selectors import USECASE_ORDERING, step_list


def _actor_roles(user) -> list[Prefetch]:
    """`visible_roles`: the actor's place (grouping, further information) in each use case the user may see."""
    roles = (
        ActorRole.objects.filter(use_case__in=visible_to(user, UseCase.objects.all()))
        .select_related("use_case__workspace", "grouping")
        .order_by(*(f"use_case__{name}" for name in USECASE_ORDERING))
    )
    return [Prefetch("roles", queryset=roles, to_attr="visible_roles")]


def _actor_impact(user, actor) -> dict[str, Any]:
    return {"impact": actor_impact_get(user=user, actor=actor)}


def _requirement_usages(user) -> list[Prefetch]:
    """`visible_steps` and `visible_scenarios`: the steps and the scenarios of visible use cases that refer to it."""
    scenarios = (
        Scenario.objects.filter(use_case__in=visible_to(user, UseCase.objects.all()))
        .select_related("use_case__workspace")
        .order_by(*(f"use_case__{name}" for name in USECASE_ORDERING), "position", "pk")
    )
    return [
        Prefetch("steps", queryset=step_list(user=user), to_attr="visible_steps"),
        Prefetch("scenarios", queryset=scenarios, to_attr="visible_scenarios"),
    ]


def register() -> None:
    register_detail_part("actors.Actor", DetailPart(prefetch=_actor_roles, context=_actor_impact))
    register_detail_part("requirements.Requirement", DetailPart(prefetch=_requirement_usages))
