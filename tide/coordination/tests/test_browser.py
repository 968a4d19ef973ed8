import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from tide.areas.models import Role
from tide.coordination.models import Action, Contact, InvolvementStatus, ServiceInvolvement
from tide.people.services import person_reindex
from tide.testing.browser import PHONE, axe_violations, fill_date, screenshot, sign_in
from tide.testing.factories import TEST_PASSWORD, PersonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _context(browser, live_server, **kwargs):
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, **kwargs)
    context.set_default_timeout(8000)
    return context


def test_referral_to_overdue_action_journey(
    browser, live_server, area, agency, coordinator, ae, hostel, practitioner, officer
):
    manager = UserFactory(area=area, agency=agency, role=Role.TEAM_MANAGER, first_name="Mina", last_name="Manager")
    coordinator.manager = manager
    coordinator.save()
    UserFactory(area=area, agency=hostel, role=Role.PRACTITIONER, first_name="Hal", last_name="Hostel")
    person_reindex(person=PersonFactory(area=area, given_name="Lucy", family_name="Marsh", known_as="Lou"))
    today = timezone.localdate()

    # 1. An A&E practitioner refers Lucy, with the A&E's offer.
    ctx = _context(browser, live_server)
    page = ctx.new_page()
    sign_in(page, practitioner.username, TEST_PASSWORD)
    page.get_by_role("link", name="Refer someone").first.click()
    page.get_by_label("Name or identifier").fill("Lucy Marsh")
    fill_date(page, "Date of birth", dt.date(1985, 3, 27))  # the factory's date of birth
    page.get_by_role("button", name="Find the person").click()
    page.get_by_role("link", name="Refer Lucy Marsh (known as Lou)").click()
    page.get_by_label("Why coordinated support?").fill("Eleven A&E attendances since June; sleeping rough.")
    page.get_by_label("The person consents to information being shared").check()
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()  # no offer: refused with the reason
    expect(page.get_by_role("link", name="its offer")).to_be_visible()
    page.get_by_label("Your agency's offer").fill("A&E liaison nurse will keep seeing Lucy at each attendance.")
    page.get_by_label("Strengths").fill("Funny, loyal to her dog.")
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_text("sent to the multi-agency group")).to_be_visible()
    ctx.close()

    # 2. The group agrees the caseload at a meeting, and the team manager names the coordinator.
    ctx = _context(browser, live_server)
    page = ctx.new_page()
    sign_in(page, manager.username, TEST_PASSWORD)
    page.get_by_role("link", name="Meetings").first.click()
    fill_date(page, "Date of the meeting", today)
    page.get_by_role("button", name="Schedule meeting").click()
    page.get_by_label("Agency").select_option(label="Tideford A&E")
    page.get_by_role("button", name="Record attendance").click()
    page.get_by_role("link", name="Decide on Lucy Marsh (known as Lou)").click()
    page.get_by_label("Yes, agree to offer coordinated support").check()
    page.get_by_label("The group's reasons").fill("Meets the 2+ pattern; no one agency is holding her.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("link", name="Name a coordinator")).to_be_visible()  # the next step, one click
    page.get_by_role("link", name="Back to the meeting").click()
    expect(page.get_by_text("Agreed to offer coordinated support to Lucy Marsh")).to_be_visible()
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Action").fill("Hostel to review Lucy's exclusion")
    page.get_by_label("Owner").select_option(label="Hal Hostel, Harbour Hostel")
    fill_date(page, "Due date", today + dt.timedelta(days=7))
    page.get_by_label("About (optional)").select_option(label="Lucy Marsh (known as Lou)")
    page.get_by_role("button", name="Add action").click()
    screenshot(page, "coordination-01-meeting")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Lucy Marsh (known as Lou)").first.click()
    page.get_by_role("link", name="Name the coordinator").click()
    page.get_by_label("Coordinator").select_option(label=f"{coordinator.get_full_name()} (holds 0)")
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_text(f"Coordinator: {coordinator.get_full_name()}")).to_be_visible()
    ctx.close()

    # 3. The coordinator records three contacts on a phone.
    ctx = _context(browser, live_server, viewport=PHONE, is_mobile=True, has_touch=True)
    phone = ctx.new_page()
    sign_in(phone, coordinator.username, TEST_PASSWORD)
    phone.goto("/coordination/")
    expect(phone.get_by_role("heading", name="My caseload")).to_be_visible()
    for kind in ["Visit", "Phone call", "Accompanied to an appointment"]:
        phone.get_by_role("link", name="Record contact with Lucy Marsh (known as Lou)").click()
        phone.get_by_label(kind, exact=True).check()
        phone.get_by_role("button", name="Save contact").click()
        expect(phone.get_by_text("Contact with Lucy Marsh (known as Lou) recorded.")).to_be_visible()
        phone.goto("/coordination/")
    assert Contact.objects.count() == 3
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "coordination-02-home-phone")
    assert axe_violations(phone) == []

    # 4. ... requests a hostel place, which is declined with a coded reason.
    phone.get_by_role("link", name="Lucy Marsh (known as Lou)").first.click()
    phone.get_by_role("link", name="Request a service").click()
    phone.get_by_label("Service provider").select_option(label="Harbour Hostel")
    phone.get_by_label("What was asked for").select_option(label="Hostel or supported accommodation place")
    phone.get_by_role("button", name="Record the request").click()
    expect(phone.get_by_text("Pending 0 days")).to_be_visible()
    phone.get_by_role("link", name="Update Hostel or supported accommodation place").click()
    phone.get_by_label("Declined").check()
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("Choose the reason the service gave for declining.").first).to_be_visible()
    phone.get_by_label("Reason given for declining").select_option(label="Excluded for behaviour")
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("Declined: Excluded for behaviour")).to_be_visible()
    assert ServiceInvolvement.objects.get(service="hostel").status == InvolvementStatus.DECLINED
    screenshot(phone, "coordination-03-person-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(phone) == []
    ctx.close()

    # 5. Three weeks pass without the action being done; the escalation job runs.
    Action.objects.update(due_on=today - dt.timedelta(days=14))
    call_command("escalate_actions")
    ctx = _context(browser, live_server)
    page = ctx.new_page()
    sign_in(page, officer.username, TEST_PASSWORD)
    page.get_by_role("link", name="Overdue actions").first.click()
    expect(page.get_by_text("Hostel to review Lucy's exclusion")).to_be_visible()
    expect(page.get_by_text("Escalated to accountable officer")).to_be_visible()
    expect(page.get_by_role("cell", name="Excluded for behaviour")).to_be_visible()
    screenshot(page, "coordination-04-overdue")
    assert axe_violations(page) == []
    ctx.close()


@pytest.fixture
def worked_case(area, coordinator, ae, hostel, council, practitioner, officer):
    from tide.coordination import services
    from tide.coordination.models import ReferrerKind, SharingBasis

    person = PersonFactory(area=area, given_name="Ahmed", family_name="Khan")
    referral = services.referral_create(
        person=person,
        referrer_kind=ReferrerKind.AGENCY,
        from_agency=ae,
        offer="Keep seeing him",
        reasons="Twenty A&E visits",
        sharing_basis=SharingBasis.CONSENT,
        actor=practitioner,
    )
    meeting = services.meeting_create(area=area, held_on=timezone.localdate(), actor=coordinator)
    services.referral_decide(referral=referral, meeting=meeting, accept=True, reason="2+ pattern", actor=coordinator)
    services.coordinator_allocate(episode=person.support_episodes.get(), coordinator=coordinator, actor=None)
    services.plan_version_create(
        person=person,
        in_their_words="I want to see my daughter.",
        goals=[services.GoalInput("relationships", "Contact")],
        review_due_on=timezone.localdate() + dt.timedelta(days=90),
        agreed_with_person=True,
        actor=coordinator,
    )
    services.service_request(person=person, agency=hostel, service="hostel", actor=coordinator)
    services.action_create(
        area=area,
        meeting=meeting,
        person=person,
        description="Register with GP",
        owner=coordinator,
        due_on=timezone.localdate() - dt.timedelta(days=2),
        actor=None,
    )
    return person, meeting


def test_coordination_pages_have_no_serious_accessibility_violations(page, coordinator, worked_case):
    person, meeting = worked_case
    sign_in(page, coordinator.username, TEST_PASSWORD)
    paths = [
        "/coordination/",
        "/coordination/refer?q=Ahmed&date_of_birth=27/03/1985",
        f"/coordination/people/{person.pk}/",
        f"/coordination/people/{person.pk}/contacts/new",
        f"/coordination/people/{person.pk}/plan/new",
        f"/coordination/people/{person.pk}/services/new",
        f"/coordination/people/{person.pk}/safeguarding/new",
        f"/coordination/people/{person.pk}/assessments/new",
        f"/coordination/people/{person.pk}/cpa",
        f"/coordination/people/{person.pk}/exit",
        f"/coordination/people/{person.pk}/allocate",
        "/coordination/meetings/",
        f"/coordination/meetings/{meeting.pk}/",
        f"/coordination/meetings/{meeting.pk}/minutes",
        f"/coordination/meetings/{meeting.pk}/actions/new",
        "/coordination/requests",
        f"/people/{person.pk}/",
    ]
    for path in paths:
        page.goto(path)
        assert axe_violations(page) == [], path


def test_contact_can_be_recorded_without_javascript(browser, live_server, coordinator, worked_case):
    person, _ = worked_case
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, coordinator.username, TEST_PASSWORD)
    page.set_default_timeout(8000)
    page.goto("/coordination/")
    page.get_by_role("button", name=re.compile(r"Visited today\W*Ahmed Khan")).click()
    expect(page.get_by_text("Visit with Ahmed Khan recorded for today.")).to_be_visible()
    page.goto(f"/coordination/people/{person.pk}/contacts/new")
    fill_date(page, "Date", ("31", "2", "2026"))
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert Contact.objects.filter(person=person).count() == 1
    context.close()


