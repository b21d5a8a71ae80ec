"""Read-only pages of the requirement library."""

from django.conf import settings
from django.views.generic import DetailView
from django_filters.views import FilterView

from requirements.filters import RequirementFilterSet
from requirements.selectors import requirement_category_get, requirement_get, requirement_list
from ucmr.permissions import ObjectPermissionMixin, require


class RequirementListView(ObjectPermissionMixin, FilterView):
    """Requirements under their categories, a page at a time."""

    filterset_class = RequirementFilterSet
    template_name = "requirements/requirement_list.html"
    context_object_name = "requirements"

    def get_queryset(self):
        return requirement_list(user=self.request.user)

    def get_paginate_by(self, queryset) -> int:
        return settings.UCMR_PAGE_SIZE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        len(context["object_list"])  # evaluate the page here, so that rendering it runs no query
        return context


class RequirementCategoryDetailView(ObjectPermissionMixin, DetailView):
    template_name = "requirements/category_detail.html"
    context_object_name = "category"

    def get_object(self, queryset=None):
        category = requirement_category_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.permission_action, category)
        return category


class RequirementDetailView(ObjectPermissionMixin, DetailView):
    template_name = "requirements/requirement_detail.html"
    context_object_name = "requirement"

    def get_object(self, queryset=None):
        requirement = requirement_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.permission_action, requirement)
        return requirement
