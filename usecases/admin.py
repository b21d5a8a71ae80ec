"""Admin for use cases, their tables (as inlines and on their own), workspaces and the section 5 and 7 libraries.

Every write goes through `usecases.services`: it is audited, and a change to a use case or any of its rows bumps
the use case's revision. The use case form carries the revision it was opened at, so a save over someone else's
change is refused with the service's message.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models

from ucmr.admin import ReadOnlyModelAdmin, ServiceModelAdmin, ServiceModelForm, adopt, form_data, fresh_copy
from usecases import access, services
from usecases.models import (
    ActorGrouping,
    ActorRole,
    Area,
    BusinessCase,
    CommonTerm,
    Condition,
    CustomInformation,
    Drawing,
    InformationObject,
    Kpi,
    Objective,
    Reference,
    Remark,
    Scenario,
    StatusChange,
    Step,
    UseCase,
    UseCaseRelation,
    UseCaseSnapshot,
    VersionEntry,
    Workspace,
    WorkspaceMembership,
)

COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}


def _row_data(form: forms.ModelForm) -> dict:
    """A row form's values for `usecase_row_create`/`usecase_row_update`, which set the use case themselves.
    An empty position (or 0, the model's default) puts a new row last and leaves an existing row where it is."""
    data = form_data(form, exclude=("use_case",))
    if not data.get("position"):
        data.pop("position", None)
    return data


class UseCaseRowForm(ServiceModelForm):
    """A row of a use case table: a new row without a position goes last."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "position" in self.fields:
            self.fields["position"].required = False
            self.fields["position"].help_text = "Empty: after the last row."
            if self.instance._state.adding:
                self.initial["position"] = None


class UseCaseRowsInlineMixin:
    """Saves the inlines of a use case or a scenario row by row through the use case row services."""

    def save_formset(self, request, form, formset, change):
        parent = formset.instance
        use_case = parent if isinstance(parent, UseCase) else parent.owner_use_case
        deleted_forms = formset.deleted_forms
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row_form in formset.initial_forms:
            row = fresh_copy(row_form.instance)
            if row is None:
                continue  # deleted with a row deleted just before (a sub-step of a deleted step)
            if row_form in deleted_forms:
                services.usecase_row_delete(user=request.user, row=row)
                formset.deleted_objects.append(row)
            elif row_form.has_changed():
                saved = services.usecase_row_update(user=request.user, row=row, data=_row_data(row_form))
                adopt(row_form.instance, saved)
                formset.changed_objects.append((row_form.instance, row_form.changed_data))
        for row_form in formset.extra_forms:
            if row_form.has_changed() and row_form not in deleted_forms:
                row = services.usecase_row_create(
                    user=request.user, use_case=use_case, model=formset.model, data=_row_data(row_form)
                )
                adopt(row_form.instance, row)
                formset.new_objects.append(row_form.instance)


class RowInline(admin.TabularInline):
    """An ordered table of a use case. `scoped_fields` limit choices to rows of the same use case."""

    form = UseCaseRowForm
    extra = 0
    formfield_overrides = COMPACT_TEXT
    scoped_fields: dict = {}

    def get_queryset(self, request):
        many = [field.name for field in self.model._meta.many_to_many if field.name in self.fields]
        return super().get_queryset(request).prefetch_related(*many)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for name, scope in self.scoped_fields.items():
            field = formset.form.base_fields[name]
            field.queryset = scope(obj) if obj is not None else field.queryset.none()
        return formset


class KindChoicesMixin:
    """Offers only the condition kinds that belong where the condition is shown."""

    kinds: tuple = ()

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            kwargs["choices"] = [("", "---------"), *((kind.value, kind.label) for kind in self.kinds)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class VersionEntryInline(RowInline):
    model = VersionEntry
    fields = ("position", "number", "date", "authors", "changes", "approval_status")


class ObjectiveInline(RowInline):
    model = Objective
    fields = ("position", "name", "description")


class KpiInline(RowInline):
    model = Kpi
    fields = ("position", "identifier", "name", "description", "objectives")
    scoped_fields = {"objectives": lambda use_case: use_case.objectives.all()}


class UseCaseConditionInline(KindChoicesMixin, RowInline):
    model = Condition
    fields = ("position", "kind", "number", "name", "description")
    kinds = (Condition.Kind.ASSUMPTION, Condition.Kind.PREREQUISITE)
    verbose_name = "assumption or prerequisite"
    verbose_name_plural = "assumptions and prerequisites"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(scenario__isnull=True)


class UseCaseRelationInline(RowInline):
    model = UseCaseRelation
    fk_name = "use_case"
    fields = ("position", "type", "related", "description")
    autocomplete_fields = ("related",)


class RemarkInline(RowInline):
    model = Remark
    fields = ("position", "text")


class DrawingInline(RowInline):
    model = Drawing
    fields = ("position", "name", "drawing_type", "uri", "uri_type", "image", "scenario", "step")
    scoped_fields = {
        "scenario": lambda use_case: use_case.scenarios.all(),
        "step": lambda use_case: Step.objects.filter(scenario__use_case=use_case),
    }


class ActorGroupingInline(RowInline):
    model = ActorGrouping
    fields = ("position", "name", "description")


class ActorRoleInline(RowInline):
    model = ActorRole
    fields = ("position", "actor", "grouping", "further_information")
    autocomplete_fields = ("actor",)
    scoped_fields = {"grouping": lambda use_case: use_case.actor_groupings.all()}


class ReferenceInline(admin.StackedInline):
    model = Reference
    form = UseCaseRowForm
    extra = 0
    formfield_overrides = COMPACT_TEXT
    fields = (
        ("position", "number", "reference_type", "status"),
        "name",
        ("originator", "link"),
        "impact",
        "description",
    )


class ScenarioInline(RowInline):
    model = Scenario
    fields = ("position", "number", "name", "description", "primary_actors", "requirements")
    autocomplete_fields = ("primary_actors", "requirements")
    show_change_link = True  # its steps and conditions are edited on the scenario's page


class CustomInformationInline(RowInline):
    model = CustomInformation
    fields = ("position", "key", "value", "refers_to_section")


class StepInline(RowInline):
    model = Step
    fields = (
        "position",
        "number",
        "parent",
        "event",
        "name",
        "description",
        "service",
        "producers",
        "receivers",
        "primary_actors",
        "information_objects",
        "requirements",
    )
    raw_id_fields = ("parent",)
    autocomplete_fields = ("producers", "receivers", "primary_actors", "information_objects", "requirements")


class ScenarioConditionInline(KindChoicesMixin, RowInline):
    model = Condition
    fk_name = "scenario"
    fields = ("position", "kind", "number", "name", "description")
    kinds = Condition.SCENARIO_KINDS
    verbose_name = "triggering event, pre- or post-condition"
    verbose_name_plural = "triggering events, pre- and post-conditions"


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
    fieldsets = (
        (None, {"fields": ("workspace", "identifier", "name", "status", "expected_revision")}),
        (
            "1. Description of the use case",
            {"fields": ("area", "scope", "business_cases", "short_description", "complete_description")},
        ),
        (
            "1.7 Classification",
            {"fields": ("level_of_depth", "prioritisation", "classification", "nature", "view_point", "keywords")},
        ),
        ("3. Primary actors, 7. Common terms", {"fields": ("primary_actors", "common_terms")}),
        ("Record", {"fields": ("mrid", "revision", "created_by", "created", "modified"), "classes": ("collapse",)}),
    )
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


class UseCaseRowAdmin(ServiceModelAdmin):
    """A use case table on its own (search across use cases). The row's owner is fixed once it exists."""

    owner_field = "use_case"
    form = UseCaseRowForm
    autocomplete_fields = ("use_case",)
    list_select_related = ("use_case__workspace",)
    list_filter = ("use_case__workspace",)
    formfield_overrides = COMPACT_TEXT

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, self.owner_field) if obj is not None else readonly

    def service_create(self, request, form):
        use_case = form.cleaned_data.get("use_case") or form.cleaned_data["scenario"].use_case
        return services.usecase_row_create(user=request.user, use_case=use_case, model=self.model, data=_row_data(form))

    def service_update(self, request, obj, form):
        return services.usecase_row_update(user=request.user, row=obj, data=_row_data(form))

    def service_delete(self, request, obj):
        services.usecase_row_delete(user=request.user, row=obj)


