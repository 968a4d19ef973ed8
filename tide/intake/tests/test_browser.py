import re

import pytest
from playwright.sync_api import expect

from tide.areas.models import Role
from tide.intake.tests.extracts import POLICE_ROWS, acute_csv, police_csv
from tide.linkage.models import SourceRecord
from tide.testing.browser import PHONE, axe_violations, screenshot, sign_in
from tide.testing.factories import TEST_PASSWORD
from tide.testing.fixtures import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data_lead(area, police, acute):
    return make_user(area, Role.TEAM_MANAGER, first_name="Dana", last_name="Lead")


def _upload(page, agency: str, path) -> None:
    page.goto("/intake/")
    page.get_by_label("Agency").select_option(label=agency)
    page.get_by_label("Extract file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state()


def test_analyst_fixes_a_refused_extract_reviews_a_pair_and_sees_one_timeline(page, data_lead, tmp_path):
    sign_in(page, data_lead.username, TEST_PASSWORD)
    bad = tmp_path / "custody.csv"
    bad.write_bytes(police_csv([POLICE_ROWS[0].replace("2026-01-10", "2026-01-40"), *POLICE_ROWS[1:]]))
    _upload(page, "Tideford Police", bad)
    expect(page.get_by_role("heading", name="File refused: nothing was recorded")).to_be_visible()
    expect(page.get_by_role("cell", name="“2026-01-40” is not a date in the form YYYY-MM-DD.")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "intake-01-refused")

    good = tmp_path / "custody-fixed.csv"
    good.write_bytes(police_csv())
    _upload(page, "Tideford Police", good)
    expect(page.get_by_role("heading", name="File accepted")).to_be_visible()
    hospital = tmp_path / "hospital.csv"
    hospital.write_bytes(acute_csv())
    _upload(page, "Tideford Hospital", hospital)
    expect(page.get_by_role("heading", name="File accepted")).to_be_visible()
    screenshot(page, "intake-02-accepted")

    page.get_by_role("link", name="review queue").click()
    page.get_by_label("A record from").select_option(label="Tideford Hospital")
    page.get_by_role("button", name="Show these pairs").click()
    expect(page.get_by_role("table")).to_contain_text("1 pair to review, most likely first")
    assert axe_violations(page) == []
    screenshot(page, "intake-03-queue")
    # The data lead has no working relationship with these people: the queue names nobody, and opening
    # the pair asks for a reason for each person its records belong to (audited, the privacy officer told).
    page.get_by_role("link", name=re.compile(r"^Pair \d+: a record you have no working relationship with")).click()
    for _ in range(2):
        if not page.get_by_role("heading", name="You cannot see this record").is_visible():
            break
        page.get_by_role("link", name="Break the glass").click()
        page.get_by_label("Why do you need to see this record now?").fill("Deciding a linkage review pair.")
        page.get_by_role("button", name="Break the glass and open the record").click()
        page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Are these the same person?")).to_be_visible()
    expect(page.get_by_role("row", name="Date of birth").get_by_text("Differs")).to_be_visible()
    page.get_by_text("How the model weighed them").click()
    expect(page.get_by_role("row", name="Family name").get_by_text("The same")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "intake-03-pair")
    page.get_by_label("Yes, the same person: link them").check()
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_load_state()

    # The reviewer stays in the queue: the next pair, or here (the only pair) the end of it (issue 20).
    expect(page.get_by_text(re.compile(r"Pair \d+ linked: the two records are now one person\."))).to_be_visible()
    expect(page.get_by_role("heading", name="No more pairs waiting")).to_be_visible()
    person = SourceRecord.objects.get(record_ref="RTX0000002").links.get(ended_at__isnull=True).person_id
    page.goto(f"/people/{person}/")
    if page.get_by_role("heading", name="You cannot see this record").is_visible():
        # A data lead has no working relationship with the person: the access rules ask for a reason.
        page.get_by_role("link", name="Break the glass").click()
        page.get_by_label("Why do you need to see this record now?").fill("Checking a linkage review decision.")
        page.get_by_role("button", name="Break the glass and open the record").click()
        page.wait_for_load_state()
    timeline = page.locator("main")
    expect(timeline.get_by_text("Tideford Police").first).to_be_visible()
    expect(timeline.get_by_text("Tideford Hospital").first).to_be_visible()
    expect(timeline.get_by_text("A&E attendance").first).to_be_visible()
    expect(timeline.get_by_text("Arrest").first).to_be_visible()
    screenshot(page, "intake-04-linked-person")


def test_intake_and_linkage_pages_work_on_a_phone_without_serious_accessibility_problems(
    browser, live_server, data_lead
):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, bypass_csp=True)
    phone_page = context.new_page()
    sign_in(phone_page, data_lead.username, TEST_PASSWORD)
    for path in [
        "/intake/",
        "/intake/formats/",
        "/intake/formats/police/",
        "/linkage/review/",
        "/linkage/model/",
        "/linkage/known/?family_name=Okafor",
    ]:
        phone_page.goto(path)
        assert axe_violations(phone_page) == [], path
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, path
    context.close()


# --- feed health on the demo area (issue 20) -----------------------------------------------------

DEMO_LATE_FEED = "Tidemouth Council Housing Options"  # its data stop two months before the demo's end


def data_lead_sees_a_late_feed(page, *, username: str = "morgan", agency: str = DEMO_LATE_FEED) -> None:
    """A step other browser tests may reuse: on the demo area, sign in as a data lead (``morgan``, team
    manager, or ``admin``), see the feed health panel on the landing page, open it and find ``agency``
    flagged late."""
    from tide.simulate.demo import DEMO_PASSWORD

    sign_in(page, username, DEMO_PASSWORD)
    page.goto("/intake/")  # where the data lead lands
    panel = page.get_by_test_id("feeds-panel")
    expect(panel).to_contain_text(re.compile(r"[1-9]\d* late"))  # the daily routine's open alerts
    panel.get_by_role("link", name="Feed health").click()
    expect(page.get_by_role("heading", name="Feed health", level=1)).to_be_visible()
    row = page.locator("#feeds tbody tr", has_text=agency)
    expect(row.get_by_text("Late", exact=True)).to_be_visible()


@pytest.fixture
def demo_area(db):
    from django.core.management import call_command

    call_command("demo", preset="tiny", seed=3, verbosity=0)


def test_the_data_lead_sees_a_late_feed_on_the_demo_area(page, demo_area):
    data_lead_sees_a_late_feed(page)
    expect(page.get_by_test_id("complete-to")).to_contain_text(DEMO_LATE_FEED)
    assert axe_violations(page) == []
    screenshot(page, "intake-05-feed-health")
    page.get_by_role("link", name=f"Change the cadence of {DEMO_LATE_FEED}").click()
    page.get_by_label("Expect a file at least every (days)").fill("0")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Enter a number of days from 1 to 366.")).to_be_visible()
    screenshot(page, "intake-06-cadence-refused")


def test_feed_health_works_on_a_phone(browser, live_server, demo_area):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, bypass_csp=True)
    phone_page = context.new_page()
    data_lead_sees_a_late_feed(phone_page, username="admin")
    assert axe_violations(phone_page) == []
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    screenshot(phone_page, "intake-07-feed-health-phone")
    context.close()
