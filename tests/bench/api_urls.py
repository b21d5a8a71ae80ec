"""URLs of the API benchmark's server: the project's, plus the baseline views under /bench-baseline/."""

from django.urls import path

from tests.bench import api_baseline
from ucmr.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("bench-baseline/use-cases/", api_baseline.use_case_list, name="bench_baseline_list"),
    path("bench-baseline/use-cases/<int:pk>/", api_baseline.use_case_document, name="bench_baseline_document"),
    *project_urlpatterns,
]
