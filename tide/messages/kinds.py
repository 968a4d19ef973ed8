"""The kinds of message Tide sends. Each has plain-English templates in ``templates/messages/``
(``<kind>.subject.txt``, ``<kind>.email.txt``, ``<kind>.sms.txt``), reviewed like code.

Subject lines and text messages carry no personal details beyond what the recipient needs: no names of
the people supported, no health, offending or abuse details. A link takes the reader to Tide, where
the need-to-know gates apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from tide.messages.models import Channel


@dataclass(frozen=True)
class Kind:
    code: str
    title: str
    channels: frozenset[str]
    audience: str  # "staff", "public" or "person"
    staff_may_opt_out: bool = False


KINDS: dict[str, Kind] = {
    k.code: k
    for k in [
        Kind("break_glass_alert", "Break-glass alert", frozenset({Channel.EMAIL}), "staff"),
        Kind("inquiry_acknowledgement", "Inquiry received", frozenset({Channel.EMAIL}), "public"),
        Kind("inquiry_published", "Inquiry answered", frozenset({Channel.EMAIL}), "public"),
        Kind("action_escalated", "Overdue action escalated", frozenset({Channel.EMAIL}), "staff", True),
        Kind("referral_decided", "Referral decided", frozenset({Channel.EMAIL}), "staff", True),
        Kind("service_declined", "A service declined", frozenset({Channel.EMAIL}), "staff", True),
        Kind("meeting_agenda", "Meeting agenda", frozenset({Channel.EMAIL}), "staff", True),
        Kind("feed_lapsed", "Late or thin feed", frozenset({Channel.EMAIL}), "staff", True),
        Kind("password_reset", "Choose a new password", frozenset({Channel.EMAIL, Channel.SMS}), "person"),
    ]
}


def staff_kinds() -> list[Kind]:
    """The kinds a member of staff may choose to see only in Tide (a break-glass alert always goes)."""
    return [k for k in KINDS.values() if k.staff_may_opt_out]
