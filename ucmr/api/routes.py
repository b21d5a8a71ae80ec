"""The project-wide API routes: background jobs and the change log."""

from ucmr.api.jobs import ChangeLogViewSet, JobViewSet

routes = [
    ("jobs", JobViewSet, "job"),
    ("changes", ChangeLogViewSet, "change"),
]
urlpatterns = []
