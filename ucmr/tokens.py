"""Personal API tokens: create, list, revoke, and authenticate a request by its key.

The key is `ucmr_<random>`; it is returned once by `api_token_create` and never stored. The database holds its
sha256 (safe to store and to audit: the secret is 32 random bytes, so the hash cannot be reversed).
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ucmr.models import ApiToken
from ucmr.services import model_create, model_update

KEY_PREFIX = "ucmr_"
SHOWN_PREFIX_LENGTH = 12
# Writing last_used on every request would turn every API read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_list(*, user) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first."""
    return ApiToken.objects.filter(user=user)


def api_token_get(*, user, pk: int) -> ApiToken:
    """One of the user's own tokens; anybody else's is a 404."""
    return get_object_or_404(api_token_list(user=user), pk=pk)


@transaction.atomic
def api_token_create(*, user, name: str, expires: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for the user, and its key: the only time the key is available."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = model_create(
        user=user,
        model=ApiToken,
        data={
            "user": user,
            "name": name,
            "key_hash": _hash(key),
            "prefix": key[:SHOWN_PREFIX_LENGTH],
            "expires": expires,
        },
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, user, token: ApiToken) -> ApiToken:
    """Revoke one of the user's own tokens; revoking it again changes nothing."""
    if token.user_id != user.pk:
        raise PermissionDenied("Only its owner may revoke a token.")
    if token.revoked is None:
        token = model_update(user=user, instance=token, data={"revoked": timezone.now()})
    return token


def api_token_authenticate(key: str) -> ApiToken | None:
    """The live token with this key (its user is `token.user`), or None if the key is unknown, revoked, expired or
    its user inactive."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked__isnull=True, user__is_active=True)
        .first()
    )
    now = timezone.now()
    if token is None or (token.expires is not None and token.expires <= now):
        return None
    if token.last_used is None or now - token.last_used >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
    return token
