"""Admin for what every app shares (audit trail, jobs), and the base classes every app's admin builds on.

Admin writes go through the services like every other write: `ServiceModelAdmin` replaces the admin's own
`save()`, `save_m2m()` and `delete()` calls with service calls, so a change made in the admin is validated the same
way, lands in the change log and, for a use case, bumps its revision. The admin builds its object from the form
before `save_model()` and sets many-to-many values in `save_related()`; here the service receives the form's
cleaned values, many-to-many included, in `save_model()`, and `save_related()` only saves the inlines.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ValidationError
from django.db import models, transaction
from django.http import HttpResponseRedirect
from django.utils.html import format_html, format_html_join

from ucmr.audit import (
    account_roles,
    group_permissions,
    record_account_change,
    record_group_change,
    record_password_change,
)
from ucmr.models import BackgroundJob, ChangeLogEntry
from ucmr.services import ObjectServices, model_create, model_delete, model_update


def form_data(form: forms.ModelForm, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The form's cleaned values of model fields, as services take them (many-to-many fields included)."""
    data = {}
    for name in form.fields:
        if name in exclude or name not in form.cleaned_data:
            continue
        try:
            field = form._meta.model._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # a field of the form only
        if field.primary_key or not (field.concrete or field.many_to_many):
            continue
        value = form.cleaned_data[name]
        if isinstance(field, models.FileField):
            if value is None:
                continue  # nothing uploaded: the file stays
            value = value or ""  # False: the clear box was ticked
        data[name] = value
    return data


def fresh_copy(obj: models.Model) -> models.Model | None:
    """The object as stored: the admin's copy already carries the form's values, which would spoil the audit
    trail's "before"."""
    return type(obj)._default_manager.filter(pk=obj.pk).first()


def adopt(target: models.Model, saved: models.Model) -> None:
    """Give the admin's object the state the service saved (primary key, defaults, normalised values), which the
    admin's messages, history and redirects use."""
    for field in saved._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


class ServiceModelForm(forms.ModelForm):
    """Shows the model's many-to-many invariants (`clean_many_to_many`, checked by the services) as form errors
    instead of a failed save."""

    def _post_clean(self) -> None:
        super()._post_clean()
        check = getattr(self.instance, "clean_many_to_many", None)
        names = {field.name for field in self._meta.model._meta.many_to_many}
        many = {name: list(value) for name, value in self.cleaned_data.items() if name in names}
        if check is None or not many:
            return
        try:
            check(many)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                self.add_error(None, error)
                return
            for name, errors in error.message_dict.items():
                self.add_error(name if name in self.fields else None, errors)


class ServiceModelAdmin(admin.ModelAdmin):
    """A model admin that writes through services: the model's entity services (`services`), or subclasses override
    `service_create`, `service_update` and `service_delete`; without either they call `model_create`, `model_update`
    and `model_delete`."""

    form = ServiceModelForm
    services: ObjectServices | None = None

    def service_create(self, request, form: forms.ModelForm) -> models.Model:
        if self.services is not None:
            return self.services.create(user=request.user, data=form_data(form))
        return model_create(user=request.user, model=self.model, data=form_data(form))

    def service_update(self, request, obj: models.Model, form: forms.ModelForm) -> models.Model:
        if self.services is not None:
            return self.services.update_object(user=request.user, obj=obj, data=form_data(form))
        return model_update(user=request.user, instance=obj, data=form_data(form))

    def service_delete(self, request, obj: models.Model) -> None:
        if self.services is not None:
            self.services.delete_object(user=request.user, obj=obj)
        else:
            model_delete(user=request.user, instance=obj)

    def save_model(self, request, obj, form, change):
        if not change:
            adopt(obj, self.service_create(request, form))
        elif form.has_changed():
            adopt(obj, self.service_update(request, fresh_copy(obj), form))

    def save_related(self, request, form, formsets, change):
        # No form.save_m2m(): the service has set the many-to-many values, and recorded them.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        raise ImproperlyConfigured(f"{type(self).__name__} has inlines but no save_formset() that calls a service.")

    def delete_model(self, request, obj):
        self.service_delete(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.service_delete(request, obj)

    def _refused_by_service(self, request, view, *args, **kwargs):
        """A service's refusal that the form could not foresee (a change saved meanwhile, a row still in use):
        the transaction is rolled back and the reason shown on the page the user came from."""
        try:
            return view(request, *args, **kwargs)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, *args, **kwargs):
        return self._refused_by_service(request, super().changeform_view, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        return self._refused_by_service(request, super().delete_view, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        return self._refused_by_service(request, super().changelist_view, *args, **kwargs)


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Rows that only the application writes (reference data, records): listed and shown, never edited here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeLogEntry)
class ChangeLogEntryAdmin(ReadOnlyModelAdmin):
    list_display = ("time", "user_name", "action", "content_type", "object_repr", "belongs_to")
    list_filter = (
        "action",
        ("content_type", admin.RelatedOnlyFieldListFilter),
        ("user", admin.RelatedOnlyFieldListFilter),
        "time",
    )
    search_fields = ("object_repr", "object_id", "related_object_id", "user_name")
    date_hierarchy = "time"
    list_select_related = ("content_type", "related_content_type")
    fields = (
        "time",
        "user",
        "user_name",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "related_content_type",
        "related_object_id",
        "changes",
    )
    readonly_fields = fields

    @admin.display(description="belongs to")
    def belongs_to(self, entry: ChangeLogEntry) -> str:
        if entry.related_content_type is None:
            return ""
        return f"{entry.related_content_type.name} {entry.related_object_id}"

    @admin.display(description="changes")
    def changes(self, entry: ChangeLogEntry) -> str:
        before, after = entry.before or {}, entry.after or {}
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            ((name, before.get(name, ""), after.get(name, "")) for name in entry.changed_fields),
        )
        return format_html("<table><tr><th>field</th><th>before</th><th>after</th></tr>{}</table>", rows)


@admin.register(BackgroundJob)
class BackgroundJobAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "kind", "status", "progress", "user", "created", "started", "finished")
    list_filter = ("status", "kind", "created")
    search_fields = ("id", "kind", "error", "user__username")
    date_hierarchy = "created"
    list_select_related = ("user",)


class _AuditedChanges:
    """Notes what `snapshot(obj)` says of the stored object before a save, and calls `record` once the related rows
    (groups, permissions) are saved too: the change log then holds the whole change."""

    def snapshot(self, obj):
        raise NotImplementedError

    def record(self, request, obj, before) -> None:
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        stored = type(obj).objects.filter(pk=obj.pk).first() if change else None
        request._audit_before = self.snapshot(stored) if stored is not None else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.record(request, form.instance, request._audit_before)


class AuditedUserAdmin(_AuditedChanges, UserAdmin):
    """Django's user admin, with every change of an account's roles (repository-wide roles are groups) and every
    password an administrator sets in the change log."""

    def snapshot(self, obj):
        return account_roles(obj)

    def record(self, request, obj, before) -> None:
        record_account_change(user=request.user, account=obj, before=before)

    @transaction.atomic
    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            record_password_change(user=request.user, account=self.get_object(request, unquote(id)))
        return response


class AuditedGroupAdmin(_AuditedChanges, GroupAdmin):
    """Django's group admin, with every change of a group's permissions in the change log."""

    def snapshot(self, obj):
        return group_permissions(obj)

    def record(self, request, obj, before) -> None:
        record_group_change(user=request.user, group=obj, before=before)


for model, model_admin in ((get_user_model(), AuditedUserAdmin), (Group, AuditedGroupAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
