"""What sgam adds to other apps' edit forms (`ucmr.editing.register_form_part`, in SgamConfig.ready())."""

from typing import Any

from django import forms

from sgam.models import Domain, Layer, Zone
from sgam.services import sgam_placement_ensure
from ucmr.editing import FormPart


class DefaultPlacementPart(FormPart):
    """An actor's edit page: an SGAM cell to add to its default placement (where use cases place it unless they
    place it otherwise)."""

    def fields(self) -> dict[str, forms.Field]:
        return {
            "sgam_layer": forms.ModelChoiceField(
                Layer.objects.all(), label="SGAM layer", required=False, empty_label="(by the actor's type)"
            ),
            "sgam_domain": forms.ModelChoiceField(Domain.objects.all(), label="SGAM domain", required=False),
            "sgam_zone": forms.ModelChoiceField(
                Zone.objects.all(),
                label="SGAM zone",
                required=False,
                help_text="A domain, a zone or both add a default placement of the actor (where use cases place it "
                "unless they place it otherwise).",
            ),
        }

    def clean(self, form: forms.Form, cleaned: dict[str, Any]) -> None:
        if cleaned.get("sgam_layer") and not cleaned.get("sgam_domain") and not cleaned.get("sgam_zone"):
            form.add_error("sgam_domain", "An SGAM placement needs a domain or a zone.")

    def write(self, *, user, cleaned: dict[str, Any]):
        layer, domain, zone = (cleaned.get(f"sgam_{name}") for name in ("layer", "domain", "zone"))
        if not (domain or zone):
            return None
        return lambda subject: sgam_placement_ensure(user=user, subject=subject, layer=layer, domain=domain, zone=zone)
