"""The exports of the use case API: one use case, or those the list's filters select, as XML, workbook or Word,
directly or through a background job whose file is downloaded afterwards."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import renderers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated
from rest_framework.response import Response

from ucmr.api.jobs import JOB_ID_REGEX
from ucmr.api.serializers import MAX_ID, JobSerializer
from usecases.api.viewsets.files import (
    DOCX_RESPONSE,
    DOCX_ZIP_RESPONSE,
    XLSX_RESPONSE,
    XML_RESPONSE,
    DocxRenderer,
    DocxZipRenderer,
    XlsxRenderer,
    XmlRenderer,
    file_response,
)
from usecases.exchange.selectors import export_job_file_get
from usecases.exchange.services import export_job_start, export_runs_as_job, usecases_export
from usecases.exchange.views import export_file_response, selects_everything, usecase_file_stem
from usecases.models import UseCase


class UseCaseExportActions:
    """The export actions of `UseCaseViewSet`."""

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
        return file_response(data, usecase_file_stem(use_case), export_format)

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
        return file_response(data, "use-cases", export_format, several=True)

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
