"""A day in the life (issue 22): one walk per role on a demo-like world, on a phone (375 px) and at a desk.

The world (``tide.testing.world``, the crawler's) is built once for the module and shared by the walks;
each walk counts its clicks per task and prints them; a page wider than its viewport fails the walk.
Screenshots go to ``test-artefacts/day-<role>-<width>-<step>.png``.

pytest-django gives every test that uses ``live_server`` a transactional database, flushed after each
test, which would throw the shared world away after the first walk. This module overrides that helper:
the world is committed once, the walks run against it, and the module flushes the database at the end.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from tide.testing.browser import PHONE, screenshot, sign_in
from tide.testing.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser]

DESK = {"width": 1280, "height": 900}
WIDTHS = {"phone": PHONE, "desk": DESK}


@pytest.fixture(autouse=True)
def _live_server_helper(request: Any) -> Iterator[None]:
    """Replaces pytest-django's helper of the same name: the live server, without a flush per test."""
    if "live_server" not in request.fixturenames:
        yield
        return
    live_server = request.getfixturevalue("live_server")
    live_server._live_server_modified_settings.enable()
    yield
    live_server._live_server_modified_settings.disable()


@pytest.fixture(scope="module")
def day(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The crawler's world, plus what a working day needs: a second referral waiting for the group, and
    the person with their own sign-in on the caseload with a plan."""
    from tide.coordination import services as co
    from tide.coordination.models import ReferrerKind, SharingBasis
    from tide.people.services import person_reindex
    from tide.testing.factories import PersonFactory
    from tide.testing.world import build_world

    with django_db_blocker.unblock():
        world = build_world()
        today = timezone.localdate()
        users, agencies = world.users, world.agencies
        second = PersonFactory(area=world.area, given_name="Dora", family_name="Quayle")
        person_reindex(person=second)
        for person, agency in ((second, "acute"), (world.person("self"), "police")):
            co.referral_create(
                person=person,
                referrer_kind=ReferrerKind.AGENCY,
                from_agency=agencies[agency],
                offer="We keep seeing them at every contact and share what we see.",
                reasons="Sleeping rough, repeated crises; nothing has held.",
                sharing_basis=SharingBasis.CONSENT,
                actor=users[f"practitioner_{agency}"],
            )
        own = world.person("self")
        last_week = today - dt.timedelta(days=7)  # a past meeting: the chair still lands on the next one
        meeting = co.meeting_create(area=world.area, held_on=last_week, chair=users["manager"], actor=None)
        co.referral_decide(
            referral=own.referrals.get(), meeting=meeting, accept=True, reason="2+ pattern", actor=users["manager"]
        )
        co.coordinator_allocate(
            episode=own.support_episodes.get(), coordinator=users["coordinator"], actor=users["manager"]
        )
        co.plan_version_create(
            person=own,
            in_their_words="Somewhere quiet to live, and to get back to fishing with my brother.",
            goals=[co.GoalInput("housing", "A flat away from the town centre", "Coordinator asks Housing Options")],
            review_due_on=today + dt.timedelta(days=45),
            agreed_with_person=True,
            actor=users["coordinator"],
        )
        coordinator = users["coordinator"]
        coordinator.phone, coordinator.working_hours = "07700 900401", "Monday to Friday, 9am to 5pm"
        coordinator.save(update_fields=["phone", "working_hours"])
        world.people_extra = {"second": second}  # type: ignore[attr-defined]
    yield {"world": world, "blocker": django_db_blocker}
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


class Walk:
    """One role's walk at one width: counts clicks per task, checks every page fits, takes screenshots."""

    def __init__(self, page: Any, role: str, width: str) -> None:
        self.page, self.role, self.width = page, role, width
        self.clicks = 0
        self.tasks: list[tuple[str, int]] = []
        self.shots = 0

    def click(self, locator: Any) -> None:
        locator.click()
        self.clicks += 1
        self.page.wait_for_load_state()
        self.fits()

    @contextmanager
    def task(self, name: str) -> Iterator[None]:
        before = self.clicks
        yield
        self.tasks.append((name, self.clicks - before))
        self.shot(name)

    def fits(self) -> None:
        wide, view = self.page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert wide <= view, f"{self.page.url} is {wide}px wide in a {view}px viewport ({self.role}, {self.width})"

    def shot(self, name: str) -> None:
        self.shots += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        screenshot(self.page, f"day-{self.role}-{self.width}-{self.shots:02d}-{slug}")

    def report(self) -> None:
        print()
        for name, clicks in self.tasks:
            print(f"{self.role:<20} {self.width:<5} {name:<48} {clicks:>2} click{'s' if clicks != 1 else ''}")


def _walk(
    browser: Any, live_server: Any, day: dict[str, Any], role: str, username: str, steps: Any, capsys: Any
) -> None:
    for width, viewport in WIDTHS.items():
        phone = width == "phone"
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, is_mobile=phone, has_touch=phone, bypass_csp=True
        )
        context.set_default_timeout(10000)
        page = context.new_page()
        walk = Walk(page, role, width)
        with day["blocker"].unblock():
            sign_in(page, username, TEST_PASSWORD)
            walk.fits()
            steps(walk, page, day["world"], width)
        with capsys.disabled():  # the click counts show in every run, not only with -s
            walk.report()
        context.close()


def _open_menu(walk: Walk, page: Any) -> None:
    """On a phone the service navigation is behind its "Menu" button."""
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible():
        walk.click(toggle)


