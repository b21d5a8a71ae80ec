"""The record of the review workflow: each change of status, and the frozen copy of every submitted, approved or
published version."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from usecases.models.usecase import UseCase


class StatusChange(models.Model):
    """One step of the review workflow: who moved the use case from which status to which, and what they said."""

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="status_changes")
    transition = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20, choices=UseCase.Status.choices)
    to_status = models.CharField(max_length=20, choices=UseCase.Status.choices)
    comment = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_name = models.CharField(max_length=150, blank=True, help_text="Kept when the user is deleted.")
    revision = models.PositiveIntegerField(help_text="The use case's revision after the change.")
    time = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = "status change"

    def __str__(self) -> str:
        return f"{self.use_case}: {self.get_from_status_display()} → {self.get_to_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("usecases:usecase_history", kwargs={"pk": self.use_case_id})


class UseCaseSnapshot(models.Model):
    """The whole use case as it was when it was submitted for review, approved or published, as JSON (see
    usecases.versions).

    Written once by the workflow; the application has no way to change or delete it.
    """

    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="snapshots")
    sequence = models.PositiveIntegerField(help_text="1 for the use case's first frozen version, then 2, 3, ...")
    version_number = models.CharField("version no.", max_length=50, help_text="As in the version table (1.2).")
    status = models.CharField(max_length=20, choices=UseCase.Status.choices)
    document = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=150, blank=True, help_text="Kept when the user is deleted.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["use_case", "-sequence"]
        verbose_name = "frozen version"
        constraints = [
            models.UniqueConstraint(
                fields=["use_case", "sequence"],
                name="usecase_snapshot_sequence_unique",
                violation_error_message="This version of the use case is already frozen.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.use_case} version {self.version_number}"

    def get_absolute_url(self) -> str:
        return reverse("usecases:usecase_version", kwargs={"pk": self.use_case_id, "sequence": self.sequence})
