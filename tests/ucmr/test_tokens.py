"""Personal API tokens: the services, the DRF authentication that reads them, and the "API tokens" page."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from tests.factories import UserFactory
from ucmr.api.authentication import TokenAuthentication
from ucmr.models import ApiToken, ChangeLogEntry
from ucmr.tokens import api_token_authenticate, api_token_create, api_token_list, api_token_revoke

pytestmark = pytest.mark.django_db


class WhoAmIView(APIView):
    """A test-only endpoint behind the project's default authentication classes."""

    permission_classes = [IsAuthenticated]
    throttle_classes = []

    def get(self, request):
        return Response({"username": request.user.get_username(), "token": getattr(request.auth, "pk", None)})


def call_api(authorization: str | None = None):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    request = APIRequestFactory().get("/who-am-i/", **headers)
    response = WhoAmIView.as_view()(request)
    response.render()
    return response


# The services.


def test_create_returns_the_key_once_and_stores_only_its_hash():
    user = UserFactory()
    token, key = api_token_create(user=user, name="CI script")

    assert key.startswith("ucmr_") and len(key) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert stored.prefix == key[:12]
    assert key not in {str(value) for value in stored.__dict__.values()}
    entry = ChangeLogEntry.objects.get(object_id=str(token.pk), content_type__model="apitoken")
    assert entry.action == ChangeLogEntry.Action.CREATE
    assert key not in str(entry.after)


def test_two_tokens_never_share_a_key():
    user = UserFactory()
    keys = {api_token_create(user=user, name=f"Token {n}")[1] for n in range(5)}
    assert len(keys) == 5


def test_list_holds_only_the_users_own_tokens():
    user, other = UserFactory(), UserFactory()
    mine, _ = api_token_create(user=user, name="Mine")
    api_token_create(user=other, name="Theirs")
    assert list(api_token_list(user=user)) == [mine]


def test_revoke_is_recorded_and_only_the_owner_may_revoke():
    owner, other = UserFactory(), UserFactory()
    token, key = api_token_create(user=owner, name="Script")

    with pytest.raises(PermissionDenied):
        api_token_revoke(user=other, token=token)
    assert api_token_authenticate(key) is not None

    api_token_revoke(user=owner, token=token)
    assert ApiToken.objects.get(pk=token.pk).revoked is not None
    assert ChangeLogEntry.objects.filter(object_id=str(token.pk), action=ChangeLogEntry.Action.UPDATE).exists()
    assert api_token_authenticate(key) is None


def test_authenticate_refuses_unknown_expired_and_inactive_users_tokens():
    user = UserFactory()
    _, expired_key = api_token_create(user=user, name="Old", expires=timezone.now() - timedelta(seconds=1))
    _, live_key = api_token_create(user=user, name="Live", expires=timezone.now() + timedelta(days=1))

    assert api_token_authenticate("ucmr_not-a-key") is None
    assert api_token_authenticate(expired_key) is None
    assert api_token_authenticate(live_key).user == user
    user.is_active = False
    user.save()
    assert api_token_authenticate(live_key) is None


def test_last_used_is_written_at_most_once_a_minute():
    token, key = api_token_create(user=UserFactory(), name="Script")
    assert token.last_used is None

    api_token_authenticate(key)
    first_use = ApiToken.objects.get(pk=token.pk).last_used
    assert first_use is not None
    api_token_authenticate(key)
    assert ApiToken.objects.get(pk=token.pk).last_used == first_use

    ApiToken.objects.filter(pk=token.pk).update(last_used=first_use - timedelta(minutes=2))
    api_token_authenticate(key)
    assert ApiToken.objects.get(pk=token.pk).last_used > first_use - timedelta(minutes=2)


# The DRF authentication.


@pytest.mark.parametrize("keyword", ["Token", "Bearer", "token"])
def test_a_request_with_a_token_is_authenticated_as_its_owner(keyword):
    user = UserFactory(username="scripter")
    token, key = api_token_create(user=user, name="Script")

    response = call_api(f"{keyword} {key}")

    assert response.status_code == 200
    assert response.data == {"username": "scripter", "token": token.pk}
    assert ApiToken.objects.get(pk=token.pk).last_used is not None


def _revoked_key() -> str:
    user = UserFactory()
    token, key = api_token_create(user=user, name="Revoked")
    api_token_revoke(user=user, token=token)
    return key


