"""Forms of the actor library's pages; they only parse input, the services validate and write."""

from django import forms

from actors.models import Actor
from sgam.models import Domain, Layer, Zone


class ActorForm(forms.ModelForm):
    class Meta:
        model = Actor
        fields = ["name", "type", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class ActorUpdateForm(ActorForm):
    """An actor's edit page: its fields and an SGAM cell to add to its default placement."""

    sgam_layer = forms.ModelChoiceField(
        Layer.objects.all(), label="SGAM layer", required=False, empty_label="(by the actor's type)"
    )
    sgam_domain = forms.ModelChoiceField(Domain.objects.all(), label="SGAM domain", required=False)
    sgam_zone = forms.ModelChoiceField(
        Zone.objects.all(),
        label="SGAM zone",
        required=False,
        help_text="A domain, a zone or both add a default placement of the actor (where use cases place it unless "
        "they place it otherwise).",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("sgam_layer") and not cleaned.get("sgam_domain") and not cleaned.get("sgam_zone"):
            self.add_error("sgam_domain", "An SGAM placement needs a domain or a zone.")
        return cleaned

    def placement(self) -> dict | None:
        """The SGAM cell (layer, domain, zone) to add to the actor's default placement, or None."""
        layer, domain, zone = (self.cleaned_data.get(f"sgam_{name}") for name in ("layer", "domain", "zone"))
        return {"layer": layer, "domain": domain, "zone": zone} if domain or zone else None
