"""Issue 20, must-show: a data lead imports the shipped example month, reads what it changed, and works three
review pairs in a row without going back to the queue, deciding each from the keyboard alone.

The demo area (``tide demo``: preset demo, seed 42) is the world: the examples in docs/examples/ are its
people's next month. Run at desktop and phone widths: a page wider than its viewport fails the test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tide.intake.tests.test_browser import DEMO_LATE_FEED
from tide.linkage.models import MatchCandidate
from tide.simulate.demo import DEMO_PASSWORD
from tide.testing.browser import PHONE, axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples" / "tidemouth-2026-10"
DESKTOP = {"width": 1280, "height": 900}
BREAK_GLASS_REASON = "Deciding a linkage review pair: are these records one person?"
# The demo's data lead: Morgan manages the Link Service and runs its data intake (docs/examples/README.md).
DATA_LEAD = "morgan"


def _fits(page, name: str) -> None:
    """No horizontal page overflow at the page's width; a screenshot for whoever reads the run."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (name, page.url)
    screenshot(page, name)


def _open_pair(page) -> None:
    """A data lead with no working relationship with the people is asked for a reason, once per person
    (audited, the privacy officer told), and comes back to the pair."""
    either = re.compile(r"^(You cannot see this record|Are these the same person\?)$")
    for _ in range(2):
        expect(page.get_by_role("heading", name=either, level=1)).to_be_visible()
        if not page.get_by_role("heading", name="You cannot see this record").is_visible():
            break
        page.get_by_role("link", name="Break the glass").click()
        page.get_by_label("Why do you need to see this record now?").fill(BREAK_GLASS_REASON)
        page.get_by_role("button", name="Break the glass and open the record").click()
        page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Are these the same person?", level=1)).to_be_visible()


def _tab_to(page, element_id: str, limit: int = 120) -> int:
    """Press Tab until ``element_id`` has the focus; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return presses
    raise AssertionError(f"Tab never reached #{element_id}")


def _focus_is_visible(page, selector: str, pseudo: str | None = None) -> bool:
    """GOV.UK Frontend's focus state: a yellow (#ffdd00) outline, shadow or background."""
    style = page.evaluate(
        "([s, p]) => { const c = getComputedStyle(document.querySelector(s), p);"
        " return [c.boxShadow, c.outlineColor, c.backgroundColor].join(' '); }",
        [selector, pseudo],
    )
    return "rgb(255, 221, 0)" in style


def _decide_from_the_keyboard(page, answer: int) -> None:
    """Keys only: Tab to the answers (reading order: records, explanation, events, then the decision),
    arrow keys to choose, Tab to the note and the button, Enter to save."""
    _tab_to(page, "id_decision_0")
    assert _focus_is_visible(page, "#id_decision_0 + label", "::before")
    for _ in range(answer):
        page.keyboard.press("ArrowDown")
    if answer == 0:
        page.keyboard.press("Space")
    assert page.evaluate("document.querySelector('input[name=decision]:checked').id") == f"id_decision_{answer}"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_note"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Save decision"
    assert _focus_is_visible(page, "#decision button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_data_lead_imports_the_example_month_reads_the_summary_and_works_three_pairs(browser, live_server):
    call_command("demo", verbosity=0)
    desktop = browser.new_context(base_url=live_server.url, viewport=DESKTOP, bypass_csp=True).new_page()
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, bypass_csp=True).new_page()
    for page in (desktop, phone):
        sign_in(page, DATA_LEAD, DEMO_PASSWORD)

    # Where the data lead lands: feed health at a glance, one feed flagged late (ADR 0015).
    desktop.goto("/intake/")
    panel = desktop.get_by_test_id("feeds-panel")
    expect(panel).to_contain_text(re.compile(r"[1-9]\d* late"))
    panel.get_by_role("link", name="Feed health").click()
    expect(desktop.locator("#feeds tbody tr", has_text=DEMO_LATE_FEED).get_by_text("Late", exact=True)).to_be_visible()
    _fits(desktop, "review-00-feed-late")

    desktop.goto("/intake/")
    desktop.get_by_label("Agency").select_option(label="Tidemouth General Hospital A&E")
    desktop.get_by_label("Extract file").set_input_files(str(EXAMPLES / "acute.csv"))
    desktop.get_by_role("button", name="Upload and check").click()
    desktop.wait_for_load_state()
    expect(desktop.get_by_role("heading", name="File accepted")).to_be_visible()
    _fits(desktop, "review-01-accepted")

    desktop.get_by_role("link", name="See what this import changed").click()
    expect(desktop.get_by_role("heading", name="What “acute.csv” changed")).to_be_visible()
    expect(desktop.get_by_role("heading", name="Events by type")).to_be_visible()
    assert re.search(r"/intake/files/\d+/summary/$", desktop.url)
    assert axe_violations(desktop) == []
    _fits(desktop, "review-02-summary")
    phone.goto(desktop.url)
    _fits(phone, "review-02-summary-phone")

    waiting = MatchCandidate.objects.filter(status=MatchCandidate.Status.OPEN).count()
    assert waiting >= 3, waiting
    desktop.get_by_role("link", name="review queue").click()
    expect(desktop.get_by_role("heading", name="Match review")).to_be_visible()
    _fits(desktop, "review-03-queue")
    desktop.get_by_role("button", name="Review the next pair").focus()
    with desktop.expect_navigation():
        desktop.keyboard.press("Enter")

    decided = []
    for number, (answer, banner) in enumerate(
        [(0, "linked: the two records are now one person."), (1, "kept apart"), (2, "marked unsure")], start=1
    ):
        _open_pair(desktop)
        pair = int(re.search(r"/linkage/review/(\d+)/$", desktop.url).group(1))
        assert pair not in decided
        expect(desktop.locator("#events-first")).to_contain_text("First record")
        expect(desktop.get_by_text("Working from the keyboard")).to_be_visible()
        if number == 1:
            assert axe_violations(desktop) == []
        _fits(desktop, f"review-04-pair-{number}")
        phone.goto(desktop.url)
        _open_pair(phone)
        _fits(phone, f"review-04-pair-{number}-phone")

        _decide_from_the_keyboard(desktop, answer)
        decided.append(pair)
        # The next pair (or the reason asked before it opens), under a banner saying what was done to
        # which pair, and nothing about whom: never a person page.
        expect(desktop.locator(".govuk-notification-banner--success")).to_contain_text(f"Pair {pair} {banner}")
        assert "/people/" not in desktop.url
        assert re.search(r"/linkage/review/(\d+|done)/$", desktop.url), desktop.url
    _fits(desktop, "review-05-after-three")
    statuses = dict(MatchCandidate.objects.filter(pk__in=decided).values_list("pk", "status"))
    assert [statuses[pk] for pk in decided] == ["decided", "decided", "unsure"]
    for context_page in (desktop, phone):
        context_page.context.close()
