"""The information object and common term libraries: lists, pages, editing and history."""

from ucmr.editing import ObjectHistoryView, ServiceCreateView, ServiceUpdateView
from ucmr.pages import SelectorDetailView, SelectorListView
from ucmr.permissions import CHANGE, user_can
from usecases.analysis.impact import information_object_impact_get
from usecases.filters import CommonTermFilterSet, InformationObjectFilterSet
from usecases.forms import CommonTermForm, InformationObjectForm
from usecases.models import CommonTerm, InformationObject
from usecases.selectors import common_term_get, common_term_list, information_object_get, information_object_list
from usecases.services import COMMON_TERM_SERVICES, INFORMATION_OBJECT_SERVICES


class InformationObjectListView(SelectorListView):
    selector = information_object_list
    filterset_class = InformationObjectFilterSet
    template_name = "usecases/information_object_list.html"
    context_object_name = "information_objects"


class InformationObjectDetailView(SelectorDetailView):
    selector = information_object_get
    template_name = "usecases/information_object_detail.html"
    context_object_name = "information_object"

    def get_context_data(self, **kwargs):
        impact = information_object_impact_get(user=self.request.user, information_object=self.object)
        return super().get_context_data(impact=impact, **kwargs)


class CommonTermListView(SelectorListView):
    """Not paginated: a term's address is this page with the term's anchor."""

    selector = common_term_list
    paginate = False
    filterset_class = CommonTermFilterSet
    template_name = "usecases/term_list.html"
    context_object_name = "terms"

    def get_context_data(self, **kwargs):
        return super().get_context_data(may_change=user_can(self.request.user, CHANGE, CommonTerm), **kwargs)


class InformationObjectCreateView(ServiceCreateView):
    model = InformationObject
    form_class = InformationObjectForm
    list_url_name = "usecases:information_object_list"
    services = INFORMATION_OBJECT_SERVICES


class InformationObjectUpdateView(ServiceUpdateView):
    model = InformationObject
    form_class = InformationObjectForm
    own_object_fields = ("description",)
    services = INFORMATION_OBJECT_SERVICES


class InformationObjectHistoryView(ObjectHistoryView):
    get_subject = information_object_get


class CommonTermCreateView(ServiceCreateView):
    model = CommonTerm
    form_class = CommonTermForm
    list_url_name = "usecases:term_list"
    services = COMMON_TERM_SERVICES


class CommonTermUpdateView(ServiceUpdateView):
    model = CommonTerm
    form_class = CommonTermForm
    services = COMMON_TERM_SERVICES


class CommonTermHistoryView(ObjectHistoryView):
    get_subject = common_term_get
