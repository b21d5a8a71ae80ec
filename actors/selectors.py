"""Reads of the actor library: permission-filtered and eager-loaded."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from actors.models import Actor
from ucmr.permissions import visible_to
from usecases.models import ActorRole, UseCase
from usecases.selectors import USECASE_ORDERING


def actor_list(*, user) -> QuerySet[Actor]:
    """What a list row shows: SGAM/NIST placement and the number of use cases the user may see listing the actor."""
    actors = Actor.objects.with_related().with_counts(use_cases=visible_to(user, UseCase.objects.all()))
    return visible_to(user, actors).order_by("name", "pk")


def actor_name_list(*, user) -> list[tuple[int, str]]:
    """(pk, name) of every visible actor, for a filter's choices."""
    return list(visible_to(user, Actor.objects.order_by("name", "pk")).values_list("pk", "name"))


def actor_get(*, user, pk) -> Actor:
    """With `visible_roles`: the actor's place (grouping, further information) in each use case the user may see."""
    roles = (
        ActorRole.objects.filter(use_case__in=visible_to(user, UseCase.objects.all()))
        .select_related("use_case__workspace", "grouping")
        .order_by(*(f"use_case__{name}" for name in USECASE_ORDERING))
    )
    actors = Actor.objects.with_related().prefetch_related(Prefetch("roles", queryset=roles, to_attr="visible_roles"))
    return get_object_or_404(visible_to(user, actors), pk=pk)


def actor_api_list(*, user) -> QuerySet[Actor]:
    """The actors the user may see, with nothing more: what an API row shows."""
    return visible_to(user, Actor.objects.order_by("name", "pk"))
