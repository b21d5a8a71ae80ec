"""Pages of use cases (reading: `pages.py`; writing and the review workflow: `editing.py`; frozen versions:
`versions.py`), sharing, workspaces and "my work" (`workspaces.py`), and the information object and common term
libraries (`libraries.py`). Routes: `usecases.urls`."""

from usecases.views.editing import UseCaseCreateView, UseCaseHistoryView, UseCaseTransitionView, UseCaseUpdateView
from usecases.views.libraries import (
    CommonTermCreateView,
    CommonTermHistoryView,
    CommonTermListView,
    CommonTermUpdateView,
    InformationObjectCreateView,
    InformationObjectDetailView,
    InformationObjectHistoryView,
    InformationObjectListView,
    InformationObjectUpdateView,
)
from usecases.views.pages import DrawingImageView, UseCaseDetailView, UseCaseListView, UseCasePrintView
from usecases.views.versions import UseCaseVersionCompareView, UseCaseVersionDetailView, UseCaseVersionListView
from usecases.views.workspaces import (
    MyWorkView,
    UseCaseShareView,
    UseCaseUnshareView,
    WorkspaceDetailView,
    WorkspaceListView,
    WorkspaceMemberRemoveView,
    WorkspaceMemberSetView,
)

__all__ = [
    "CommonTermCreateView",
    "CommonTermHistoryView",
    "CommonTermListView",
    "CommonTermUpdateView",
    "DrawingImageView",
    "InformationObjectCreateView",
    "InformationObjectDetailView",
    "InformationObjectHistoryView",
    "InformationObjectListView",
    "InformationObjectUpdateView",
    "MyWorkView",
    "UseCaseCreateView",
    "UseCaseDetailView",
    "UseCaseHistoryView",
    "UseCaseListView",
    "UseCasePrintView",
    "UseCaseShareView",
    "UseCaseTransitionView",
    "UseCaseUnshareView",
    "UseCaseUpdateView",
    "UseCaseVersionCompareView",
    "UseCaseVersionDetailView",
    "UseCaseVersionListView",
    "WorkspaceDetailView",
    "WorkspaceListView",
    "WorkspaceMemberRemoveView",
    "WorkspaceMemberSetView",
]
