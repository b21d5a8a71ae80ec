"""The FilterSet of the repository-wide audit trail, and the text search the libraries' FilterSets share."""

import operator
from functools import reduce

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from ucmr.models import ChangeLogEntry

LOGGED_APPS = ("actors", "requirements", "usecases", "sgam", "guardian")


class TextFilterSet(django_filters.FilterSet):
    """A FilterSet whose `q` keeps the rows that hold its text (ignoring case) in one of their `text_fields`."""

    q = django_filters.CharFilter(method="filter_text", label="Text")
    text_fields: tuple[str, ...] = ()

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            reduce(operator.or_, (Q(**{f"{field}__icontains": value}) for field in self.text_fields))
        )


class ChangeLogEntryFilterSet(django_filters.FilterSet):
    user = django_filters.CharFilter(field_name="user_name", lookup_expr="iexact", label="User")
    action = django_filters.ChoiceFilter(choices=ChangeLogEntry.Action.choices, empty_label="Any")
    type = django_filters.ChoiceFilter(method="filter_type", label="Type", empty_label="Any")
    since = django_filters.DateFilter(
        field_name="time", lookup_expr="date__gte", label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        field_name="time", lookup_expr="date__lte", label="Until", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = ChangeLogEntry
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        content_types = ContentType.objects.filter(app_label__in=LOGGED_APPS).order_by("app_label", "model")
        self.filters["type"].extra["choices"] = [
            (f"{content_type.app_label}.{content_type.model}", content_type.name.capitalize())
            for content_type in content_types
        ]

    def filter_type(self, queryset, name, value: str):
        app_label, _, model = value.partition(".")
        return queryset.filter(content_type__app_label=app_label, content_type__model=model)
