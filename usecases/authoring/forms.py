"""The row forms of the table editors. They parse input and limit choices to what the use case holds; the row
services validate and write (their refusals are put on the form by the views). A field that is a column of the
template (usecases.template) is labelled as the template labels the column."""

from types import SimpleNamespace
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.forms.utils import flatatt
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from actors.models import Actor
from actors.services import actor_create
from requirements.models import Requirement
from requirements.services import requirement_create
from sgam.models import Domain, Layer, Zone
from ucmr.admin import form_data
from ucmr.permissions import visible_to
from usecases import template
from usecases.access import may_add_to_library
from usecases.authoring.pickers import LibraryPicker, NewObjects, library_match
from usecases.authoring.selectors import library_label
from usecases.models import (
    ActorGrouping,
    ActorRole,
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
    Step,
    UseCase,
    UseCaseRelation,
    VersionEntry,
)
from usecases.models.images import image_check
from usecases.selectors import step_rows, step_tree
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


def usecase_actors(use_case) -> Any:
    """The library actors that take part in the use case (3.1): what its scenarios and steps may name."""
    return Actor.objects.filter(roles__use_case=use_case).order_by("name")


class PlainSelect(forms.Select):
    """A select written in Python rather than through a template per option: a step's "Sub-step of" offers every
    step of its scenario, and a template per option took seconds for a scenario of a thousand steps."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            "<option{}>{}</option>",
            (
                (flatatt({"value": option["value"], **option["attrs"]}), option["label"])
                for _, group, _ in widget["optgroups"]
                for option in group
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(widget["attrs"]), options)


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


class VersionEntryForm(RowForm):
    template_table = "versions"

    class Meta:
        model = VersionEntry
        fields = ["number", "date", "authors", "changes", "approval_status"]
        widgets = {"changes": TEXT, "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class ObjectiveForm(RowForm):
    template_table = "objectives"

    class Meta:
        model = Objective
        fields = ["name", "description"]
        widgets = {"description": TEXT}


class KpiForm(RowForm):
    template_table = "kpis"

    class Meta:
        model = Kpi
        fields = ["identifier", "name", "description", "objectives"]
        widgets = {"description": TEXT}

    def limit_choices(self) -> None:
        self.fields["objectives"].queryset = Objective.objects.filter(use_case=self.use_case)


class ConditionForm(RowForm):
    """A condition of any kind: the template's condition tables share their columns."""

    template_table = "assumptions"

    class Meta:
        model = Condition
        fields = ["number", "name", "description"]
        widgets = {"description": TEXT}


class RemarkForm(RowForm):
    template_table = "remarks"

    class Meta:
        model = Remark
        fields = ["text"]
        widgets = {"text": TEXT}


class ReferenceForm(RowForm):
    template_table = "references"

    class Meta:
        model = Reference
        fields = ["number", "reference_type", "name", "status", "impact", "originator", "link", "description"]
        widgets = {"impact": TEXT, "description": TEXT}


class CustomInformationForm(RowForm):
    template_table = "custom-information"

    class Meta:
        model = CustomInformation
        fields = ["key", "value", "refers_to_section"]
        widgets = {"value": TEXT}


