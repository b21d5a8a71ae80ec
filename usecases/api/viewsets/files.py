"""The files the use case API answers with: XML, workbooks and Word documents as attachments, their renderers
(bytes as they are, errors as JSON) and their descriptions in the schema."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import renderers
from rest_framework.response import Response

from usecases.exchange.services import DOCX_ZIP, EXPORT_FORMATS, export_file_format

XML_RESPONSE = OpenApiResponse(OpenApiTypes.BINARY, description="An IEC 62559-3 variant C file (application/xml).")
XLSX_RESPONSE = OpenApiResponse(
    OpenApiTypes.BINARY,
    description="A workbook in the BRIDGE Excel template's layout, one sheet per use case "
    "(application/vnd.openxmlformats-officedocument.spreadsheetml.sheet).",
)
DOCX_RESPONSE = OpenApiResponse(
    OpenApiTypes.BINARY,
    description="A Word document in the IEC 62559-2 template "
    "(application/vnd.openxmlformats-officedocument.wordprocessingml.document).",
)
DOCX_ZIP_RESPONSE = OpenApiResponse(
    OpenApiTypes.BINARY,
    description="A zip of Word documents in the IEC 62559-2 template, one per use case (application/zip).",
)


def file_response(data: bytes, file_name: str, export_format: str, several: bool = False) -> Response:
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
