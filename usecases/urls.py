from django.urls import path

from usecases import views

app_name = "usecases"

urlpatterns = [
    path("use-cases/", views.UseCaseListView.as_view(), name="usecase_list"),
    path("use-cases/<int:pk>/", views.UseCaseDetailView.as_view(), name="usecase_detail"),
    path("use-cases/drawings/<int:pk>/image/", views.DrawingImageView.as_view(), name="drawing_image"),
    path("information/", views.InformationObjectListView.as_view(), name="information_object_list"),
    path("information/<int:pk>/", views.InformationObjectDetailView.as_view(), name="information_object_detail"),
    path("terms/", views.CommonTermListView.as_view(), name="term_list"),
]
