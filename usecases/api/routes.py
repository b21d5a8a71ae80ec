"""The use case API routes (and those of the libraries kept in this app)."""

from django.urls import path

from usecases.api.comments import UseCaseCommentViewSet
from usecases.api.library_routes import routes as library_routes
from usecases.api.viewsets import ImportViewSet, UseCaseViewSet

routes = [
    ("use-cases", UseCaseViewSet, "usecase"),
    ("imports", ImportViewSet, "import"),
    *library_routes,
]
comments = UseCaseCommentViewSet.as_view
urlpatterns = [
    path(
        "use-cases/<int:use_case_pk>/comments/",
        comments({"get": "list", "post": "create"}),
        name="usecase-comment-list",
    ),
    path(
        "use-cases/<int:use_case_pk>/comments/<int:pk>/",
        comments({"get": "retrieve"}),
        name="usecase-comment-detail",
    ),
    path(
        "use-cases/<int:use_case_pk>/comments/<int:pk>/replies/",
        comments({"post": "reply"}),
        name="usecase-comment-reply",
    ),
    path(
        "use-cases/<int:use_case_pk>/comments/<int:pk>/resolve/",
        comments({"post": "resolve"}),
        name="usecase-comment-resolve",
    ),
    path(
        "use-cases/<int:use_case_pk>/comments/<int:pk>/reopen/",
        comments({"post": "reopen"}),
        name="usecase-comment-reopen",
    ),
    path("use-cases/<int:use_case_pk>/watch/", comments({"get": "watch", "put": "watch"}), name="usecase-watch"),
]
