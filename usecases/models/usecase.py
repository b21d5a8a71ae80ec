"""The use case document: IEC 62559-2 sections 1 to 8. Child rows are the template's tables, each ordered."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from usecases.exchange.records import BOOKKEEPING
from usecases.models.base import UseCaseRow
from usecases.models.images import drawing_upload_to, image_check
from usecases.querysets import UseCaseQuerySet


class UseCase(models.Model):
    """One use case. Scalars of sections 1.1-1.7 live here; every table is a child model."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"

    mrid = models.UUIDField("mRID", default=uuid.uuid4, unique=True, editable=False)
    workspace = models.ForeignKey("usecases.Workspace", on_delete=models.PROTECT, related_name="use_cases")
    identifier = models.CharField(
        "ID", max_length=100, blank=True, help_text="The human ID (e.g. BUC-01); unique in its workspace when set."
    )
    name = models.CharField(max_length=300)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # 1.1
    area = models.CharField(
        "area / domain(s) / zone(s)",
        max_length=500,
        blank=True,
        help_text="As written in the template's 1.1; the SGAM placement is kept separately.",
    )
    # 1.3
    scope = models.TextField(blank=True)
    business_cases = models.ManyToManyField("usecases.BusinessCase", blank=True, related_name="use_cases")
    # 1.4
    short_description = models.TextField(blank=True, help_text="Recommended at most 150 words.")
    complete_description = models.TextField(blank=True)
    # 1.7
    level_of_depth = models.CharField(max_length=100, blank=True, help_text="High level, generic, detailed, ...")
    prioritisation = models.CharField(max_length=100, blank=True, help_text="Mandatory, optional, nice to have.")
    classification = models.CharField("generic, regional or national relation", max_length=200, blank=True)
    nature = models.CharField(
        max_length=100, blank=True, db_index=True, help_text="Business (BUC), system (SUC), HLUC, PUC, test, ..."
    )
    view_point = models.CharField(max_length=200, blank=True)
    keywords = models.CharField(max_length=500, blank=True)
    # 3.1: primary actors of the whole use case (scenarios and steps have their own)
    primary_actors = models.ManyToManyField("actors.Actor", blank=True, related_name="primary_in_use_cases")
    # 7
    common_terms = models.ManyToManyField("usecases.CommonTerm", blank=True, related_name="use_cases")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    revision = models.PositiveIntegerField(default=1, help_text="Increases with every change (optimistic locking).")
    extra = models.JSONField(
        default=dict, blank=True, help_text="What an exchange file said that has no field here, kept for export."
    )

    objects = UseCaseQuerySet.as_manager()

    class Meta:
        ordering = ["workspace__name", "identifier", "name"]
        # Direct grants on one use case (django-guardian), or model-wide through a group; see ucmr.permissions.
        permissions = [
            ("review_usecase", "Can approve or send back the use case"),
            ("publish_usecase", "Can publish and withdraw the use case"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "identifier"],
                condition=~models.Q(identifier=""),
                name="usecase_identifier_unique_in_workspace",
                violation_error_message="Another use case in this workspace already has this ID.",
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="usecase_name_not_blank"),
        ]
        # The orders the list offers (usecases.selectors.USECASE_SORTS), so that a page's ids are read from an index in
        # order rather than by sorting every use case: in the usual order (workspace name, then ID, name, id) the
        # workspaces are read by name and the first ones' use cases from the first index, only as far as the page
        # needs; sorted by ID, name or last change, from the others. (The statuses, four values that no index orders
        # well, sort the ids alone.)
        indexes = [
            models.Index(fields=["workspace", "identifier", "name", "id"], name="usecase_list_order"),
            models.Index(fields=["identifier"], name="usecase_identifier"),
            models.Index(fields=["name"], name="usecase_name"),
            models.Index(fields=["modified"], name="usecase_modified"),
        ]

    def __str__(self) -> str:
        return f"{self.identifier} {self.name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("usecases:usecase_detail", kwargs={"pk": self.pk})

    @property
    def short_description_words(self) -> int:
        return len(self.short_description.split())

    @property
    def is_placeholder(self) -> bool:
        """Only named by an imported file, as the target of a relation: not listed until the use case arrives."""
        book = (self.extra or {}).get(BOOKKEEPING)
        return isinstance(book, dict) and bool(book.get("placeholder"))