class DrawingForm(RowForm):
    """Section 2: a drawing of the use case (or of one of its scenarios): an uploaded image (PNG, JPEG, GIF or
    WebP as Pillow reads it, within UCMR_DRAWING_MAX_PIXELS; SVG and other markup are refused, as it could carry
    script) or a link."""

    template_table = "drawings"

    class Meta:
        model = Drawing
        fields = ["name", "drawing_type", "scenario", "image", "uri", "uri_type"]
        labels = {"uri_type": "Link type"}
        widgets = {"image": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"})}
        help_texts = {"image": "PNG, JPEG, GIF or WebP.", "uri": "Instead of an image, or beside it."}

    def limit_choices(self) -> None:
        self.fields["scenario"].queryset = Scenario.objects.filter(use_case=self.use_case).order_by("position", "pk")
        self.fields["scenario"].empty_label = "(the use case)"
        limit = settings.UCMR_DRAWING_MAX_BYTES
        self.fields["image"].help_text = f"PNG, JPEG, GIF or WebP, at most {filesizeformat(limit)}."

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if not isinstance(image, UploadedFile):
            return image  # nothing new: the drawing keeps its image (or the author cleared it)
        if image.size > settings.UCMR_DRAWING_MAX_BYTES:
            limit = filesizeformat(settings.UCMR_DRAWING_MAX_BYTES)
            raise forms.ValidationError(f"The image is {filesizeformat(image.size)}; drawings may be at most {limit}.")
        image_check(image)
        return image

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("image") and not cleaned.get("uri"):
            raise forms.ValidationError("Upload an image or give a link.")
        return cleaned


class LinkForm(RowForm):
    """A library object the use case lists (a many-to-many relation): named (the browser suggests the library's
    names), or new, with its description, for who may add library objects. Existing objects are the curators' to
    change. `relation` is the use case's relation, `name_field` the object's name."""

    relation = ""
    name_field = "name"
    noun = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.name_field].widget.attrs["list"] = self.list_id(self.name_field)

    @property
    def library(self):
        return self._meta.model.objects

    @property
    def datalists(self) -> list[tuple[str, list[str]]]:
        return [(self.list_id(self.name_field), list(self.library.values_list(self.name_field, flat=True)))]

    def clean(self):
        cleaned = super().clean()
        name = (cleaned.get(self.name_field) or "").strip()
        if not name:
            return cleaned
        model = self._meta.model
        picked = self.library.filter(**{f"{self.name_field}__iexact": name}).order_by("pk").first()
        if picked is None and self.may_add(model):
            fields = {name_: cleaned.get(name_, "") for name_ in self.fields if name_ != "fingerprint"}
            self.additions[self.name_field] = (model, {**fields, self.name_field: name})
        elif picked is None:
            self.add_error(self.name_field, f"The library has no {self.noun} “{name}”, and you may not add one.")
        elif picked in getattr(self.use_case, self.relation).all():
            self.add_error(self.name_field, f"The use case already lists “{picked}”.")
        else:
            self.picked[self.name_field] = picked
        return cleaned

    @property
    def chosen(self):
        return self.library_object(self.name_field)


class TermForm(LinkForm):
    """Section 7: a common term and, for a new one, its definition."""

    relation, name_field, noun = "common_terms", "term", "term"
    template_table = "terms"
    term = forms.CharField(max_length=300)
    definition = forms.CharField(required=False, widget=TEXT, help_text="For a new term only.")

    class Meta:
        model = CommonTerm
        # Only `definition` is the model's: a term named here is picked, or added by its service, so the model's
        # constraints on `term` (unique, not blank) are not this form's to check.
        fields = ["definition"]


class BusinessCaseForm(LinkForm):
    """1.3: a related business case and, for a new one, its description."""

    relation, noun = "business_cases", "business case"
    template_table = "business-cases"
    name = forms.CharField(max_length=300)
    description = forms.CharField(required=False, widget=TEXT, help_text="For a new business case only.")

    class Meta:
        model = BusinessCase
        fields = ["description"]


class RelationForm(RowForm):
    """1.7: a relation to another use case the user may see."""

    template_table = "relations"

    class Meta:
        model = UseCaseRelation
        fields = ["type", "related", "description"]
        widgets = {"description": TEXT}

    def limit_choices(self) -> None:
        others = UseCase.objects.exclude(pk=self.use_case.pk).order_by("identifier", "name")
        self.fields["related"].queryset = visible_to(self.user, others) if self.user is not None else others.none()


