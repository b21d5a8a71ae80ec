"""Security defaults: the deploy check of production-like settings, sign-in throttling (django-axes), the
Content-Security-Policy of every page and the templates it needs."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import UserFactory, with_repository_role
from ucmr.security import client_ip

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _production_env(**extra: str) -> dict[str, str]:
    """The environment of a production server: DEBUG off, a real key, and none of the developer's DJANGO_ or UCMR_
    variables (make exports DJANGO_DEBUG=true)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "UCMR_"))}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="ucmr.example.org",
        DJANGO_SETTINGS_MODULE="ucmr.settings",
        **extra,
    )
    return env


def _deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_deploy_check_of_production_settings_is_clean():
    result = _deploy_check(_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_turning_a_secure_default_off_is_reported_by_the_deploy_check():
    result = _deploy_check(_production_env(DJANGO_SECURE_COOKIES="false"))
    assert result.returncode != 0
    assert "security.W012" in result.stderr + result.stdout


def test_a_production_server_redirects_to_https_and_sends_hsts():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    env = _production_env(DJANGO_SECURE_HSTS_SECONDS="600", DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.split("\n")[-2] == "True 600 True True ('HTTP_X_FORWARDED_PROTO', 'https')"


# Sign-in throttling.


def _sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1", url: str = "/accounts/login/"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def analyst(settings):
    settings.AXES_FAILURE_LIMIT = 3
    return UserFactory(username="analyst")


def test_too_many_wrong_passwords_lock_the_username_at_that_address_even_for_the_right_one(client, analyst):
    for _ in range(2):
        assert _sign_in(client, "analyst", "wrong").status_code == 200  # the form again, with its error
    locked = _sign_in(client, "analyst", "wrong")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Too many failed sign-in attempts" in text and "Try again in 15 minutes" in text
    right = _sign_in(client, "analyst", "pw-test-1")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lock_holds_one_username_at_one_address(client, analyst):
    UserFactory(username="colleague")
    for _ in range(3):
        _sign_in(client, "analyst", "wrong")
    assert _sign_in(Client(), "colleague", "pw-test-1").status_code == 302
    assert _sign_in(Client(), "analyst", "pw-test-1", address="10.0.0.2").status_code == 302


def test_a_successful_sign_in_forgets_the_failures_before_it(client, analyst):
    for _ in range(2):
        _sign_in(client, "analyst", "wrong")
    assert _sign_in(Client(), "analyst", "pw-test-1").status_code == 302
    for _ in range(2):
        assert _sign_in(client, "analyst", "wrong").status_code == 200


def test_the_admin_sign_in_is_throttled_too(client, analyst):
    analyst.is_staff = True
    analyst.save()
    for _ in range(3):
        response = _sign_in(client, "analyst", "wrong", url="/admin/login/")
    assert response.status_code == 429


def test_an_administrator_unlocks_a_username_in_the_admin(client, analyst):
    for _ in range(3):
        _sign_in(client, "analyst", "wrong")
    attempt = AccessAttempt.objects.get(username="analyst")
    admin = with_repository_role(UserFactory(username="admin", is_staff=True, is_superuser=True), "administrator")
    staff = Client()
    staff.force_login(admin)
    listing = staff.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "analyst" in listing.content.decode()
    delete_url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert staff.post(delete_url, {"post": "yes"}).status_code == 302
    assert _sign_in(client, "analyst", "pw-test-1").status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.1"),  # no proxy: the header is the client's own words
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),  # what the client wrote itself is ignored
        (2, "198.51.100.7, 203.0.113.9", "198.51.100.7"),
        (2, "203.0.113.9", "10.0.0.1"),  # fewer entries than proxies: not trusted
    ],
)
def test_the_client_address_behind_trusted_proxies(settings, proxies, forwarded, expected):
    settings.UCMR_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


# Content-Security-Policy.


@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/use-cases/", "/api/", "/admin/", "/api/docs/"])
def test_every_page_has_a_strict_policy(client, url):
    client.force_login(with_repository_role(UserFactory(is_staff=True), "administrator"))
    policy = client.get(url)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


TEMPLATES_DIR = BASE_DIR / "templates"
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_needs_what_the_policy_forbids():
    found = [
        f"{path.relative_to(BASE_DIR)}:{number}: {what}"
        for path in sorted(TEMPLATES_DIR.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        for pattern, what in INLINE
        if pattern.search(line)
    ]
    assert found == []
