from django.urls import path

from requirements import views
from requirements.models import Requirement
from ucmr.merge_views import LibraryMergeView

app_name = "requirements"

urlpatterns = [
    path("requirements/", views.RequirementListView.as_view(), name="requirement_list"),
    path("requirements/new/", views.RequirementCreateView.as_view(), name="requirement_create"),
    path("requirements/<int:pk>/", views.RequirementDetailView.as_view(), name="requirement_detail"),
    path("requirements/<int:pk>/edit/", views.RequirementUpdateView.as_view(), name="requirement_update"),
    path("requirements/<int:pk>/history/", views.RequirementHistoryView.as_view(), name="requirement_history"),
    path("requirements/<int:pk>/merge/", LibraryMergeView.as_view(model=Requirement), name="requirement_merge"),
    path("requirements/categories/new/", views.RequirementCategoryCreateView.as_view(), name="category_create"),
    path("requirements/categories/<int:pk>/", views.RequirementCategoryDetailView.as_view(), name="category_detail"),
    path(
        "requirements/categories/<int:pk>/edit/", views.RequirementCategoryUpdateView.as_view(), name="category_update"
    ),
    path(
        "requirements/categories/<int:pk>/history/",
        views.RequirementCategoryHistoryView.as_view(),
        name="category_history",
    ),
]
