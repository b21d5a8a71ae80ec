"""Reads of the requirement library: permission-filtered and eager-loaded."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from requirements.models import Requirement, RequirementCategory
from ucmr.pages import detail_prefetches
from ucmr.permissions import visible_to


def requirement_list(*, user) -> QuerySet[Requirement]:
    """Ordered by category, so that a page can show the requirements under their category."""
    requirements = Requirement.objects.with_related().order_by(
        "category__identifier", "category__name", "category_id", "identifier", "name", "pk"
    )
    return visible_to(user, requirements)


def requirement_get(*, user, pk) -> Requirement:
    """With the information objects that refer to it and what the parts of its page need
    (`ucmr.pages.register_detail_part`; usecases adds `visible_steps` and `visible_scenarios`: the steps and the
    scenarios of visible use cases that refer to it)."""
    requirements = Requirement.objects.with_related().prefetch_related(
        "information_objects", *detail_prefetches(Requirement, user=user)
    )
    return get_object_or_404(visible_to(user, requirements), pk=pk)


def requirement_category_list(*, user) -> QuerySet[RequirementCategory]:
    return visible_to(user, RequirementCategory.objects.order_by("identifier", "name", "pk"))


def requirement_category_get(*, user, pk) -> RequirementCategory:
    """With its parent, its subcategories (with counts) and its requirements."""
    children = RequirementCategory.objects.with_counts().order_by("identifier", "name", "pk")
    categories = RequirementCategory.objects.select_related("parent").prefetch_related(
        Prefetch("children", queryset=children),
        Prefetch("requirements", queryset=Requirement.objects.order_by("identifier", "name", "pk")),
    )
    return get_object_or_404(visible_to(user, categories), pk=pk)
