import datetime as dt

import pytest
from playwright.sync_api import expect

from tide.accountability.models import Inquiry
from tide.areas.models import Role
from tide.core.audit import audit_verify
from tide.core.models import AuditEvent
from tide.people.models import IdentifierKind
from tide.people.services import PersonInput, person_create
from tide.testing.browser import axe_violations, screenshot, sign_in
from tide.testing.factories import TEST_PASSWORD, AgencyFactory, ServiceEventFactory
from tide.testing.fixtures import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tina(coordinator):
    person = person_create(
        area=coordinator.area,
        data=PersonInput(
            given_name="Christina",
            family_name="Okonkwo",
            known_as="Tina",
            date_of_birth=dt.date(1984, 6, 12),
            postcode="TX1 4AB",
            identifiers=[(IdentifierKind.NHS, "9434765919", None)],
        ),
        actor=coordinator,
    )
    ServiceEventFactory(person=person, event_type="ae_attendance", occurred_on=dt.date(2026, 3, 2))
    ServiceEventFactory(person=person, event_type="arrest", occurred_on=dt.date(2026, 4, 9))
    return person


def test_public_inquiry_is_answered_from_the_record_and_published_without_identifying_anyone(page, area, tina):
    officer = make_user(area, Role.ACCOUNTABLE_OFFICER, first_name="Olu", last_name="Officer")
    # A member of the public asks, without an account.
    page.goto("/inquiries/ask")
    assert axe_violations(page) == []
    page.get_by_label("Your name").fill("Rosa Member")
    page.get_by_label("Your email address").fill("rosa@example.org")
    page.get_by_label("The person's name").fill("Christina Okonkwo")
    page.get_by_label("What else helps us find the person").fill("Known as Tina, about 40, slept by the station.")
    page.get_by_label("What do you want to know").fill("What help was she offered this year?")
    screenshot(page, "acc-01-inquiry-form")
    page.get_by_role("button", name="Send inquiry").click()
    expect(page.get_by_role("heading", name="Inquiry sent")).to_be_visible()
    reference = page.locator("#inquiry-reference").inner_text()
    assert reference.startswith("INQ-")
    inquiry = Inquiry.objects.get(reference=reference)

    # The accountable officer triages it and answers it from the record.
    sign_in(page, officer.username, TEST_PASSWORD)
    page.goto("/accountability/inquiries/")
    page.get_by_role("link", name=reference).click()
    page.get_by_label("Accept: answer it from the record").check()
    page.get_by_label("Which person in the register is this about").select_option(str(tina.pk))
    page.get_by_role("button", name="Save triage decision").click()
    page.get_by_role("link", name="Answer from the record").click()
    assert "2 March 2026" in page.get_by_label("Full response to the requester").input_value()
    public = page.get_by_label("Public version for the register")
    assert "March 2026" in public.input_value()
    # A careless edit that names the person is refused.
    public.fill(public.input_value() + "\nTina was also seen by outreach.")
    page.get_by_role("button", name="Save response").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    public = page.get_by_label("Public version for the register")
    public.fill(public.input_value().replace("\nTina was also seen by outreach.", "\nOutreach also saw the person."))
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save response").click()
    screenshot(page, "acc-02-inquiry-answered")
    page.get_by_role("button", name="Publish the redacted version").click()

    # The public register shows the response with nothing that identifies the person.
    page.context.clear_cookies()
    page.goto("/inquiries/register/")
    page.get_by_role("link", name=reference).click()
    text = page.locator("main").inner_text()
    screenshot(page, "acc-03-inquiry-published")
    assert "Outreach also saw the person." in text
    for leak in [
        "Christina",
        "Okonkwo",
        "Tina",
        "12/06/1984",
        "12 June 1984",
        "1984",
        "9434765919",
        "943 476 5919",
        "TX1 4AB",
        "Rosa",
    ]:
        assert leak.lower() not in text.lower(), leak
    assert axe_violations(page) == []

    actions = list(
        AuditEvent.objects.filter(target_type="accountability.inquiry", target_id=str(inquiry.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["inquiry.submitted", "inquiry.accepted", "inquiry.answered", "inquiry.published"]
    assert AuditEvent.objects.filter(action="person.viewed", actor=officer, person_id=tina.pk).exists()
    assert audit_verify().ok


def test_practitioner_is_refused_breaks_the_glass_and_the_privacy_officer_sees_the_alert(page, area, tina):
    police = AgencyFactory(area=area, name="Tideford Police", code="police", sector="police")
    practitioner = make_user(area, Role.PRACTITIONER, agency=police, first_name="Pat", last_name="Constable")
    privacy = make_user(area, Role.PRIVACY_OFFICER, first_name="Priya", last_name="Privacy")

    sign_in(page, practitioner.username, TEST_PASSWORD)
    page.goto(f"/people/{tina.pk}/")
    expect(page.get_by_role("heading", name="You cannot see this record")).to_be_visible()
    assert page.get_by_text("Christina").count() == 0
    screenshot(page, "acc-04-refused")
    page.get_by_role("link", name="Break the glass").click()
    page.get_by_role("button", name="Break the glass and open the record").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    page.get_by_label("Why do you need to see this record now?").fill(
        "Found collapsed outside the station; need her GP and known conditions."
    )
    assert axe_violations(page) == []
    page.get_by_role("button", name="Break the glass and open the record").click()
    expect(page.get_by_role("heading", name="Christina Okonkwo (known as Tina)")).to_be_visible()
    screenshot(page, "acc-05-break-glass-record")

    page.context.clear_cookies()
    sign_in(page, privacy.username, TEST_PASSWORD)
    page.get_by_role("link", name="Break-glass alerts").first.click()
    expect(page.get_by_text("Found collapsed outside the station")).to_be_visible()
    expect(page.get_by_role("cell", name="Pat Constable, Tideford Police")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "acc-06-privacy-alerts")
    page.get_by_role("link", name="Review access by Pat Constable").click()
    page.get_by_label("Yes, justified").check()
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_text("There is nothing to review.")).to_be_visible()

    actions = set(AuditEvent.objects.filter(person_id=tina.pk).values_list("action", flat=True))
    assert {"person.view_refused", "person.break_glass", "person.viewed", "break_glass.reviewed"} <= actions
    assert audit_verify().ok


def test_accountability_pages_are_accessible_and_fit_a_phone(browser, live_server, page, phone_page, area, tina):
    from tide.accountability.models import PersonAccount

    officer = make_user(area, Role.ACCOUNTABLE_OFFICER, first_name="Olu", last_name="Officer")
    privacy = make_user(area, Role.PRIVACY_OFFICER, first_name="Priya", last_name="Privacy")
    person_user = make_user(area, Role.PERSON, first_name="Christina", last_name="Okonkwo")
    PersonAccount.objects.create(user=person_user, person=tina)
    public = ["/inquiries/ask", "/inquiries/register/", "/statistics/", "/sign-in"]
    staff = {
        officer.username: [
            "/accountability/",
            "/accountability/inquiries/",
            "/accountability/subject-access/",
            "/accountability/access-policy",
        ],
        privacy.username: ["/accountability/break-glass/"],
        person_user.username: ["/my-record/"],
    }
    for path in public:
        page.goto(path)
        assert axe_violations(page) == [], path
        phone_page.goto(path)
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375, path
    for username, paths in staff.items():
        page.context.clear_cookies()
        sign_in(page, username, TEST_PASSWORD)
        phone_page.context.clear_cookies()
        sign_in(phone_page, username, TEST_PASSWORD)
        for path in paths:
            page.goto(path)
            assert axe_violations(page) == [], path
            phone_page.goto(path)
            assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375, path
    screenshot(phone_page, "acc-07-my-record-phone")


def test_staff_sign_in_asks_for_the_authenticator_code(page, area):
    from tide.testing.browser import totp_code_for

    newcomer = make_user(area, Role.PRACTITIONER, totp_secret="", totp_confirmed_at=None)
    page.goto("/sign-in")
    page.get_by_label("Username").fill(newcomer.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "acc-08-set-up-code")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(
        "000000" if totp_code_for(newcomer.username, secret) != "000000" else "111111"
    )
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    page.get_by_label("Code from your authenticator app").fill(totp_code_for(newcomer.username, secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert AuditEvent.objects.filter(action="user.second_factor_enrolled", actor=newcomer).exists()
