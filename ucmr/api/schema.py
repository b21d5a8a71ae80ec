"""The OpenAPI schema's view of the API's errors: every operation lists the error statuses it may answer, each with
the one error shape of ucmr.api.errors (the `Error` component), so that a client (or a schema-driven test) knows
what a refusal looks like before it meets one. Operation-specific refusals (a 409 for a use case that is not a
draft) are declared with `extend_schema` where they arise."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse

from ucmr.api.errors import MESSAGES
from ucmr.api.etags import ETagMixin
from ucmr.api.serializers import ErrorSerializer

WRITES = ("PUT", "PATCH", "DELETE")


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for status_code in self.error_statuses(operation):
            response = OpenApiResponse(ErrorSerializer, description=MESSAGES[status_code])
            operation["responses"].setdefault(
                str(status_code), self._get_response_for_code(response, str(status_code), ["application/json"])
            )
        return operation

    def error_statuses(self, operation: dict) -> list[int]:
        """401 (no or a bad token), 403 (not allowed) and 429 (throttled) anywhere; 404 where a path names an object,
        a page or a format is asked for; 400 where the client sends values or a write may be refused (a library
        object still in use cannot be deleted); 412 where a write checks If-Match; 413 and 415 where a body is
        read."""
        parameters = {(parameter["in"], parameter["name"]) for parameter in operation.get("parameters", [])}
        locations = {location for location, _ in parameters}
        has_body = "requestBody" in operation
        checks_if_match = isinstance(self.view, ETagMixin) and (
            self.method in WRITES or (self.method == "POST" and getattr(self.view, "detail", False))
        )
        statuses = [401, 403, 429]
        if "path" in locations or ("query", "page") in parameters or ("query", "format") in parameters:
            statuses.append(404)  # DRF answers an unknown `?format=` with a 404 too
        if self.method != "GET" or "query" in locations:
            statuses.append(400)
        if checks_if_match:
            statuses.append(412)
        if has_body:
            statuses += [413, 415]
        return sorted(statuses)
