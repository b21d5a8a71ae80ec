"""Writes to the actor library."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from actors.models import Actor
from sgam.models import SgamPlacement
from sgam.services import sgam_placement_add
from ucmr.services import model_create, model_delete, model_update
from ucmr.signals import library_object_changed


@transaction.atomic
def actor_create(*, user, data: Mapping[str, Any]) -> Actor:
    return model_create(user=user, model=Actor, data=data)


@transaction.atomic
def actor_update(*, user, actor: Actor, data: Mapping[str, Any], placement: Mapping[str, Any] | None = None) -> Actor:
    """Change the actor; `placement` (layer, domain, zone) adds an SGAM cell to its default placement."""
    updated = model_update(user=user, instance=actor, data=data)
    if placement is not None and not SgamPlacement.objects.filter(actor=updated, **placement).exists():
        sgam_placement_add(user=user, subject=updated, **placement)
    library_object_changed.send(sender=Actor, obj=updated)
    return updated


@transaction.atomic
def actor_delete(*, user, actor: Actor) -> None:
    """Refused while a use case still lists the actor."""
    model_delete(user=user, instance=actor)
