"""SGAM (5 layers x 5 domains x 6 zones) and NIST conceptual model reference data, and placements on them."""

from django.core.exceptions import ValidationError
from django.db import models


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


SUBJECT_FIELDS = ("use_case", "actor", "information_object")


def _exactly_one_subject() -> models.Q:
    one = [models.Q(**{f"{field}__isnull": field != chosen for field in SUBJECT_FIELDS}) for chosen in SUBJECT_FIELDS]
    return one[0] | one[1] | one[2]


def _subject_foreign_keys(related_name: str) -> tuple[models.ForeignKey, models.ForeignKey, models.ForeignKey]:
    return (
        models.ForeignKey(
            "usecases.UseCase", null=True, blank=True, on_delete=models.CASCADE, related_name=related_name
        ),
        models.ForeignKey("actors.Actor", null=True, blank=True, on_delete=models.CASCADE, related_name=related_name),
        models.ForeignKey(
            "usecases.InformationObject", null=True, blank=True, on_delete=models.CASCADE, related_name=related_name
        ),
    )


class Placement(models.Model):
    """Places exactly one of a use case, an actor or an information object (the subject foreign keys are declared
    by each concrete model, so each gets its own reverse name)."""

    class Meta:
        abstract = True

    # Fields that, with the subject, make a placement unique (NULL counts as a value, on every database).
    identity_fields: tuple[str, ...] = ()

    @property
    def subject(self):
        return self.use_case or self.actor or self.information_object

    def clean(self) -> None:
        if sum(getattr(self, f"{field}_id") is not None for field in SUBJECT_FIELDS) != 1:
            raise ValidationError("A placement belongs to exactly one use case, actor or information object.")
        identity = {f"{field}_id": getattr(self, f"{field}_id") for field in SUBJECT_FIELDS + self.identity_fields}
        if type(self).objects.filter(**identity).exclude(pk=self.pk).exists():
            raise ValidationError(f"This placement ({self}) is already recorded.")


class SgamPlacement(Placement):
    """An SGAM cell (or a whole row or column of cells: layer, domain or zone may be left open)."""

    use_case, actor, information_object = _subject_foreign_keys("sgam_placements")
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
    """A NIST conceptual model domain that a use case, actor or information object belongs to."""

    use_case, actor, information_object = _subject_foreign_keys("nist_placements")
    nist_domain = models.ForeignKey(NistDomain, on_delete=models.PROTECT, related_name="+")

    identity_fields = ("nist_domain",)

    class Meta:
        ordering = ["nist_domain__order"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one_subject(), name="nist_placement_one_subject"),
        ]

    def __str__(self) -> str:
        return str(self.nist_domain)
