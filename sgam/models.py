"""SGAM (5 layers x 5 domains x 6 zones) and NIST conceptual model reference data, placements on them, diagrams
rendered from the step tables (cached by content hash) and the findings of the consistency validation."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse


class ReferenceItem(models.Model):
    """A fixed reference value, created by a data migration so every database has the same set."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class Layer(ReferenceItem):
    """SGAM interoperability layer: Business, Function, Information, Communication, Component."""

    class Meta(ReferenceItem.Meta):
        verbose_name = "SGAM layer"


class Domain(ReferenceItem):
    """SGAM domain along the energy conversion chain: Generation, Transmission, Distribution, DER, Customer Premises."""

    class Meta(ReferenceItem.Meta):
        verbose_name = "SGAM domain"


class Zone(ReferenceItem):
    """SGAM zone of the information management hierarchy: Process, Field, Station, Operation, Enterprise, Market."""

    class Meta(ReferenceItem.Meta):
        verbose_name = "SGAM zone"


class NistDomain(ReferenceItem):
    """Domain of the NIST Smart Grid conceptual model."""

    class Meta(ReferenceItem.Meta):
        verbose_name = "NIST domain"


# An actor role (an actor as listed in one use case) may be placed differently from the actor's default placement.
SUBJECT_FIELDS = ("use_case", "actor", "information_object", "actor_role")


def _exactly_one_subject() -> models.Q:
    one = [models.Q(**{f"{field}__isnull": field != chosen for field in SUBJECT_FIELDS}) for chosen in SUBJECT_FIELDS]
    return one[0] | one[1] | one[2] | one[3]


def _subject_foreign_keys(
    related_name: str,
) -> tuple[models.ForeignKey, models.ForeignKey, models.ForeignKey, models.ForeignKey]:
    return (
        models.ForeignKey(
            "usecases.UseCase", null=True, blank=True, on_delete=models.CASCADE, related_name=related_name
        ),
        models.ForeignKey("actors.Actor", null=True, blank=True, on_delete=models.CASCADE, related_name=related_name),
        models.ForeignKey(
            "usecases.InformationObject", null=True, blank=True, on_delete=models.CASCADE, related_name=related_name
        ),
        models.ForeignKey(
            "usecases.ActorRole",
            null=True,
            blank=True,
            on_delete=models.CASCADE,
            related_name=related_name,
            help_text="An actor's placement in one use case; without one, the actor's own placement applies there.",
        ),
    )


class Placement(models.Model):
    """Places exactly one of a use case, an actor, an information object or an actor in one use case (the subject
    foreign keys are declared by each concrete model, so each gets its own reverse name)."""

    class Meta:
        abstract = True

    # Fields that, with the subject, make a placement unique (NULL counts as a value, on every database).
    identity_fields: tuple[str, ...] = ()

    @property
    def subject(self):
        return self.use_case or self.actor or self.information_object or self.actor_role

    def clean(self) -> None:
        if sum(getattr(self, f"{field}_id") is not None for field in SUBJECT_FIELDS) != 1:
            raise ValidationError(
                "A placement belongs to exactly one use case, actor, information object or actor of a use case."
            )
        identity = {f"{field}_id": getattr(self, f"{field}_id") for field in SUBJECT_FIELDS + self.identity_fields}
        if type(self).objects.filter(**identity).exclude(pk=self.pk).exists():
            raise ValidationError(f"This placement ({self}) is already recorded.")


