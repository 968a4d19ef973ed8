"""Every message to a person supported honours their safe-contact preference."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from tide.areas.models import Role
from tide.core.models import Job
from tide.messages.models import Status
from tide.messages.services import message_send, messages_sweep
from tide.people.services import PersonInput, contact_preference_set, person_create
from tide.testing.factories import PersonFactory
from tide.testing.fixtures import make_user

LINK = {"link": "https://tide.example.gov.uk/account/set-password/x/y", "valid_days": "3"}


@pytest.fixture
def person(area, coordinator):
    """Made by the coordinator, who so has a working relationship with them."""
    person = person_create(area=area, data=PersonInput(given_name="Alex", family_name="Synthetic"), actor=coordinator)
    person.email, person.phone = "alex@example.org", "07700900789"
    person.save(update_fields=["email", "phone"])
    return person


def _prefer(person, actor, **kwargs):
    values = {"channel": "email", "never_text": False, "may_say_from": False, "safe_from": None, "safe_until": None}
    return contact_preference_set(person=person, actor=actor, **(values | kwargs))


def _send(capture, person, **kwargs):
    with capture(execute=True):
        message = message_send(kind="password_reset", to_person=person, context=LINK, actor=None, **kwargs)
    message.refresh_from_db()
    return message


def test_never_text_gets_no_text_message(notify_server, person, coordinator, django_capture_on_commit_callbacks):
    _prefer(person, coordinator, channel="email", never_text=True)
    message = _send(django_capture_on_commit_callbacks, person, channel="sms")
    assert message.channel == "email"
    assert [s["type"] for s in notify_server.state.sent] == ["email"]
    assert "asked never to be texted" in message.reason


def test_never_text_with_no_email_is_not_sent_and_the_person_page_says_why(
    notify_server, client, person, coordinator, django_capture_on_commit_callbacks
):
    person.email = ""
    person.save(update_fields=["email"])
    _prefer(person, coordinator, channel="email", never_text=True)

    message = _send(django_capture_on_commit_callbacks, person, channel="sms")

    assert message.status == Status.WITHHELD
    assert message.reason == "They asked never to be texted, and no email address is recorded for them."
    assert notify_server.state.sent == []
    client.force_login(coordinator)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert f"Not sent: {person.display_name} asked never to be texted, and no email address" in page


def test_no_messages_means_none_and_the_row_says_why(
    notify_server, person, coordinator, django_capture_on_commit_callbacks
):
    _prefer(person, coordinator, channel="none", never_text=True)
    message = _send(django_capture_on_commit_callbacks, person)
    assert message.status == Status.WITHHELD
    assert "asked for no messages" in message.reason
    assert notify_server.state.sent == []
    assert not Job.objects.filter(kind="messages.deliver").exists()


def test_a_plain_message_does_not_say_where_it_is_from(
    notify_server, person, coordinator, django_capture_on_commit_callbacks
):
    _prefer(person, coordinator, channel="sms", may_say_from=False)
    _send(django_capture_on_commit_callbacks, person)
    (sent,) = notify_server.state.sent
    assert "Tide" not in sent["personalisation"]["body"]


def test_a_message_may_say_where_it_is_from_when_allowed(
    notify_server, person, coordinator, django_capture_on_commit_callbacks
):
    _prefer(person, coordinator, channel="sms", may_say_from=True)
    _send(django_capture_on_commit_callbacks, person)
    (sent,) = notify_server.state.sent
    assert sent["personalisation"]["body"].startswith("Tide: ")


def test_outside_safe_times_the_message_waits_until_they_begin(
    notify_server, person, coordinator, django_capture_on_commit_callbacks
):
    _prefer(person, coordinator, safe_from=dt.time(10), safe_until=dt.time(12))
    night = timezone.make_aware(dt.datetime(2026, 12, 7, 23, 30))
    with mock.patch("tide.messages.services.timezone.now", return_value=night):
        message = _send(django_capture_on_commit_callbacks, person)
    assert message.status == Status.QUEUED
    assert timezone.localtime(message.not_before) == timezone.make_aware(dt.datetime(2026, 12, 8, 10, 0))
    assert notify_server.state.sent == []

    messages_sweep(now=timezone.make_aware(dt.datetime(2026, 12, 8, 9, 0)))
    assert notify_server.state.sent == []
    messages_sweep(now=timezone.make_aware(dt.datetime(2026, 12, 8, 10, 5)))
    assert len(notify_server.state.sent) == 1


def test_a_safe_window_may_pass_midnight(person, coordinator):
    preference = _prefer(person, coordinator, safe_from=dt.time(22), safe_until=dt.time(6))
    assert preference.is_safe_time(dt.time(23))
    assert preference.is_safe_time(dt.time(5, 59))
    assert not preference.is_safe_time(dt.time(6))
    assert not preference.is_safe_time(dt.time(12))


def test_no_address_is_kept_as_not_sent(area, django_capture_on_commit_callbacks):
    person = PersonFactory(area=area)
    message = _send(django_capture_on_commit_callbacks, person, channel="sms")
    assert message.status == Status.WITHHELD
    assert message.reason == "No mobile number is recorded for them."


def test_coordinator_records_the_preference_and_the_person_page_shows_it(client, person, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("people:contact-preference", args=[person.pk]),
        {"channel": "email", "never_text": "on", "safe_from": "09:00", "safe_until": "17:00"},
    )
    assert response.status_code == 302
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Never text." in page
    assert "Only between 09:00 and 17:00." in page
    assert "Do not say where a message is from." in page


def test_bad_preference_is_refused_with_a_message_and_changes_nothing(client, person, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("people:contact-preference", args=[person.pk]),
        {"channel": "sms", "never_text": "on", "safe_from": "09:00", "safe_until": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "choose email or no messages" in page
    assert "Give both the start and the end" in page
    assert not hasattr(person, "contact_preference") or person.contact_preference_or_none is None


def test_person_records_their_own_preference(client, person, coordinator):
    from tide.accountability.services import person_account_create

    user = person_account_create(person=person, username="alex.s", actor=coordinator)
    client.force_login(user)
    assert "Not recorded yet" in client.get(reverse("accountability:my-record")).content.decode()
    response = client.post(reverse("accountability:my-contact"), {"channel": "none"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.contact_preference.channel == "none"
    assert person.contact_preference.set_by == user


def test_staff_without_a_relationship_cannot_change_it(client, area, person):
    stranger = make_user(area, Role.PRACTITIONER)
    client.force_login(stranger)
    response = client.post(reverse("people:contact-preference", args=[person.pk]), {"channel": "none"})
    assert response.status_code == 403
    assert person.contact_preference_or_none is None