class VersionEntry(UseCaseRow):
    """1.2 Version management."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="versions")
    number = models.CharField("version no.", max_length=50, blank=True)
    date = models.DateTimeField(null=True, blank=True)
    authors = models.CharField("name of author(s)", max_length=500, blank=True)
    changes = models.TextField(blank=True)
    approval_status = models.CharField(max_length=100, blank=True, help_text="Draft, for comments, final, ...")

    class Meta(UseCaseRow.Meta):
        verbose_name = "version"

    def __str__(self) -> str:
        return f"Version {self.number}".strip()


class Objective(UseCaseRow):
    """1.3 Objective."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="objectives")
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class Kpi(UseCaseRow):
    """1.5 Key performance indicator, referring to the objectives it measures."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="kpis")
    identifier = models.CharField("ID", max_length=100, blank=True)
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    objectives = models.ManyToManyField(Objective, blank=True, related_name="kpis")

    class Meta(UseCaseRow.Meta):
        verbose_name = "KPI"

    def __str__(self) -> str:
        return f"{self.identifier} {self.name}".strip()

    def clean_many_to_many(self, values: dict[str, list]) -> None:
        foreign = [
            str(objective) for objective in values.get("objectives", []) if objective.use_case_id != self.use_case_id
        ]
        if foreign:
            raise ValidationError({"objectives": f"Not objectives of this use case: {', '.join(foreign)}."})


class Condition(UseCaseRow):
    """A condition. On the use case (1.6): assumption or prerequisite. On a scenario (4.1): triggering event,
    pre-condition or post-condition."""

    class Kind(models.TextChoices):
        ASSUMPTION = "assumption", "Assumption"
        PREREQUISITE = "prerequisite", "Prerequisite"
        TRIGGERING_EVENT = "triggering_event", "Triggering event"
        PRECONDITION = "precondition", "Pre-condition"
        POSTCONDITION = "postcondition", "Post-condition"

    SCENARIO_KINDS = (Kind.TRIGGERING_EVENT, Kind.PRECONDITION, Kind.POSTCONDITION)

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="conditions")
    scenario = models.ForeignKey(
        "usecases.Scenario", null=True, blank=True, on_delete=models.CASCADE, related_name="conditions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    number = models.CharField(max_length=50, blank=True)
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)

    class Meta(UseCaseRow.Meta):
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(scenario__isnull=True, kind__in=["assumption", "prerequisite"])
                    | models.Q(scenario__isnull=False, kind__in=["triggering_event", "precondition", "postcondition"])
                ),
                name="condition_kind_matches_owner",
                violation_error_message="Assumptions and prerequisites belong to the use case; triggering events, "
                "pre- and post-conditions to a scenario.",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.description[:60] or self.get_kind_display()

    def clean(self) -> None:
        if self.scenario_id and self.use_case_id and self.scenario.use_case_id != self.use_case_id:
            raise ValidationError({"scenario": "The scenario belongs to another use case."})


class UseCaseRelation(UseCaseRow):
    """1.7 Relation to another use case (include, extend, invoke, ...)."""

    class Type(models.TextChoices):
        INCLUDE = "include", "includes"
        EXTEND = "extend", "extends"
        INVOKE = "invoke", "invokes"
        ASSOCIATE = "associate", "is associated with"
        REFINE = "refine", "refines"

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="relations")
    related = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="incoming_relations")
    type = models.CharField(max_length=20, choices=Type.choices, default=Type.ASSOCIATE)
    description = models.TextField(blank=True)

    class Meta(UseCaseRow.Meta):
        verbose_name = "relation to another use case"
        constraints = [
            models.UniqueConstraint(
                fields=["use_case", "related", "type"],
                name="usecase_relation_unique",
                violation_error_message="This relation is already recorded.",
            ),
            models.CheckConstraint(
                condition=~models.Q(use_case=models.F("related")),
                name="usecase_relation_not_to_itself",
                violation_error_message="A use case cannot be related to itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.related}"


class Remark(UseCaseRow):
    """1.8 General remark."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="remarks")
    text = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.text[:60]