def test_the_person_gets_their_own_sign_in_reads_their_plan_and_says_what_to_change(
    browser, live_server, episode, coordinator
):
    from tide.coordination import services

    person = episode.person
    services.coordinator_allocate(episode=episode, coordinator=coordinator, on=episode.started_on, actor=None)
    services.plan_version_create(
        person=person,
        in_their_words="I want my own front door and to see my sister on Sundays.",
        goals=[services.GoalInput("housing", "A flat of her own", "Jane applies to the council this week")],
        review_due_on=timezone.localdate() + dt.timedelta(days=60),
        agreed_with_person=True,
        actor=coordinator,
    )

    # 1. Her coordinator makes Lucy a sign-in and gets a one-time link for her.
    staff = _context(browser, live_server).new_page()
    sign_in(staff, coordinator.username, TEST_PASSWORD)
    staff.goto(f"/coordination/people/{person.pk}/")
    staff.get_by_role("link", name="Lucy's own sign-in").click()
    staff.get_by_label("Username for them to sign in with").fill("lucy7")
    staff.get_by_role("button", name="Make their sign-in").click()
    expect(staff.get_by_role("heading", name="Give Lucy this link")).to_be_visible()
    link = staff.locator("#set-password-link").inner_text()
    assert axe_violations(staff) == []
    screenshot(staff, "own-sign-in-01-link")

    # 2. On her phone, Lucy chooses a password, signs in (no authenticator app) and reads her plan.
    phone = _context(browser, live_server, viewport=PHONE, is_mobile=True).new_page()
    phone.goto(link)
    phone.get_by_label("New password", exact=True).fill("a long Tideford password 42")
    phone.get_by_label("New password confirmation").fill("a long Tideford password 42")
    phone.get_by_role("button", name="Set my password").click()
    expect(phone.get_by_text("Your password is set")).to_be_visible()
    sign_in(phone, "lucy7", "a long Tideford password 42")
    # She lands on her plan (ADR 0031): no menu to open on a phone.
    expect(phone.get_by_text("I want my own front door")).to_be_visible()
    expect(phone.get_by_role("heading", name="How to reach your coordinator")).to_be_visible()
    expect(phone.get_by_text("Jane Coordinator, Tideford Link Service")).to_be_visible()
    phone.get_by_label("What would you like to change or add?").fill("Can we add getting my ID back?")
    phone.get_by_role("button", name="Send to my coordinator").click()
    expect(phone.get_by_text("Your coordinator will see what you wrote")).to_be_visible()
    expect(phone.get_by_text("Not read yet")).to_be_visible()
    assert axe_violations(phone) == []
    screenshot(phone, "own-sign-in-02-plan-on-a-phone")

    # 3. Her coordinator sees it on Lucy's page and marks it read; Lucy sees that it was read.
    staff.goto(f"/coordination/people/{person.pk}/")
    expect(staff.get_by_text("Can we add getting my ID back?")).to_be_visible()
    staff.get_by_role("button", name="Mark Lucy's comments as read").click()
    expect(staff.get_by_text("Their comments are marked as read.")).to_be_visible()
    phone.reload()
    expect(phone.get_by_text("Read by Jane Coordinator")).to_be_visible()
