"""Request bodies, read no further than the largest document the API takes (UCMR_XML_MAX_BYTES, the same limit as
an XML import): a larger body is a 413, not memory spent."""

import io

from django.conf import settings
from rest_framework import exceptions, parsers, status


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def read_limited(stream) -> bytes:
    limit = settings.UCMR_XML_MAX_BYTES
    data = stream.read(limit + 1) if stream is not None else b""
    if len(data) > limit:
        raise RequestTooLarge(f"The request body is larger than the {limit:,} bytes the API accepts.")
    return data


class _Limited:
    """Hands the parent parser a stream that has been read (up to the limit) into memory."""

    def parse(self, stream, media_type=None, parser_context=None):
        return super().parse(io.BytesIO(read_limited(stream)), media_type, parser_context)


class JSONParser(_Limited, parsers.JSONParser):
    pass


class XmlParser(parsers.BaseParser):
    """A raw XML body (an import): its bytes, as `{"xml": ...}`."""

    media_type = "application/xml"

    def parse(self, stream, media_type=None, parser_context=None):
        return {"xml": read_limited(stream)}


class TextXmlParser(XmlParser):
    media_type = "text/xml"


class WorkbookParser(XmlParser):
    """A raw Excel workbook body (an import): its bytes under the same key as an XML body, since the import tells
    the two apart by their content."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MacroWorkbookParser(WorkbookParser):
    media_type = "application/vnd.ms-excel.sheet.macroEnabled.12"


class WordParser(XmlParser):
    """A raw Word document body (an import), under the same key: the import tells it apart by its content."""

    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class MacroWordParser(WordParser):
    media_type = "application/vnd.ms-word.document.macroEnabled.12"
