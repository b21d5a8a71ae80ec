"""The base of the API's viewsets: reads through a selector (already permission-filtered and eager-loaded), the
app's FilterSet, ETags, and writes through the services (`perform_create/update/destroy` in each viewset)."""

from django.db import transaction
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from ucmr.api.etags import ETagMixin, ETagWriteMixin
from ucmr.permissions import ADD, require


class SelectorMixin:
    """`selector(user=...)` gives the rows, already narrowed to what the user may see (as the pages' selectors do),
    so the viewsets need no permission filter backend of their own."""

    selector = None

    def get_queryset(self):
        return type(self).selector(user=self.request.user)


class ServiceViewSet(ETagWriteMixin, SelectorMixin, viewsets.ModelViewSet):
    """CRUD over one model. `perform_create` must return the created object (the response shows it)."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def check_add(self) -> None:
        require(self.request.user, ADD, self.get_queryset().model)

    @transaction.atomic
    def create(self, request, *args, **kwargs):
        self.check_add()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_create(serializer)
        instance = self.get_queryset().get(pk=instance.pk)
        data = self.get_serializer(instance).data
        headers = {"Location": str(data["url"])} if "url" in data else {}  # a Hyperlink: WSGI wants a str
        return self.with_etag(Response(data, status=status.HTTP_201_CREATED, headers=headers), instance)


class ReadOnlyViewSet(ETagMixin, SelectorMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Lists and single objects (`retrieve` comes with the ETags), nothing written."""
