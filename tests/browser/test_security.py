"""The pages that are not the authoring path, under the Content-Security-Policy in a real browser (the `page`
fixture fails a test on any violation): the API's own pages, the admin, a job, a use case page; and a sign-in
locked out after too many wrong passwords."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import UserFactory, WorkspaceFactory, make_complete_use_case
from ucmr.models import BackgroundJob

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads what the test commits

PASSWORD = "Admin-pw-47!"


def test_every_kind_of_page_renders_under_the_policy(page):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    admin.set_password(PASSWORD)
    admin.save()
    use_case = make_complete_use_case(workspace=WorkspaceFactory(), steps=4, actors=2)
    job = BackgroundJob.objects.create(kind="repository_stats", user=admin, progress=40)
    sign_in(page, "root", PASSWORD)

    page.goto(f"/use-cases/{use_case.pk}/")
    expect(page.get_by_role("heading", name=use_case.name)).to_be_visible()
    page.goto(f"/jobs/{job.pk}/")
    expect(page.get_by_role("progressbar", name="Progress")).to_be_visible()
    assert page.locator(".progress-bar").bounding_box()["width"] > 0  # its width from the stylesheet

    page.goto("/api/")
    expect(page.get_by_text("Api Root").first).to_be_visible()
    page.goto(f"/api/use-cases/{use_case.pk}/")
    expect(page.get_by_text(use_case.identifier).first).to_be_visible()
    page.goto("/api/docs/")
    expect(page.get_by_text("UCMR API").first).to_be_visible()

    page.goto("/admin/")
    expect(page.get_by_role("link", name="Access attempts")).to_be_visible()
    page.goto(f"/admin/usecases/usecase/{use_case.pk}/change/")
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_visible()


def test_a_sign_in_is_locked_after_too_many_wrong_passwords(page, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory(username="analyst")
    user.set_password(PASSWORD)
    user.save()
    for _ in range(3):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("analyst")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Too many attempts")).to_be_visible()
    expect(page.get_by_text("Try again in 15 minutes")).to_be_visible()
