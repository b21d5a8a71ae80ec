"""The sgam API routes: (prefix, viewset, basename) for the router, plus plain urlpatterns."""

from sgam.api.access_matrix import AccessMatrixViewSet
from sgam.api.viewsets import (
    DomainViewSet,
    LayerViewSet,
    NistDomainViewSet,
    NistPlacementViewSet,
    SgamPlacementViewSet,
    ZoneViewSet,
)

routes = [
    ("sgam/layers", LayerViewSet, "sgam-layer"),
    ("sgam/domains", DomainViewSet, "sgam-domain"),
    ("sgam/zones", ZoneViewSet, "sgam-zone"),
    ("sgam/placements", SgamPlacementViewSet, "sgam-placement"),
    ("nist/domains", NistDomainViewSet, "nist-domain"),
    ("nist/placements", NistPlacementViewSet, "nist-placement"),
    ("access-matrix", AccessMatrixViewSet, "access-matrix"),
]
urlpatterns = []
