"""Forms of the actor library's pages; they only parse input, the services validate and write."""

from django import forms

from actors.models import Actor
from ucmr.editing import PartsFormMixin


class ActorForm(forms.ModelForm):
    class Meta:
        model = Actor
        fields = ["name", "type", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class ActorUpdateForm(PartsFormMixin, ActorForm):
    """An actor's edit page: its fields and those other apps add (sgam: an SGAM cell to add to its default
    placement; see `ucmr.editing.register_form_part`)."""
