"""Optimistic locking for the API: every read of an object carries an ETag; a write that sends `If-Match` with an
ETag that is no longer current gets 412 and changes nothing. A read with a current `If-None-Match` gets 304.

The ETag of a use case comes from its revision (which every change to it or its rows bumps) and never needs its
document built (usecases/api/document.py); that of any other object is a digest of its representation. Writes lock
the row before they compare, so two clients that read the same ETag cannot both write.
"""

import hashlib
import json

from django.db import transaction
from rest_framework import status
from rest_framework.response import Response

from ucmr.api.errors import PreconditionFailed


def digest_etag(data) -> str:
    text = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def etag_matches(header: str, etag: str) -> bool:
    """Whether an If-Match / If-None-Match header names `etag` (weak or strong, or `*`)."""
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


class ETagMixin:
    """For viewsets: `etag(instance)` (a digest of the serializer's representation unless overridden) is sent
    with `retrieve` and every successful write, and checked against `If-Match` by `check_if_match` (which the
    writes of `ETagWriteMixin` and the object actions call)."""

    def etag(self, instance) -> str:
        return digest_etag(self.get_serializer(instance).data)

    def locked_object(self):
        """The object of this request, locked until the transaction ends and read again under the lock."""
        instance = self.get_object()
        instance.refresh_from_db(from_queryset=type(instance)._base_manager.select_for_update())
        return instance

    def check_if_match(self, instance) -> None:
        header = self.request.headers.get("If-Match")
        if header and not etag_matches(header, self.etag(instance)):
            raise PreconditionFailed()

    def with_etag(self, response: Response, instance) -> Response:
        if response.status_code < 300:
            response["ETag"] = self.etag(instance)
        return response

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        etag = self.etag(instance)
        header = request.headers.get("If-None-Match")
        if header and etag_matches(header, etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = etag
        return response


class ETagWriteMixin(ETagMixin):
    """`update`, `partial_update` and `destroy` that refuse a stale `If-Match` with 412, under a row lock."""

    @transaction.atomic
    def update(self, request, *args, **kwargs):
        instance = self.locked_object()
        self.check_if_match(instance)
        serializer = self.get_serializer(instance, data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        instance = self.get_object()
        return self.with_etag(Response(self.get_serializer(instance).data), instance)

    @transaction.atomic
    def destroy(self, request, *args, **kwargs):
        instance = self.locked_object()
        self.check_if_match(instance)
        self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)
