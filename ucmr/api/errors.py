"""One shape for every error the API answers, whatever raised it:

    {"status": 400, "code": "invalid", "message": "...", "errors": [{"path": "document.scenarios[0].name",
     "code": "max_length", "message": "..."}]}

`path` is where the offending value sits in the request body (dots for objects, `[n]` for lists; blank when the
error is about the request as a whole). Django's own ValidationError and PermissionDenied, which the services raise,
become 400 and 403 here, so that viewsets call services without translating.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

MESSAGES = {
    400: "The request is not valid.",
    401: "Authentication is needed: send a token (Authorization: Token <key>) or sign in.",
    403: "You may not do this.",
    404: "Not found.",
    405: "This method is not allowed here.",
    406: "None of the accepted content types can be served.",
    409: "The request conflicts with the current state.",
    412: "The object changed since you read it (If-Match is stale): read it again and retry.",
    413: "The request body is too large.",
    415: "This content type is not supported.",
    428: "Send If-Match with the ETag you read.",
    429: "Too many requests.",
}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = MESSAGES[412]
    default_code = "precondition_failed"


def flatten(detail: Any, path: str = "") -> list[dict[str, str]]:
    """DRF's nested error detail as a flat list of {path, code, message}."""
    if isinstance(detail, dict):
        errors = []
        for key, value in detail.items():
            if key in ("non_field_errors", "__all__"):
                errors += flatten(value, path)
            elif isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
                errors += flatten(value, f"{path}[{key}]")
            else:
                errors += flatten(value, f"{path}.{key}" if path else str(key))
        return errors
    if isinstance(detail, list):
        if all(isinstance(item, (str, exceptions.ErrorDetail)) for item in detail):
            return [_error(path, item) for item in detail]
        errors = []
        for index, item in enumerate(detail):
            if item:  # DRF gives an empty dict for list items without errors
                errors += flatten(item, f"{path}[{index}]")
        return errors
    return [_error(path, detail)]


def _error(path: str, item: Any) -> dict[str, str]:
    return {"path": path, "code": getattr(item, "code", None) or "invalid", "message": str(item)}


def error_response(status_code: int, errors: list[dict[str, str]], *, code: str = "", message: str = "", headers=None):
    """The one error shape. A single error's message is the whole message (with its path when it has one)."""
    if not message and len(errors) == 1:
        error = errors[0]
        message = f"{error['path']}: {error['message']}" if error["path"] else error["message"]
    body = {
        "status": status_code,
        "code": code or (errors[0]["code"] if len(errors) == 1 else "invalid"),
        "message": message or MESSAGES.get(status_code, "The request failed."),
        "errors": errors,
    }
    return Response(body, status=status_code, headers=headers)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    request = context.get("request")
    if isinstance(exc, exceptions.NotFound) and request is not None and not request.user.is_authenticated:
        exc = exceptions.NotAuthenticated()  # as the pages send visitors to sign in: signing in may show it
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    headers = {name: value for name, value in response.items() if name in ("WWW-Authenticate", "Retry-After", "Allow")}
    if isinstance(exc, exceptions.ValidationError):
        return error_response(response.status_code, flatten(exc.detail), headers=headers)
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    message = str(detail)
    return error_response(
        response.status_code,
        [{"path": "", "code": code, "message": message}],
        code=code,
        message=message,
        headers=headers,
    )


class UnknownAddressView(APIView):
    """Any address under /api/ that no route matches (an id that is not one, say): a 404 in the one error shape,
    not the site's HTML page."""

    schema = None  # not an operation of the API

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound()
