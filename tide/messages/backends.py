"""Where messages go, chosen by ``TIDE_MESSAGES_BACKEND``: ``console`` (the log, for development),
``smtp`` (an SMTP relay, through Django's email; email only) or ``notify`` (GOV.UK Notify, email and text).

A backend sends one rendered message and returns the provider's id, or raises :class:`DeliveryError`
saying whether trying again later may help (``transient``).
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class Outgoing:
    kind: str
    channel: str
    to: str
    subject: str
    body: str
    reference: str
    personalisation: dict[str, Any] = field(default_factory=dict)


class Backend(Protocol):
    name: str

    def send(self, message: Outgoing) -> str: ...

    def status(self, provider_id: str) -> str | None:
        """``delivered``, ``failed`` or ``None`` (not known yet)."""
        ...


class ConsoleBackend:
    name = "console"

    def send(self, message: Outgoing) -> str:
        logger.info(
            "message %s (%s) to %s\nSubject: %s\n\n%s",
            message.reference,
            message.channel,
            message.to,
            message.subject,
            message.body,
        )
        return f"console-{uuid.uuid4()}"

    def status(self, provider_id: str) -> str | None:
        return "delivered"


class SmtpBackend:
    """Email through the SMTP relay named by ``EMAIL_HOST`` and friends. Text messages need Notify."""

    name = "smtp"

    def send(self, message: Outgoing) -> str:
        from django.core.mail import EmailMessage, get_connection

        if message.channel != "email":
            raise DeliveryError("Text messages need GOV.UK Notify; the SMTP backend sends email only.", transient=False)
        connection = get_connection(fail_silently=False)  # EMAIL_BACKEND: Django's SMTP backend unless a test swaps it
        msgid = f"<{uuid.uuid4()}@tide>"
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            connection=connection,
            headers={"Message-ID": msgid, "X-Tide-Reference": message.reference},
        )
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryError(
                f"The mail server refused the address ({', '.join(map(str, codes))}).",
                transient=all(400 <= c < 500 for c in codes),
            ) from exc
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"The mail server answered {exc.smtp_code}.", transient=400 <= exc.smtp_code < 500
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"Could not reach the mail server ({type(exc).__name__}).", transient=True) from exc
        return msgid

    def status(self, provider_id: str) -> str | None:
        return None  # SMTP gives no delivery receipts: "sent" is as far as Tide can know


NOTIFY_FAILED = {"permanent-failure", "temporary-failure", "technical-failure", "validation-failed"}


class NotifyBackend:
    """GOV.UK Notify through its official client. A kind's Notify template is
    ``TIDE_NOTIFY_TEMPLATES["<kind>.<channel>"]`` or else the general template
    (``TIDE_NOTIFY_TEMPLATE_EMAIL``/``_SMS``, whose content is ``((subject))``/``((body))``); either way
    the personalisation carries the text rendered from Tide's own template."""

    name = "notify"

    def __init__(self) -> None:
        from notifications_python_client.notifications import NotificationsAPIClient

        if not settings.TIDE_NOTIFY_API_KEY:
            raise DeliveryError("TIDE_NOTIFY_API_KEY is not set.", transient=False)
        self.client = NotificationsAPIClient(
            settings.TIDE_NOTIFY_API_KEY, base_url=settings.TIDE_NOTIFY_BASE_URL, timeout=settings.TIDE_MESSAGES_TIMEOUT
        )

    def _template(self, message: Outgoing) -> str:
        template = settings.TIDE_NOTIFY_TEMPLATES.get(f"{message.kind}.{message.channel}") or (
            settings.TIDE_NOTIFY_TEMPLATE_EMAIL if message.channel == "email" else settings.TIDE_NOTIFY_TEMPLATE_SMS
        )
        if not template:
            raise DeliveryError(f"No Notify template is set for {message.kind} by {message.channel}.", transient=False)
        return template

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        from notifications_python_client.errors import APIError

        try:
            return fn(*args, **kwargs)
        except APIError as exc:
            code = exc.status_code
            raise DeliveryError(
                f"GOV.UK Notify answered {code}: {exc.message}"[:480], transient=code == 429 or code >= 500
            ) from exc

    def send(self, message: Outgoing) -> str:
        personalisation = {**message.personalisation, "subject": message.subject, "body": message.body}
        template = self._template(message)
        if message.channel == "sms":
            response = self._call(
                self.client.send_sms_notification,
                phone_number=message.to,
                template_id=template,
                personalisation=personalisation,
                reference=message.reference,
            )
        else:
            response = self._call(
                self.client.send_email_notification,
                email_address=message.to,
                template_id=template,
                personalisation=personalisation,
                reference=message.reference,
            )
        return str(response["id"])

    def status(self, provider_id: str) -> str | None:
        response = self._call(self.client.get_notification_by_id, provider_id)
        status = response.get("status", "")
        if status == "delivered":
            return "delivered"
        if status in NOTIFY_FAILED:
            return "failed"
        return None


BACKENDS: dict[str, type] = {"console": ConsoleBackend, "smtp": SmtpBackend, "notify": NotifyBackend}


def backend() -> Backend:
    return BACKENDS[settings.TIDE_MESSAGES_BACKEND]()  # type: ignore[no-any-return]
