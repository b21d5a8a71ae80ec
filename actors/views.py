"""Pages of the actor library: everyone signed in reads it, curators write it."""

from django.conf import settings
from django.views.generic import DetailView
from django_filters.views import FilterView

from actors.filters import ActorFilterSet
from actors.forms import ActorForm
from actors.models import Actor
from actors.selectors import actor_get, actor_list
from actors.services import actor_create, actor_update
from sgam.impact import actor_impact_get
from ucmr.editing import ObjectHistoryView, ServiceCreateView, ServiceUpdateView
from ucmr.permissions import ADD, CHANGE, ObjectPermissionMixin, require, user_can


class ActorListView(ObjectPermissionMixin, FilterView):
    public_read = True
    filterset_class = ActorFilterSet
    template_name = "actors/actor_list.html"
    context_object_name = "actors"

    def get_queryset(self):
        return actor_list(user=self.request.user)

    def get_paginate_by(self, queryset) -> int:
        return settings.UCMR_PAGE_SIZE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(may_add=user_can(self.request.user, ADD, Actor), **kwargs)
        len(context["object_list"])  # evaluate the page here, so that rendering it runs no query
        return context


class ActorDetailView(ObjectPermissionMixin, DetailView):
    """The actor and the visible use cases it takes part in."""

    public_read = True
    template_name = "actors/actor_detail.html"
    context_object_name = "actor"

    def get_object(self, queryset=None):
        actor = actor_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.permission_action, actor)
        return actor

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            may_change=user_can(self.request.user, CHANGE, self.object),
            impact=actor_impact_get(user=self.request.user, actor=self.object),
            **kwargs,
        )


class ActorCreateView(ServiceCreateView):
    """For library curators (and administrators); a 403 for everyone else."""

    model = Actor
    form_class = ActorForm
    list_url_name = "actors:actor_list"

    def save(self, form, data):
        return actor_create(user=self.request.user, data=data)


class ActorUpdateView(ServiceUpdateView):
    model = Actor
    form_class = ActorForm

    def save(self, form, data):
        return actor_update(user=self.request.user, actor=self.stored_object(), data=data)


class ActorHistoryView(ObjectHistoryView):
    get_subject = actor_get
