"""SGAM and NIST reference values and placements over the API, read only. They are read by whoever may read the
libraries (everyone signed in; anyone where UCMR_PUBLIC_READ is on); a placement is seen with its subject."""

from collections.abc import Callable

from django.db.models import QuerySet
from rest_framework.permissions import SAFE_METHODS

from sgam.api.filters import NistPlacementFilterSet, SgamPlacementFilterSet
from sgam.api.serializers import (
    DomainSerializer,
    LayerSerializer,
    NistDomainSerializer,
    NistPlacementSerializer,
    SgamPlacementSerializer,
    ZoneSerializer,
)
from sgam.selectors import (
    domain_list,
    layer_list,
    nist_domain_list,
    nist_placement_list,
    sgam_placement_list,
    zone_list,
)
from ucmr.api.viewsets import ReadOnlyViewSet
from ucmr.permissions import ObjectPermissions


class ReadPermissions(ObjectPermissions):
    """Whether the client may read at all is ObjectPermissions' question; which rows, the selector's. The policy has
    no rule for reference values (fixed, the same in every repository) nor for placements (seen with their subject,
    a use case or a library object), so every row the selector gives may be read, and none written."""

    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in SAFE_METHODS


class SgamReadOnlyViewSet(ReadOnlyViewSet):
    """Lists and single rows, read by whoever may read the libraries; no method that writes."""

    permission_classes = [ReadPermissions]
    public_actions = ("list", "retrieve")  # anonymous clients too, where UCMR_PUBLIC_READ is on
    http_method_names = ["get", "head", "options"]


class ReferenceViewSet(SgamReadOnlyViewSet):
    """A reference table, addressed by code."""

    lookup_field = "code"
    ordering_fields = ["order", "code", "name"]
    ordering = ["order"]
    reference_list: Callable[[], QuerySet]

    def get_queryset(self):
        return type(self).reference_list()


class LayerViewSet(ReferenceViewSet):
    """The five SGAM interoperability layers."""

    reference_list = staticmethod(layer_list)
    serializer_class = LayerSerializer


class DomainViewSet(ReferenceViewSet):
    """The five SGAM domains."""

    reference_list = staticmethod(domain_list)
    serializer_class = DomainSerializer


class ZoneViewSet(ReferenceViewSet):
    """The six SGAM zones."""

    reference_list = staticmethod(zone_list)
    serializer_class = ZoneSerializer


class NistDomainViewSet(ReferenceViewSet):
    """The seven domains of the NIST conceptual model."""

    reference_list = staticmethod(nist_domain_list)
    serializer_class = NistDomainSerializer


class SgamPlacementViewSet(SgamReadOnlyViewSet):
    """Placements on SGAM cells of the use cases, actors, information objects and actors in one use case the client
    may see. Filter by subject (`use_case`, `actor`, `information_object`, `actor_role`: ids; `subject_kind`) and by
    `layer`, `domain`, `zone` (codes)."""

    selector = staticmethod(sgam_placement_list)
    serializer_class = SgamPlacementSerializer
    filterset_class = SgamPlacementFilterSet
    ordering_fields = ["id"]
    ordering = ["id"]


class NistPlacementViewSet(SgamReadOnlyViewSet):
    """Placements on NIST domains of what the client may see. Filter by subject as SGAM placements, and by
    `domain` (a NIST domain code)."""

    selector = staticmethod(nist_placement_list)
    serializer_class = NistPlacementSerializer
    filterset_class = NistPlacementFilterSet
    ordering_fields = ["id"]
    ordering = ["id"]
