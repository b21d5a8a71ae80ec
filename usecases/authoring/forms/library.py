"""Row forms of rows that name a library object by its name: the use case's common terms (7) and business cases
(1.3), and its actors (3.1, with their SGAM placement in this use case). A name the library does not have adds a
new object, for who may add library objects."""

from typing import Any

from django import forms
from django.urls import reverse

from actors.models import Actor
from sgam.models import Domain, Layer, Zone
from usecases.authoring.forms.base import TEXT, RowForm
from usecases.models import ActorGrouping, ActorRole, BusinessCase, CommonTerm


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
