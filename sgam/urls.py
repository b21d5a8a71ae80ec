from django.urls import path

from sgam import placement_views, views

app_name = "sgam"

urlpatterns = [
    path(
        "use-cases/<int:pk>/generated/status/",
        views.UseCaseGeneratedStatusView.as_view(),
        name="usecase_generated_status",
    ),
    path(
        "use-cases/<int:pk>/diagrams/<slug:key>.<str:output_format>",
        views.DiagramDownloadView.as_view(),
        name="diagram_download",
    ),
    path(
        "diagrams/<uuid:mrid>/<slug:key>.<str:output_format>",
        views.DiagramByMridView.as_view(),
        name="diagram_by_mrid",
    ),
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
    path("use-cases/<int:pk>/validate/", views.UseCaseValidateView.as_view(), name="usecase_validate"),
    path("validation/", views.ValidationReportView.as_view(), name="validation_report"),
    path("validation/run/", views.ValidationRunView.as_view(), name="validation_run"),
]
