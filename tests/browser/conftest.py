"""End-to-end tests in Debian's chromium, driven by Playwright, against a live server on 127.0.0.1.

Playwright cannot download its own browser here: it launches the system's `chromium` (UCMR_CHROMIUM, else the
first `chromium` on PATH; `make test` installs it with apt). Where there is none the tests skip, saying why, except
in CI, where a skip of the browser tier fails the run (tests/conftest.py).
"""

import os
import re
import shutil

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make there are not async.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("UCMR_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("no chromium: install Debian's chromium (make test does) or set UCMR_CHROMIUM")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make setup does)")
    sync_api.expect.set_options(timeout=30_000)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A page of a fresh browser context. A test fails when any page it opened broke the Content-Security-Policy:
    chromium reports every refused script, style, frame or connection in the console."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 800})
    context.set_default_timeout(30_000)  # generous: CI shares two cores with the live server and the suite
    violations = []
    context.on("console", lambda message: _note_violation(violations, message))
    page = context.new_page()
    yield page
    context.close()
    assert not violations, "the Content-Security-Policy was violated:\n" + "\n".join(violations)


def _note_violation(violations: list[str], message) -> None:
    if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
        violations.append(f"{message.location.get('url', '')}: {message.text}")


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def fix_finding(page, message: re.Pattern):
    """Open the validation panel's findings and the row of the finding matching `message` with its Fix; returns the
    row's form, open in the panel."""
    validation = page.locator("#validation")
    finding = validation.locator("li", has_text=message)
    validation.get_by_text(re.compile(r"\d+ findings?")).click()
    expect(finding).to_be_visible()
    finding.get_by_role("link", name=re.compile("^Fix")).click()
    return page.locator("[data-editing]")
