"""The FilterSet of the actor library; the HTML list and the API share it."""

import django_filters

from actors.models import Actor
from ucmr.filters import TextFilterSet


class ActorFilterSet(TextFilterSet):
    text_fields = ("name", "description")
    type = django_filters.ChoiceFilter(choices=Actor.Type.choices, empty_label="Any")

    class Meta:
        model = Actor
        fields = []
