"""The actor library over the API: everyone signed in reads it, curators and administrators write it."""

from actors.api.serializers import ActorSerializer
from actors.filters import ActorFilterSet
from actors.selectors import actor_api_list
from actors.services import ACTOR_SERVICES
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
    services = ACTOR_SERVICES
