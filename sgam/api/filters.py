"""The FilterSets of the placement lists (the API's only: no page lists placements). The reference choices come
from sgam.reference, which the data migration writes, so that reading them costs no query."""

import django_filters
from django import forms

from sgam.api.serializers import SUBJECT_KINDS
from sgam.models import NistPlacement, SgamPlacement
from sgam.reference import DOMAINS, LAYERS, NIST_DOMAINS, ZONES
from ucmr.api.serializers import MAX_ID


def _codes(items) -> list[tuple[str, str]]:
    return [(code, name) for code, name, _ in items]


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number the database's ids can hold (a larger one is a 400, not a query the database refuses)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=-MAX_ID - 1, max_value=MAX_ID, **kwargs)


class PlacementFilterSet(django_filters.FilterSet):
    subject_kind = django_filters.ChoiceFilter(choices=SUBJECT_KINDS, method="filter_subject_kind")
    use_case = IdFilter(label="Use case id")
    actor = IdFilter(label="Actor id")
    information_object = IdFilter(label="Information object id")
    actor_role = IdFilter(label="Actor role id")

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
