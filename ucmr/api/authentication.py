"""Token authentication for the REST API: `Authorization: Token <key>` (or `Bearer <key>`), keys from ucmr.tokens."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from ucmr.tokens import api_token_authenticate

KEYWORDS = ("token", "bearer")


class TokenAuthentication(authentication.BaseAuthentication):
    """A personal API token in the Authorization header. Without that header, the next authenticator is asked."""

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode(errors="replace").lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header: give 'Token <key>'.")
        try:
            key = parts[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.") from None
        token = api_token_authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        return token.user, token

    def authenticate_header(self, request) -> str:
        return "Token"


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """Describes TokenAuthentication in the OpenAPI schema."""

    target_class = "ucmr.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A personal API token, created on the API tokens page: the header's value is `Token <key>` "
                "(`Bearer <key>` works too)."
            ),
        }
