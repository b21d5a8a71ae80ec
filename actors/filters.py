"""The FilterSet of the actor library; the HTML list and the API share it."""

import django_filters
from django.db.models import Q

from actors.models import Actor


class ActorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label="Text")
    type = django_filters.ChoiceFilter(choices=Actor.Type.choices, empty_label="Any")

    class Meta:
        model = Actor
        fields = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(description__icontains=value))
