"""The use case API routes (and those of the libraries kept in this app)."""

from usecases.api.library_routes import routes as library_routes
from usecases.api.viewsets import ImportViewSet, UseCaseViewSet

routes = [
    ("use-cases", UseCaseViewSet, "usecase"),
    ("imports", ImportViewSet, "import"),
    *library_routes,
]
urlpatterns = []
