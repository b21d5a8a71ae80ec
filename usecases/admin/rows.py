"""The use case's tables in the admin: the row form, the inlines of a use case and of a scenario, and how they are
saved (row by row, through the use case row services). Their fields, order and labels are the template's
(usecases.template): a column's name is the field, its label the field's."""

from django import forms
from django.contrib import admin
from django.db import models

from ucmr.admin import ServiceModelForm, adopt, form_data, fresh_copy
from usecases import services
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
from usecases.template import Column, named_columns

COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}


def row_data(form: forms.ModelForm) -> dict:
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
                saved = services.usecase_row_update(user=request.user, row=row, data=row_data(row_form))
                adopt(row_form.instance, saved)
                formset.changed_objects.append((row_form.instance, row_form.changed_data))
        for row_form in formset.extra_forms:
            if row_form.has_changed() and row_form not in deleted_forms:
                row = services.usecase_row_create(
                    user=request.user, use_case=use_case, model=formset.model, data=row_data(row_form)
                )
                adopt(row_form.instance, row)
                formset.new_objects.append(row_form.instance)


class TemplateColumnsMixin:
    """The fields of a table of the template (`template_table`, usecases.template): `leading_fields`, the columns the
    template names that are fields of the model, in the template's order, then `trailing_fields`; each column's
    field labelled as the template labels the column."""

    template_table = ""
    leading_fields: tuple[str, ...] = ("position",)
    trailing_fields: tuple[str, ...] = ()

    def template_columns(self) -> list[Column]:
        editable = {field.name for field in self.model._meta.get_fields() if getattr(field, "editable", False)}
        return [column for column in named_columns(self.template_table) if column.name in editable]

    def template_fields(self) -> tuple[str, ...]:
        columns = (column.name for column in self.template_columns())
        return tuple(dict.fromkeys((*self.leading_fields, *columns, *self.trailing_fields)))

    def template_labels(self) -> dict[str, str]:
        return {column.name: column.label for column in self.template_columns()}


class RowInline(TemplateColumnsMixin, admin.TabularInline):
    """An ordered table of a use case. `scoped_fields` limit choices to rows of the same use case."""

    form = UseCaseRowForm
    extra = 0
    formfield_overrides = COMPACT_TEXT
    scoped_fields: dict = {}

    def get_fields(self, request, obj=None):
        return self.template_fields()

    def get_queryset(self, request):
        fields = self.template_fields()
        many = [field.name for field in self.model._meta.many_to_many if field.name in fields]
        return super().get_queryset(request).prefetch_related(*many)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **{"labels": self.template_labels(), **kwargs})
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
    template_table = "versions"


class ObjectiveInline(RowInline):
    model = Objective
    template_table = "objectives"


class KpiInline(RowInline):
    model = Kpi
    template_table = "kpis"
    scoped_fields = {"objectives": lambda use_case: use_case.objectives.all()}


class UseCaseConditionInline(KindChoicesMixin, RowInline):
    model = Condition
    template_table = "assumptions"
    leading_fields = ("position", "kind")
    kinds = (Condition.Kind.ASSUMPTION, Condition.Kind.PREREQUISITE)
    verbose_name = "assumption or prerequisite"
    verbose_name_plural = "assumptions and prerequisites"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(scenario__isnull=True)


class UseCaseRelationInline(RowInline):
    model = UseCaseRelation
    fk_name = "use_case"
    template_table = "relations"
    autocomplete_fields = ("related",)


class RemarkInline(RowInline):
    model = Remark
    template_table = "remarks"


class DrawingInline(RowInline):
    model = Drawing
    template_table = "drawings"
    trailing_fields = ("uri_type", "step")
    scoped_fields = {
        "scenario": lambda use_case: use_case.scenarios.all(),
        "step": lambda use_case: Step.objects.filter(scenario__use_case=use_case),
    }


class ActorGroupingInline(RowInline):
    model = ActorGrouping
    template_table = "actor-groupings"


class ActorRoleInline(RowInline):
    model = ActorRole
    template_table = "actors"
    autocomplete_fields = ("actor",)
    scoped_fields = {"grouping": lambda use_case: use_case.actor_groupings.all()}


class ReferenceInline(RowInline):
    """Stacked: seven columns and a description are too wide for a row."""

    model = Reference
    template = "admin/edit_inline/stacked.html"
    template_table = "references"
    trailing_fields = ("description",)


class ScenarioInline(RowInline):
    model = Scenario
    template_table = "scenarios"
    autocomplete_fields = ("primary_actors", "requirements")
    show_change_link = True  # its steps and conditions are edited on the scenario's page


class CustomInformationInline(RowInline):
    model = CustomInformation
    template_table = "custom-information"


class StepInline(RowInline):
    model = Step
    template_table = "steps"
    leading_fields = ("position", "parent")
    trailing_fields = ("primary_actors",)
    raw_id_fields = ("parent",)
    autocomplete_fields = ("producers", "receivers", "primary_actors", "information_objects", "requirements")


class ScenarioConditionInline(KindChoicesMixin, RowInline):
    model = Condition
    fk_name = "scenario"
    template_table = "assumptions"  # a scenario's conditions have the columns of the use case's
    leading_fields = ("position", "kind")
    kinds = Condition.SCENARIO_KINDS
    verbose_name = "triggering event, pre- or post-condition"
    verbose_name_plural = "triggering events, pre- and post-conditions"
