"""Who gets what: the accountability room's messages go through the messages room's outbox."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tide.accountability import services
from tide.accountability.models import PersonAccount
from tide.accountability.selectors import inquiry_draft
from tide.accountability.tests.test_inquiries import FORM
from tide.areas.models import Role
from tide.messages.models import Message, Status
from tide.people.services import contact_preference_set
from tide.testing.fixtures import make_user


@pytest.fixture(autouse=True)
def _console(settings):
    settings.TIDE_MESSAGES_BACKEND = "console"
    settings.TIDE_SITE_URL = "https://tide.example.gov.uk"


def _submit(area):
    data = {k: v for k, v in FORM.items() if k != "website"}
    return services.inquiry_submit(area=area, ip_address="203.0.113.9", **data)


# --- Break-glass -----------------------------------------------------------------------------------


def test_break_glass_alert_reaches_the_privacy_officer_through_the_outbox(
    area, tina, practitioner, django_capture_on_commit_callbacks
):
    officer = make_user(area, Role.PRIVACY_OFFICER, email="priya@tideford.example.gov.uk")
    with django_capture_on_commit_callbacks(execute=True):
        grant = services.break_glass_open(person=tina, reason="Found unconscious, need the GP name", actor=practitioner)

    (message,) = Message.objects.filter(kind="break_glass_alert")
    assert message.to_user == officer
    assert message.to_address == "priya@tideford.example.gov.uk"
    assert message.status == Status.SENT
    assert message.about == f"accountability.breakglass:{grant.pk}"
    context = json.loads(message.personalisation)
    assert "Okonkwo" not in message.subject + json.dumps(context)  # no name of the person supported
    assert context["link"].startswith("https://tide.example.gov.uk/")


def test_break_glass_alert_to_an_officer_without_email_is_kept_as_not_sent(
    area, tina, practitioner, django_capture_on_commit_callbacks
):
    make_user(area, Role.PRIVACY_OFFICER, email="")
    with django_capture_on_commit_callbacks(execute=True):
        services.break_glass_open(person=tina, reason="Found unconscious, need the GP name", actor=practitioner)

    (message,) = Message.objects.filter(kind="break_glass_alert")
    assert message.status == Status.WITHHELD
    assert "No email address" in message.reason


# --- Inquiries -------------------------------------------------------------------------------------


def test_inquiry_requester_gets_an_acknowledgement_with_the_due_date(area, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inquiry = _submit(area)

    (message,) = Message.objects.filter(kind="inquiry_acknowledgement")
    assert message.to_address == "rosa@example.org"
    assert message.status == Status.SENT
    assert message.about == f"accountability.inquiry:{inquiry.pk}"
    context = json.loads(message.personalisation)
    assert context["reference"] == inquiry.reference
    assert context["due_on"] == f"{inquiry.due_on:%-d %B %Y}"
    assert "Okonkwo" not in json.dumps(context)


def test_inquiry_requester_gets_the_answer_link_when_it_is_published(
    area, officer, tina, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inquiry = _submit(area)
        services.inquiry_triage(inquiry=inquiry, accept=True, person=tina, note="", actor=officer)
        draft = inquiry_draft(inquiry=inquiry, user=officer)
        services.inquiry_answer(
            inquiry=inquiry, response=draft.response, public_summary=draft.public_summary, actor=officer
        )
    assert not Message.objects.filter(kind="inquiry_published").exists()  # answered is not yet published
    with django_capture_on_commit_callbacks(execute=True):
        services.inquiry_publish(inquiry=inquiry, actor=officer)

    (message,) = Message.objects.filter(kind="inquiry_published")
    assert message.to_address == "rosa@example.org"
    assert message.sender == officer
    link = json.loads(message.personalisation)["link"]
    assert link == "https://tide.example.gov.uk" + reverse("accountability:inquiry-published", args=[inquiry.reference])


def test_inquiry_page_shows_the_officer_a_failed_message(area, officer, client, django_capture_on_commit_callbacks):
    inquiry = _submit(area)
    Message.objects.filter(about=f"accountability.inquiry:{inquiry.pk}").update(
        status=Status.FAILED, error="The mail server answered 550."
    )
    client.force_login(officer)
    page = client.get(reverse("accountability:inquiry-detail", args=[inquiry.pk])).content.decode()
    assert "Inquiry received by email" in page
    assert "The mail server answered 550." in page


# --- The person's own password -----------------------------------------------------------------------


@pytest.fixture
def tina_account(tina, coordinator):
    tina.email = "tina@example.org"
    tina.phone = "07700900456"
    tina.save(update_fields=["email", "phone"])
    services.person_account_create(person=tina, username="tina.o", actor=coordinator)
    return PersonAccount.objects.select_related("user").get(person=tina)


def test_person_asks_for_a_new_password_link_by_text(client, tina_account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accountability:password-forgotten"), {"username": "TINA.O", "channel": "sms"})

    assert response.status_code == 302
    (message,) = Message.objects.filter(kind="password_reset")
    assert message.channel == "sms"
    assert message.to_address == "07700900456"
    assert message.to_person_id == tina_account.person_id
    link = json.loads(message.personalisation)["link"]
    assert link.startswith("https://tide.example.gov.uk/account/set-password/")
    path = link.removeprefix("https://tide.example.gov.uk")
    assert client.get(path, follow=True).status_code == 200


def test_forgotten_password_never_says_whether_an_account_exists(client, tina_account):
    known = client.post(reverse("accountability:password-forgotten"), {"username": "tina.o", "channel": "email"})
    unknown = client.post(reverse("accountability:password-forgotten"), {"username": "nobody", "channel": "email"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert Message.objects.filter(kind="password_reset").count() == 1


def test_forgotten_password_is_only_for_people_supported(client, area, tina_account):
    make_user(area, Role.COORDINATOR, username="jane.staff", email="jane@example.org")
    client.post(reverse("accountability:password-forgotten"), {"username": "jane.staff", "channel": "email"})
    assert not Message.objects.filter(kind="password_reset").exists()


def test_person_marked_never_text_gets_no_text_and_the_coordinator_sees_why(
    client, coordinator, tina_account, django_capture_on_commit_callbacks
):
    contact_preference_set(
        person=tina_account.person,
        channel="email",
        never_text=True,
        may_say_from=False,
        safe_from=None,
        safe_until=None,
        actor=coordinator,
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accountability:password-forgotten"), {"username": "tina.o", "channel": "sms"})

    assert not Message.objects.filter(channel="sms").exists()
    (message,) = Message.objects.filter(kind="password_reset")
    assert message.channel == "email"
    assert "asked never to be texted" in message.reason
    client.force_login(coordinator)
    page = client.get(reverse("people:detail", args=[tina_account.person_id])).content.decode()
    assert "Choose a new password by email" in page
    assert f"Not sent by text: {tina_account.person.display_name} asked never to be texted." in page


def test_person_who_wants_no_messages_gets_none_and_the_outbox_says_why(
    client, coordinator, tina_account, django_capture_on_commit_callbacks
):
    contact_preference_set(
        person=tina_account.person,
        channel="none",
        never_text=True,
        may_say_from=False,
        safe_from=None,
        safe_until=None,
        actor=coordinator,
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accountability:password-forgotten"), {"username": "tina.o", "channel": "email"})

    (message,) = Message.objects.filter(kind="password_reset")
    assert message.status == Status.WITHHELD
    assert "asked for no messages" in message.reason


def test_too_many_password_requests_from_one_address_are_refused(client, tina_account, settings):
    for _ in range(6):
        client.post(reverse("accountability:password-forgotten"), {"username": "tina.o", "channel": "email"})
    assert Message.objects.filter(kind="password_reset").count() == 5
