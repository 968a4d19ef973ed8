"""Sending through real servers: SMTP (aiosmtpd) and a local server keeping GOV.UK Notify's contract."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tide.core.models import AuditEvent
from tide.messages.models import Message, Status
from tide.messages.services import message_send, message_status_refresh, messages_sweep
from tide.messages.tests.servers import SECRET, free_port

pytestmark = pytest.mark.django_db(transaction=False)

ACK = {"reference": "INQ-ABC234", "due_on": "5 January 2027", "area": "Tideford", "area_id": ""}


def _send(capture, **kwargs):
    kwargs.setdefault("kind", "inquiry_acknowledgement")
    kwargs.setdefault("context", ACK)
    kwargs.setdefault("actor", None)
    with capture(execute=True):
        message = message_send(**kwargs)
    message.refresh_from_db()
    return message


# --- SMTP ------------------------------------------------------------------------------------------


def test_smtp_sends_the_email_and_the_outbox_says_sent(smtp_server, django_capture_on_commit_callbacks):
    message = _send(django_capture_on_commit_callbacks, to_address="ann@example.org")

    assert message.status == Status.SENT
    assert message.attempts == 1
    (received,) = smtp_server.handler.received
    assert received["to"] == ["ann@example.org"]
    assert received["email"]["Subject"] == "Your inquiry INQ-ABC234 has been received"
    assert "answer by 5 January 2027" in received["email"].get_payload()
    assert message.provider_id == received["email"]["Message-ID"]
    actions = set(AuditEvent.objects.filter(target_id=str(message.pk)).values_list("action", flat=True))
    assert {"message.queued", "message.sent"} <= actions


def test_smtp_refusal_fails_at_once_and_is_kept(smtp_server, django_capture_on_commit_callbacks):
    smtp_server.handler.refuse_always = "550 5.1.1 No such mailbox"

    message = _send(django_capture_on_commit_callbacks, to_address="nobody@example.org")

    assert message.status == Status.FAILED
    assert message.attempts == 1
    assert "550" in message.error
    assert AuditEvent.objects.filter(action="message.failed", target_id=str(message.pk)).exists()


def test_smtp_temporary_failure_is_tried_again(smtp_server, django_capture_on_commit_callbacks):
    smtp_server.handler.failures.extend(["451 4.3.0 Try again later", "421 4.3.2 Busy"])

    message = _send(django_capture_on_commit_callbacks, to_address="ann@example.org")

    assert message.status == Status.SENT
    assert message.attempts == 3
    assert len(smtp_server.handler.received) == 1


def test_smtp_server_unreachable_ends_failed_after_the_last_try(settings, django_capture_on_commit_callbacks):
    settings.TIDE_MESSAGES_BACKEND = "smtp"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    settings.EMAIL_TIMEOUT = 2
    settings.TIDE_MESSAGES_MAX_ATTEMPTS = 3

    message = _send(django_capture_on_commit_callbacks, to_address="ann@example.org")

    assert message.status == Status.FAILED
    assert message.attempts == 3
    assert "Could not reach the mail server" in message.error


def test_smtp_cannot_send_a_text_message(smtp_server, django_capture_on_commit_callbacks):
    message = _send(
        django_capture_on_commit_callbacks,
        kind="password_reset",
        context={"link": "http://x/y", "valid_days": "3"},
        to_address="07700900123",
        channel="sms",
    )
    assert message.status == Status.FAILED
    assert "need GOV.UK Notify" in message.error


# --- GOV.UK Notify ----------------------------------------------------------------------------------


def test_notify_email_keeps_the_api_contract(notify_server, django_capture_on_commit_callbacks):
    message = _send(django_capture_on_commit_callbacks, to_address="ann@example.org")

    assert message.status == Status.SENT
    (sent,) = notify_server.state.sent
    assert sent["type"] == "email"
    assert sent["email_address"] == "ann@example.org"
    assert sent["template_id"] == "f33517ff-2a88-4f6e-b855-c550268ce08a"
    assert sent["reference"] == f"tide-{message.pk}"
    assert sent["personalisation"]["subject"] == "Your inquiry INQ-ABC234 has been received"
    assert "answer by 5 January 2027" in sent["personalisation"]["body"]
    assert message.provider_id == sent["id"]


def test_notify_text_message_uses_the_sms_template(notify_server, django_capture_on_commit_callbacks):
    message = _send(
        django_capture_on_commit_callbacks,
        kind="password_reset",
        context={"link": "http://x/set", "valid_days": "3"},
        to_address="07700900123",
        channel="sms",
    )
    assert message.status == Status.SENT
    (sent,) = notify_server.state.sent
    assert sent["type"] == "sms"
    assert sent["phone_number"] == "07700900123"
    assert sent["template_id"] == "c1a2b3c4-0000-4000-8000-000000000005"
    assert "http://x/set" in sent["personalisation"]["body"]


def test_notify_per_kind_template_is_used_when_set(notify_server, settings, django_capture_on_commit_callbacks):
    settings.TIDE_NOTIFY_TEMPLATES = {"inquiry_acknowledgement.email": "0d1e2f30-0000-4000-8000-000000000001"}
    _send(django_capture_on_commit_callbacks, to_address="ann@example.org")
    assert notify_server.state.sent[0]["template_id"] == "0d1e2f30-0000-4000-8000-000000000001"
    assert notify_server.state.sent[0]["personalisation"]["reference"] == "INQ-ABC234"


def test_notify_delivery_receipt_moves_sent_to_delivered(notify_server, django_capture_on_commit_callbacks):
    message = _send(django_capture_on_commit_callbacks, to_address="ann@example.org")
    message_status_refresh(message=message)
    message.refresh_from_db()
    assert message.status == Status.DELIVERED
    assert message.delivered_at is not None


def test_notify_delivery_failure_shows_failed(notify_server, django_capture_on_commit_callbacks):
    message = _send(django_capture_on_commit_callbacks, to_address="ann@example.org")
    notify_server.state.statuses[message.provider_id] = "permanent-failure"

    messages_sweep()

    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert "could not deliver" in message.error


def test_notify_refuses_a_wrong_key_and_the_message_fails(notify_server, settings, django_capture_on_commit_callbacks):
    settings.TIDE_NOTIFY_API_KEY = settings.TIDE_NOTIFY_API_KEY.replace(SECRET, "0" * 8 + SECRET[8:])

    message = _send(django_capture_on_commit_callbacks, to_address="ann@example.org")

    assert notify_server.state.refused_tokens
    assert message.status == Status.FAILED
    assert message.attempts == 1
    assert "403" in message.error


def test_notify_server_error_is_tried_again(notify_server, django_capture_on_commit_callbacks):
    notify_server.state.failures.extend(
        [(500, "Exception", "Internal server error"), (429, "RateLimitError", "Exceeded rate limit")]
    )

    message = _send(django_capture_on_commit_callbacks, to_address="ann@example.org")

    assert message.status == Status.SENT
    assert message.attempts == 3
    assert len(notify_server.state.sent) == 1


def test_notify_bad_request_is_not_tried_again(notify_server, django_capture_on_commit_callbacks):
    notify_server.state.failures.append(
        (400, "BadRequestError", "Can't send to this recipient using a team-only API key")
    )

    message = _send(django_capture_on_commit_callbacks, to_address="ann@example.org")

    assert message.status == Status.FAILED
    assert message.attempts == 1
    assert "team-only API key" in message.error


def test_a_message_left_waiting_is_sent_by_the_sweep(notify_server):
    message = message_send(kind="inquiry_acknowledgement", to_address="ann@example.org", context=ACK, actor=None)
    Message.objects.filter(pk=message.pk).update(status=Status.RETRYING, not_before=timezone.now())

    messages_sweep(now=timezone.now() + dt.timedelta(minutes=1))

    message.refresh_from_db()
    assert message.status == Status.DELIVERED  # sent, then the sweep asked Notify about it
    assert len(notify_server.state.sent) == 1


def test_address_and_personalisation_are_encrypted_at_rest(db):
    from django.db import connection

    message = message_send(kind="inquiry_acknowledgement", to_address="ann@example.org", context=ACK, actor=None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_address, personalisation FROM tide_messages_message WHERE id = %s", [message.pk])
        address, personalisation = cursor.fetchone()
    assert "ann@example.org" not in address
    assert "INQ-ABC234" not in personalisation


def test_a_queued_message_whose_job_never_ran_is_sent_by_the_sweep(notify_server):
    message = message_send(kind="inquiry_acknowledgement", to_address="ann@example.org", context=ACK, actor=None)
    # No on-commit callbacks run in this test: its delivery job never started.

    messages_sweep(now=timezone.now() + dt.timedelta(minutes=5))
    message.refresh_from_db()
    assert message.status == Status.QUEUED  # its job may still be on its way

    messages_sweep(now=timezone.now() + dt.timedelta(minutes=16))
    message.refresh_from_db()
    assert message.status == Status.DELIVERED
    assert len(notify_server.state.sent) == 1


def test_a_message_left_half_sent_shows_as_failed_and_is_not_sent_twice_unasked(notify_server):
    message = message_send(kind="inquiry_acknowledgement", to_address="ann@example.org", context=ACK, actor=None)
    claimed = timezone.now()
    Message.objects.filter(pk=message.pk).update(status=Status.SENDING, claimed_at=claimed)

    assert messages_sweep(now=claimed + dt.timedelta(minutes=30))["interrupted"] == 0
    result = messages_sweep(now=claimed + dt.timedelta(hours=2))

    message.refresh_from_db()
    assert result["interrupted"] == 1
    assert message.status == Status.FAILED
    assert message.error.startswith("Sending was interrupted")
    assert notify_server.state.sent == []
    assert AuditEvent.objects.filter(action="message.failed", target_id=str(message.pk)).exists()
