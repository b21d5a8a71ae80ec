"""XML, Excel and Word imports over the API, as background jobs."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ucmr.api.jobs import JOB_ID_REGEX
from ucmr.api.parsers import MacroWordParser, MacroWorkbookParser, TextXmlParser, WordParser, WorkbookParser, XmlParser
from ucmr.api.serializers import JobSerializer
from ucmr.selectors import job_get
from usecases.api.serializers import ImportRequestSerializer
from usecases.exchange.files import EXCEL, WORD, file_kind
from usecases.exchange.services import WORKSPACE_TO_CHOOSE, import_job_confirm, import_job_start
from usecases.models import Workspace

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
