"""The one way out for every message: :func:`message_send` writes the outbox row and an audit row in
the caller's transaction; a background job sends it after commit, trying again with backoff when the
failure may pass. Safe-contact preferences (``people.ContactPreference``) are honoured for every
message to a person supported."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from tide.core import jobs as core_jobs
from tide.core.actors import actor_user
from tide.core.audit import audit_record
from tide.core.models import Job
from tide.messages.audit_actions import (
    MESSAGE_QUEUED,
    MESSAGE_RETRY_REQUESTED,
    MESSAGE_STAFF_CHOICES_SET,
    MESSAGE_STATUS_CHANGED,
    MESSAGE_WITHHELD,
)
from tide.messages.backends import DeliveryError, Outgoing, backend
from tide.messages.kinds import KINDS
from tide.messages.models import OPEN_STATUSES, Channel, Message, StaffChoice, Status
from tide.people.models import ContactChannel, ContactPreference, Person

logger = logging.getLogger(__name__)

DELIVER_JOB = "messages.deliver"
SWEEP_JOB = "messages.sweep"


def _withhold(message: Message, reason: str) -> None:
    message.status = Status.WITHHELD
    message.reason = reason
    message.finished_at = message.created_at


def _next_safe_start(preference: ContactPreference, now: dt.datetime) -> dt.datetime:
    local = timezone.localtime(now)
    assert preference.safe_from is not None
    start = local.replace(hour=preference.safe_from.hour, minute=preference.safe_from.minute, second=0, microsecond=0)
    return start if start > local else start + dt.timedelta(days=1)


def _address_of(*, channel: str, person: Person | None, user: Any, to_address: str) -> str:
    if to_address:
        return to_address.strip()
    holder = person if person is not None else user
    if holder is None:
        return ""
    return (holder.email if channel == Channel.EMAIL else holder.phone or "").strip()


@transaction.atomic
def message_send(
    *,
    kind: str,
    context: dict[str, Any],
    actor: Any,
    to_user: Any = None,
    to_person: Person | None = None,
    to_address: str = "",
    channel: str | None = None,
    about: str = "",
) -> Message:
    """Queue one message and send it after the caller's transaction commits.

    ``context`` fills the kind's templates; keep it to what the recipient needs. A message to a person
    supported follows their contact preference: their channel, never a text if they said so, a plain
    message unless it may say where it is from, and only within their safe times (held until then).
    A message that must not or cannot go is kept as "not sent" with the reason, never dropped.
    """
    spec = KINDS.get(kind)
    if spec is None:
        raise ValueError(f"unknown message kind {kind!r}")
    if sum(x is not None and x != "" for x in (to_user, to_person, to_address)) == 0:
        raise ValueError("a message needs a recipient")
    now = timezone.now()
    preference = ContactPreference.objects.filter(person=to_person).first() if to_person is not None else None
    requested = channel
    note = ""
    if preference is not None and preference.channel in spec.channels:
        channel = preference.channel
    channel = channel or (Channel.EMAIL if Channel.EMAIL in spec.channels else Channel.SMS)
    if requested == Channel.SMS and channel != Channel.SMS and preference is not None and preference.never_text:
        note = "Not sent by text: they asked never to be texted. Sent by email, the way they chose."
    elif requested and requested != channel:
        note = f"Sent by {Channel(channel).label.lower()}, the way they chose to be contacted."
    if channel not in spec.channels:
        raise ValueError(f"{kind} is not sent by {channel}")
    say_from = spec.audience != "person" or bool(preference and preference.may_say_from)
    area_id = getattr(to_person, "area_id", None) or getattr(to_user, "area_id", None) or context.get("area_id")
    clean_context = {k: str(v) for k, v in context.items() if k != "area_id"}
    clean_context["say_from"] = "yes" if say_from else ""
    message = Message(
        area_id=area_id,
        kind=kind,
        channel=channel,
        to_person=to_person,
        to_user=to_user if getattr(to_user, "pk", None) else None,
        to_address=_address_of(channel=channel, person=to_person, user=to_user, to_address=to_address),
        personalisation=json.dumps(clean_context),
        subject=render_to_string(f"messages/{kind}.subject.txt", clean_context).strip()[:200],
        about=about,
        sender=actor_user(actor),
        backend=settings.TIDE_MESSAGES_BACKEND,
        created_at=now,
        reason=note,
    )
    if preference is not None and preference.channel == ContactChannel.NONE:
        _withhold(message, "They asked for no messages: contact them in person or through their coordinator.")
    elif preference is not None and preference.never_text and channel == Channel.SMS:
        _withhold(message, "They asked never to be texted.")
    elif spec.staff_may_opt_out and to_user is not None and not staff_wants_email(user=to_user, kind=kind):
        _withhold(message, "They chose to see this in Tide only, not by email.")
    elif not message.to_address and note.startswith("Not sent by text"):
        _withhold(message, "They asked never to be texted, and no email address is recorded for them.")
    elif not message.to_address:
        what = "email address" if channel == Channel.EMAIL else "mobile number"
        _withhold(message, f"No {what} is recorded for them.")
    elif preference is not None and not preference.is_safe_time(timezone.localtime(now).time()):
        message.not_before = _next_safe_start(preference, now)
    message.full_clean()
    message.save()
    audit_record(
        actor=actor,
        action=MESSAGE_WITHHELD if message.status == Status.WITHHELD else MESSAGE_QUEUED,
        target=message,
        person_id=to_person.pk if to_person is not None else None,
        reason=message.reason,
        detail={"kind": kind, "channel": channel},
    )
    if message.status == Status.QUEUED and message.not_before is None:
        core_jobs.job_enqueue(kind=DELIVER_JOB, params={"message_id": message.pk}, actor=actor)
    return message


def staff_wants_email(*, user: Any, kind: str) -> bool:
    choice = StaffChoice.objects.filter(user=user, kind=kind).first()
    return True if choice is None else choice.by_email


@transaction.atomic
def staff_choices_set(*, user: Any, by_email: dict[str, bool], actor: Any) -> None:
    """Record which kinds ``user`` receives by email and which they only see in Tide."""
    from tide.messages.kinds import staff_kinds

    allowed = {k.code for k in staff_kinds()}
    unknown = set(by_email) - allowed
    if unknown:
        raise ValidationError(f"These messages cannot be turned off: {', '.join(sorted(unknown))}.")
    for kind, wanted in by_email.items():
        StaffChoice.objects.update_or_create(
            user=user, kind=kind, defaults={"by_email": wanted, "set_at": timezone.now()}
        )
    audit_record(actor=actor, action=MESSAGE_STAFF_CHOICES_SET, target=user, detail={"by_email": by_email})


def _outgoing(message: Message) -> Outgoing:
    context = json.loads(message.personalisation or "{}")
    template = f"messages/{message.kind}.{message.channel}.txt"
    return Outgoing(
        kind=message.kind,
        channel=message.channel,
        to=message.to_address,
        subject=message.subject,
        body=render_to_string(template, context).strip(),
        reference=f"tide-{message.pk}",
        personalisation={k: v for k, v in context.items() if k != "say_from"},
    )


def _claim(message_id: int) -> Message | None:
    with transaction.atomic():
        claimed = Message.objects.filter(pk=message_id, status__in=[Status.QUEUED, Status.RETRYING]).update(
            status=Status.SENDING, claimed_at=timezone.now()
        )
    return Message.objects.get(pk=message_id) if claimed else None


def _finish(message: Message, *, status: str, error: str = "", provider_id: str = "") -> None:
    now = timezone.now()
    with transaction.atomic():
        message.status = status
        message.error = error[:500]
        fields = ["status", "error", "attempts", "not_before"]
        if provider_id:
            message.provider_id = provider_id
            message.sent_at = now
            fields += ["provider_id", "sent_at"]
        if status in {Status.FAILED, Status.DELIVERED, Status.SENT}:
            message.finished_at = now
            fields.append("finished_at")
        if status == Status.DELIVERED:
            message.delivered_at = now
            fields.append("delivered_at")
        message.save(update_fields=fields)
        if status != Status.RETRYING:
            audit_record(
                actor=None,
                action=MESSAGE_STATUS_CHANGED[status],
                target=message,
                person_id=message.to_person_id,
                detail={"kind": message.kind, "channel": message.channel, "attempts": message.attempts},
            )


def message_deliver(*, message_id: int) -> Message:
    """Send one queued message, trying again with backoff (``TIDE_MESSAGES_RETRY_SECONDS`` doubled each
    time) while the failure may pass, up to ``TIDE_MESSAGES_MAX_ATTEMPTS`` tries; then "failed"."""
    message = _claim(message_id)
    if message is None:
        return Message.objects.get(pk=message_id)
    outgoing = _outgoing(message)
    try:
        sender = backend()
    except DeliveryError as exc:
        message.attempts += 1
        _finish(message, status=Status.FAILED, error=str(exc))
        return message
    while True:
        message.attempts += 1
        try:
            provider_id = sender.send(outgoing)
        except DeliveryError as exc:
            if exc.transient and message.attempts < settings.TIDE_MESSAGES_MAX_ATTEMPTS:
                wait = settings.TIDE_MESSAGES_RETRY_SECONDS * 2 ** (message.attempts - 1)
                message.not_before = timezone.now() + dt.timedelta(seconds=wait)
                _finish(message, status=Status.RETRYING, error=str(exc))
                time.sleep(wait)
                claimed = _claim(message.pk)
                if claimed is None:  # the sweep took it meanwhile
                    return Message.objects.get(pk=message.pk)
                message = claimed
                continue
            _finish(message, status=Status.FAILED, error=str(exc))
            return message
        except Exception as exc:  # a bug or an unexpected answer: keep the message, show the failure
            logger.exception("message %s could not be sent", message.pk)
            _finish(message, status=Status.FAILED, error=f"Unexpected error: {type(exc).__name__}")
            return message
        message.not_before = None
        _finish(message, status=Status.SENT, provider_id=provider_id)
        return message


def deliver_job(job: Job, progress: core_jobs.Progress) -> dict[str, Any]:
    message = message_deliver(message_id=int(job.params["message_id"]))
    return {"message_id": message.pk, "status": message.status, "attempts": message.attempts}


def message_status_refresh(*, message: Message) -> Message:
    """Ask the provider whether a sent message was delivered."""
    if message.status != Status.SENT or not message.provider_id:
        return message
    try:
        status = backend().status(message.provider_id)
    except DeliveryError as exc:
        logger.warning("status of message %s unknown: %s", message.pk, exc)
        return message
    if status == "delivered":
        _finish(message, status=Status.DELIVERED)
    elif status == "failed":
        _finish(message, status=Status.FAILED, error="The provider could not deliver it.")
    return message


QUEUED_TOO_LONG = dt.timedelta(minutes=15)  # its delivery job should have run long before
SENDING_TOO_LONG = dt.timedelta(hours=1)  # far beyond every try and wait with any sane settings
INTERRUPTED = "Sending was interrupted (Tide stopped while sending it), so it may not have gone. Send it again."


def messages_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Send what is due (held for safe times, waiting to try again after a restart, or queued with a
    delivery job that never ran), show as failed what a stopped sender left half-sent (it may have gone,
    so it is not sent twice unasked), and ask the provider about messages sent in the last week.
    Nothing is left waiting unseen."""
    now = now or timezone.now()
    due = list(
        Message.objects.filter(status__in=[Status.QUEUED, Status.RETRYING])
        .filter(
            models.Q(not_before__lte=now) | models.Q(not_before__isnull=True, created_at__lte=now - QUEUED_TOO_LONG)
        )
        .values_list("pk", flat=True)
    )
    for pk in due:
        message_deliver(message_id=pk)
    interrupted = 0
    for message in Message.objects.filter(status=Status.SENDING, claimed_at__lte=now - SENDING_TOO_LONG):
        _finish(message, status=Status.FAILED, error=INTERRUPTED)
        interrupted += 1
    checked = 0
    for message in Message.objects.filter(status=Status.SENT, sent_at__gte=now - dt.timedelta(days=7)).exclude(
        provider_id=""
    ):
        message_status_refresh(message=message)
        checked += 1
    return {"sent": len(due), "checked": checked, "interrupted": interrupted}


def sweep_job(job: Job, progress: core_jobs.Progress) -> dict[str, Any]:
    return messages_sweep()


@transaction.atomic
def message_retry(*, message: Message, actor: Any) -> Message:
    """Queue a failed message again (from the outbox page)."""
    if message.status != Status.FAILED:
        raise ValidationError("Only a failed message can be sent again.")
    message.status = Status.QUEUED
    message.error = ""
    message.finished_at = None
    message.save(update_fields=["status", "error", "finished_at"])
    audit_record(actor=actor, action=MESSAGE_RETRY_REQUESTED, target=message, person_id=message.to_person_id)
    core_jobs.job_enqueue(kind=DELIVER_JOB, params={"message_id": message.pk}, actor=actor)
    return message


__all__ = ["OPEN_STATUSES", "message_deliver", "message_retry", "message_send", "messages_sweep"]
