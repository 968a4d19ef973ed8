"""Every navigation page, as each role that sees it, on a 375 px phone: no sideways page scroll and no axe finding."""

import pytest
from django.utils import timezone

from tide.coordination import services as co
from tide.coordination.models import ContactKind
from tide.core.forms import TEXT_LIMIT
from tide.testing.browser import PHONE, axe_violations, screenshot, sign_in
from tide.testing.factories import TEST_PASSWORD
from tide.testing.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = [
    "coordinator",
    "manager",
    "practitioner_police",
    "accountable_officer",
    "privacy_officer",
    "commissioner",
    "auditor",
    "administrator",
    "person",
]
PUBLIC_PAGES = [
    "/sign-in",
    "/accessibility",
    "/privacy",
    "/cookies",
    "/inquiries/ask",
    "/inquiries/register/",
    "/statistics/",
]
OVERFLOW = "document.documentElement.scrollWidth > window.innerWidth"


def _problems(page, path: str) -> list[str]:
    found = []
    page.goto(path)
    if page.evaluate(OVERFLOW):
        width = page.evaluate("document.documentElement.scrollWidth")
        found.append(f"{path}: page is {width} px wide on a {PHONE['width']} px phone")
    found += [f"{path}: axe {v['impact']} {v['id']} ({len(v['nodes'])})" for v in axe_violations(page)]
    return found


def test_every_navigation_page_fits_a_phone_and_passes_axe_at_every_level(browser, live_server):
    world = build_world()
    # The longest note a form accepts, as one unbroken word: it must wrap, not widen the page.
    co.contact_record(
        person=world.person("coordinated"),
        kind=ContactKind.VISIT,
        occurred_on=timezone.localdate(),
        note="W" * TEXT_LIMIT,
        actor=world.users["coordinator"],
    )
    person_pages = [
        f"/people/{world.person('coordinated').pk}/",
        f"/coordination/people/{world.person('coordinated').pk}/",
    ]
    problems: list[str] = []
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, bypass_csp=True)
    page = context.new_page()
    for path in PUBLIC_PAGES:
        problems += _problems(page, path)
    context.close()
    for role in ROLES:
        user = world.users[role]
        context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, bypass_csp=True)
        page = context.new_page()
        sign_in(page, user.username, TEST_PASSWORD)
        paths = {page.evaluate("location.pathname")}
        paths |= set(page.locator("#navigation a").evaluate_all("links => links.map(a => a.pathname)"))
        if role in {"coordinator", "manager"}:
            paths |= set(person_pages)
        for path in sorted(paths):
            problems += [f"{role} {p}" for p in _problems(page, path)]
        screenshot(page, f"phone-{role}")
        context.close()
    assert problems == [], "\n".join(problems)
