"""Writes to the requirement library: the category tree and the requirements in it."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from requirements.models import Requirement, RequirementCategory
from ucmr.services import ObjectServices, model_create, model_delete, model_update
from ucmr.signals import library_object_changed


@transaction.atomic
def requirement_category_create(*, user, data: Mapping[str, Any]) -> RequirementCategory:
    return model_create(user=user, model=RequirementCategory, data=data)


@transaction.atomic
def requirement_category_update(*, user, category: RequirementCategory, data: Mapping[str, Any]) -> RequirementCategory:
    return model_update(user=user, instance=category, data=data)


@transaction.atomic
def requirement_category_delete(*, user, category: RequirementCategory) -> None:
    """Refused while the category holds subcategories or requirements."""
    model_delete(user=user, instance=category)


@transaction.atomic
def requirement_create(*, user, data: Mapping[str, Any]) -> Requirement:
    return model_create(user=user, model=Requirement, data=data)


@transaction.atomic
def requirement_update(*, user, requirement: Requirement, data: Mapping[str, Any]) -> Requirement:
    updated = model_update(user=user, instance=requirement, data=data)
    library_object_changed.send(sender=type(updated), obj=updated)
    return updated


@transaction.atomic
def requirement_delete(*, user, requirement: Requirement) -> None:
    model_delete(user=user, instance=requirement)


REQUIREMENT_CATEGORY_SERVICES = ObjectServices(
    "category",
    create=requirement_category_create,
    update=requirement_category_update,
    delete=requirement_category_delete,
)
REQUIREMENT_SERVICES = ObjectServices(
    "requirement", create=requirement_create, update=requirement_update, delete=requirement_delete
)
