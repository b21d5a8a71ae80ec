"""The FilterSet of the requirement library; the HTML list and the API share it."""

import django_filters

from requirements.models import Requirement
from requirements.selectors import requirement_category_list
from ucmr.filters import TextFilterSet


class RequirementFilterSet(TextFilterSet):
    """The category choices are read when the filter set is made, so that rendering its form costs no query."""

    text_fields = ("identifier", "name", "description")
    category = django_filters.ChoiceFilter(empty_label="Any")

    class Meta:
        model = Requirement
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = requirement_category_list(user=getattr(self.request, "user", None))
        self.filters["category"].extra["choices"] = [(category.pk, str(category)) for category in categories]
