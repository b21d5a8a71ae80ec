"""Pages of the actor library: everyone signed in reads it, curators write it."""

from actors.filters import ActorFilterSet
from actors.forms import ActorForm, ActorUpdateForm
from actors.models import Actor
from actors.selectors import actor_get, actor_list
from actors.services import ACTOR_SERVICES, actor_update
from ucmr.editing import ObjectHistoryView, ServiceCreateView, ServiceUpdateView
from ucmr.pages import SelectorDetailView, SelectorListView


class ActorListView(SelectorListView):
    selector = actor_list
    filterset_class = ActorFilterSet
    template_name = "actors/actor_list.html"
    context_object_name = "actors"


class ActorDetailView(SelectorDetailView):
    """The actor, the visible use cases it takes part in and its impact analysis (parts usecases registers:
    `usecases.library_parts`)."""

    selector = actor_get
    template_name = "actors/actor_detail.html"
    context_object_name = "actor"


class ActorCreateView(ServiceCreateView):
    """For library curators (and administrators); a 403 for everyone else."""

    model = Actor
    form_class = ActorForm
    list_url_name = "actors:actor_list"
    services = ACTOR_SERVICES


class ActorUpdateView(ServiceUpdateView):
    model = Actor
    form_class = ActorUpdateForm
    own_object_fields = ("description",)

    def save(self, form, data):
        user = self.request.user
        return actor_update(user=user, actor=self.stored_object(), data=data, also=form.part_writes(user=user))


class ActorHistoryView(ObjectHistoryView):
    get_subject = actor_get