@admin.register(Scenario)
class ScenarioAdmin(UseCaseRowsInlineMixin, UseCaseRowAdmin):
    list_display = ("number", "name", "use_case", "step_count")
    list_display_links = ("number", "name")
    search_fields = ("number", "name", "description", "use_case__identifier", "use_case__name")
    autocomplete_fields = ("primary_actors", "requirements")
    raw_id_fields = ("use_case",)
    fields = ("use_case", "position", "number", "name", "description", "primary_actors", "requirements")
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
    fields = (
        "scenario",
        "parent",
        "position",
        "number",
        "event",
        "name",
        "description",
        "service",
        "producers",
        "receivers",
        "primary_actors",
        "information_objects",
        "requirements",
    )

    @admin.display(description="use case", ordering="scenario__use_case")
    def use_case(self, step: Step) -> UseCase:
        return step.scenario.use_case


@admin.register(VersionEntry)
class VersionEntryAdmin(UseCaseRowAdmin):
    list_display = ("__str__", "use_case", "date", "authors", "approval_status")
    search_fields = ("number", "authors", "changes", "use_case__identifier", "use_case__name")


@admin.register(Objective)
class ObjectiveAdmin(UseCaseRowAdmin):
    list_display = ("name", "use_case")
    search_fields = ("name", "description", "use_case__identifier", "use_case__name")