class SgamPlacement(Placement):
    """An SGAM cell (or a whole row or column of cells: layer, domain or zone may be left open)."""

    use_case, actor, information_object, actor_role = _subject_foreign_keys("sgam_placements")
    layer = models.ForeignKey(Layer, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    domain = models.ForeignKey(Domain, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey(Zone, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    identity_fields = ("layer", "domain", "zone")

    class Meta:
        ordering = ["layer__order", "domain__order", "zone__order"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one_subject(), name="sgam_placement_one_subject"),
            models.CheckConstraint(
                condition=models.Q(domain__isnull=False) | models.Q(zone__isnull=False),
                name="sgam_placement_domain_or_zone",
                violation_error_message="An SGAM placement needs a domain or a zone.",
            ),
        ]

    def __str__(self) -> str:
        parts = [str(part) for part in (self.layer, self.domain, self.zone) if part is not None]
        return " / ".join(parts)


class NistPlacement(Placement):
    """A NIST conceptual model domain that a use case, actor, information object or actor of a use case belongs to."""

    use_case, actor, information_object, actor_role = _subject_foreign_keys("nist_placements")
    nist_domain = models.ForeignKey(NistDomain, on_delete=models.PROTECT, related_name="+")

    identity_fields = ("nist_domain",)

    class Meta:
        ordering = ["nist_domain__order"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one_subject(), name="nist_placement_one_subject"),
        ]

    def __str__(self) -> str:
        return str(self.nist_domain)


class RenderedDiagram(models.Model):
    """A diagram generated from a use case's tables, rendered by Graphviz once per distinct content.

    `content_hash` is the SHA-256 of the renderer version and the DOT source, so an unchanged diagram is never
    rendered twice and any change to what it shows gives a new hash (the old row is pruned). Two use cases whose
    diagram is identical share one row; a page always finds its diagram by the hash of its current content.
    """

    class Kind(models.TextChoices):
        ACTORS = "actors", "Actor interaction"
        SEQUENCE = "sequence", "Sequence diagram"
        SGAM = "sgam", "SGAM plane"
        NIST = "nist", "NIST domains"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    use_case = models.ForeignKey(
        "usecases.UseCase", on_delete=models.CASCADE, related_name="rendered_diagrams", help_text="Rendered for."
    )
    subject = models.CharField(
        max_length=60, blank=True, help_text="What of the use case it shows: a scenario or SGAM layer ('' for all)."
    )
    title = models.CharField(max_length=300, blank=True)
    content_hash = models.CharField(max_length=64, unique=True)
    engine = models.CharField(max_length=20, default="dot")
    source = models.TextField(help_text="The DOT source, kept so that a PNG can be rendered later and for exports.")
    svg = models.TextField(blank=True)
    png = models.BinaryField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why rendering the SVG failed (timeout, Graphviz error).")
    png_error = models.TextField(blank=True, help_text="Why rendering the PNG failed.")
    render_ms = models.PositiveIntegerField(null=True, blank=True, help_text="Time Graphviz took for the SVG.")
    png_render_ms = models.PositiveIntegerField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["use_case_id", "kind", "subject"]
        indexes = [models.Index(fields=["use_case", "kind", "subject"])]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} {self.subject}".strip()

    @property
    def pinned(self) -> bool:
        """Laid out by UCMR (positions in the source), drawn by `neato -n2`."""
        return self.engine == "neato"


class UseCaseDiagram(models.Model):
    """One diagram of a use case at one revision: its key, title and page, and the content hash of its rendering.

    Written by the rendering job after it built the use case's graphs, so that a page or a download finds a rendered
    diagram by (use case, revision, key) without building any graph again. `renderer` is the renderer version the
    hashes were made with: a new renderer makes every stored row stale. Rows of older revisions are replaced when
    the job runs for a newer one.
    """

    use_case = models.ForeignKey("usecases.UseCase", on_delete=models.CASCADE, related_name="diagram_index")
    revision = models.PositiveIntegerField(help_text="The use case's revision the diagram was drawn from.")
    renderer = models.CharField(max_length=10, help_text="The renderer version of the content hash.")
    key = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=RenderedDiagram.Kind.choices)
    subject = models.CharField(max_length=60, blank=True)
    title = models.CharField(max_length=300, blank=True)
    scenario_id = models.PositiveIntegerField(null=True, blank=True, help_text="The scenario a sequence diagram shows.")
    page = models.PositiveSmallIntegerField(default=1, help_text="The page of a sequence diagram split into pages.")
    pages = models.PositiveSmallIntegerField(default=1)
    content_hash = models.CharField(max_length=64, db_index=True)
    position = models.PositiveIntegerField(default=0, help_text="The order on the use case page.")

    class Meta:
        ordering = ["use_case_id", "revision", "position"]
        constraints = [
            models.UniqueConstraint(fields=["use_case", "revision", "renderer", "key"], name="usecase_diagram_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} of use case {self.use_case_id} at revision {self.revision}"


class ValidationResult(models.Model):
    """The latest consistency validation of a use case: which revision it checked and how many findings of each
    severity it made. Replaced as a whole (with its findings) by every validation."""

    use_case = models.OneToOneField(
        "usecases.UseCase", on_delete=models.CASCADE, primary_key=True, related_name="validation_result"
    )
    revision = models.PositiveIntegerField(help_text="The use case's revision that was validated.")
    validated = models.DateTimeField()
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    infos = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["use_case_id"]

    def __str__(self) -> str:
        return f"Validation of {self.use_case_id} at revision {self.revision}"

    def get_absolute_url(self) -> str:
        return reverse("usecases:usecase_detail", kwargs={"pk": self.use_case_id}) + "#validation"


class ValidationFinding(models.Model):
    """One finding of a rule (UC001, ...) about a use case, pointing at the row it is about."""

    class Severity(models.TextChoices):
        ERROR = "error", "Error"
        WARNING = "warning", "Warning"
        INFO = "info", "Info"

    result = models.ForeignKey(ValidationResult, on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField(max_length=10, db_index=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, db_index=True)
    section = models.CharField(max_length=10, help_text="Section of the template, e.g. 4.2.")
    anchor = models.CharField(max_length=60, blank=True, help_text="Anchor of the row on the use case page.")
    message = models.TextField()
    hint = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["result_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.rule} {self.message}"

    def get_absolute_url(self) -> str:
        url = reverse("usecases:usecase_detail", kwargs={"pk": self.result_id})
        return f"{url}#{self.anchor or 'section-' + self.section.replace('.', '-')}"
