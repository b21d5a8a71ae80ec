"""The actor library (IEC 62559-2 section 3.1): shared by every use case of the repository."""

from django.db import models
from django.db.models.functions import Lower, Trim
from django.urls import reverse

from actors.querysets import ActorQuerySet
from ucmr.models import ExchangedObject


class Actor(ExchangedObject):
    """A person, organisation, role, system, device or application that takes part in use cases."""

    class Type(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"
        ROLE = "role", "Role"
        SYSTEM = "system", "System"
        DEVICE = "device", "Device"
        APPLICATION = "application", "Application"
        BUSINESS = "business", "Business actor"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=Type.choices, default=Type.OTHER, db_index=True)
    description = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = ActorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower(Trim("name")),
                name="actor_name_unique_ignoring_case",
                violation_error_message="An actor with this name already exists (names ignore case and spaces).",
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="actor_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("actors:actor_detail", kwargs={"pk": self.pk})
