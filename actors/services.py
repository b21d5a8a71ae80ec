"""Writes to the actor library."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import transaction

from actors.models import Actor
from ucmr.services import ObjectServices, model_create, model_delete, model_update
from ucmr.signals import library_object_changed


@transaction.atomic
def actor_create(*, user, data: Mapping[str, Any]) -> Actor:
    return model_create(user=user, model=Actor, data=data)


@transaction.atomic
def actor_update(*, user, actor: Actor, data: Mapping[str, Any], also: Iterable[Callable[[Actor], Any]] = ()) -> Actor:
    """Change the actor; `also`: the writes of other apps' parts of its edit form (an SGAM cell added to its
    default placement: `ucmr.editing.FormPart`), in the same transaction, before the change is signalled."""
    updated = model_update(user=user, instance=actor, data=data)
    for write in also:
        write(updated)
    library_object_changed.send(sender=Actor, obj=updated)
    return updated


@transaction.atomic
def actor_delete(*, user, actor: Actor) -> None:
    """Refused while a use case still lists the actor."""
    model_delete(user=user, instance=actor)


ACTOR_SERVICES = ObjectServices("actor", create=actor_create, update=actor_update, delete=actor_delete)
