"""Pages of the actor library: everyone signed in reads it, curators write it."""

from actors.filters import ActorFilterSet
from actors.forms import ActorForm, ActorUpdateForm
from actors.models import Actor
from actors.selectors import actor_get, actor_list
from actors.services import actor_create, actor_update
from ucmr.editing import ObjectHistoryView, ServiceCreateView, ServiceUpdateView
from ucmr.pages import SelectorDetailView, SelectorListView
from usecases.analysis.impact import actor_impact_get


class ActorListView(SelectorListView):
    selector = actor_list
    filterset_class = ActorFilterSet
    template_name = "actors/actor_list.html"
    context_object_name = "actors"


class ActorDetailView(SelectorDetailView):
    """The actor and the visible use cases it takes part in."""

    selector = actor_get
    template_name = "actors/actor_detail.html"
    context_object_name = "actor"

    def get_context_data(self, **kwargs):
        return super().get_context_data(impact=actor_impact_get(user=self.request.user, actor=self.object), **kwargs)


class ActorCreateView(ServiceCreateView):
    """For library curators (and administrators); a 403 for everyone else."""

    model = Actor
    form_class = ActorForm
    list_url_name = "actors:actor_list"

    def save(self, form, data):
        return actor_create(user=self.request.user, data=data)


class ActorUpdateView(ServiceUpdateView):
    model = Actor
    form_class = ActorUpdateForm
    own_object_fields = ("description",)

    def save(self, form, data):
        return actor_update(user=self.request.user, actor=self.stored_object(), data=data, placement=form.placement())


class ActorHistoryView(ObjectHistoryView):
    get_subject = actor_get
