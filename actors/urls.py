from django.urls import path

from actors import views
from actors.models import Actor
from ucmr.merge_views import LibraryMergeView

app_name = "actors"

urlpatterns = [
    path("actors/", views.ActorListView.as_view(), name="actor_list"),
    path("actors/new/", views.ActorCreateView.as_view(), name="actor_create"),
    path("actors/<int:pk>/", views.ActorDetailView.as_view(), name="actor_detail"),
    path("actors/<int:pk>/edit/", views.ActorUpdateView.as_view(), name="actor_update"),
    path("actors/<int:pk>/history/", views.ActorHistoryView.as_view(), name="actor_history"),
    path("actors/<int:pk>/merge/", LibraryMergeView.as_view(model=Actor), name="actor_merge"),
]
