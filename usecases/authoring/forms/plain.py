"""Row forms of the tables whose rows hold their own values, naming no library object: section 1's versions,
objectives, KPIs, conditions, relations to other use cases and remarks, section 2's drawings, section 3's actor
groupings and references, section 8's custom information."""

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from ucmr.permissions import visible_to
from usecases.authoring.forms.base import TEXT, RowForm
from usecases.models import (
    ActorGrouping,
    Condition,
    CustomInformation,
    Drawing,
    Kpi,
    Objective,
    Reference,
    Remark,
    Scenario,
    UseCase,
    UseCaseRelation,
    VersionEntry,
)
from usecases.models.images import image_check


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


class ActorGroupingForm(RowForm):
    template_table = "actor-groupings"

    class Meta:
        model = ActorGrouping
        fields = ["name", "description"]
        widgets = {"description": TEXT}
