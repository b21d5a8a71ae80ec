"""Routes of the information object and common term libraries and of workspaces, for usecases/api/routes.py."""

from usecases.api.libraries import CommonTermViewSet, InformationObjectViewSet
from usecases.api.workspaces import WorkspaceViewSet

routes = [
    ("information-objects", InformationObjectViewSet, "information-object"),
    ("common-terms", CommonTermViewSet, "common-term"),
    ("workspaces", WorkspaceViewSet, "workspace"),
]