class Drawing(UseCaseRow):
    """Section 2 diagram: an image file or a link to an image or a UML diagram. May belong to a scenario or step."""

    class Type(models.TextChoices):
        DOMAIN_OVERVIEW = "domain overview", "Domain overview"
        USE_CASE_OVERVIEW = "use case overview", "Use case overview"
        DOCUMENTATION = "documentation", "Documentation"
        SCENARIOS_FLOWCHART = "scenarios flowchart", "Scenarios flowchart"
        SCENARIO_OVERVIEW = "scenario overview", "Scenario overview"
        ACTIVITIES_FLOWCHART = "activities flowchart", "Activities flowchart"
        ACTIVITY_OVERVIEW = "activity overview", "Activity overview"
        BUSINESS_OBJECTS_OVERVIEW = "business objects overview", "Business objects overview"
        OTHER = "other", "Other"
        ROLE_MODEL = "role model", "Role model"

    class UriType(models.TextChoices):
        IMAGE = "image", "Image"
        UML_DIAGRAM = "UMLDiagram", "UML diagram"

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="drawings")
    scenario = models.ForeignKey(
        "usecases.Scenario", null=True, blank=True, on_delete=models.CASCADE, related_name="drawings"
    )
    step = models.ForeignKey("usecases.Step", null=True, blank=True, on_delete=models.CASCADE, related_name="drawings")
    name = models.CharField(max_length=300)
    drawing_type = models.CharField(max_length=30, choices=Type.choices, default=Type.USE_CASE_OVERVIEW)
    uri = models.CharField("URI", max_length=1000, blank=True)
    uri_type = models.CharField(max_length=20, choices=UriType.choices, default=UriType.IMAGE)
    image = models.ImageField(upload_to=drawing_upload_to, blank=True)

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.image and not self.image._committed:  # a new upload, wherever it comes from (pages, admin, API)
            try:
                image_check(self.image)
            except ValidationError as error:
                raise ValidationError({"image": error.messages}) from error
        if self.scenario_id and self.use_case_id and self.scenario.use_case_id != self.use_case_id:
            raise ValidationError({"scenario": "The scenario belongs to another use case."})
        if self.step_id and self.use_case_id and self.step.scenario.use_case_id != self.use_case_id:
            raise ValidationError({"step": "The step belongs to another use case."})


class ActorGrouping(UseCaseRow):
    """3.1 Grouping of the use case's actors, with a description."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="actor_groupings")
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name or "(ungrouped)"


class ActorRole(UseCaseRow):
    """3.1 An actor of the library taking part in this use case, with information specific to this use case."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="actor_roles")
    actor = models.ForeignKey("actors.Actor", on_delete=models.PROTECT, related_name="roles")
    grouping = models.ForeignKey(
        ActorGrouping, null=True, blank=True, on_delete=models.SET_NULL, related_name="actor_roles"
    )
    further_information = models.TextField("further information specific to this use case", blank=True)

    class Meta(UseCaseRow.Meta):
        verbose_name = "actor of the use case"
        constraints = [
            models.UniqueConstraint(
                fields=["use_case", "actor"],
                name="actor_role_unique",
                violation_error_message="This actor is already listed in the use case.",
            ),
        ]

    def __str__(self) -> str:
        return str(self.actor)

    def clean(self) -> None:
        if self.grouping_id and self.use_case_id and self.grouping.use_case_id != self.use_case_id:
            raise ValidationError({"grouping": "The grouping belongs to another use case."})


class Reference(UseCaseRow):
    """3.2 Reference (standard, regulation, report, ...)."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="references")
    number = models.CharField("no.", max_length=50, blank=True)
    reference_type = models.CharField(max_length=200, blank=True)
    name = models.CharField("reference", max_length=500)
    status = models.CharField(max_length=100, blank=True, help_text="NP, CD, CDV, FDIS, IS, ...")
    impact = models.TextField("impact on use case", blank=True)
    originator = models.CharField("originator / organisation", max_length=300, blank=True)
    link = models.CharField(max_length=1000, blank=True)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class CustomInformation(UseCaseRow):
    """Section 8: key, value and the section it refers to."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="custom_information")
    key = models.CharField(max_length=300)
    value = models.TextField(blank=True)
    refers_to_section = models.CharField(max_length=100, blank=True)

    class Meta(UseCaseRow.Meta):
        verbose_name = "custom information"
        verbose_name_plural = "custom information"

    def __str__(self) -> str:
        return self.key
