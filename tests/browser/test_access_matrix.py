"""The data access matrix of the three Elering files in the browser: a curator has classified their information,
a reader opens the matrix from the use case list, sees a grid per data class, follows a cell to its justifying
step on the use case page, and the page is saved as a screenshot (UCMR_SCREENSHOT_DIR, else bench-results/) for a
person to look at."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import UserFactory, WorkspaceFactory, member_of
from usecases.exchange.loader import repository_import_xml
from usecases.models import InformationObject, Step

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads what the test commits

PASSWORD = "Reader-pw-47!"
ELERING = (
    "variant-c/elering-1_aggregate-energy-data.xml",
    "variant-c/elering-5_collect-energy-data.xml",
    "variant-c/elering-14_manage-sub-meter-data.xml",
)
CLASSES = {
    "Metering Data": ("meter_usage", "IEC 61968-9"),
    "Sub-Meter Data": ("meter_usage", "IEC 61968-9"),
    "Market Data": ("non_operational", "IEC 62325-451"),
    "Congestion Matrix": ("operational", "IEC 61970"),
    "Control Signal": ("operational", "IEC 61850"),
    "Customer Consent": ("metadata", ""),
}
SCREENSHOTS = Path(os.environ.get("UCMR_SCREENSHOT_DIR") or Path(__file__).resolve().parents[2] / "bench-results")


def test_the_elering_access_matrix_in_the_browser(page, iec_dir):
    workspace = WorkspaceFactory(slug="elering", name="Elering")
    for name in ELERING:
        repository_import_xml(user=None, data=(iec_dir / "examples" / name).read_bytes(), workspace=workspace)
    for name, (data_class, standards) in CLASSES.items():
        InformationObject.objects.filter(name=name).update(data_class=data_class, standards=standards)
    reader = member_of(workspace, "viewer", username="reader")
    reader.set_password(PASSWORD)
    reader.save()
    UserFactory(username="outsider")

    sign_in(page, "reader", PASSWORD)
    page.goto("/use-cases/?workspace=elering")
    page.locator("#access-matrix").click()
    expect(page.locator("h1")).to_contain_text("Data access matrix")
    expect(page.locator("#selection-size")).to_contain_text("3 use cases selected")
    meter_usage = page.locator("#data-class-meter_usage")
    expect(meter_usage).to_contain_text("Meter usage data")
    expect(meter_usage).to_contain_text("Metering Data")
    expect(page.locator("#findings")).to_contain_text("AM001")

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "access-matrix-elering.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

    step = Step.objects.filter(
        information_objects__name="Metering Data", receivers__isnull=False, producers__isnull=False
    ).first()
    receiver = step.receivers.first()
    cell = meter_usage.locator("tr", has=page.get_by_role("link", name=receiver.name, exact=True)).locator(
        "td.access-receives a, td.access-both a"
    )
    cell.first.click()
    expect(page.locator("#justifications")).to_contain_text(step.name)
    page.locator("#justifications").get_by_role("link", name=f"step {step.number}", exact=False).first.click()
    expect(page).to_have_url(re.compile(rf"/use-cases/{step.scenario.use_case_id}/#step-{step.pk}$"))
    expect(page.locator(f"#step-{step.pk}")).to_be_visible()
