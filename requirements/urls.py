from django.urls import path

from requirements import views

app_name = "requirements"

urlpatterns = [
    path("requirements/", views.RequirementListView.as_view(), name="requirement_list"),
    path("requirements/<int:pk>/", views.RequirementDetailView.as_view(), name="requirement_detail"),
    path("requirements/categories/<int:pk>/", views.RequirementCategoryDetailView.as_view(), name="category_detail"),
]
