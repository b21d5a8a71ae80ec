"""The browsable API under the Content-Security-Policy. Django REST framework's templates carry a few fixed inline
style attributes (`float: right`, ...): its pages allow exactly those, by hash ('unsafe-hashes' lets a hash match a
style attribute), and nothing else inline; its code-highlighting <style> is left out (nothing on its pages is
highlighted). Scripts stay 'self' only."""

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

import rest_framework
from django.conf import settings
from rest_framework import renderers

from ucmr.security import content_security_policy

TEMPLATES = Path(rest_framework.__file__).resolve().parent / "templates" / "rest_framework"
STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"{}]*)"')


@cache
def browsable_api_policy() -> str:
    values = sorted(
        {value for path in TEMPLATES.rglob("*.html") for value in STYLE_ATTRIBUTE.findall(path.read_text())}
    )
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(value.encode()).digest()).decode()}'" for value in values
    )
    directives = dict(settings.UCMR_CONTENT_SECURITY_POLICY)
    directives["style-src"] = f"{directives['style-src']} 'unsafe-hashes' {hashes}"
    return content_security_policy(directives)


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    def get_context(self, data, accepted_media_type, renderer_context):
        context = super().get_context(data, accepted_media_type, renderer_context)
        context["code_style"] = None
        return context

    def render(self, data, accepted_media_type=None, renderer_context=None):
        content = super().render(data, accepted_media_type, renderer_context)
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Security-Policy"] = browsable_api_policy()
        return content
