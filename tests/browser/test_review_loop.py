"""The review loop of issue 16 in the browser: after a send-back and a resubmission, the reviewer finds the use case
on the home page and opens "compare with the reviewed version" in one click, seeing what the author changed."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import WorkspaceFactory, make_complete_use_case, member_of
from usecases.models import Step
from usecases.services import usecase_row_update
from usecases.workflow import usecase_send_back, usecase_submit

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads what the test commits

PASSWORD = "Reviewer-pw-47!"


def _user(workspace, role: str, username: str):
    user = member_of(workspace, role, username=username)
    user.set_password(PASSWORD)
    user.save()
    return user


def test_the_reviewer_compares_a_resubmission_with_the_reviewed_version(page, tmp_path):
    workspace = WorkspaceFactory(name="Grid operators")
    author, reviewer = _user(workspace, "author", "anna"), _user(workspace, "reviewer", "rolf")
    use_case = make_complete_use_case(workspace=workspace, name="Congestion management", created_by=author, steps=3)
    usecase_submit(user=author, use_case=use_case)
    usecase_send_back(user=reviewer, use_case=use_case, comment="Name the meter in the first step.")
    step = Step.objects.filter(scenario__use_case=use_case).order_by("pk").first()
    usecase_row_update(user=author, row=step, data={"name": "Read the smart meter"})
    usecase_submit(user=author, use_case=use_case)

    sign_in(page, "rolf", PASSWORD)
    to_review = page.locator("#to-review")
    expect(to_review).to_contain_text("Congestion management")
    expect(page.locator("#watched-changes")).to_contain_text("anna changed 1 step and submitted it for review.")
    page.screenshot(path=tmp_path / "home-reviewer.png", full_page=True)
    to_review.get_by_role("link", name="Congestion management").click()

    page.get_by_role("link", name="Compare with the reviewed version").click()
    expect(page.locator("h1")).to_contain_text("Congestion management")
    inserted = page.locator("ins.diff-insert", has_text="smart")
    expect(inserted.first).to_be_visible()
    assert "old=1" in page.url and "new=2" in page.url
    page.screenshot(path=tmp_path / "compare.png", full_page=True)

    page.context.clear_cookies()  # signed out
    sign_in(page, "anna", PASSWORD)
    expect(page.locator("#yours-in-review")).to_contain_text("Congestion management")
    expect(page.locator("#watched-changes")).to_contain_text("rolf sent it back to draft")
    page.screenshot(path=tmp_path / "home-author.png", full_page=True)
