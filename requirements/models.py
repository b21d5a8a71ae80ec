"""The requirement library (IEC 62559-2 section 6): categories form a tree, requirements sit in categories."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from requirements.querysets import RequirementCategoryQuerySet, RequirementQuerySet
from ucmr.models import ExchangedObject


class RequirementCategory(ExchangedObject):
    """A category of requirements (Category ID, name, description). Dot-delimited names may also form a hierarchy."""

    identifier = models.CharField("category ID", max_length=100, blank=True)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = RequirementCategoryQuerySet.as_manager()

    class Meta:
        ordering = ["identifier", "name"]
        verbose_name_plural = "requirement categories"
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="category_name_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("requirements:category_detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        ancestor, seen = self.parent, set()
        while ancestor is not None:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": "A category cannot be inside itself or one of its subcategories."})
            if ancestor.pk in seen:
                break
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Requirement(ExchangedObject):
    """A requirement (R-ID, name, description) referred to by steps and information objects."""

    identifier = models.CharField("R-ID", max_length=100, blank=True, db_index=True)
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    category = models.ForeignKey(
        RequirementCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="requirements"
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = RequirementQuerySet.as_manager()

    class Meta:
        ordering = ["identifier", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(identifier="", name=""),
                name="requirement_has_id_or_name",
                violation_error_message="A requirement needs an R-ID or a name.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("requirements:requirement_detail", kwargs={"pk": self.pk})
