"""An import through the pages with a real worker on the embedded broker, as `make run` runs it: the upload is
answered at once, the job page's progress bar moves while the worker reads and writes, the report arrives, and
another user saving a use case at the same time never gets an error."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.bench.synthetic import make_use_case
from tests.browser.conftest import sign_in
from tests.factories import UseCaseFactory, WorkspaceFactory, member_of
from tests.workers import Workers
from ucmr.models import BackgroundJob
from ucmr.tokens import api_token_create
from usecases.exchange.services import usecases_export_xml
from usecases.models import UseCase

pytestmark = pytest.mark.django_db(transaction=True)  # the live server and the worker read what the test commits
PASSWORD = "Analyst-pw-47!"
USE_CASES = 120


def _user(workspace, role: str, username: str):
    user = member_of(workspace, role, username=username)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def big_file(tmp_path, admin_user):
    """A file of USE_CASES synthetic use cases (20 steps each) that the repository does not hold."""
    for number in range(USE_CASES):
        make_use_case(steps=20, actors=5, scenarios=2, tag=f"import-{number}")
    data = usecases_export_xml(user=admin_user, use_cases=UseCase.objects.all())
    UseCase.objects.all().delete()
    path = tmp_path / "many.xml"
    path.write_bytes(data)
    return path


def _follow_progress(page, seen: list[int], meanwhile=None) -> None:
    """Note every value the job page's progress bar shows until the report's heading is there; between two looks,
    `meanwhile()` (Playwright's sync API is bound to this thread)."""
    bar = page.get_by_role("progressbar")
    report = page.get_by_role("heading", name=re.compile("Dry run: what the import would do|What the import did"))
    for _ in range(1200):  # bounded: 1200 x 100 ms
        if report.count():
            break
        value = bar.get_attribute("aria-valuenow") if bar.count() else None
        if value is not None and (not seen or seen[-1] != int(value)):
            seen.append(int(value))
        if meanwhile is not None:
            meanwhile()
        page.wait_for_timeout(100)
    expect(report).to_be_visible()


def test_an_import_runs_in_the_worker_while_another_user_saves(page, browser, live_server, embedded_workers, big_file):
    workers: Workers = embedded_workers
    workers.start(concurrency=1, pool="solo", beat=True)
    grid = WorkspaceFactory(name="Grid operations", slug="grid")
    _user(grid, "author", "analyst")
    other = _user(grid, "author", "other")
    theirs = UseCaseFactory(workspace=grid, created_by=other, name="Edited meanwhile")
    _, key = api_token_create(user=other, name="browser test")

    sign_in(page, "analyst", PASSWORD)
    page.get_by_role("link", name="Import", exact=True).first.click()
    page.get_by_label("IEC 62559-3 XML file").set_input_files(str(big_file))
    page.get_by_label("Workspace").select_option(label="Grid operations")
    page.get_by_role("button", name="Upload and import").click()
    page.wait_for_url("**/jobs/**")
    dry_run = BackgroundJob.objects.get(kind="xml_import")
    assert dry_run.status in ("pending", "running")  # the page answered before the worker was done

    dry_seen: list[int] = []
    _follow_progress(page, dry_seen)
    expect(page.locator("#import-use_case td").first).to_have_text(str(USE_CASES))
    assert not UseCase.objects.filter(workspace=grid).exclude(pk=theirs.pk).exists()

    # While the real import runs, another user saves their use case again and again through the API.
    answers: list[int] = []
    editor = browser.new_context(base_url=live_server.url)

    def save_theirs() -> None:
        response = editor.request.patch(
            f"/api/use-cases/{theirs.pk}/",
            headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
            data=json.dumps({"document": {"name": f"Edited meanwhile {len(answers)}"}}),
        )
        answers.append(response.status)

    page.get_by_role("button", name="Confirm import").click()
    page.wait_for_url("**/jobs/**")
    real_seen: list[int] = []
    _follow_progress(page, real_seen, meanwhile=save_theirs)
    editor.close()

    expect(page.locator("#import-use_case td").first).to_have_text(str(USE_CASES))
    assert UseCase.objects.filter(workspace=grid).count() == USE_CASES + 1
    assert set(answers) == {200}, answers
    moving = [value for value in dry_seen + real_seen if 0 < value < 100]
    assert moving, f"the progress bar never showed a value between 0 and 100: {dry_seen} {real_seen}"
    real = BackgroundJob.objects.filter(kind="xml_import").exclude(pk=dry_run.pk).get()
    assert real.status == "succeeded" and real.result["write_seconds"] > 0
    assert len(answers) >= 3 and UseCase.objects.get(pk=theirs.pk).name == f"Edited meanwhile {len(answers) - 1}"
