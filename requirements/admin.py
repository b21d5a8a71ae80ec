from django.contrib import admin

from requirements.models import Requirement, RequirementCategory
from requirements.services import REQUIREMENT_CATEGORY_SERVICES, REQUIREMENT_SERVICES
from ucmr.admin import ServiceModelAdmin


@admin.register(RequirementCategory)
class RequirementCategoryAdmin(ServiceModelAdmin):
    list_display = ("identifier", "name", "parent", "requirement_count", "modified")
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("identifier", "name", "description", "mrid")
    autocomplete_fields = ("parent",)
    readonly_fields = ("mrid", "created", "modified")
    fields = ("identifier", "name", "description", "parent", "mrid", "created", "modified")
    list_select_related = ("parent",)
    services = REQUIREMENT_CATEGORY_SERVICES

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    @admin.display(description="requirements", ordering="requirement_count")
    def requirement_count(self, category: RequirementCategory) -> int:
        return category.requirement_count


@admin.register(Requirement)
class RequirementAdmin(ServiceModelAdmin):
    list_display = ("identifier", "name", "category", "modified")
    list_filter = (("category", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("identifier", "name", "description", "mrid", "category__name")
    autocomplete_fields = ("category",)
    readonly_fields = ("mrid", "created", "modified")
    fields = ("identifier", "name", "description", "category", "mrid", "created", "modified")
    list_select_related = ("category",)
    services = REQUIREMENT_SERVICES
