"""Use cases over the API: lists, whole documents (read, create, replace), PATCH of scalar fields, delete; the
exports, the review workflow, versions and history come from the mixins of `exports.py` and `lifecycle.py`."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.reverse import reverse

from ucmr.api.errors import PreconditionFailed
from ucmr.api.etags import ETagMixin, etag_matches
from ucmr.api.serializers import ChangeLogEntrySerializer, ErrorSerializer
from ucmr.api.viewsets import SelectorMixin
from ucmr.permissions import ADD, CHANGE, DELETE, VIEW, require
from usecases.api.document import (
    DocumentVersion,
    usecase_document_cached,
    usecase_document_data,
    usecase_document_rewritten,
    usecase_document_version,
)
from usecases.api.serializers import (
    CompareSerializer,
    SnapshotDetailSerializer,
    SnapshotSerializer,
    TransitionSerializer,
    UseCaseFileSerializer,
    UseCaseListSerializer,
    UseCasePatchSerializer,
)
from usecases.api.viewsets.exports import UseCaseExportActions
from usecases.api.viewsets.lifecycle import UseCaseLifecycleActions
from usecases.exchange.documents import UseCaseFile, usecase_file_get, usecase_file_patch, usecase_file_save
from usecases.exchange.dump_use_cases import FOUND_FIELDS
from usecases.filters import UseCaseFilterSet
from usecases.models import UseCase
from usecases.selectors import usecase_brief_list, usecase_header_list
from usecases.services import not_a_draft_message, usecase_delete
from usecases.workflow import TRANSITIONS

NOT_A_DRAFT_RESPONSE = OpenApiResponse(ErrorSerializer, description="Only drafts are edited: this use case is not one.")


class NotADraft(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_a_draft"


@extend_schema(tags=["use cases"])
class UseCaseViewSet(UseCaseExportActions, UseCaseLifecycleActions, ETagMixin, SelectorMixin, viewsets.ModelViewSet):
    """IEC 62559-2 use cases. Lists are brief; one use case is its whole document. Writes need the ETag you read
    in `If-Match` to be safe from overwriting someone else's change (a stale one gets 412)."""

    public_actions = ("list", "retrieve", "xml", "export", "xlsx", "export_xlsx", "docx", "export_docx")
    permission_actions = {
        **{name.replace("-", "_"): transition.action for name, transition in TRANSITIONS.items()},
        "versions": VIEW,
        "version": VIEW,
        "compare": VIEW,
        "history": VIEW,
    }
    filterset_class = UseCaseFilterSet
    ordering_fields = ["identifier", "name", "status", "created", "modified"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            return usecase_brief_list(user=self.request.user)
        return usecase_header_list(user=self.request.user)

    def filter_queryset(self, queryset):
        # One use case is found by its id among those the user may see (the selector): the list's filters, and the
        # queries that offer their choices, are no part of reading or writing it.
        if self.detail:
            return queryset
        if self.request.query_params.keys() & UseCaseFilterSet.base_filters.keys():
            return super().filter_queryset(queryset)
        # No filter asked (a page of the list): the FilterSet, a form of ten fields made and validated for the
        # request, would give the queryset back as it is; the ordering still applies.
        for backend in self.filter_backends:
            if not issubclass(backend, DjangoFilterBackend):
                queryset = backend().filter_queryset(self.request, queryset, self)
        return queryset

    def get_serializer_class(self):
        return {
            "list": UseCaseListSerializer,
            "export": UseCaseListSerializer,
            "export_xlsx": UseCaseListSerializer,
            "export_docx": UseCaseListSerializer,
            "partial_update": UseCasePatchSerializer,
            "submit": TransitionSerializer,
            "approve": TransitionSerializer,
            "send_back": TransitionSerializer,
            "publish": TransitionSerializer,
            "withdraw": TransitionSerializer,
            "versions": SnapshotSerializer,
            "version": SnapshotDetailSerializer,
            "compare": CompareSerializer,
            "history": ChangeLogEntrySerializer,
        }.get(self.action, UseCaseFileSerializer)

    def check_object_permissions(self, request, obj):
        # The browsable API asks whether to offer its forms about the object it shows: a file stands for its use case.
        super().check_object_permissions(request, obj.use_case if isinstance(obj, UseCaseFile) else obj)

    # A document's ETag comes from the use case's revision (and the reader's variant), never from building the
    # document; the document itself is cached under a key that changes with every write (usecases.api.document).

    def document_version(self, use_case: UseCase) -> DocumentVersion:
        """Worked out once per state of the use case in a request (a write asks before it writes, for If-Match and
        for what the document shows, and again for its answer)."""
        versions = self.__dict__.setdefault("_document_versions", {})
        key = (use_case.pk, use_case.revision, use_case.modified)
        if key not in versions:
            base_url = self.request.build_absolute_uri("/")
            versions[key] = usecase_document_version(user=self.request.user, use_case=use_case, base_url=base_url)
        return versions[key]

    def document_data(self, use_case: UseCase, version: DocumentVersion, item: UseCaseFile | None = None) -> dict:
        """The serialised document of `use_case` at `version`: cached, or built (from `item` when given)."""

        def build():
            found = item or usecase_file_get(user=self.request.user, use_case=use_case)
            return UseCaseFileSerializer(found, context=self.get_serializer_context()).data

        return usecase_document_data(version=version, build=build)

    def file_response(
        self, use_case: UseCase, *, item: UseCaseFile | None = None, status_code: int = status.HTTP_200_OK, headers=None
    ) -> Response:
        """The document of `use_case` as it is now (`item`: as a write just returned it, with its warnings)."""
        version = self.document_version(use_case)
        data = self.document_data(use_case, version, item)
        if item is not None and item.warnings:
            data = {**data, "warnings": list(item.warnings)}
        return Response(data, status=status_code, headers={"ETag": version.etag, **(headers or {})})

    def etag(self, instance) -> str:
        return self.document_version(instance).etag

    def check_if_match(self, instance) -> None:
        header = self.request.headers.get("If-Match")
        if header and self.document_version(instance).written_over(header):
            raise PreconditionFailed()

    def retrieve(self, request, *args, **kwargs):
        use_case = self.get_object()
        version = self.document_version(use_case)
        header = request.headers.get("If-None-Match")
        if header and etag_matches(header, version.etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": version.etag})
        return Response(self.document_data(use_case, version), headers={"ETag": version.etag})

    @extend_schema(responses={201: UseCaseFileSerializer})
    def create(self, request, *args, **kwargs):
        require(request.user, ADD, UseCase)  # may add use cases somewhere: else a 403, as the pages
        serializer = UseCaseFileSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        workspace = values.get("use_case", {}).get("workspace")
        item = usecase_file_save(
            user=request.user,
            document=values["document"],
            libraries=values.get("libraries"),
            workspace=workspace,
        )
        location = reverse("api:usecase-detail", kwargs={"pk": item.use_case.pk}, request=request)
        return self.file_response(
            item.use_case, item=item, status_code=status.HTTP_201_CREATED, headers={"Location": location}
        )

    @extend_schema(responses={200: UseCaseFileSerializer, 409: NOT_A_DRAFT_RESPONSE})
    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            use_case = self.writable_object()
            serializer = UseCaseFileSerializer(data=request.data, context=self.get_serializer_context())
            serializer.is_valid(raise_exception=True)
            values = serializer.validated_data
            workspace = values.get("use_case", {}).get("workspace")
            if workspace is not None and workspace.pk != use_case.workspace_id:
                raise ValidationError({"workspace": "A use case does not move to another workspace by PUT."})
            item = usecase_file_save(
                user=request.user,
                document=values["document"],
                libraries=values.get("libraries"),
                use_case=use_case,
                expected_revision=use_case.revision,
            )
        return self.file_response(item.use_case, item=item)

    @extend_schema(request=UseCasePatchSerializer, responses={200: UseCaseFileSerializer, 409: NOT_A_DRAFT_RESPONSE})
    def partial_update(self, request, *args, **kwargs):
        with transaction.atomic():
            use_case = self.writable_object()
            serializer = UseCasePatchSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            # What the document shows now: cached when a client read this revision, so nothing is built under the lock.
            before = self.document_version(use_case)
            cached = usecase_document_cached(version=before)
            try:
                usecase_file_patch(
                    user=request.user,
                    use_case=use_case,
                    data=serializer.validated_data["document"],
                    expected_revision=use_case.revision,
                    shown=cached["document"] if cached else None,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    raise ValidationError(
                        {f"document.{name}": errors for name, errors in error.error_dict.items()}
                    ) from error
                raise
        use_case.refresh_from_db(fields=["revision", "modified", "mrid", "extra", *FOUND_FIELDS])
        # Only the use case's row changed: the answer (and the next read, from the cache) is the document read
        # before with that row's fields again, not a document built from every table once more, and it shows other
        # objects as they were under the lock (its ETag says so: a client revalidating it learns any change since).
        after = usecase_document_version(
            user=request.user, use_case=use_case, base_url=request.build_absolute_uri("/"), others_as=before
        )
        rewritten = (
            cached is not None and after != before and usecase_document_rewritten(data=cached, use_case=use_case)
        )
        if not rewritten:
            return self.file_response(use_case)
        return Response(usecase_document_data(version=after, build=lambda: rewritten), headers={"ETag": after.etag})

    @transaction.atomic
    def destroy(self, request, *args, **kwargs):
        use_case = self.locked_object()
        require(request.user, DELETE, use_case)
        self.check_if_match(use_case)
        usecase_delete(user=request.user, use_case=use_case)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def writable_object(self) -> UseCase:
        """The use case of this request, locked, after the checks every change of a document makes."""
        use_case = self.locked_object()
        require(self.request.user, CHANGE, use_case)
        self.check_if_match(use_case)
        if use_case.status != UseCase.Status.DRAFT:
            raise NotADraft(not_a_draft_message(use_case))
        return use_case
