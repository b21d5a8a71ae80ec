"""Pages of the requirement library: everyone signed in reads it, curators write it."""

from requirements.filters import RequirementFilterSet
from requirements.forms import RequirementCategoryForm, RequirementForm
from requirements.models import Requirement, RequirementCategory
from requirements.selectors import requirement_category_get, requirement_get, requirement_list
from requirements.services import REQUIREMENT_CATEGORY_SERVICES, REQUIREMENT_SERVICES
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
    services = REQUIREMENT_CATEGORY_SERVICES


class RequirementCategoryUpdateView(ServiceUpdateView):
    model = RequirementCategory
    form_class = RequirementCategoryForm
    services = REQUIREMENT_CATEGORY_SERVICES


class RequirementCategoryHistoryView(ObjectHistoryView):
    get_subject = requirement_category_get


class RequirementCreateView(ServiceCreateView):
    model = Requirement
    form_class = RequirementForm
    list_url_name = "requirements:requirement_list"
    services = REQUIREMENT_SERVICES


class RequirementUpdateView(ServiceUpdateView):
    model = Requirement
    form_class = RequirementForm
    own_object_fields = ("description",)
    services = REQUIREMENT_SERVICES


class RequirementHistoryView(ObjectHistoryView):
    get_subject = requirement_get
