"""Section 4: scenarios (4.1) and their steps (4.2). Steps may nest: a macro step holds sub-steps."""

from django.core.exceptions import ValidationError
from django.db import models

from usecases.models.base import UseCaseRow


class Scenario(UseCaseRow):
    """4.1 Scenario: its triggering events, pre- and post-conditions are `Condition` rows."""

    use_case = models.ForeignKey("usecases.UseCase", on_delete=models.CASCADE, related_name="scenarios")
    number = models.CharField("no.", max_length=50, blank=True)
    name = models.CharField("scenario name", max_length=300)
    description = models.TextField("scenario description", blank=True)
    primary_actors = models.ManyToManyField("actors.Actor", blank=True, related_name="primary_in_scenarios")
    requirements = models.ManyToManyField("requirements.Requirement", blank=True, related_name="scenarios")

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


class Step(UseCaseRow):
    """4.2 Step of a scenario: who sends which information to whom, with which service."""

    class Service(models.TextChoices):
        CREATE = "CREATE"
        GET = "GET"
        CHANGE = "CHANGE"
        DELETE = "DELETE"
        CANCEL = "CANCEL"
        CLOSE = "CLOSE"
        EXECUTE = "EXECUTE"
        REPORT = "REPORT"
        TIMER = "TIMER"
        REPEAT = "REPEAT"

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="steps")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    number = models.CharField("step no.", max_length=50, blank=True)
    event = models.TextField(blank=True)
    name = models.CharField("name of process/activity", max_length=300)
    description = models.TextField("description of process/activity", blank=True)
    service = models.CharField(
        max_length=100, blank=True, help_text="IEC 61968-100 verb (CREATE, GET, ...), REPORT, TIMER, REPEAT(X-Y)."
    )
    producers = models.ManyToManyField("actors.Actor", blank=True, related_name="produced_steps")
    receivers = models.ManyToManyField("actors.Actor", blank=True, related_name="received_steps")
    primary_actors = models.ManyToManyField("actors.Actor", blank=True, related_name="primary_in_steps")
    information_objects = models.ManyToManyField("usecases.InformationObject", blank=True, related_name="steps")
    requirements = models.ManyToManyField("requirements.Requirement", blank=True, related_name="steps")

    class Meta(UseCaseRow.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "number"],
                condition=models.Q(parent__isnull=True) & ~models.Q(number=""),
                name="step_number_unique_in_scenario",
                violation_error_message="Another step of this scenario already has this number.",
            ),
            models.UniqueConstraint(
                fields=["scenario", "parent", "number"],
                condition=models.Q(parent__isnull=False) & ~models.Q(number=""),
                name="step_number_unique_in_parent",
                violation_error_message="Another sub-step of this step already has this number.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()

    @property
    def owner_use_case(self):
        return self.scenario.use_case

    def clean(self) -> None:
        if self.parent_id is None:
            return
        if self.parent.scenario_id != self.scenario_id:
            raise ValidationError({"parent": "The parent step belongs to another scenario."})
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": "A step cannot be nested inside itself or one of its sub-steps."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
