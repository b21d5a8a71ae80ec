"""Who works in a workspace, and in which role."""

from django.conf import settings
from django.db import models
from django.urls import reverse


class WorkspaceMembership(models.Model):
    """A user's role in a workspace: what the workspace page edits. `usecases.access` writes the django-guardian
    permissions that the policy (ucmr.permissions) reads from it, in the same transaction."""

    class Role(models.TextChoices):
        VIEWER = "viewer", "Viewer"
        AUTHOR = "author", "Author"
        REVIEWER = "reviewer", "Reviewer"
        MANAGER = "manager", "Manager"

    workspace = models.ForeignKey("usecases.Workspace", on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workspace_memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["workspace__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user"],
                name="workspace_membership_unique",
                violation_error_message="This user is already a member of the workspace.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} ({self.get_role_display()})"

    def get_absolute_url(self) -> str:
        return reverse("usecases:workspace_detail", kwargs={"slug": self.workspace.slug}) + f"#member-{self.pk}"
