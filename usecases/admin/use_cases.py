"""Use cases and their tables on their own (search across use cases) in the admin.

Every write goes through `usecases.services`: it is audited, and a change to a use case or any of its rows bumps
the use case's revision. The use case form carries the revision it was opened at, so a save over someone else's
change is refused with the service's message.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models

from ucmr.admin import ServiceModelAdmin, ServiceModelForm, form_data
from usecases import services, template
from usecases.admin.rows import (
    COMPACT_TEXT,
    ActorGroupingInline,
    ActorRoleInline,
    CustomInformationInline,
    DrawingInline,
    KpiInline,
    ObjectiveInline,
    ReferenceInline,
    RemarkInline,
    ScenarioConditionInline,
    ScenarioInline,
    StepInline,
    TemplateColumnsMixin,
    UseCaseConditionInline,
    UseCaseRelationInline,
    UseCaseRowForm,
    UseCaseRowsInlineMixin,
    VersionEntryInline,
    row_data,
)
from usecases.models import (
    ActorGrouping,
    ActorRole,
    Condition,
    CustomInformation,
    Drawing,
    Kpi,
    Objective,
    Reference,
    Remark,
    Scenario,
    Step,
    UseCase,
    UseCaseRelation,
    VersionEntry,
)


class UseCaseAdminForm(ServiceModelForm):
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["expected_revision"].initial = self.instance.revision

    def clean(self):
        cleaned_data = super().clean()
        expected = cleaned_data.get("expected_revision")
        if self.instance.pk is not None and expected is not None:
            current = UseCase.objects.filter(pk=self.instance.pk).values_list("revision", flat=True).first()
            if current != expected:
                raise ValidationError(
                    services.STALE_REVISION_MESSAGE.format(expected=expected, current=current), code="stale_revision"
                )
        return cleaned_data


@admin.register(UseCase)
class UseCaseAdmin(UseCaseRowsInlineMixin, ServiceModelAdmin):
    form = UseCaseAdminForm
    list_display = ("identifier", "name", "workspace", "status", "nature", "revision", "modified")
    list_display_links = ("identifier", "name")
    list_filter = ("status", "workspace", "nature", ("created_by", admin.RelatedOnlyFieldListFilter), "modified")
    search_fields = ("identifier", "name", "keywords", "scope", "short_description", "mrid")
    list_select_related = ("workspace",)
    autocomplete_fields = ("business_cases", "primary_actors", "common_terms")
    readonly_fields = ("mrid", "revision", "created_by", "created", "modified")
    inlines = (
        VersionEntryInline,
        ObjectiveInline,
        KpiInline,
        UseCaseConditionInline,
        UseCaseRelationInline,
        RemarkInline,
        DrawingInline,
        ActorGroupingInline,
        ActorRoleInline,
        ReferenceInline,
        ScenarioInline,
        CustomInformationInline,
    )

    def get_fieldsets(self, request, obj=None):
        """The use case's fields section by section, as the template places and labels them (usecases.template);
        the library objects it lists, and its record, after them."""
        editable = {field.name for field in UseCase._meta.get_fields() if getattr(field, "editable", False)}
        sections = [
            (f"{section.number} {section.title}", {"fields": names})
            for section in template.SECTIONS
            if (names := [item.name for item in section.fields if item.name in editable])
        ]
        return (
            (None, {"fields": ("workspace", "status", "expected_revision")}),
            *sections,
            ("1.3 Related business cases, 7 Common terms", {"fields": ("business_cases", "common_terms")}),
            ("Record", {"fields": ("mrid", "revision", "created_by", "created", "modified"), "classes": ("collapse",)}),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        return super().get_form(request, obj, change, **{"labels": template.field_labels(), **kwargs})

    def service_create(self, request, form):
        data = form_data(form)
        return services.usecase_create(user=request.user, workspace=data.pop("workspace"), data=data)

    def service_update(self, request, obj, form):
        return services.usecase_update(
            user=request.user,
            use_case=obj,
            data=form_data(form),
            expected_revision=form.cleaned_data.get("expected_revision"),
        )

    def service_delete(self, request, obj):
        services.usecase_delete(user=request.user, use_case=obj)


class UseCaseRowAdmin(TemplateColumnsMixin, ServiceModelAdmin):
    """A use case table on its own (search across use cases). The row's owner is fixed once it exists. Its fields:
    the owner, then the template's (TemplateColumnsMixin), then the model's others."""

    owner_field = "use_case"
    form = UseCaseRowForm
    autocomplete_fields = ("use_case",)
    list_select_related = ("use_case__workspace",)
    list_filter = ("use_case__workspace",)
    formfield_overrides = COMPACT_TEXT

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, self.owner_field) if obj is not None else readonly

    def get_fields(self, request, obj=None):
        every = super().get_fields(request, obj)
        first = [name for name in (self.owner_field, *self.template_fields()) if name in every]
        return [*first, *(name for name in every if name not in first)]

    def get_form(self, request, obj=None, change=False, **kwargs):
        return super().get_form(request, obj, change, **{"labels": self.template_labels(), **kwargs})

    def service_create(self, request, form):
        use_case = form.cleaned_data.get("use_case") or form.cleaned_data["scenario"].use_case
        return services.usecase_row_create(user=request.user, use_case=use_case, model=self.model, data=row_data(form))

    def service_update(self, request, obj, form):
        return services.usecase_row_update(user=request.user, row=obj, data=row_data(form))

    def service_delete(self, request, obj):
        services.usecase_row_delete(user=request.user, row=obj)


@admin.register(Scenario)
class ScenarioAdmin(UseCaseRowsInlineMixin, UseCaseRowAdmin):
    list_display = ("number", "name", "use_case", "step_count")
    list_display_links = ("number", "name")
    search_fields = ("number", "name", "description", "use_case__identifier", "use_case__name")
    autocomplete_fields = ("primary_actors", "requirements")
    raw_id_fields = ("use_case",)
    template_table = "scenarios"
    exclude = ("extra",)
    inlines = (ScenarioConditionInline, StepInline)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(step_count=models.Count("steps"))

    @admin.display(description="steps", ordering="step_count")
    def step_count(self, scenario: Scenario) -> int:
        return scenario.step_count


@admin.register(Step)
class StepAdmin(UseCaseRowAdmin):
    owner_field = "scenario"
    list_display = ("number", "name", "scenario", "use_case", "service")
    list_display_links = ("number", "name")
    list_filter = ("scenario__use_case__workspace", "service")
    list_select_related = ("scenario__use_case",)
    search_fields = ("number", "name", "event", "description", "scenario__name", "scenario__use_case__identifier")
    autocomplete_fields = ("scenario", *StepInline.autocomplete_fields)
    raw_id_fields = ("parent",)
    template_table = "steps"
    leading_fields = ("parent", "position")
    exclude = ("extra",)

    @admin.display(description="use case", ordering="scenario__use_case")
    def use_case(self, step: Step) -> UseCase:
        return step.scenario.use_case


@admin.register(VersionEntry)
class VersionEntryAdmin(UseCaseRowAdmin):
    template_table = "versions"
    list_display = ("__str__", "use_case", "date", "authors", "approval_status")
    search_fields = ("number", "authors", "changes", "use_case__identifier", "use_case__name")


@admin.register(Objective)
class ObjectiveAdmin(UseCaseRowAdmin):
    template_table = "objectives"
    list_display = ("name", "use_case")
    search_fields = ("name", "description", "use_case__identifier", "use_case__name")


@admin.register(Kpi)
class KpiAdmin(UseCaseRowAdmin):
    template_table = "kpis"
    list_display = ("identifier", "name", "use_case")
    list_display_links = ("identifier", "name")
    search_fields = ("identifier", "name", "description", "use_case__identifier", "use_case__name")
    autocomplete_fields = ("use_case", "objectives")


@admin.register(Condition)
class ConditionAdmin(UseCaseRowAdmin):
    template_table = "assumptions"
    leading_fields = ("scenario", "kind", "position")
    list_display = ("__str__", "kind", "use_case", "scenario")
    list_filter = ("kind", "use_case__workspace")
    list_select_related = ("use_case__workspace", "scenario")
    search_fields = ("number", "name", "description", "use_case__identifier", "use_case__name")
    autocomplete_fields = ("use_case", "scenario")


@admin.register(UseCaseRelation)
class UseCaseRelationAdmin(UseCaseRowAdmin):
    template_table = "relations"
    list_display = ("use_case", "type", "related")
    list_filter = ("type", "use_case__workspace")
    list_select_related = ("use_case__workspace", "related__workspace")
    search_fields = ("use_case__identifier", "use_case__name", "related__identifier", "related__name")
    autocomplete_fields = ("use_case", "related")


@admin.register(Remark)
class RemarkAdmin(UseCaseRowAdmin):
    template_table = "remarks"
    list_display = ("__str__", "use_case")
    search_fields = ("text", "use_case__identifier", "use_case__name")


@admin.register(Drawing)
class DrawingAdmin(UseCaseRowAdmin):
    template_table = "drawings"
    trailing_fields = DrawingInline.trailing_fields
    list_display = ("name", "drawing_type", "use_case", "scenario", "step")
    list_filter = ("drawing_type", "uri_type", "use_case__workspace")
    list_select_related = ("use_case__workspace", "scenario", "step")
    search_fields = ("name", "uri", "use_case__identifier", "use_case__name")
    autocomplete_fields = ("use_case", "scenario", "step")


@admin.register(ActorGrouping)
class ActorGroupingAdmin(UseCaseRowAdmin):
    template_table = "actor-groupings"
    list_display = ("__str__", "use_case")
    search_fields = ("name", "description", "use_case__identifier", "use_case__name")


@admin.register(ActorRole)
class ActorRoleAdmin(UseCaseRowAdmin):
    template_table = "actors"
    list_display = ("actor", "use_case", "grouping")
    list_filter = ("actor__type", "use_case__workspace")
    list_select_related = ("actor", "use_case__workspace", "grouping")
    search_fields = ("actor__name", "further_information", "use_case__identifier", "use_case__name")
    autocomplete_fields = ("use_case", "actor", "grouping")


@admin.register(Reference)
class ReferenceAdmin(UseCaseRowAdmin):
    template_table = "references"
    list_display = ("name", "number", "reference_type", "status", "use_case")
    list_filter = ("reference_type", "use_case__workspace")
    search_fields = ("name", "number", "originator", "description", "use_case__identifier", "use_case__name")


@admin.register(CustomInformation)
class CustomInformationAdmin(UseCaseRowAdmin):
    template_table = "custom-information"
    list_display = ("key", "value", "refers_to_section", "use_case")
    list_filter = ("refers_to_section", "use_case__workspace")
    search_fields = ("key", "value", "use_case__identifier", "use_case__name")
