"""The row forms' base (`RowForm`): a row of one table of a use case, its fingerprint, the template's labels, and
the library objects its fields name (picked, or added with the row for who may add them); and the form of a row's
delete or move (`RowActionForm`). The forms parse input and limit choices to what the use case holds; the row
services validate and write (their refusals are put on the form by the views)."""

from types import SimpleNamespace
from typing import Any

from django import forms
from django.db import models

from actors.models import Actor
from actors.services import actor_create
from requirements.models import Requirement
from requirements.services import requirement_create
from ucmr.admin import form_data
from usecases import template
from usecases.access import may_add_to_library
from usecases.authoring.pickers import LibraryPicker, NewObjects, library_match
from usecases.authoring.selectors import library_label
from usecases.models import BusinessCase, CommonTerm, InformationObject
from usecases.services import business_case_create, common_term_create, information_object_create

TEXT = forms.Textarea(attrs={"rows": 2})

# How the editors add a library object an author names that the library does not have yet.
LIBRARY_CREATE = {
    Actor: actor_create,
    BusinessCase: business_case_create,
    CommonTerm: common_term_create,
    InformationObject: information_object_create,
    Requirement: requirement_create,
}


class RowForm(forms.ModelForm):
    """A row of one table of `use_case` (of `scenario` for a scenario's tables). A form of an existing row carries
    `fingerprint`, the row's values as loaded (`fingerprint` of its table, see conflicts.py): the write is refused
    when someone changed the row since; changes to other rows do not matter.

    `template_table` is the template's table the form edits a row of (whose labels its fields take, and whose columns
    its table editor shows); `template_fields` the form field that edits a column, where not the column's name."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    template_table = ""
    template_fields: dict[str, str] = {}

    def __init__(self, *args, use_case, scenario=None, user=None, fingerprint: str = "", **kwargs):
        kwargs["initial"] = {"fingerprint": fingerprint, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.fields["fingerprint"].required = self.instance.pk is not None
        self.use_case, self.scenario, self.user = use_case, scenario, user
        # What a field names in the libraries: an existing object (picked), or a new one to add with the row
        # (additions), added by add_library_objects.
        self.picked: dict[str, models.Model] = {}
        self.additions: dict[str, tuple[type[models.Model], dict[str, str]]] = {}
        self.added: dict[str, models.Model] = {}
        for column in template.named_columns(self.template_table):
            name = self.template_fields.get(column.name, column.name)
            if name in self.fields:
                self.fields[name].label = column.label
        self.limit_choices()

    def may_add(self, model: type[models.Model]) -> bool:
        """Whether the user may add `model` objects to the library from this form (as an import may)."""
        return self.user is not None and may_add_to_library(self.user, model)

    def pickers(self, *, actors: tuple[str, ...] = (), libraries: dict[str, str] | None = None) -> None:
        """Make token fields of the form's library fields: `actors` pick among the use case's actors, `libraries`
        (field: library of the search endpoint) in a whole library."""
        for name in actors:
            self.fields[name].widget = widget = LibraryPicker(library="actors")
            widget.choices = self.fields[name].choices
            widget.search_params = f"use_case={self.use_case.pk}"
        for name, library in (libraries or {}).items():
            field = self.fields[name]
            field.widget = widget = LibraryPicker(library=library)
            field.label_from_instance = library_label
            widget.choices = field.choices

    def new_objects(self, name: str, *, key: str, noun: str, category: bool = False) -> None:
        """Under the picker of field `name`, rows that name new library objects to add with the row."""
        fields = ("identifier", "name", "category") if category else ("identifier", "name")
        new = NewObjects.from_data(key=key, noun=noun, fields=fields, data=self.data, auto_id=self.auto_id or "id_%s")
        self.fields[name].widget.new_objects = new

    def pick_or_add_new(self, name: str) -> None:
        """The objects the new-object rows of field `name` name: those the library has are picked, the others
        added with the row (for who may add), with an error on the field otherwise."""
        new = self.fields[name].widget.new_objects
        model = self.fields[name].queryset.model
        objects, errors = new.cleaned(model)
        for error in errors:
            self.add_error(name, error)
        for number, (what, data) in enumerate(objects):
            found = library_match(model, data)
            if found is not None:
                self.picked[f"{name}-{number}"] = found
            elif not data["name"] and not model._meta.get_field("name").blank:
                self.add_error(name, f"{what}: give its name (the library has no {data['identifier']}).")
            elif self.may_add(model):
                self.additions[f"{name}-{number}"] = (model, data)
            else:
                label, noun = library_label(SimpleNamespace(**data)), model._meta.verbose_name
                self.add_error(name, f"The library has no {noun} “{label}”, and you may not add one.")

    def library_objects(self, name: str) -> list[models.Model]:
        """The library objects named in the new-object rows of field `name`: picked, or added (once added)."""
        keys = [key for key in {*self.picked, *self.added} if key.rpartition("-")[0] == name]
        return [self.library_object(key) for key in sorted(keys, key=lambda key: int(key.rpartition("-")[2]))]

    def add_library_objects(self, *, user) -> None:
        """Add the new library objects the form names, in the caller's transaction, before its row is written."""
        for name, (model, data) in self.additions.items():
            self.added[name] = LIBRARY_CREATE[model](user=user, data=data)

    def library_object(self, name: str) -> models.Model | None:
        """The library object field `name` names: the one picked, or the one added (once added)."""
        return self.added.get(name) or self.picked.get(name)

    def limit_choices(self) -> None:
        """Narrow the choices of relation fields to what this use case holds."""

    @property
    def datalists(self) -> list[tuple[str, list[str]]]:
        """Suggestions of free-text fields: (the datalist's id, its options)."""
        return []

    def list_id(self, name: str) -> str:
        return (self.auto_id or "id_%s") % f"{name}-choices"

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as the row services take them."""
        return form_data(self, exclude=("fingerprint",))


class RowActionForm(forms.Form):
    """A delete or a move posted from an editor: with the row's values as the table showed them (`fingerprint`, for
    a delete) or the order of its siblings (`order`, for a move)."""

    fingerprint = forms.CharField(required=False, max_length=64)
    order = forms.CharField(required=False, max_length=64)
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")], required=False)
