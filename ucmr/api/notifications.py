"""The client's own notifications over the API: `/api/notifications/` (newest first; `?unread=true` or `false`), one
notification, and marking one or all of them read or unread. Another user's notification is a 404."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ucmr.models import Notification
from ucmr.notifications import notification_list, notification_mark, notification_unread_count


class NotificationSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_name", read_only=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "event", "title", "body", "url", "actor", "created", "read", "is_read"]
        read_only_fields = fields

    def get_is_read(self, notification) -> bool:
        return notification.read is not None


COUNT = inline_serializer("NotificationCount", {"unread": serializers.IntegerField()})


@extend_schema(tags=["notifications"])
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your notifications: what happened to use cases you write, review, comment on or watch."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]  # the selector narrows to the client's own notifications
    filter_backends = []

    def get_queryset(self):
        unread = {"true": True, "false": False}.get(self.request.query_params.get("unread", "").lower())
        return notification_list(user=self.request.user, unread=unread)

    @extend_schema(
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread (true) or read (false).")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _mark(self, read: bool) -> Response:
        notification = self.get_object()
        notification_mark(user=self.request.user, read=read, ids=[notification.pk])
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        return self._mark(True)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def unread(self, request, pk=None):
        return self._mark(False)

    @extend_schema(request=None, responses=COUNT)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        notification_mark(user=request.user, read=True)
        return Response({"unread": notification_unread_count(user=request.user)})

    @extend_schema(responses=COUNT)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": notification_unread_count(user=request.user)})
