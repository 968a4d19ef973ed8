"""Reads of the outbox: the outbox page, what a sender sent about something, a person's messages."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet

from tide.areas.models import Role
from tide.core.timeline import Entry
from tide.messages.models import Message, Status

OUTBOX_ROLES = frozenset({Role.PRIVACY_OFFICER, Role.ADMINISTRATOR, Role.ACCOUNTABLE_OFFICER})


def outbox_list(*, user: Any, status: str = "") -> QuerySet[Message]:
    """The area's outbox, newest first; ``status`` one of :class:`Status` or "" for all."""
    messages = Message.objects.filter(area_id=user.area_id).select_related("to_person", "to_user", "sender")
    if status:
        messages = messages.filter(status=status)
    return messages


def outbox_counts(*, user: Any) -> dict[str, int]:
    from django.db.models import Count

    rows = Message.objects.filter(area_id=user.area_id).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def messages_about(*, about: str | list[str]) -> list[Message]:
    """The messages sent about one thing, or any of several (``"<room>.<model>:<pk>"``), for the sender's page."""
    abouts = [about] if isinstance(about, str) else about
    return list(Message.objects.filter(about__in=abouts).select_related("to_user").order_by("-created_at", "-id"))


def _named(reason: str, name: str) -> str:
    """A reason as the person's page says it: "Not sent: Tina asked never to be texted." The outbox keeps
    "they", so the outbox names nobody supported; the person page's readers may see the person."""
    return re.sub(r"\b[Tt]hey\b", name, reason, count=1) if name else reason


def timeline_entries(person: Any, user: Any) -> list[Entry]:
    """Messages to the person, with why one was not sent, for whoever may see the person's page."""
    from tide.core.access import user_has_role

    if not user_has_role(user, {Role.COORDINATOR, Role.PRACTITIONER, Role.TEAM_MANAGER, Role.PRIVACY_OFFICER}):
        return []
    entries = []
    for message in Message.objects.filter(to_person=person).order_by("-created_at")[:50]:
        status = message.get_status_display()
        reason = _named(message.reason, person.display_name)
        detail = f"{status}: {reason}" if message.status == Status.WITHHELD else status
        if message.reason and message.status != Status.WITHHELD:
            detail = f"{status}. {reason}"
        if message.status == Status.FAILED and message.error:
            detail = f"{status}: {message.error}"
        entries.append(
            Entry(
                on=message.created_at.date(),
                title=f"{message.get_kind_display()} by {message.get_channel_display().lower()}",
                kind="message",
                source="Tide",
                detail=detail,
            )
        )
    return entries
