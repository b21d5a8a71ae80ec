"""Read-only pages of the actor library."""

from django.conf import settings
from django.views.generic import DetailView
from django_filters.views import FilterView

from actors.filters import ActorFilterSet
from actors.selectors import actor_get, actor_list
from ucmr.permissions import ObjectPermissionMixin, require


class ActorListView(ObjectPermissionMixin, FilterView):
    filterset_class = ActorFilterSet
    template_name = "actors/actor_list.html"
    context_object_name = "actors"

    def get_queryset(self):
        return actor_list(user=self.request.user)

    def get_paginate_by(self, queryset) -> int:
        return settings.UCMR_PAGE_SIZE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        len(context["object_list"])  # evaluate the page here, so that rendering it runs no query
        return context


class ActorDetailView(ObjectPermissionMixin, DetailView):
    """The actor and the visible use cases it takes part in."""

    template_name = "actors/actor_detail.html"
    context_object_name = "actor"

    def get_object(self, queryset=None):
        actor = actor_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.permission_action, actor)
        return actor
