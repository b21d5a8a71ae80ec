"""Use cases over the API: lists, whole documents (read, create, replace), PATCH of scalar fields, the workflow,
XML and Excel export, frozen versions and their differences, the audit history; and XML imports as background jobs."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import parsers, renderers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse

from ucmr.api.errors import PreconditionFailed
from ucmr.api.etags import ETagMixin, etag_matches
from ucmr.api.jobs import JOB_ID_REGEX
from ucmr.api.parsers import (
    MacroWordParser,
    MacroWorkbookParser,
    TextXmlParser,
    WordParser,
    WorkbookParser,
    XmlParser,
)
from ucmr.api.serializers import MAX_ID, ChangeLogEntrySerializer, ErrorSerializer, JobSerializer
from ucmr.api.viewsets import SelectorMixin
from ucmr.permissions import ADD, CHANGE, DELETE, VIEW, require
from ucmr.selectors import changes_redacted, job_get, object_history
from usecases.api.document import (
    DocumentVersion,
    usecase_document_cached,
    usecase_document_data,
    usecase_document_version,
)
from usecases.api.serializers import (
    CompareSerializer,
    ImportRequestSerializer,
    SectionDiffSerializer,
    SnapshotDetailSerializer,
    SnapshotSerializer,
    TransitionSerializer,
    UseCaseFileSerializer,
    UseCaseListSerializer,
    UseCasePatchSerializer,
)
from usecases.exchange.documents import UseCaseFile, usecase_file_get, usecase_file_patch, usecase_file_save
from usecases.exchange.files import EXCEL, WORD, file_kind
from usecases.exchange.selectors import export_job_file_get
from usecases.exchange.services import (
    DOCX_ZIP,
    EXPORT_FORMATS,
    WORKSPACE_TO_CHOOSE,
    export_file_format,
    export_job_start,
    export_runs_as_job,
    import_job_confirm,
    import_job_start,
    usecases_export,
)
from usecases.exchange.views import export_file_response, selects_everything, usecase_file_stem
from usecases.filters import UseCaseFilterSet
from usecases.models import UseCase, Workspace
from usecases.selectors import usecase_brief_list, usecase_header_list
from usecases.services import not_a_draft_message, usecase_delete
from usecases.versions import usecase_snapshot_get, usecase_snapshot_list, usecase_versions_compare
from usecases.workflow import TRANSITIONS, usecase_transition

XML_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="An IEC 62559-3 variant C file (application/xml).")
XLSX_RESPONSE = OpenApiResponse(
    OpenApiTypes.BINARY,
    description="A workbook in the BRIDGE Excel template's layout, one sheet per use case "
    "(application/vnd.openxmlformats-officedocument.spreadsheetml.sheet).",
)
NOT_A_DRAFT_RESPONSE = OpenApiResponse(ErrorSerializer, description="Only drafts are edited: this use case is not one.")


class NotADraft(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_a_draft"


DOCX_RESPONSE = OpenApiResponse(
    OpenApiTypes.BINARY,
    description="A Word document in the IEC 62559-2 template "
    "(application/vnd.openxmlformats-officedocument.wordprocessingml.document).",
)
DOCX_ZIP_RESPONSE = OpenApiResponse(
    OpenApiTypes.BINARY,
    description="A zip of Word documents in the IEC 62559-2 template, one per use case (application/zip).",
)


def _file_response(data: bytes, file_name: str, export_format: str, several: bool = False) -> Response:
    """`data` as an attachment named `file_name` plus the extension of the format's file (of `several` use cases:
    Word's is a zip)."""
    found = export_file_format(export_format, several=several)
    content_type = f"{found.content_type}; charset=utf-8" if export_format == "xml" else found.content_type
    response = Response(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}.{found.extension}"'
    return response


class XmlRenderer(renderers.BaseRenderer):
    """Lets `Response(bytes)` through as it is for the XML downloads. An error (the dict of ucmr.api.errors) is
    JSON, as everywhere else in the API."""

    media_type = "application/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return renderers.JSONRenderer().render(data)


class XlsxRenderer(XmlRenderer):
    """The workbook downloads: bytes as they are, errors as JSON."""

    media_type = EXPORT_FORMATS["xlsx"].content_type
    format = "xlsx"
    charset = None


