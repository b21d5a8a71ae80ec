"""FilterSets of use cases and the section 5 and 7 libraries; the HTML lists and the API share them.

Choices that depend on the data are read when the filter set is made (from what the requesting user may see),
so that rendering its form costs no query.
"""

import django_filters
from django.db.models import Q

from actors.selectors import actor_name_list
from sgam.selectors import domain_list, nist_domain_list, zone_list
from usecases.models import CommonTerm, InformationObject, UseCase
from usecases.selectors import usecase_nature_list, workspace_list


class UseCaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label="Text")
    workspace = django_filters.ChoiceFilter(field_name="workspace__slug", label="Workspace", empty_label="Any")
    status = django_filters.ChoiceFilter(choices=UseCase.Status.choices, empty_label="Any")
    nature = django_filters.ChoiceFilter(empty_label="Any")
    sgam_domain = django_filters.ChoiceFilter(
        field_name="sgam_placements__domain__code", distinct=True, label="SGAM domain", empty_label="Any"
    )
    sgam_zone = django_filters.ChoiceFilter(
        field_name="sgam_placements__zone__code", distinct=True, label="SGAM zone", empty_label="Any"
    )
    nist_domain = django_filters.ChoiceFilter(
        field_name="nist_placements__nist_domain__code",
        distinct=True,
        label="NIST domain",
        empty_label="Any",
    )
    actor = django_filters.ChoiceFilter(
        field_name="actor_roles__actor", distinct=True, label="Actor", empty_label="Any"
    )

    class Meta:
        model = UseCase
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        choices = {
            "workspace": [(workspace.slug, workspace.name) for workspace in workspace_list(user=user)],
            "nature": [(nature, nature) for nature in usecase_nature_list(user=user)],
            "sgam_domain": [(domain.code, domain.name) for domain in domain_list()],
            "sgam_zone": [(zone.code, zone.name) for zone in zone_list()],
            "nist_domain": [(domain.code, domain.name) for domain in nist_domain_list()],
            "actor": actor_name_list(user=user),
        }
        for name, values in choices.items():
            self.filters[name].extra["choices"] = values

    def filter_text(self, queryset, name, value):
        return queryset.search(value)


class InformationObjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label="Text")
    data_class = django_filters.ChoiceFilter(choices=InformationObject.DataClass.choices, empty_label="Any")

    class Meta:
        model = InformationObject
        fields = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(identifier__icontains=value)
            | Q(name__icontains=value)
            | Q(description__icontains=value)
            | Q(standards__icontains=value)
        )


class CommonTermFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label="Text")

    class Meta:
        model = CommonTerm
        fields = []

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(term__icontains=value) | Q(definition__icontains=value))
