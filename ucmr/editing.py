"""What every app's edit and history pages share: forms written through a service, errors of the service shown on
the form, and the permission checks of ucmr.permissions (a 404 for what the user may not see, a 403 for what they
may see but not change)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.forms import modelform_factory
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import CreateView, ListView, UpdateView

from ucmr.admin import form_data, fresh_copy
from ucmr.permissions import ADD, CHANGE, VIEW, ObjectPermissionMixin, require, user_can, visible_to
from ucmr.selectors import changes_redacted, object_history
from ucmr.services import ObjectServices

HISTORY_PAGE_SIZE = 50


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal on the form: on the field it names when the form has it, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields and name != NON_FIELD_ERRORS else None, messages)


class FormPart:
    """Fields an app above adds to another app's edit form, and what it writes from them: registered with
    `register_form_part` in its AppConfig.ready(), so that the app below imports none of it (as the actor's edit
    page offers an SGAM cell)."""

    def fields(self) -> dict[str, forms.Field]:
        raise NotImplementedError

    def clean(self, form: forms.Form, cleaned: dict[str, Any]) -> None:
        """Put errors on `form` (its `add_error`); the services validate again."""

    def write(self, *, user, cleaned: dict[str, Any]) -> Callable[[models.Model], Any] | None:
        """What to write for the form's object once its own service has saved it, or None for nothing."""
        raise NotImplementedError


_form_parts: dict[str, list[FormPart]] = {}


def register_form_part(model: type[models.Model] | str, part: FormPart) -> None:
    """Add `part` to the edit forms of `model` (a model or its "app_label.ModelName") that take parts."""
    _form_parts.setdefault(model if isinstance(model, str) else model._meta.label, []).append(part)


class PartsFormMixin:
    """A model form with the parts registered for its model: their fields after its own, their checks, and
    `part_writes(user=...)` for its service to run in the same transaction."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.parts = _form_parts.get(self._meta.model._meta.label, [])
        for part in self.parts:
            self.fields.update(part.fields())

    def clean(self):
        cleaned = super().clean()
        for part in self.parts:
            part.clean(self, cleaned)
        return cleaned

    def part_writes(self, *, user) -> list[Callable[[models.Model], Any]]:
        writes = (part.write(user=user, cleaned=self.cleaned_data) for part in self.parts)
        return [write for write in writes if write is not None]


class ServiceFormMixin:
    """Saves a valid form with `save(data)` (a service call); a ValidationError it raises is shown on the form."""

    template_name = "ucmr/object_form.html"
    form_exclude: tuple[str, ...] = ()
    list_url_name = "home"  # where "Cancel" leads from a new object's page

    def save(self, form: forms.ModelForm, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object = self.save(form, form_data(form, exclude=self.form_exclude))
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        name = self.model._meta.verbose_name
        editing = getattr(self, "object", None) is not None and self.object.pk is not None
        return super().get_context_data(
            heading=f"Edit {name} “{self.object}”" if editing else f"New {name}",
            cancel_url=self.object.get_absolute_url() if editing else reverse(self.list_url_name),
            **kwargs,
        )


class ServiceCreateView(ServiceFormMixin, ObjectPermissionMixin, CreateView):
    """A page that adds an object through the service its `save()` calls (by default `services.create`): a 403 for
    users who may not add one."""

    permission_action = ADD
    services: ObjectServices

    def save(self, form: forms.ModelForm, data: dict[str, Any]) -> models.Model:
        return self.services.create(user=self.request.user, data=data)

    def check_permissions(self) -> None:
        require(self.request.user, ADD, self.model)


class ServiceUpdateView(ServiceFormMixin, ObjectPermissionMixin, UpdateView):
    """A page that changes an object through the service its `save()` calls (by default `services.update`, given
    `stored_object()`): a 404 for an object the user may not see, a 403 for one they may see but not change."""

    permission_action = CHANGE
    services: ObjectServices
    # What may be changed by who may change this object but not every object of its model (the creator of a
    # library object, ucmr.permissions.CREATOR_EDITED): the form's declared fields and these; all when empty.
    own_object_fields: tuple[str, ...] = ()

    def get_form_class(self):
        form_class = super().get_form_class()
        if self.own_object_fields and not user_can(self.request.user, CHANGE, self.model):
            return modelform_factory(self.model, form=form_class, fields=self.own_object_fields)
        return form_class

    def get_object(self, queryset=None):
        obj = get_object_or_404(visible_to(self.request.user, self.model.objects.all(), VIEW), pk=self.kwargs["pk"])
        require(self.request.user, CHANGE, obj)
        return obj

    def stored_object(self) -> models.Model:
        """The object as stored: the form has written its values onto `self.object`, which would spoil the audit
        trail's "before"."""
        return fresh_copy(self.object)

    def save(self, form: forms.ModelForm, data: dict[str, Any]) -> models.Model:
        return self.services.update_object(user=self.request.user, obj=self.stored_object(), data=data)


class ObjectHistoryView(ObjectPermissionMixin, ListView):
    """The audit trail of one object the user may see (for a use case, with the changes to its rows)."""

    template_name = "ucmr/object_history.html"
    context_object_name = "entries"
    paginate_by = HISTORY_PAGE_SIZE
    get_subject: Callable[..., models.Model]  # (user=..., pk=...) -> the object, or a 404

    def get_queryset(self):
        self.subject = type(self).get_subject(user=self.request.user, pk=self.kwargs["pk"])
        return object_history(user=self.request.user, obj=self.subject)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(subject=self.subject, **kwargs)
        # Evaluated here, so that rendering the page runs no query.
        context["entries"] = changes_redacted(user=self.request.user, entries=list(context["object_list"]))
        return context
