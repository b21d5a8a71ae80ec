"""The requirements API routes: (prefix, viewset, basename) for the router, plus plain urlpatterns."""

from requirements.api.viewsets import RequirementCategoryViewSet, RequirementViewSet

routes = [
    ("requirement-categories", RequirementCategoryViewSet, "requirement-category"),
    ("requirements", RequirementViewSet, "requirement"),
]
urlpatterns = []
