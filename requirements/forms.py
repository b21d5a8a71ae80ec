"""Forms of the requirement library's pages; they only parse input, the services validate and write."""

from django import forms

from requirements.models import Requirement, RequirementCategory


class RequirementCategoryForm(forms.ModelForm):
    class Meta:
        model = RequirementCategory
        fields = ["identifier", "name", "description", "parent"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class RequirementForm(forms.ModelForm):
    class Meta:
        model = Requirement
        fields = ["identifier", "name", "description", "category"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
