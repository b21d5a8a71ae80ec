"""The table editors of a use case's page. A scenario's tables (its conditions and steps) carry the scenario; the
others do not: the same names reverse to either form."""

from django.urls import path

from usecases.authoring import picker_views, views

ENDPOINTS = [
    ("", views.RowListView, "row_list"),
    ("new/", views.RowCreateView, "row_create"),
    ("<int:row>/", views.RowUpdateView, "row_update"),
    ("<int:row>/delete/", views.RowDeleteView, "row_delete"),
    ("<int:row>/move/", views.RowMoveView, "row_move"),
]

urlpatterns = [
    path(f"use-cases/<int:pk>/{owner}tables/<slug:table>/{suffix}", view.as_view(), name=name)
    for owner in ("", "scenarios/<int:scenario>/")
    for suffix, view, name in ENDPOINTS
] + [path("library/search/<slug:library>/", picker_views.LibrarySearchView.as_view(), name="library_search")]