def test_a_coordinators_day(browser, live_server, day, capsys):
    world = day["world"]
    coordinated = world.person("coordinated").display_name

    def steps(walk: Walk, page: Any, world: Any, width: str) -> None:
        with walk.task("Land on My caseload with what needs attention"):
            expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
            expect(page.get_by_role("heading", name=re.compile(r"Needs your attention \(\d+\)"))).to_be_visible()
        with walk.task("Open a person and read their safety marker"):
            walk.click(page.get_by_role("link", name=coordinated, exact=True).last)
            expect(page.locator(".govuk-warning-text").first).to_contain_text("Do not visit alone")
        with walk.task("Record today's visit"):
            walk.click(page.get_by_role("link", name="Record a contact"))
            page.get_by_label("Visit", exact=True).check()
            walk.click(page.get_by_role("button", name="Save contact"))
            expect(page.get_by_text(f"Contact with {coordinated} recorded.")).to_be_visible()
        with walk.task("Back to the caseload"):
            _open_menu(walk, page)
            walk.click(page.get_by_role("link", name=re.compile("^My caseload")).first)

    _walk(browser, live_server, day, "coordinator", world.users["coordinator"].username, steps, capsys)


def test_a_chairs_day_decides_at_the_next_meeting_and_names_the_coordinator(browser, live_server, day, capsys):
    world = day["world"]
    waiting = {"phone": world.person("referred"), "desk": world.people_extra["second"]}

    def steps(walk: Walk, page: Any, world: Any, width: str) -> None:
        person = waiting[width]
        with walk.task("Land on the next meeting"):
            assert "/coordination/meetings/" in page.url
            expect(page.get_by_role("link", name=f"Decide on {person.display_name}")).to_be_visible()
        with walk.task("Read the referral's brief and agree it"):
            walk.click(page.get_by_role("link", name=f"Decide on {person.display_name}"))
            expect(page.get_by_role("heading", name="What the group should know")).to_be_visible()
            page.get_by_label("Yes, agree to offer coordinated support").check()
            page.get_by_label("The group's reasons").fill("Meets the 2+ pattern; no one agency is holding them.")
            walk.click(page.get_by_role("button", name="Record the decision"))
            expect(page.get_by_text("Agreed", exact=True)).to_be_visible()
        with walk.task("Name a coordinator (meeting dated ahead)"):
            walk.click(page.get_by_role("link", name="Name a coordinator"))
            expect(page.get_by_text("Support starts on")).to_be_visible()
            page.get_by_label("Coordinator", exact=True).select_option(index=1)
            walk.click(page.get_by_role("button", name="Allocate"))
            expect(page.get_by_text("Coordinator allocated")).to_be_visible()

    _walk(browser, live_server, day, "chair", world.users["manager"].username, steps, capsys)


def test_a_practitioners_day_sets_a_safety_marker(browser, live_server, day, capsys):
    world = day["world"]
    person = world.person("consent")  # referred by the police, accepted with consent: police are involved

    def steps(walk: Walk, page: Any, world: Any, width: str) -> None:
        with walk.task("Land on what is asked of the agency"):
            expect(page.get_by_role("heading", name=re.compile("Asked of", re.IGNORECASE)).first).to_be_visible()
        with walk.task("Open the person and set a safety marker"):
            page.goto(f"/people/{person.pk}/")
            walk.fits()
            walk.click(page.get_by_role("link", name="Set a risk or safety marker"))
            page.get_by_label("Violence towards staff").check()
            page.get_by_label("Why, and what should staff do?").fill(
                f"Pushed an officer at the custody desk ({width}). Two officers for any visit."
            )
            walk.click(page.get_by_role("button", name="Set the marker"))
            expect(page.locator(".govuk-warning-text").first).to_contain_text("Violence towards staff")

    _walk(browser, live_server, day, "practitioner", world.users["practitioner_police"].username, steps, capsys)


def test_a_data_leads_day(browser, live_server, day, capsys):
    world = day["world"]

    def steps(walk: Walk, page: Any, world: Any, width: str) -> None:
        with walk.task("Land on data intake"):
            assert page.url.endswith("/intake/")
        with walk.task("Open match review"):
            _open_menu(walk, page)
            walk.click(page.get_by_role("link", name="Match review").first)
            expect(page.get_by_role("heading").first).to_be_visible()

    _walk(browser, live_server, day, "data-lead", world.users["administrator"].username, steps, capsys)


def test_an_accountable_officers_day(browser, live_server, day, capsys):
    world = day["world"]

    def steps(walk: Walk, page: Any, world: Any, width: str) -> None:
        with walk.task("Land on the overview"):
            assert page.url.endswith("/accountability/")
        with walk.task("Check overdue actions"):
            _open_menu(walk, page)
            walk.click(page.get_by_role("link", name="Overdue actions").first)
            expect(page.get_by_role("heading").first).to_be_visible()

    _walk(browser, live_server, day, "officer", world.users["accountable_officer"].username, steps, capsys)


def test_the_person_supporteds_day(browser, live_server, day, capsys):
    world = day["world"]

    def steps(walk: Walk, page: Any, world: Any, width: str) -> None:
        with walk.task("Land on their plan, then how to reach the coordinator"):
            expect(page.get_by_role("heading", name="Your plan")).to_be_visible()
            html = page.content()
            assert html.index("back to fishing") < html.index("How to reach your coordinator")
            expect(page.get_by_role("link", name="07700 900401")).to_be_visible()
            expect(page.get_by_text("Monday to Friday, 9am to 5pm")).to_be_visible()
        with walk.task("Ask for a change to the plan"):
            page.get_by_role("textbox").first.fill(f"Can we add getting my fishing licence? ({width})")
            walk.click(page.get_by_role("button", name="Send to my coordinator"))
            expect(page.get_by_text("Your coordinator will see what you wrote")).to_be_visible()

    _walk(browser, live_server, day, "person", world.users["person"].username, steps, capsys)
