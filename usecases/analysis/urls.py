"""The addresses of the analysis pages, under the `usecases:` URL names (usecases/urls.py includes them). The paths
are the ones these pages had under `sgam:`, so bookmarks, stored links and the drawing addresses written into
IEC 62559-3 exports still answer."""

from django.urls import path

from usecases.analysis import views

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
        "diagrams/sha256/<str:content_hash>.<str:output_format>",
        views.DiagramByHashView.as_view(),
        name="diagram_by_hash",
    ),
    path("use-cases/<int:pk>/validate/", views.UseCaseValidateView.as_view(), name="usecase_validate"),
    path("validation/", views.ValidationReportView.as_view(), name="validation_report"),
    path("validation/run/", views.ValidationRunView.as_view(), name="validation_run"),
]
