"""Reads of the actor library: permission-filtered and eager-loaded."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from actors.models import Actor
from ucmr.pages import detail_prefetches
from ucmr.permissions import library_usage, visible_to


def actor_list(*, user) -> QuerySet[Actor]:
    """What a list row shows: SGAM/NIST placement and the number of use cases the user may see listing the actor."""
    using_model, _ = library_usage(Actor)  # the use cases (registered by usecases)
    actors = Actor.objects.with_related().with_counts(use_cases=visible_to(user, using_model.objects.all()))
    return visible_to(user, actors).order_by("name", "pk")


def actor_name_list(*, user) -> list[tuple[int, str]]:
    """(pk, name) of every visible actor, for a filter's choices."""
    return list(visible_to(user, Actor.objects.order_by("name", "pk")).values_list("pk", "name"))


def actor_get(*, user, pk) -> Actor:
    """With what the parts of its page need (`ucmr.pages.register_detail_part`; usecases adds `visible_roles`: the
    actor's place, grouping and further information, in each use case the user may see)."""
    actors = Actor.objects.with_related().prefetch_related(*detail_prefetches(Actor, user=user))
    return get_object_or_404(visible_to(user, actors), pk=pk)


def actor_api_list(*, user) -> QuerySet[Actor]:
    """The actors the user may see, with nothing more: what an API row shows."""
    return visible_to(user, Actor.objects.order_by("name", "pk"))
