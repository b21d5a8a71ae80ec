"""A write that cannot get the database's lock in time (SQLite allows one writer; it waits up to its busy timeout)
answers 503 Service Unavailable with Retry-After and says so, in the shape the client reads: the API's error JSON,
an htmx fragment, or a page. Never a 500: nothing was written, and the same request may simply be sent again."""

import logging

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
BUSY_MESSAGE = (
    "The repository is busy with another write (an import, or other users saving) and could not take yours in "
    "time. Nothing was saved: try again in a few seconds."
)
# What SQLite (and psycopg, for a lock timeout) say when a lock could not be had.
BUSY_SIGNS = ("database is locked", "database table is locked", "database is busy", "lock timeout")


def is_database_busy(error: BaseException) -> bool:
    return isinstance(error, OperationalError) and any(sign in str(error).lower() for sign in BUSY_SIGNS)


def _retry_url(request) -> str:
    """Where "Try again" goes: the page itself; after a form's POST, the page the form was on (this site's only)."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    hosts = {request.get_host()}
    return referer if url_has_allowed_host_and_scheme(referer, hosts, require_https=request.is_secure()) else "/"


def busy_response(request) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = {"status": 503, "code": "database_busy", "message": BUSY_MESSAGE, "errors": []}
        response = JsonResponse(body, status=503)
    elif request.headers.get("HX-Request") == "true":
        response = HttpResponse(
            render_to_string("includes/busy.html", {"message": BUSY_MESSAGE}, request=request), status=503
        )
        # htmx swaps no error response by default: show it where the request's indicator is, or at the top.
        response["HX-Retarget"] = "#busy-message"
        response["HX-Reswap"] = "innerHTML"
    else:
        context = {"message": BUSY_MESSAGE, "retry_url": _retry_url(request)}
        response = HttpResponse(render_to_string("503.html", context, request=request), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_busy(exception):
            return None
        logger.warning("%s %s: the database was busy (%s); answered 503", request.method, request.path, exception)
        return busy_response(request)
