"""The project-wide API routes: background jobs, the change log and notifications."""

from ucmr.api.jobs import ChangeLogViewSet, JobViewSet
from ucmr.api.notifications import NotificationViewSet

routes = [
    ("jobs", JobViewSet, "job"),
    ("changes", ChangeLogViewSet, "change"),
    ("notifications", NotificationViewSet, "notification"),
]
urlpatterns = []
