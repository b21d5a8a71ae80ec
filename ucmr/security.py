"""What every request shares for security: the Content-Security-Policy header and the client's address that sign-in
throttling counts failures by (django-axes). See SECURITY.md."""

import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def content_security_policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class ContentSecurityPolicyMiddleware:
    """Gives every response that has no Content-Security-Policy of its own the project's (UCMR_CONTENT_SECURITY_POLICY).
    A view that needs another sets the header itself (the drawing and diagram downloads do)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy(settings.UCMR_CONTENT_SECURITY_POLICY)

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


def client_ip(request: HttpRequest) -> str:
    """The address of the client: the connection's, or, behind UCMR_TRUSTED_PROXIES proxies that each append the
    address they saw to X-Forwarded-For, the one the outermost proxy saw (what a client writes there itself is to
    the left of it and ignored)."""
    proxies = settings.UCMR_TRUSTED_PROXIES
    remote = request.META.get("REMOTE_ADDR", "")
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


def lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """The page a locked-out sign-in gets (django-axes' AXES_LOCKOUT_CALLABLE): 429, and how long to wait."""
    minutes = math.ceil(get_cool_off(request).total_seconds() / 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
