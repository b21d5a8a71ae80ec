from django.urls import path

from actors import views

app_name = "actors"

urlpatterns = [
    path("actors/", views.ActorListView.as_view(), name="actor_list"),
    path("actors/<int:pk>/", views.ActorDetailView.as_view(), name="actor_detail"),
]