@admin.register(Kpi)
class KpiAdmin(UseCaseRowAdmin):
    list_display = ("identifier", "name", "use_case")
    list_display_links = ("identifier", "name")
    search_fields = ("identifier", "name", "description", "use_case__identifier", "use_case__name")
    autocomplete_fields = ("use_case", "objectives")


@admin.register(Condition)
class ConditionAdmin(UseCaseRowAdmin):
    list_display = ("__str__", "kind", "use_case", "scenario")
    list_filter = ("kind", "use_case__workspace")
    list_select_related = ("use_case__workspace", "scenario")
    search_fields = ("number", "name", "description", "use_case__identifier", "use_case__name")
    autocomplete_fields = ("use_case", "scenario")


@admin.register(UseCaseRelation)
class UseCaseRelationAdmin(UseCaseRowAdmin):
    list_display = ("use_case", "type", "related")
    list_filter = ("type", "use_case__workspace")
    list_select_related = ("use_case__workspace", "related__workspace")
    search_fields = ("use_case__identifier", "use_case__name", "related__identifier", "related__name")
    autocomplete_fields = ("use_case", "related")


@admin.register(Remark)
class RemarkAdmin(UseCaseRowAdmin):
    list_display = ("__str__", "use_case")
    search_fields = ("text", "use_case__identifier", "use_case__name")


@admin.register(Drawing)
class DrawingAdmin(UseCaseRowAdmin):
    list_display = ("name", "drawing_type", "use_case", "scenario", "step")
    list_filter = ("drawing_type", "uri_type", "use_case__workspace")
    list_select_related = ("use_case__workspace", "scenario", "step")
    search_fields = ("name", "uri", "use_case__identifier", "use_case__name")
    autocomplete_fields = ("use_case", "scenario", "step")


@admin.register(ActorGrouping)
class ActorGroupingAdmin(UseCaseRowAdmin):
    list_display = ("__str__", "use_case")
    search_fields = ("name", "description", "use_case__identifier", "use_case__name")


@admin.register(ActorRole)
class ActorRoleAdmin(UseCaseRowAdmin):
    list_display = ("actor", "use_case", "grouping")
    list_filter = ("actor__type", "use_case__workspace")
    list_select_related = ("actor", "use_case__workspace", "grouping")
    search_fields = ("actor__name", "further_information", "use_case__identifier", "use_case__name")
    autocomplete_fields = ("use_case", "actor", "grouping")


@admin.register(Reference)
class ReferenceAdmin(UseCaseRowAdmin):
    list_display = ("name", "number", "reference_type", "status", "use_case")
    list_filter = ("reference_type", "use_case__workspace")
    search_fields = ("name", "number", "originator", "description", "use_case__identifier", "use_case__name")


