"""Playwright fixtures: Debian's Chromium, one browser per session, screenshots and axe-core scans."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("TIDE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "test-artefacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # bypass_csp lets the axe-core scanner be injected; the pages themselves run under the real CSP.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTEFACTS.mkdir(exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def totp_code_for(username: str, secret: str = "") -> str:
    """A code the server will accept for ``username``: the current one, or the next if it was used."""
    import time

    import pyotp

    from tide.areas.models import User

    user = User.objects.get(username=username)
    totp = pyotp.TOTP(secret or user.totp_secret)
    step = totp.timecode(time.time())
    if user.totp_last_counter is not None and user.totp_last_counter >= step:
        step = user.totp_last_counter + 1  # the server accepts one step ahead
    return totp.at(step * totp.interval)


def sign_in(page, username: str, password: str) -> None:
    """Sign in with the password and, for staff, the authenticator code (enrolling if needed)."""
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/sign-in/set-up-code" in page.url:
        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        page.get_by_label("Code from your authenticator app").fill(totp_code_for(username, secret))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
    elif "/sign-in/code" in page.url:
        page.get_by_label("Code from your authenticator app").fill(totp_code_for(username))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()


EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


def fill_date(page, legend: str, value) -> None:
    """Fill a GOV.UK date input (day, month and year boxes in a fieldset named ``legend``).

    ``value`` is a date, or a (day, month, year) tuple of strings for a bad or empty date."""
    parts = (str(value.day), str(value.month), str(value.year)) if hasattr(value, "year") else value
    group = page.get_by_role("group", name=legend, exact=True)
    for label, text in zip(("Day", "Month", "Year"), parts, strict=True):
        group.get_by_label(label, exact=True).fill(text)


def axe_violations(page, *, impacts: tuple[str, ...] = EVERY_IMPACT) -> list[dict]:
    """Run axe-core on the current page; return violations of the given impact levels (by default every level)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = [v for v in result["violations"] if v.get("impact") in impacts]
    if violations:
        ARTEFACTS.mkdir(exist_ok=True)
        (ARTEFACTS / "axe-violations.json").write_text(json.dumps(violations, indent=2))
    return violations
