"""Everything under /api/: each app's `api/urls.py` lists its `routes` (prefix, viewset, basename) and may add
plain `urlpatterns`; the schema and its reader (Swagger UI, its script a file of its own) are served from local
static files. Any other address under /api/ is a 404 in the API's error shape."""

from importlib import import_module

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from ucmr.api.errors import UnknownAddressView

API_APPS = ("ucmr", "usecases", "actors", "requirements", "sgam")

router = DefaultRouter(trailing_slash=True)
extra_patterns = []
for app in API_APPS:
    module = import_module(f"{app}.api.routes")
    for prefix, viewset, basename in getattr(module, "routes", ()):
        router.register(prefix, viewset, basename=basename)
    extra_patterns += getattr(module, "urlpatterns", [])

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Split: its script is a file of its own, as the Content-Security-Policy wants.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *extra_patterns,
    *router.urls,
    # Last. Any character, a line break too; without the final slash, APPEND_SLASH redirects first.
    re_path(r"^[\s\S]*/$", UnknownAddressView.as_view(), name="not-found"),
]
