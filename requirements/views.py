"""Pages of the requirement library: everyone signed in reads it, curators write it."""

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
from ucmr.pages import SelectorDetailView, SelectorListView


class RequirementListView(SelectorListView):
    """Requirements under their categories, a page at a time."""

    selector = requirement_list
    filterset_class = RequirementFilterSet
    template_name = "requirements/requirement_list.html"
    context_object_name = "requirements"


class RequirementCategoryDetailView(SelectorDetailView):
    selector = requirement_category_get
    template_name = "requirements/category_detail.html"
    context_object_name = "category"


class RequirementDetailView(SelectorDetailView):
    selector = requirement_get
    template_name = "requirements/requirement_detail.html"
    context_object_name = "requirement"


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
    own_object_fields = ("description",)

    def save(self, form, data):
        return requirement_update(user=self.request.user, requirement=self.stored_object(), data=data)


class RequirementHistoryView(ObjectHistoryView):
    get_subject = requirement_get
