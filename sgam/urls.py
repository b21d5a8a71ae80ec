from django.urls import path

from sgam import placement_views
from sgam.access_matrix import views as access_views

app_name = "sgam"

urlpatterns = [
    path(
        "use-cases/<int:pk>/placement/",
        placement_views.PlacementEditorView.as_view(),
        name="placement_editor",
    ),
    path(
        "use-cases/<int:pk>/placement/sgam/",
        placement_views.PlacementToggleView.as_view(),
        name="placement_toggle",
    ),
    path(
        "use-cases/<int:pk>/placement/nist/",
        placement_views.NistToggleView.as_view(),
        name="nist_toggle",
    ),
    path("access-matrix/", access_views.AccessMatrixView.as_view(), name="access_matrix"),
    path(
        "access-matrix/cells/<int:role>/<int:information>/",
        access_views.AccessMatrixCellView.as_view(),
        name="access_matrix_cell",
    ),
    path("access-matrix/summary/", access_views.AccessMatrixSummaryView.as_view(), name="access_matrix_summary"),
    path("access-matrix/diff/", access_views.AccessMatrixDiffView.as_view(), name="access_matrix_diff"),
    path(
        "access-matrix/export.<str:output_format>",
        access_views.AccessMatrixExportView.as_view(),
        name="access_matrix_export",
    ),
    path(
        "use-cases/<int:pk>/access-matrix/diff/",
        access_views.AccessMatrixVersionDiffView.as_view(),
        name="usecase_access_diff",
    ),
]
