"""Pages of the requirement library: everyone signed in reads it, curators write it."""

from django.conf import settings
from django.views.generic import DetailView
from django_filters.views import FilterView

from requirements.filters import RequirementFilterSet
from requirements.forms import RequirementCategoryForm, RequirementForm
from requirements.models import Requirement, RequirementCategory
from requirements.selectors import requirement_category_get, requirement_get, requirement_list
from requirements.services import (
    requirement_category_create,
    requirement_category_update,
    requirement_create,
    requirement_update,
)
from ucmr.editing import ObjectHistoryView, ServiceCreateView, ServiceUpdateView
from ucmr.permissions import ADD, CHANGE, ObjectPermissionMixin, require, user_can


class RequirementListView(ObjectPermissionMixin, FilterView):
    """Requirements under their categories, a page at a time."""

    public_read = True
    filterset_class = RequirementFilterSet
    template_name = "requirements/requirement_list.html"
    context_object_name = "requirements"

    def get_queryset(self):
        return requirement_list(user=self.request.user)

    def get_paginate_by(self, queryset) -> int:
        return settings.UCMR_PAGE_SIZE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(may_add=user_can(self.request.user, ADD, Requirement), **kwargs)
        len(context["object_list"])  # evaluate the page here, so that rendering it runs no query
        return context


class RequirementCategoryDetailView(ObjectPermissionMixin, DetailView):
    public_read = True
    template_name = "requirements/category_detail.html"
    context_object_name = "category"

    def get_object(self, queryset=None):
        category = requirement_category_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.permission_action, category)
        return category

    def get_context_data(self, **kwargs):
        return super().get_context_data(may_change=user_can(self.request.user, CHANGE, self.object), **kwargs)


class RequirementDetailView(ObjectPermissionMixin, DetailView):
    public_read = True
    template_name = "requirements/requirement_detail.html"
    context_object_name = "requirement"

    def get_object(self, queryset=None):
        requirement = requirement_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.permission_action, requirement)
        return requirement

    def get_context_data(self, **kwargs):
        return super().get_context_data(may_change=user_can(self.request.user, CHANGE, self.object), **kwargs)


class RequirementCategoryCreateView(ServiceCreateView):
    """For library curators (and administrators); a 403 for everyone else."""

    model = RequirementCategory
    form_class = RequirementCategoryForm
    list_url_name = "requirements:requirement_list"

    def save(self, form, data):
        return requirement_category_create(user=self.request.user, data=data)


class RequirementCategoryUpdateView(ServiceUpdateView):
    model = RequirementCategory
    form_class = RequirementCategoryForm

    def save(self, form, data):
        return requirement_category_update(user=self.request.user, category=self.stored_object(), data=data)


class RequirementCategoryHistoryView(ObjectHistoryView):
    get_subject = requirement_category_get


class RequirementCreateView(ServiceCreateView):
    model = Requirement
    form_class = RequirementForm
    list_url_name = "requirements:requirement_list"

    def save(self, form, data):
        return requirement_create(user=self.request.user, data=data)


class RequirementUpdateView(ServiceUpdateView):
    model = Requirement
    form_class = RequirementForm

    def save(self, form, data):
        return requirement_update(user=self.request.user, requirement=self.stored_object(), data=data)


class RequirementHistoryView(ObjectHistoryView):
    get_subject = requirement_get
