"""Workspaces and the libraries that use cases share: information objects (section 5), common terms
(section 7), business cases and their areas (section 1.3)."""

from django.db import models
from django.db.models.functions import Lower, Trim
from django.urls import reverse

from ucmr.models import ExchangedObject
from usecases.querysets import InformationObjectQuerySet


class Workspace(models.Model):
    """A team or project that owns use cases; its members hold roles in it."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    comments_reviewers_only = models.BooleanField(
        "only reviewers comment",
        default=False,
        help_text="On: only reviewers and managers comment on its use cases; off: every member who may see one.",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        # Held per workspace by its members (django-guardian object permissions written from their role), or
        # model-wide by a group; see ucmr.permissions.
        permissions = [
            ("view_workspace_usecases", "Can view the use cases of the workspace"),
            ("change_workspace_usecases", "Can create, edit and submit the use cases of the workspace"),
            ("review_workspace_usecases", "Can approve or send back the use cases of the workspace"),
            ("publish_workspace_usecases", "Can publish and withdraw the use cases of the workspace"),
            ("manage_workspace", "Can manage the members of the workspace and share its use cases"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("usecases:workspace_detail", kwargs={"slug": self.slug})

    def get_use_cases_url(self) -> str:
        return reverse("usecases:usecase_list") + f"?workspace={self.slug}"


class Area(ExchangedObject):
    """A business area that business cases belong to (variant C's AreaLibrary)."""

    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BusinessCase(ExchangedObject):
    """A business case a use case relates to (section 1.3, "Related business case(s)")."""

    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    areas = models.ManyToManyField(Area, blank=True, related_name="business_cases")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InformationObject(ExchangedObject):
    """Information exchanged between actors (section 5), classified by the data classes of the seed paper."""

    class DataClass(models.TextChoices):
        OPERATIONAL = "operational", "Operational data"
        NON_OPERATIONAL = "non_operational", "Non-operational data"
        METER_USAGE = "meter_usage", "Meter usage data"
        EVENT_MESSAGE = "event_message", "Event message data"
        METADATA = "metadata", "Metadata"

    identifier = models.CharField("information exchanged ID", max_length=100, blank=True, db_index=True)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    data_class = models.CharField(max_length=20, choices=DataClass.choices, blank=True, db_index=True)
    standards = models.CharField(
        max_length=500, blank=True, help_text="Standards that define it, e.g. IEC 61968-9, IEC 62325-451."
    )
    requirements = models.ManyToManyField("requirements.Requirement", blank=True, related_name="information_objects")
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    objects = InformationObjectQuerySet.as_manager()

    class Meta:
        ordering = ["identifier", "name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="information_object_name_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("usecases:information_object_detail", kwargs={"pk": self.pk})


class CommonTerm(ExchangedObject):
    """A term and its definition (section 7)."""

    term = models.CharField(max_length=300)
    definition = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(
                Lower(Trim("term")),
                name="common_term_unique_ignoring_case",
                violation_error_message="This term is already defined (terms ignore case and spaces).",
            ),
            models.CheckConstraint(condition=~models.Q(term=""), name="common_term_not_blank"),
        ]

    def __str__(self) -> str:
        return self.term

    def get_absolute_url(self) -> str:
        return reverse("usecases:term_list") + f"#term-{self.pk}"
