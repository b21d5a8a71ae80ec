"""The FilterSets of the placement lists (the API's only: no page lists placements). The reference choices come
from sgam.reference, which the data migration writes, so that reading them costs no query."""

import django_filters

from sgam.api.serializers import SUBJECT_KINDS
from sgam.models import NistPlacement, SgamPlacement
from sgam.reference import DOMAINS, LAYERS, NIST_DOMAINS, ZONES


def _codes(items) -> list[tuple[str, str]]:
    return [(code, name) for code, name, _ in items]


class PlacementFilterSet(django_filters.FilterSet):
    subject_kind = django_filters.ChoiceFilter(choices=SUBJECT_KINDS, method="filter_subject_kind")
    use_case = django_filters.NumberFilter(label="Use case id")
    actor = django_filters.NumberFilter(label="Actor id")
    information_object = django_filters.NumberFilter(label="Information object id")
    actor_role = django_filters.NumberFilter(label="Actor role id")

    def filter_subject_kind(self, queryset, name, value):
        return queryset.filter(**{f"{value}__isnull": False})


class SgamPlacementFilterSet(PlacementFilterSet):
    layer = django_filters.ChoiceFilter(field_name="layer__code", choices=_codes(LAYERS))
    domain = django_filters.ChoiceFilter(field_name="domain__code", choices=_codes(DOMAINS))
    zone = django_filters.ChoiceFilter(field_name="zone__code", choices=_codes(ZONES))

    class Meta:
        model = SgamPlacement
        fields = []


class NistPlacementFilterSet(PlacementFilterSet):
    domain = django_filters.ChoiceFilter(field_name="nist_domain__code", choices=_codes(NIST_DOMAINS))

    class Meta:
        model = NistPlacement
        fields = []
