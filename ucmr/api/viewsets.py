"""The base of the API's viewsets: reads through a selector (already permission-filtered and eager-loaded), the
app's FilterSet, ETags, and writes through the services (the model's `services`, or `perform_create/update/destroy`
in the viewset)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from ucmr.api.etags import ETagMixin, ETagWriteMixin
from ucmr.permissions import ADD, CHANGE, require, user_can
from ucmr.services import ObjectServices


class SelectorMixin:
    """`selector(user=...)` gives the rows, already narrowed to what the user may see (as the pages' selectors do),
    so the viewsets need no permission filter backend of their own."""

    selector = None

    def get_queryset(self):
        return type(self).selector(user=self.request.user)


class ServiceViewSet(ETagWriteMixin, SelectorMixin, viewsets.ModelViewSet):
    """CRUD over one model through its entity `services`. A `perform_create` of its own must return the created
    object (the response shows it)."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    # What may be changed by who may change this object but not every object of its model (the creator of a
    # library object, ucmr.permissions.CREATOR_EDITED), as on the edit pages (ucmr.editing); all when empty.
    own_object_fields: tuple[str, ...] = ()
    services: ObjectServices

    def perform_create(self, serializer):
        return self.services.create(user=self.request.user, data=serializer.validated_data)

    def perform_update(self, serializer):
        self.services.update_object(user=self.request.user, obj=serializer.instance, data=serializer.validated_data)

    def perform_destroy(self, instance):
        self.services.delete_object(user=self.request.user, obj=instance)

    def check_add(self) -> None:
        require(self.request.user, ADD, self.get_queryset().model)

    def check_own_object_fields(self) -> None:
        """Refuse (403) a change of other fields than `own_object_fields` by who may change only this object."""
        model = self.get_queryset().model
        if not self.own_object_fields or user_can(self.request.user, CHANGE, model):
            return
        shown = self.get_serializer(self.get_object()).data
        others = [name for name, value in self.request.data.items() if name in shown and shown[name] != value]
        if set(others) - set(self.own_object_fields):
            allowed = " and ".join(self.own_object_fields)
            raise PermissionDenied(f"You may change only the {allowed} of this {model._meta.verbose_name}.")

    def update(self, request, *args, **kwargs):
        self.check_own_object_fields()
        return super().update(request, *args, **kwargs)

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
