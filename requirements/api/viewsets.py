"""The requirement library over the API: everyone signed in reads it, curators and administrators write it."""

from requirements.api.serializers import RequirementCategorySerializer, RequirementSerializer
from requirements.filters import RequirementFilterSet
from requirements.selectors import requirement_category_list, requirement_list
from requirements.services import REQUIREMENT_CATEGORY_SERVICES, REQUIREMENT_SERVICES
from ucmr.api.viewsets import ServiceViewSet


class RequirementCategoryViewSet(ServiceViewSet):
    """The category tree, one category per row; `parent` filters the subcategories of one category. A category
    that still holds subcategories or requirements cannot be deleted."""

    selector = staticmethod(requirement_category_list)
    serializer_class = RequirementCategorySerializer
    public_actions = ("list", "retrieve")  # anonymous clients too, where UCMR_PUBLIC_READ is on
    filterset_fields = ["parent"]
    ordering_fields = ["identifier", "name", "created", "modified"]
    ordering = ["identifier", "name", "pk"]
    services = REQUIREMENT_CATEGORY_SERVICES


class RequirementViewSet(ServiceViewSet):
    """Requirements, ordered by category as on the requirement list page; `q` searches R-ID, name and description,
    `category` narrows to one category."""

    selector = staticmethod(requirement_list)
    serializer_class = RequirementSerializer
    public_actions = ("list", "retrieve")
    filterset_class = RequirementFilterSet
    ordering_fields = ["identifier", "name", "created", "modified"]
    ordering = ["category__identifier", "category__name", "category_id", "identifier", "name", "pk"]
    own_object_fields = ("description",)
    services = REQUIREMENT_SERVICES
