"""Messages that reach people, end to end in a browser: the live server sends through a real SMTP
server (aiosmtpd) or a local server keeping GOV.UK Notify's API contract, and the test reads what
arrived there, as the recipient would, and follows its link."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from playwright.sync_api import expect

from tide.accountability import services
from tide.accountability.models import Inquiry
from tide.areas.models import Role
from tide.messages.models import Message, Status
from tide.messages.tests.servers import API_KEY, NotifyServer, SmtpServer
from tide.people.models import IdentifierKind
from tide.people.services import PersonInput, contact_preference_set, person_create
from tide.testing.browser import PHONE, axe_violations, screenshot, sign_in
from tide.testing.factories import TEST_PASSWORD, ServiceEventFactory
from tide.testing.fixtures import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a long Tideford password 42"


@pytest.fixture
def smtp_inbox(settings, live_server):
    with SmtpServer() as server:
        settings.TIDE_MESSAGES_BACKEND = "smtp"
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.TIDE_SITE_URL = live_server.url
        yield server.handler.received


@pytest.fixture
def notify(settings, live_server):
    with NotifyServer() as server:
        settings.TIDE_MESSAGES_BACKEND = "notify"
        settings.TIDE_NOTIFY_API_KEY = API_KEY
        settings.TIDE_NOTIFY_BASE_URL = server.url
        settings.TIDE_NOTIFY_TEMPLATE_EMAIL = "f33517ff-2a88-4f6e-b855-c550268ce08a"
        settings.TIDE_NOTIFY_TEMPLATE_SMS = "c1a2b3c4-0000-4000-8000-000000000005"
        settings.TIDE_NOTIFY_TEMPLATES = {}
        settings.TIDE_SITE_URL = live_server.url
        yield server.state


@pytest.fixture
def tina(coordinator):
    person = person_create(
        area=coordinator.area,
        data=PersonInput(
            given_name="Christina",
            family_name="Okonkwo",
            known_as="Tina",
            date_of_birth=dt.date(1984, 6, 12),
            identifiers=[(IdentifierKind.NHS, "9434765919", None)],
        ),
        actor=coordinator,
    )
    ServiceEventFactory(person=person, event_type="ae_attendance", occurred_on=dt.date(2026, 3, 2))
    person.phone = "07700900456"
    person.save(update_fields=["phone"])
    services.person_account_create(person=person, username="tina.o", actor=coordinator)
    return person


def _arrived(box: list, count: int) -> list:
    """What the server received, once ``count`` items have arrived (the job runs as the request commits)."""
    for _ in range(50):
        if len(box) >= count:
            return box
        time.sleep(0.1)
    raise AssertionError(f"{count} messages expected, {len(box)} arrived")


def _email(received: dict) -> tuple[str, str]:
    email = received["email"]
    return " ".join(email["Subject"].split()), email.get_payload().replace("\r\n", "\n")


def _link(text: str) -> str:
    (link,) = re.findall(r"https?://\S+", text)
    return link


def test_a_public_inquiry_gets_its_acknowledgement_and_then_its_answer_by_email(
    page, browser, live_server, area, tina, smtp_inbox
):
    officer = make_user(area, Role.ACCOUNTABLE_OFFICER, first_name="Olu", last_name="Officer")
    page.goto("/inquiries/ask")
    page.get_by_label("Your name").fill("Rosa Member")
    page.get_by_label("Your email address").fill("rosa@example.org")
    page.get_by_label("The person's name").fill("Christina Okonkwo")
    page.get_by_label("What else helps us find the person").fill("Known as Tina, about 40.")
    page.get_by_label("What do you want to know").fill("What help was she offered this year?")
    page.get_by_role("button", name="Send inquiry").click()
    reference = page.locator("#inquiry-reference").inner_text()
    inquiry = Inquiry.objects.get(reference=reference)

    # The acknowledgement arrives with the reference and the date the answer is due.
    (ack,) = _arrived(smtp_inbox, 1)
    subject, body = _email(ack)
    assert ack["to"] == ["rosa@example.org"]
    assert subject == f"Your inquiry {reference} has been received"
    assert f"will answer by {inquiry.due_on.day} {inquiry.due_on:%B %Y}." in body
    assert "Christina" not in subject + body

    # The accountable officer answers from the record and publishes; the inquiry page lists both emails.
    sign_in(page, officer.username, TEST_PASSWORD)
    page.goto(f"/accountability/inquiries/{inquiry.pk}/")
    page.get_by_label("Accept: answer it from the record").check()
    page.get_by_label("Which person in the register is this about").select_option(str(tina.pk))
    page.get_by_role("button", name="Save triage decision").click()
    page.get_by_role("link", name="Answer from the record").click()
    page.get_by_role("button", name="Save response").click()
    page.get_by_role("button", name="Publish the redacted version").click()
    _arrived(smtp_inbox, 2)
    page.goto(f"/accountability/inquiries/{inquiry.pk}/")
    expect(page.get_by_text("Inquiry answered by email")).to_be_visible()
    expect(page.get_by_text("Inquiry received by email")).to_be_visible()
    screenshot(page, "msg-01-inquiry-messages-sent")

    # The answer email links to the published answer; the requester follows it, on a phone too.
    subject, body = _email(smtp_inbox[1])
    assert smtp_inbox[1]["to"] == ["rosa@example.org"]
    assert subject == f"Your inquiry {reference} has been answered"
    link = _link(body)
    assert link == f"{live_server.url}/inquiries/register/{reference}"
    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_role("heading", name=re.compile(reference))).to_be_visible()
    expect(page.get_by_text("March 2026").first).to_be_visible()
    assert "Okonkwo" not in page.locator("main").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "msg-02-answer-from-email-link")
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, bypass_csp=True).new_page()
    phone.goto(link)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "msg-03-answer-from-email-link-phone")
    phone.context.close()
    assert set(
        Message.objects.filter(about=f"accountability.inquiry:{inquiry.pk}").values_list("status", flat=True)
    ) == {Status.SENT}


def test_a_person_supported_resets_their_password_from_a_text_message_link(browser, live_server, page, tina, notify):
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, bypass_csp=True).new_page()
    phone.goto("/sign-in")
    phone.get_by_role("link", name=re.compile("Forgotten your password")).click()
    phone.get_by_label("Your username").fill("tina.o")
    phone.get_by_label("By text message").check()
    assert axe_violations(phone) == []
    screenshot(phone, "msg-04-forgotten-password-phone")
    phone.get_by_role("button", name="Send the link").click()
    expect(phone.get_by_role("heading", level=1)).to_be_visible()

    # The Notify server got one text message for her mobile, signed as Notify expects, naming nobody.
    (sms,) = _arrived(notify.sent, 1)
    assert sms["type"] == "sms"
    assert sms["phone_number"] == "07700900456"
    text = sms["personalisation"]["body"]
    assert text.startswith("choose a new password here: ")  # says nothing of where it is from
    assert "Tina" not in text

    phone.goto(_link(text))
    phone.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    screenshot(phone, "msg-05-choose-password-phone")
    phone.get_by_role("button", name="Set my password").click()
    expect(phone.get_by_text("Your password is set")).to_be_visible()
    sign_in(phone, "tina.o", NEW_PASSWORD)
    phone.goto("/my-record/")
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    assert "/sign-in" not in phone.url
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "msg-06-signed-in-after-reset-phone")
    phone.goto(_link(text))  # the link works once
    expect(phone.get_by_text(re.compile("no longer works|has been used|not valid", re.I)).first).to_be_visible()
    phone.context.close()


def test_a_person_marked_never_text_gets_no_text_and_the_coordinator_sees_why(
    browser, live_server, page, area, coordinator, tina, notify
):
    contact_preference_set(
        person=tina,
        channel="email",
        never_text=True,
        may_say_from=False,
        safe_from=None,
        safe_until=None,
        actor=coordinator,
    )
    page.goto("/account/forgotten-password")
    page.get_by_label("Your username").fill("tina.o")
    page.get_by_label("By text message").check()
    page.get_by_role("button", name="Send the link").click()
    for _ in range(20):
        if Message.objects.filter(kind="password_reset").exists():
            break
        time.sleep(0.1)
    time.sleep(0.5)  # any delivery would have reached the server by now
    assert notify.sent == []
    (message,) = Message.objects.filter(kind="password_reset")
    assert message.status == Status.WITHHELD

    why = f"Not sent: {tina.display_name} asked never to be texted, and no email address is recorded for them."
    sign_in(page, coordinator.username, TEST_PASSWORD)
    page.goto(f"/people/{tina.pk}/")
    expect(page.get_by_text("Never text.")).to_be_visible()
    expect(page.get_by_text(why)).to_be_visible()
    screenshot(page, "msg-07-never-text-person-page")
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, bypass_csp=True).new_page()
    sign_in(phone, coordinator.username, TEST_PASSWORD)
    phone.goto(f"/people/{tina.pk}/")
    expect(phone.get_by_text(why)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "msg-08-never-text-person-page-phone")
    phone.context.close()

    # The outbox (privacy officer) keeps the row, naming nobody supported.
    privacy = make_user(area, Role.PRIVACY_OFFICER, first_name="Ruth", last_name="Privacy")
    page.context.clear_cookies()
    sign_in(page, privacy.username, TEST_PASSWORD)
    page.goto("/messages/outbox/?status=withheld")
    expect(
        page.get_by_text("They asked never to be texted, and no email address is recorded for them.")
    ).to_be_visible()
    assert "Tina" not in page.locator("main").inner_text()
    screenshot(page, "msg-09-never-text-outbox")


def test_the_chair_sends_the_agenda_and_an_attendee_follows_its_link_to_the_meeting(
    browser, live_server, page, area, agency, coordinator, smtp_inbox
):
    from django.utils import timezone

    from tide.coordination import services as co

    priya = make_user(area, Role.PRACTITIONER, first_name="Priya", last_name="Nurse", email="priya@example.org")
    meeting = co.meeting_create(
        area=area, held_on=timezone.localdate() + dt.timedelta(days=4), chair=coordinator, actor=coordinator
    )
    co.attendance_record(meeting=meeting, agency=priya.agency, attendee_name="Priya", actor=coordinator)

    sign_in(page, coordinator.username, TEST_PASSWORD)
    page.goto(f"/coordination/meetings/{meeting.pk}/")
    page.get_by_role("button", name="Send the agenda to attendees").click()
    expect(page.get_by_text("The agenda is on its way to 1 attendee.")).to_be_visible()
    _arrived(smtp_inbox, 1)
    page.reload()
    expect(page.get_by_text("Meeting agenda by email to Priya Nurse")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "msg-10-agenda-sent-meeting-page")
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, bypass_csp=True).new_page()
    sign_in(phone, coordinator.username, TEST_PASSWORD)
    phone.goto(f"/coordination/meetings/{meeting.pk}/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "msg-11-agenda-sent-meeting-page-phone")
    phone.context.close()

    subject, body = _email(smtp_inbox[0])
    assert smtp_inbox[0]["to"] == ["priya@example.org"]
    assert subject.startswith("Tide: agenda for the operational multi-agency group on ")
    link = re.search(r"https?://\S+/coordination/meetings/\d+/", body).group(0)
    page.context.clear_cookies()
    page.goto(link)
    sign_in(page, priya.username, TEST_PASSWORD)
    page.goto(link)
    expect(page.get_by_role("heading", name="Agenda", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Send the agenda"))).to_have_count(0)

    # The outbox on a phone: the privacy officer sees the message; the table scrolls inside its region.
    privacy = make_user(area, Role.PRIVACY_OFFICER, first_name="Ruth", last_name="Privacy")
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, bypass_csp=True).new_page()
    sign_in(phone, privacy.username, TEST_PASSWORD)
    phone.goto("/messages/outbox/")
    expect(phone.get_by_text("Meeting agenda by email")).to_be_visible()
    screenshot(phone, "msg-12-outbox-phone")
    wide = phone.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 375)"
        ".map(e => e.tagName + '.' + e.className).slice(0, 5)"
    )
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], wide
    assert axe_violations(phone) == []
    phone.context.close()
