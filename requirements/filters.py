"""The FilterSet of the requirement library; the HTML list and the API share it."""

import django_filters
from django.db.models import Q

from requirements.models import Requirement
from requirements.selectors import requirement_category_list


class RequirementFilterSet(django_filters.FilterSet):
    """The category choices are read when the filter set is made, so that rendering its form costs no query."""

    q = django_filters.CharFilter(method="filter_text", label="Text")
    category = django_filters.ChoiceFilter(empty_label="Any")

    class Meta:
        model = Requirement
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = requirement_category_list(user=getattr(self.request, "user", None))
        self.filters["category"].extra["choices"] = [(category.pk, str(category)) for category in categories]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(identifier__icontains=value) | Q(name__icontains=value) | Q(description__icontains=value)
        )