def _expired_key() -> str:
    return api_token_create(user=UserFactory(), name="Expired", expires=timezone.now() - timedelta(minutes=1))[1]


@pytest.mark.parametrize(
    "make_header",
    [
        pytest.param(lambda: "Token ucmr_not-a-real-key", id="unknown"),
        pytest.param(lambda: f"Token {_revoked_key()}", id="revoked"),
        pytest.param(lambda: f"Bearer {_expired_key()}", id="expired"),
        pytest.param(lambda: "Token", id="no-key"),
        pytest.param(lambda: "Token two words", id="key-with-space"),
    ],
)
def test_a_bad_token_is_a_401_that_says_how_to_authenticate(make_header):
    response = call_api(make_header())

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert ApiToken.objects.filter(last_used__isnull=False).count() == 0


def test_a_request_without_credentials_is_a_401_that_asks_for_a_token():
    response = call_api()
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_another_authorization_scheme_is_left_to_the_other_authenticators():
    response = call_api("Basic dXNlcjpwYXNz")
    assert response.status_code == 401  # not authenticated by anyone, rather than refused as a bad token
    assert "Invalid or revoked token" not in response.content.decode()


def test_the_schema_describes_token_authentication():
    # Asked of the extension itself, so that the test does not depend on which endpoints exist.
    extension = OpenApiAuthenticationExtension.get_match(TokenAuthentication())
    scheme = extension.get_security_definition(auto_schema=None)
    assert extension.name == "tokenAuth"
    assert scheme["type"] == "apiKey"
    assert scheme["in"] == "header"
    assert scheme["name"] == "Authorization"
    assert "Token <key>" in scheme["description"]


# The page.


def test_the_page_needs_sign_in(client):
    url = reverse("api_tokens")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_creating_a_token_on_the_page_shows_its_key_once(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(reverse("api_tokens"), {"name": "Nightly export", "expires_in_days": "30"}, follow=True)

    token = ApiToken.objects.get(user=user)
    page = response.content.decode()
    key = response.context["new_key"]
    assert key and hashlib.sha256(key.encode()).hexdigest() == token.key_hash
    assert f'value="{key}"' in page
    assert f'curl -H "Authorization: Token {key}" http://testserver/api/use-cases/' in page
    assert "Nightly export" in page and f"{token.prefix}…" in page
    assert timedelta(days=29) < token.expires - timezone.now() <= timedelta(days=30)
    assert "no-store" in response["Cache-Control"]

    again = client.get(reverse("api_tokens")).content.decode()
    assert key not in again
    assert "Nightly export" in again


def test_a_token_without_a_name_is_refused_on_the_form(client):
    client.force_login(UserFactory())
    response = client.post(reverse("api_tokens"), {"name": "", "expires_in_days": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_the_page_lists_only_the_users_own_tokens(client):
    user = UserFactory()
    api_token_create(user=user, name="Mine")
    api_token_create(user=UserFactory(), name="Somebody else's")
    client.force_login(user)

    response = client.get(reverse("api_tokens"))

    assert [token.name for token in response.context["tokens"]] == ["Mine"]
    assert "Somebody else" not in response.content.decode()


def test_revoking_a_token_on_the_page_refuses_it_from_then_on(client):
    user = UserFactory()
    token, key = api_token_create(user=user, name="Script")
    client.force_login(user)

    response = client.post(reverse("api_token_revoke", kwargs={"pk": token.pk}))

    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked is not None
    assert call_api(f"Token {key}").status_code == 401


def test_revoking_another_users_token_is_a_404(client):
    token, key = api_token_create(user=UserFactory(), name="Theirs")
    client.force_login(UserFactory())

    response = client.post(reverse("api_token_revoke", kwargs={"pk": token.pk}))

    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked is None
    assert call_api(f"Token {key}").status_code == 200


def test_the_pages_queries_do_not_grow_with_the_tokens(client):
    user = UserFactory()
    client.force_login(user)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("api_tokens")).status_code == 200
        return len(context.captured_queries)

    api_token_create(user=user, name="First")
    few = count_queries()
    for n in range(10):
        token, _ = api_token_create(user=user, name=f"Token {n}")
        if n % 2:
            api_token_revoke(user=user, token=token)
    assert count_queries() == few
