"""The library pickers of the row forms: token fields with type-ahead over plain multiple selects, and the rows in
which an author names new library objects (ID, name and, for a requirement, its category) to add with the row.

Without script the select is a plain list box, with every option while the library is small (`INLINE_LIMIT`);
for a larger library it holds only the selected options, and an object of the library is named in a new-object
row (an ID and name the library has picks it). With script (static/js/pickers.js, on Tom Select) the select becomes
a token field that starts with the selected options only and asks the search endpoint (picker_views.py) for the
others as the author types; "Add new" opens a new-object row, as many as the author wants in one save.
"""

import copy
import re
from dataclasses import dataclass, field

from django import forms
from django.db import models
from django.forms.models import ModelChoiceIterator
from django.template.loader import render_to_string
from django.urls import reverse

from requirements.models import RequirementCategory

INLINE_LIMIT = 200  # a library of up to this many objects is rendered whole in the select, for use without script
NEW_ROWS_MAX = 20  # new objects of one picker in one save
NEW_ROWS_BLANK = 2  # blank new-object rows rendered (script hides them behind "Add new")


class LibraryPicker(forms.SelectMultiple):
    """A multiple select of library objects marked for pickers.js (`library`: the search endpoint's library); the
    form sets `search_params` (the use case, for its actors) and `new_objects` (the rows of new objects, if any)."""

    def __init__(self, *, library: str, attrs=None):
        super().__init__(attrs)
        self.library = library
        self.search_params = ""
        self.new_objects: NewObjects | None = None

    def optgroups(self, name, value, attrs=None):
        choices = self.choices
        if not isinstance(choices, ModelChoiceIterator) or choices.queryset.count() <= INLINE_LIMIT:
            return super().optgroups(name, value, attrs)
        selected = copy.copy(choices)
        selected.queryset = choices.queryset.filter(pk__in=[pk for pk in value if str(pk).isdigit()])
        self.choices = selected
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = choices

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        url = reverse("usecases:library_search", kwargs={"library": self.library})
        if self.search_params:
            url += f"?{self.search_params}"
        context["widget"]["attrs"].update({"data-picker": self.library, "data-search-url": url})
        if self.new_objects is not None:
            context["widget"]["attrs"]["data-new-objects"] = self.new_objects.dom_id
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if self.new_objects is None:
            return html
        return html + render_to_string("usecases/authoring/new_objects.html", {"new": self.new_objects})


@dataclass
class NewObjectRow:
    index: int | str
    values: dict[str, str]
    number: int | str = 0
    inputs: list[dict[str, str]] = field(default_factory=list)  # name, label, id, input name, value of each input


@dataclass
class NewObjects:
    """The new-object rows of one picker: inputs named `<key>-<n>-<field>` (n from 0; script adds rows with the next
    numbers), parsed from the form's data."""

    key: str  # "new_information"
    noun: str  # "information"
    fields: tuple[str, ...]  # "identifier", "name" and, for requirements, "category"
    auto_id: str
    rows: list[NewObjectRow] = field(default_factory=list)
    categories: list[tuple[str, str]] = field(default_factory=list)

    LABELS = {"identifier": "ID", "name": "Name", "category": "Category"}

    @classmethod
    def from_data(cls, *, key: str, noun: str, fields: tuple[str, ...], data, auto_id: str) -> "NewObjects":
        pattern = re.compile(rf"{re.escape(key)}-(\d+)-({'|'.join(fields)})")
        found: dict[int, dict[str, str]] = {}
        for name in data or ():
            match = pattern.fullmatch(name)
            if match and int(match[1]) < 1000:
                found.setdefault(int(match[1]), {})[match[2]] = (data.get(name) or "").strip()
        new = cls(key=key, noun=noun, fields=fields, auto_id=auto_id)
        new.rows = [NewObjectRow(index, values) for index, values in sorted(found.items()) if any(values.values())]
        if "category" in fields:
            categories = RequirementCategory.objects.order_by("identifier", "name", "pk")
            new.categories = [("", "(no category)"), *((str(item.pk), str(item)) for item in categories)]
        return new

    @property
    def dom_id(self) -> str:
        return self.auto_id % self.key

    @property
    def next_index(self) -> int:
        return max((int(row.index) for row in self.rows), default=-1) + 1 + NEW_ROWS_BLANK

    def _with_inputs(self, row: NewObjectRow, number: int | str) -> NewObjectRow:
        row.number = number
        row.inputs = [
            {
                "name": name,
                "label": self.LABELS[name],
                "id": self.auto_id % f"{self.key}-{row.index}-{name}",
                "input_name": f"{self.key}-{row.index}-{name}",
                "value": row.values.get(name, ""),
            }
            for name in self.fields
        ]
        return row

    @property
    def shown(self) -> list[NewObjectRow]:
        """The rows the author filled in, then blank ones (as many as `NEW_ROWS_BLANK`)."""
        start = self.next_index - NEW_ROWS_BLANK
        rows = [*self.rows, *(NewObjectRow(index, {}) for index in range(start, self.next_index))]
        return [self._with_inputs(row, number) for number, row in enumerate(rows, start=1)]

    @property
    def template_row(self) -> NewObjectRow:
        """The row script copies for another new object (it puts the index and number in)."""
        return self._with_inputs(NewObjectRow("__index__", {}), "__number__")

    def cleaned(self, model: type[models.Model]) -> tuple[list[tuple[str, dict]], list[str]]:
        """What each new object is called in messages and its data (with its category, for a requirement), and what
        is wrong."""
        objects, errors = [], []
        if len(self.rows) > NEW_ROWS_MAX:
            return [], [f"Add at most {NEW_ROWS_MAX} new {self.noun} objects at a time."]
        for number, row in enumerate(self.rows, start=1):
            data = {name: row.values.get(name, "") for name in ("identifier", "name")}
            what = f"New {self.noun} {number}"
            if not data["identifier"] and not data["name"]:
                errors.append(f"{what}: give its ID or its name.")
                continue
            too_long = [name for name, text in data.items() if len(text) > model._meta.get_field(name).max_length]
            if too_long:
                errors.append(f"{what}: the {' and '.join(too_long)} is too long.")
                continue
            category = row.values.get("category", "")
            if category:
                found = RequirementCategory.objects.filter(pk=category).first() if category.isdigit() else None
                data["category"] = found
                if found is None:
                    errors.append(f"{what}: choose one of the categories offered.")
                    continue
            objects.append((what, data))
        return objects, errors


def library_match(model: type[models.Model], data: dict):
    """The library object a new-object row names, when the library has it already: the same ID and name (those
    given), ignoring case."""
    given = {f"{name}__iexact": data[name] for name in ("identifier", "name") if data.get(name)}
    return model.objects.filter(**given).order_by("pk").first()
