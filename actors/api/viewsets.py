"""The actor library over the API: everyone signed in reads it, curators and administrators write it."""

from actors.api.serializers import ActorSerializer
from actors.filters import ActorFilterSet
from actors.selectors import actor_api_list
from actors.services import actor_create, actor_delete, actor_update
from ucmr.api.viewsets import ServiceViewSet


class ActorViewSet(ServiceViewSet):
    """Actors of the library. `q` searches name and description, as on the actor list page."""

    selector = staticmethod(actor_api_list)
    serializer_class = ActorSerializer
    filterset_class = ActorFilterSet
    public_actions = ("list", "retrieve")  # anonymous clients too, where UCMR_PUBLIC_READ is on
    ordering_fields = ["name", "type", "created", "modified"]
    ordering = ["name", "pk"]
    own_object_fields = ("description",)

    def perform_create(self, serializer):
        return actor_create(user=self.request.user, data=serializer.validated_data)

    def perform_update(self, serializer):
        actor_update(user=self.request.user, actor=serializer.instance, data=serializer.validated_data)

    def perform_destroy(self, instance):
        actor_delete(user=self.request.user, actor=instance)
