from django.contrib import admin

from requirements.models import Requirement, RequirementCategory
from requirements.services import (
    requirement_category_create,
    requirement_category_delete,
    requirement_category_update,
    requirement_create,
    requirement_delete,
    requirement_update,
)
from ucmr.admin import ServiceModelAdmin, form_data


@admin.register(RequirementCategory)
class RequirementCategoryAdmin(ServiceModelAdmin):
    list_display = ("identifier", "name", "parent", "requirement_count", "modified")
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("identifier", "name", "description", "mrid")
    autocomplete_fields = ("parent",)
    readonly_fields = ("mrid", "created", "modified")
    fields = ("identifier", "name", "description", "parent", "mrid", "created", "modified")
    list_select_related = ("parent",)

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    @admin.display(description="requirements", ordering="requirement_count")
    def requirement_count(self, category: RequirementCategory) -> int:
        return category.requirement_count

    def service_create(self, request, form):
        return requirement_category_create(user=request.user, data=form_data(form))

    def service_update(self, request, obj, form):
        return requirement_category_update(user=request.user, category=obj, data=form_data(form))

    def service_delete(self, request, obj):
        requirement_category_delete(user=request.user, category=obj)


@admin.register(Requirement)
class RequirementAdmin(ServiceModelAdmin):
    list_display = ("identifier", "name", "category", "modified")
    list_filter = (("category", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("identifier", "name", "description", "mrid", "category__name")
    autocomplete_fields = ("category",)
    readonly_fields = ("mrid", "created", "modified")
    fields = ("identifier", "name", "description", "category", "mrid", "created", "modified")
    list_select_related = ("category",)

    def service_create(self, request, form):
        return requirement_create(user=request.user, data=form_data(form))

    def service_update(self, request, obj, form):
        return requirement_update(user=request.user, requirement=obj, data=form_data(form))

    def service_delete(self, request, obj):
        requirement_delete(user=request.user, requirement=obj)