class ScenarioForm(RowForm):
    template_table = "scenarios"

    class Meta:
        model = Scenario
        fields = ["number", "name", "description", "primary_actors", "requirements"]
        widgets = {"description": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk is None and not self.initial.get("number"):
            self.initial["number"] = self.next_number()

    def next_number(self) -> str:
        """The number for a new last scenario: the next one where the scenarios are numbered 1, 2, ... (or not at
        all); empty where they are numbered otherwise."""
        numbers = [
            number.strip()
            for number in Scenario.objects.filter(use_case=self.use_case).values_list("number", flat=True)
        ]
        if not all(number.isdigit() or not number for number in numbers):
            return ""
        return str(max([len(numbers), *(int(number) for number in numbers if number)]) + 1)

    def limit_choices(self) -> None:
        self.fields["primary_actors"].queryset = usecase_actors(self.use_case)
        self.fields["requirements"].queryset = Requirement.objects.order_by("identifier", "name", "pk")
        self.pickers(actors=("primary_actors",), libraries={"requirements": "requirements"})


class ActorGroupingForm(RowForm):
    template_table = "actor-groupings"

    class Meta:
        model = ActorGrouping
        fields = ["name", "description"]
        widgets = {"description": TEXT}


class StepForm(RowForm):
    """A step of the scenario: producers and receivers among the use case's actors, information objects and
    requirements from the libraries (token fields with type-ahead, pickers.py; new objects named under them, as
    many as needed, with ID, name and, for a requirement, category), and a parent step of the same scenario to nest
    it under."""

    # The fields under which new library objects are named: (the inputs' prefix, the noun, with a category).
    NEW_OBJECTS = {
        "information_objects": ("new_information", "information", False),
        "requirements": ("new_requirement", "requirement", True),
    }
    template_table = "steps"

    class Meta:
        model = Step
        fields = [
            "number",
            "parent",
            "event",
            "name",
            "description",
            "service",
            "producers",
            "receivers",
            "information_objects",
            "requirements",
        ]
        widgets = {"event": TEXT, "description": TEXT}
        labels = {"parent": "Sub-step of"}
        help_texts = {
            "number": "Left empty, the page numbers the step by its place, but it has no number of its own: an "
            "exported file carries none, and the validation warns (“Step without number”)."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            return
        if self.instance.pk is not None and not self.instance.number.strip():
            # What the validation's "step without number" says the step is shown as, so that saving numbers it.
            shown = self.shown_number()
            self.initial["number"] = shown
            help_text = f"The step had no number; the page showed it as {shown}, by its place. Saved, it is its own."
            self.fields["number"].help_text = help_text
        elif self.instance.pk is None and self.scenario is not None and not self.initial.get("number"):
            self.initial["number"] = self.next_number()

    def next_number(self) -> str:
        """The number for a new last step of the scenario itself: the next one where its steps are numbered 1, 2, ...
        (by hand or by their place); empty where they are numbered otherwise (A, B, ...)."""
        numbers = [
            number.strip()
            for number in Step.objects.filter(scenario=self.scenario, parent=None).values_list("number", flat=True)
        ]
        if not all(number.isdigit() or not number for number in numbers):
            return ""
        return str(max([len(numbers), *(int(number) for number in numbers if number)]) + 1)

    def shown_number(self) -> str:
        steps = Step.objects.filter(scenario=self.scenario).order_by("position", "pk")
        return next(node.number for node in step_rows(step_tree(steps)) if node.step.pk == self.instance.pk)

    def limit_choices(self) -> None:
        parents = Step.objects.filter(scenario=self.scenario).order_by("position", "pk")
        if self.instance.pk is not None:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = "(a step of the scenario itself)"
        self.fields["parent"].widget = PlainSelect(choices=self.fields["parent"].choices)
        self.fields["producers"].queryset = usecase_actors(self.use_case)
        self.fields["receivers"].queryset = usecase_actors(self.use_case)
        self.fields["information_objects"].queryset = InformationObject.objects.order_by("identifier", "name", "pk")
        self.fields["requirements"].queryset = Requirement.objects.order_by("identifier", "name", "pk")
        self.fields["service"].widget.attrs["list"] = self.list_id("service")
        self.pickers(
            actors=("producers", "receivers"),
            libraries={"information_objects": "information", "requirements": "requirements"},
        )
        for name, (key, noun, category) in self.NEW_OBJECTS.items():
            self.new_objects(name, key=key, noun=noun, category=category)

    @property
    def datalists(self) -> list[tuple[str, list[str]]]:
        return [(self.list_id("service"), list(Step.Service.values))]

    def clean(self):
        cleaned = super().clean()
        for name in self.NEW_OBJECTS:
            self.pick_or_add_new(name)
        return cleaned

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        for name in self.NEW_OBJECTS:
            named = [item for item in self.library_objects(name) if item not in data[name]]
            data[name] = [*data[name], *dict.fromkeys(named)]
        return data


class ActorRoleForm(RowForm):
    """An actor of the library in the use case, picked by name (the browser suggests the library's names). Users
    who may add library objects (`may_add`) may name a new one and give its type to add it. The SGAM fields place
    the actor in this use case (where it then is instead of its default placement): a save with a cell adds it."""

    template_table = "actors"
    template_fields = {"actor": "actor_name"}
    actor_name = forms.CharField(max_length=200)
    new_actor_type = forms.ChoiceField(
        label="Type, for a new library actor",
        required=False,
        choices=[("", "(an actor of the library)"), *Actor.Type.choices],
        help_text="Give a type only to add an actor that the library does not have yet.",
    )
    sgam_layer = forms.ModelChoiceField(
        Layer.objects.all(), label="SGAM layer in this use case", required=False, empty_label="(by the actor's type)"
    )
    sgam_domain = forms.ModelChoiceField(Domain.objects.all(), label="SGAM domain", required=False)
    sgam_zone = forms.ModelChoiceField(Zone.objects.all(), label="SGAM zone", required=False)
    PLACEMENT_FIELDS = ("sgam_layer", "sgam_domain", "sgam_zone")

    class Meta:
        model = ActorRole
        fields = ["grouping", "further_information"]
        widgets = {"further_information": TEXT}

    field_order = ["actor_name", "new_actor_type", "grouping", "further_information", *PLACEMENT_FIELDS]

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None and instance.pk is not None:
            kwargs["initial"] = {"actor_name": instance.actor.name, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        if not self.may_add(Actor):
            del self.fields["new_actor_type"]
        # A type-ahead over the actor library (static/js/pickers.js, the search endpoint), which names a new actor
        # too for who may add one (its type then takes the focus); without script, a text field with suggestions.
        self.fields["actor_name"].widget.attrs.update(
            {
                "list": self.list_id("actor_name"),
                "data-picker": "actors",
                "data-single": "true",
                "data-search-url": reverse("usecases:library_search", kwargs={"library": "actors"}),
                "data-enter-saves": "true",
                "autocomplete": "off",
            }
        )
        if "new_actor_type" in self.fields:
            self.fields["actor_name"].widget.attrs["data-new-type"] = (self.auto_id or "id_%s") % "new_actor_type"
        placed = "; ".join(map(str, self.instance.sgam_placements.all())) if self.instance.pk is not None else ""
        self.fields["sgam_zone"].help_text = (
            "A domain, a zone or both add a placement of the actor in this use case"
            + (f" (placed here now: {placed})." if placed else " (it has none here yet).")
        )

    def limit_choices(self) -> None:
        self.fields["grouping"].queryset = ActorGrouping.objects.filter(use_case=self.use_case)

    @property
    def datalists(self) -> list[tuple[str, list[str]]]:
        return [(self.list_id("actor_name"), list(Actor.objects.order_by("name").values_list("name", flat=True)))]

    def clean(self):
        cleaned = super().clean()
        name = (cleaned.get("actor_name") or "").strip()
        if not name:
            return cleaned
        actor = Actor.objects.filter(name__iexact=name).first()
        new_type = cleaned.get("new_actor_type")
        if actor is not None and new_type:
            self.add_error("new_actor_type", "The library already has this actor: leave the type empty to pick it.")
        elif actor is not None:
            self.picked["actor_name"] = actor
        elif new_type:
            self.additions["actor_name"] = (Actor, {"name": name, "type": new_type})
        else:
            hint = " Give its type to add it to the library." if "new_actor_type" in self.fields else ""
            self.add_error("actor_name", f"The actor library has no actor named “{name}”.{hint}")
        if cleaned.get("sgam_layer") and not cleaned.get("sgam_domain") and not cleaned.get("sgam_zone"):
            self.add_error("sgam_domain", "An SGAM placement needs a domain or a zone.")
        return cleaned

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        actor = self.library_object("actor_name")
        if actor is not None:
            data["actor"] = actor
        return data

    def placement(self) -> dict[str, Any] | None:
        """The SGAM cell (layer, domain, zone) to place the actor on in this use case, or None."""
        layer, domain, zone = (self.cleaned_data.get(name) for name in self.PLACEMENT_FIELDS)
        return {"layer": layer, "domain": domain, "zone": zone} if domain or zone else None

    def changes_the_row(self) -> bool:
        """Whether the form changes the row itself, not only its placement (the fingerprint is no change)."""
        return bool(set(self.changed_data) - {*self.PLACEMENT_FIELDS, "fingerprint"})


class RowActionForm(forms.Form):
    """A delete or a move posted from an editor: with the row's values as the table showed them (`fingerprint`, for
    a delete) or the order of its siblings (`order`, for a move)."""

    fingerprint = forms.CharField(required=False, max_length=64)
    order = forms.CharField(required=False, max_length=64)
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")], required=False)