@admin.register(CustomInformation)
class CustomInformationAdmin(UseCaseRowAdmin):
    list_display = ("key", "value", "refers_to_section", "use_case")
    list_filter = ("refers_to_section", "use_case__workspace")
    search_fields = ("key", "value", "use_case__identifier", "use_case__name")


@admin.register(Workspace)
class WorkspaceAdmin(ServiceModelAdmin):
    list_display = ("name", "slug", "use_case_count", "created")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(use_case_count=models.Count("use_cases"))

    @admin.display(description="use cases", ordering="use_case_count")
    def use_case_count(self, workspace: Workspace) -> int:
        return workspace.use_case_count

    def service_create(self, request, form):
        return services.workspace_create(user=request.user, **form_data(form))


@admin.register(Area)
class AreaAdmin(ServiceModelAdmin):
    list_display = ("name", "description")
    search_fields = ("name", "description", "mrid")
    readonly_fields = ("mrid",)


@admin.register(BusinessCase)
class BusinessCaseAdmin(ServiceModelAdmin):
    list_display = ("name", "description")
    list_filter = ("areas",)
    search_fields = ("name", "description", "mrid")
    autocomplete_fields = ("areas",)
    readonly_fields = ("mrid",)


@admin.register(InformationObject)
class InformationObjectAdmin(ServiceModelAdmin):
    list_display = ("identifier", "name", "data_class", "standards", "modified")
    list_display_links = ("identifier", "name")
    list_filter = ("data_class", "modified")
    search_fields = ("identifier", "name", "description", "standards", "mrid")
    autocomplete_fields = ("requirements",)
    readonly_fields = ("mrid", "created", "modified")

    def service_create(self, request, form):
        return services.information_object_create(user=request.user, data=form_data(form))

    def service_update(self, request, obj, form):
        return services.information_object_update(user=request.user, information_object=obj, data=form_data(form))

    def service_delete(self, request, obj):
        services.information_object_delete(user=request.user, information_object=obj)


@admin.register(CommonTerm)
class CommonTermAdmin(ServiceModelAdmin):
    list_display = ("term", "definition", "modified")
    search_fields = ("term", "definition", "mrid")
    readonly_fields = ("mrid", "created", "modified")

    def service_create(self, request, form):
        return services.common_term_create(user=request.user, data=form_data(form))

    def service_update(self, request, obj, form):
        return services.common_term_update(user=request.user, common_term=obj, data=form_data(form))

    def service_delete(self, request, obj):
        services.common_term_delete(user=request.user, common_term=obj)


@admin.register(WorkspaceMembership)
class WorkspaceMembershipAdmin(ServiceModelAdmin):
    """Members and roles, written through the membership services, which keep the guardian permissions in step."""

    list_display = ("workspace", "user", "role", "modified")
    list_filter = ("role", "workspace")
    list_select_related = ("workspace", "user")
    search_fields = ("user__username", "workspace__name")
    raw_id_fields = ("user",)
    readonly_fields = ("created", "modified")

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        return (*readonly, "workspace", "user") if obj is not None else readonly

    def service_create(self, request, form):
        data = form_data(form)
        return access.workspace_member_set(
            user=request.user, workspace=data["workspace"], member=data["user"], role=data["role"]
        )

    def service_update(self, request, obj, form):
        return access.workspace_member_set(
            user=request.user, workspace=obj.workspace, member=obj.user, role=form.cleaned_data["role"]
        )

    def service_delete(self, request, obj):
        access.workspace_member_remove(user=request.user, membership=obj)


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyModelAdmin):
    list_display = ("time", "use_case", "from_status", "to_status", "user_name")
    list_filter = ("transition", "to_status", "time")
    list_select_related = ("use_case__workspace",)
    search_fields = ("use_case__identifier", "use_case__name", "user_name", "comment")


@admin.register(UseCaseSnapshot)
class UseCaseSnapshotAdmin(ReadOnlyModelAdmin):
    """Frozen versions are never changed or deleted, here or anywhere else in the application."""

    list_display = ("use_case", "version_number", "status", "created", "created_by_name")
    list_filter = ("status", "created")
    list_select_related = ("use_case__workspace",)
    search_fields = ("use_case__identifier", "use_case__name", "version_number")
    exclude = ("document",)
