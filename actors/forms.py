"""Forms of the actor library's pages; they only parse input, the services validate and write."""

from django import forms

from actors.models import Actor


class ActorForm(forms.ModelForm):
    class Meta:
        model = Actor
        fields = ["name", "type", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
