"""Workspaces over the API, as on the workspace pages: signed-in users read the workspaces they belong to or may see
use cases of (with their role); administrators add workspaces. Members are managed on the workspace page."""

from django.core.exceptions import PermissionDenied
from rest_framework import serializers

from ucmr.api.viewsets import ServiceViewSet
from usecases.access import workspace_page_list
from usecases.models import Workspace, WorkspaceMembership
from usecases.services import workspace_create


class WorkspaceSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:workspace-detail", lookup_field="slug")
    my_role = serializers.ChoiceField(
        choices=WorkspaceMembership.Role.choices,
        read_only=True,
        allow_null=True,
        help_text="Your role in the workspace; null when you are not a member.",
    )
    use_case_count = serializers.IntegerField(read_only=True, help_text="How many of its use cases you may see.")

    class Meta:
        model = Workspace
        fields = [
            "url",
            "id",
            "name",
            "slug",
            "description",
            "comments_reviewers_only",
            "created",
            "my_role",
            "use_case_count",
        ]
        read_only_fields = ["created", "comments_reviewers_only"]
        extra_kwargs = {
            "slug": {"required": False, "allow_blank": True, "help_text": "Made from the name when left out."},
            "comments_reviewers_only": {
                "help_text": "Only reviewers and managers comment on its use cases (its managers set this on its page)."
            },
        }


class WorkspaceViewSet(ServiceViewSet):
    """Workspaces, addressed by slug; like the workspace pages, for signed-in clients only (no `public_actions`,
    even where UCMR_PUBLIC_READ opens published use cases to visitors). Adding one takes the model-wide permission
    to add workspaces (administrators), as in the admin, the only page that adds workspaces; changing or deleting
    them is left to the admin."""

    selector = staticmethod(workspace_page_list)
    serializer_class = WorkspaceSerializer
    lookup_field = "slug"
    http_method_names = ["get", "post", "head", "options"]
    ordering_fields = ["name", "slug", "created"]
    ordering = ["name", "pk"]

    def check_add(self) -> None:
        # ucmr.permissions' "add" on a workspace means adding a use case to it; this is adding the workspace itself.
        if not self.request.user.has_perm("usecases.add_workspace"):
            raise PermissionDenied("You may not add a new workspace.")

    def perform_create(self, serializer):
        return workspace_create(user=self.request.user, **serializer.validated_data)
