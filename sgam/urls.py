from django.urls import path

from sgam import views

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
    path("use-cases/<int:pk>/validate/", views.UseCaseValidateView.as_view(), name="usecase_validate"),
    path("validation/", views.ValidationReportView.as_view(), name="validation_report"),
    path("validation/run/", views.ValidationRunView.as_view(), name="validation_run"),
]