class DocxRenderer(XmlRenderer):
    """The Word downloads of one use case: bytes as they are, errors as JSON."""

    media_type = EXPORT_FORMATS["docx"].content_type
    format = "docx"
    charset = None


class DocxZipRenderer(XmlRenderer):
    """The Word downloads of several use cases, a zip of documents: bytes as they are, errors as JSON."""

    media_type = DOCX_ZIP.content_type
    format = "zip"
    charset = None


@extend_schema(tags=["use cases"])
class UseCaseViewSet(ETagMixin, SelectorMixin, viewsets.ModelViewSet):
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
        return super().filter_queryset(queryset)

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
            cached = usecase_document_cached(version=self.document_version(use_case))
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
        use_case.refresh_from_db(fields=["revision", "modified"])
        return self.file_response(use_case)

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

    # XML and Excel

    @extend_schema(responses={200: XML_RESPONSE})
    @action(detail=True, methods=["get"], url_path="xml", renderer_classes=[XmlRenderer])
    def xml(self, request, pk=None):
        """The use case with the library objects it uses, as an IEC 62559-3 variant C file."""
        return self._export_one("xml")

    @extend_schema(responses={200: XLSX_RESPONSE})
    @action(detail=True, methods=["get"], url_path="xlsx", renderer_classes=[XlsxRenderer])
    def xlsx(self, request, pk=None):
        """The use case as a workbook in the BRIDGE Excel template's layout."""
        return self._export_one("xlsx")

    @extend_schema(responses={200: DOCX_RESPONSE})
    @action(detail=True, methods=["get"], url_path="docx", renderer_classes=[DocxRenderer])
    def docx(self, request, pk=None):
        """The use case as a Word document in the IEC 62559-2 template (diagrams drawn so far in section 2)."""
        return self._export_one("docx")

    def _export_one(self, export_format: str) -> Response:
        use_case = self.get_object()
        use_cases = UseCase.objects.filter(pk=use_case.pk)
        data = usecases_export(user=self.request.user, use_cases=use_cases, export_format=export_format)
        return _file_response(data, usecase_file_stem(use_case), export_format)

    @extend_schema(
        responses={200: XML_RESPONSE, 202: JobSerializer},
        parameters=[OpenApiParameter("id", int, many=True)],
        operation_id="use_cases_xml_export",
    )
    @action(detail=False, methods=["get"], url_path="xml", renderer_classes=[XmlRenderer, renderers.JSONRenderer])
    def export(self, request):
        """The use cases the list's filters select (all pages, or those named by `id`) as one variant C file. More
        than `UCMR_EXPORT_SYNC_MAX` of them, or all use cases (no filter, no `id`), are written by a background
        job: 202 with the job (`Location`); its `links.download` is the file once it has succeeded."""
        return self._export_many("xml")

    @extend_schema(
        responses={200: XLSX_RESPONSE, 202: JobSerializer},
        parameters=[OpenApiParameter("id", int, many=True)],
        operation_id="use_cases_xlsx_export",
    )
    @action(detail=False, methods=["get"], url_path="xlsx", renderer_classes=[XlsxRenderer, renderers.JSONRenderer])
    def export_xlsx(self, request):
        """The use cases the list's filters select (all pages, or those named by `id`) as one workbook, one sheet
        per use case; a background job (202) for more than `UCMR_EXPORT_SYNC_MAX` or all of them, as for XML."""
        return self._export_many("xlsx")

    @extend_schema(
        responses={200: DOCX_ZIP_RESPONSE, 202: JobSerializer},
        parameters=[OpenApiParameter("id", int, many=True)],
        operation_id="use_cases_docx_export",
    )
    @action(detail=False, methods=["get"], url_path="docx", renderer_classes=[DocxZipRenderer, renderers.JSONRenderer])
    def export_docx(self, request):
        """The use cases the list's filters select (all pages, or those named by `id`) as a zip of Word documents,
        one per use case; a background job (202) for more than `UCMR_EXPORT_SYNC_MAX` or all of them, as for XML.
        The job draws the diagrams not drawn yet first."""
        return self._export_many("docx")

    def _export_many(self, export_format: str) -> Response:
        request = self.request
        use_cases = self.filter_queryset(self.get_queryset())
        ids = request.query_params.getlist("id")
        if ids:
            if not all(value.isascii() and value.isdigit() and int(value) <= MAX_ID for value in ids):
                raise ValidationError({"id": "Use case ids are numbers."})
            use_cases = use_cases.filter(pk__in=[int(value) for value in ids])
        everything = not ids and selects_everything(request.query_params)
        if export_runs_as_job(user=request.user, use_cases=use_cases, everything=everything):
            if not request.user.is_authenticated:
                raise NotAuthenticated("Sign in to export this many use cases: the export runs as a background job.")
            job = export_job_start(user=request.user, use_cases=use_cases, export_format=export_format)
            job.refresh_from_db()  # with eager tasks the job has already run
            data = JobSerializer(job, context=self.get_serializer_context()).data
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = request.accepted_renderer.media_type
            return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": str(data["url"])})
        data = usecases_export(user=request.user, use_cases=use_cases, export_format=export_format, several=True)
        return _file_response(data, "use-cases", export_format, several=True)

    @extend_schema(responses={200: XML_RESPONSE}, operation_id="use_cases_xml_export_download")
    @action(
        detail=False,
        methods=["get"],
        url_path=f"xml/(?P<job>{JOB_ID_REGEX})",
        url_name="xml-download",
        renderer_classes=[XmlRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def export_download(self, request, job=None):
        """The file an export job wrote, for those who may see the job (who started it, administrators); else 404."""
        return self._job_file(job)

    @extend_schema(responses={200: XLSX_RESPONSE}, operation_id="use_cases_xlsx_export_download")
    @action(
        detail=False,
        methods=["get"],
        url_path=f"xlsx/(?P<job>{JOB_ID_REGEX})",
        url_name="xlsx-download",
        renderer_classes=[XlsxRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def export_xlsx_download(self, request, job=None):
        """The workbook an export job wrote, for those who may see the job; else 404."""
        return self._job_file(job)

    @extend_schema(responses={200: DOCX_ZIP_RESPONSE}, operation_id="use_cases_docx_export_download")
    @action(
        detail=False,
        methods=["get"],
        url_path=f"docx/(?P<job>{JOB_ID_REGEX})",
        url_name="docx-download",
        renderer_classes=[DocxZipRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def export_docx_download(self, request, job=None):
        """The zip of Word documents an export job wrote, for those who may see the job; else 404."""
        return self._job_file(job)

    def _job_file(self, job: str):
        if not self.request.user.is_authenticated:
            raise NotAuthenticated()
        found, name = export_job_file_get(user=self.request.user, pk=job)
        return export_file_response(job=found, name=name)

    # The review workflow

    def transition(self, request, name: str) -> Response:
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            use_case = self.locked_object()
            require(request.user, TRANSITIONS[name].action, use_case)
            self.check_if_match(use_case)
            usecase_transition(
                user=request.user,
                use_case=use_case,
                name=name,
                comment=serializer.validated_data["comment"],
                expected_revision=use_case.revision,
            )
        use_case.refresh_from_db()
        return self.file_response(use_case)

    @extend_schema(responses={200: UseCaseFileSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Draft -> in review (refused while validation finds errors)."""
        return self.transition(request, "submit")

    @extend_schema(responses={200: UseCaseFileSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """In review -> approved (freezes a version). For reviewers."""
        return self.transition(request, "approve")

    @extend_schema(responses={200: UseCaseFileSerializer})
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        """In review -> draft, with a comment saying what to change. For reviewers."""
        return self.transition(request, "send_back")

    @extend_schema(responses={200: UseCaseFileSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Approved -> published (freezes a version). For managers."""
        return self.transition(request, "publish")

    @extend_schema(responses={200: UseCaseFileSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Back to draft. For managers."""
        return self.transition(request, "withdraw")

    # Versions and history

    @extend_schema(responses=SnapshotSerializer(many=True), operation_id="use_cases_versions_list")
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def versions(self, request, pk=None):
        """The frozen versions, newest first."""
        snapshots = usecase_snapshot_list(user=request.user, use_case=self.get_object())
        return Response(SnapshotSerializer(snapshots, many=True, context=self.get_serializer_context()).data)

    @extend_schema(parameters=[OpenApiParameter("sequence", int, OpenApiParameter.PATH)])
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<sequence>[0-9]+)")
    def version(self, request, pk=None, sequence=None):
        """One frozen version with its document."""
        snapshot = usecase_snapshot_get(user=request.user, use_case=self.get_object(), sequence=int(sequence))
        return Response(SnapshotDetailSerializer(snapshot, context=self.get_serializer_context()).data)

    @extend_schema(
        parameters=[CompareSerializer],
        responses={200: SectionDiffSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], url_path="versions/compare", filter_backends=[], pagination_class=None)
    def compare(self, request, pk=None):
        """What changed between two versions (or a version and the current state), section by section."""
        use_case = self.get_object()
        query = CompareSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        choices = {"current"} | {
            str(sequence)
            for sequence in usecase_snapshot_list(user=request.user, use_case=use_case).values_list(
                "sequence", flat=True
            )
        }
        wrong = {side: "No such version." for side in ("old", "new") if query.validated_data[side] not in choices}
        if wrong:
            raise ValidationError(wrong)
        sections, _, _ = usecase_versions_compare(
            user=request.user, use_case=use_case, old=query.validated_data["old"], new=query.validated_data["new"]
        )
        return Response(SectionDiffSerializer(sections, many=True).data)

    @extend_schema(
        responses=inline_serializer(
            "ChangeLogPage",
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": ChangeLogEntrySerializer(many=True),
            },
        ),
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        """Every recorded change to the use case and its rows, newest first."""
        entries = object_history(user=request.user, obj=self.get_object())
        page = self.paginate_queryset(entries)
        entries = changes_redacted(user=request.user, entries=list(page))
        return self.get_paginated_response(ChangeLogEntrySerializer(entries, many=True).data)


NO_IMPORT_FILE = (
    "Send the XML file or workbook as `file` (multipart) or as the body (application/xml, or an Excel media type)."
)


@extend_schema(tags=["imports"])
class ImportViewSet(viewsets.GenericViewSet):
    """Imports: POST an XML file or an Excel workbook, get 202 and the address of the background job that imports it
    (`Location`)."""

    serializer_class = ImportRequestSerializer
    lookup_value_regex = JOB_ID_REGEX
    parser_classes = [
        parsers.MultiPartParser,
        parsers.FormParser,
        XmlParser,
        TextXmlParser,
        WorkbookParser,
        MacroWorkbookParser,
        WordParser,
        MacroWordParser,
    ]

    @extend_schema(
        request={
            "multipart/form-data": ImportRequestSerializer,
            "application/xml": OpenApiTypes.BINARY,
            WorkbookParser.media_type: OpenApiTypes.BINARY,
            WordParser.media_type: OpenApiTypes.BINARY,
        },
        parameters=[
            OpenApiParameter("workspace", int, description="With a raw body: where new use cases go."),
            OpenApiParameter("policy", str, description="With a raw body: update or skip."),
            OpenApiParameter("dry_run", bool, description="With a raw body: report only."),
        ],
        responses={202: JobSerializer},
    )
    def create(self, request):
        raw = request.data.get("xml") if isinstance(request.data, dict) else None
        values = request.query_params if raw is not None else request.data
        serializer = ImportRequestSerializer(data={key: values.get(key) for key in values if key != "file"})
        serializer.is_valid(raise_exception=True)
        upload = request.data.get("file")
        if raw is not None:
            extension = {EXCEL: "xlsx", WORD: "docx"}.get(file_kind(raw), "xml")
            upload = ContentFile(raw, name=f"upload.{extension}")
        if upload is None:
            raise ValidationError({"file": NO_IMPORT_FILE})
        workspace = None
        if serializer.validated_data["workspace"] is not None:
            workspace = Workspace.objects.filter(pk=serializer.validated_data["workspace"]).first()
            if workspace is None:
                raise ValidationError({"workspace": WORKSPACE_TO_CHOOSE})
        job = import_job_start(
            user=request.user,
            upload=upload,
            workspace=workspace,
            policy=serializer.validated_data["policy"],
            dry_run=serializer.validated_data["dry_run"],
        )
        return self.accepted(job)

    @extend_schema(request=None, responses={202: JobSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Import for real the file a successful dry run (this job) has read."""
        return self.accepted(import_job_confirm(user=request.user, job=job_get(user=request.user, pk=pk)))

    def accepted(self, job) -> Response:
        job.refresh_from_db()  # with eager tasks the job has already run
        data = JobSerializer(job, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": str(data["url"])})  # WSGI: str
