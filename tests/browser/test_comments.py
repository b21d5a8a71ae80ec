"""Comments and notifications in the browser (issue 16): a reviewer comments on a step and sends the use case back;
the author sees the bell's count, the notification and the step's badge, and replies in the thread."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import WorkspaceFactory, make_complete_use_case, member_of
from ucmr.models import Notification
from usecases.models import Comment, Step
from usecases.workflow import usecase_submit

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads what the test commits

PASSWORD = "Comment-pw-47!"


def _user(workspace, role: str, username: str):
    user = member_of(workspace, role, username=username)
    user.set_password(PASSWORD)
    user.save()
    return user


def _shots(tmp_path: Path) -> Path:
    """Where screenshots go: UCMR_SCREENSHOTS to keep them, else the test's temporary folder."""
    folder = Path(os.environ.get("UCMR_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_reviewer_comments_on_a_step_and_sends_back_the_author_replies(page, tmp_path):
    shots = _shots(tmp_path)
    workspace = WorkspaceFactory(name="Grid operators")
    author, _reviewer = _user(workspace, "author", "anna"), _user(workspace, "reviewer", "rolf")
    use_case = make_complete_use_case(workspace=workspace, name="Congestion management", created_by=author, steps=3)
    usecase_submit(user=author, use_case=use_case)
    step = Step.objects.filter(scenario__use_case=use_case).order_by("scenario__position", "position", "pk").first()

    # The reviewer comments on the first step from its row, then sends the use case back.
    sign_in(page, "rolf", PASSWORD)
    page.goto(use_case.get_absolute_url())
    page.locator(f"#step-{step.pk} .comment-add").click()
    expect(page.locator("#comment-target")).to_have_value(f"row:{step.mrid}")
    page.locator("#comment-text").fill("Which meter is read here? @anna please name it.")
    page.get_by_role("button", name="Comment", exact=True).click()
    thread = page.locator(".comment-thread").first
    expect(thread).to_contain_text("Which meter is read here?")
    expect(page.locator(f"#step-{step.pk} .comment-badge")).to_have_text("1")
    page.locator("#transition-send_back input[name=comment]").fill("See the comment on the first step.")
    page.get_by_role("button", name="Send back to draft").click()
    expect(page.locator(".status-changes")).to_contain_text("In review → Draft")
    page.screenshot(path=shots / "comments-reviewer.png", full_page=True)

    # The author: the bell counts the send-back and the mention; the notification leads to the use case.
    page.context.clear_cookies()
    sign_in(page, "anna", PASSWORD)
    bell = page.locator("#notification-bell [data-unread-count]")
    expect(bell).to_have_text("2 unread notifications")
    page.screenshot(path=shots / "comments-bell.png")
    page.locator("#notification-bell").click()
    expect(page.locator(".notification-list")).to_contain_text(f"rolf sent {use_case} back to draft")
    expect(page.locator(".notification-list")).to_contain_text("rolf mentioned you on Step")
    page.screenshot(path=shots / "comments-notifications.png", full_page=True)
    page.get_by_role("link", name=f"rolf sent {use_case} back to draft").click()
    expect(page.locator("h1")).to_contain_text("Congestion management")

    # The badge beside the step, the open thread, and a reply.
    badge = page.locator(f"#step-{step.pk} .comment-badge")
    expect(badge).to_have_text("1")
    badge.click()
    thread = page.locator(".comment-thread").first
    thread.get_by_label("Reply").fill("It is the smart meter of the household.")
    thread.get_by_role("button", name="Reply").click()
    expect(page.locator(".comment-thread").first).to_contain_text("It is the smart meter of the household.")
    expect(page.locator(f"#step-{step.pk} .comment-badge")).to_have_text("2")
    page.locator("#comments").screenshot(path=shots / "comments-thread.png")
    page.locator(f"#step-{step.pk}").screenshot(path=shots / "comments-step-badge.png")

    assert list(Comment.objects.order_by("pk").values_list("author_name", flat=True)) == ["rolf", "anna"]
    assert Notification.objects.filter(recipient__username="rolf", event="comment").count() == 1  # the reply
    page.context.clear_cookies()
    sign_in(page, "rolf", PASSWORD)
    # the submission of the start, and the reply
    expect(page.locator("#notification-bell [data-unread-count]")).to_have_text("2 unread notifications")
