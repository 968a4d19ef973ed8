"""Writes of the accountability room. Each is atomic and records its audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from tide.accountability import rules
from tide.accountability.audit_actions import (
    BREAK_GLASS_REVIEWED,
    INQUIRY_ACCEPTED,
    INQUIRY_ANSWERED,
    INQUIRY_DECLINED,
    INQUIRY_PUBLISHED,
    INQUIRY_SUBMITTED,
    PERSON_ACCOUNT_CREATED,
    PERSON_ACCOUNT_TURNED_OFF,
    PERSON_ACCOUNT_TURNED_ON,
    PERSON_BREAK_GLASS,
    PERSON_PASSWORD_LINK_MADE,
    PERSON_PASSWORD_RESET_REQUESTED,
    PERSON_SHARING_CHOICE_SET,
    SAR_DOWNLOADED,
    SAR_LOGGED,
    SAR_PREPARED,
    SAR_RELEASED,
)
from tide.accountability.models import (
    BreakGlass,
    Inquiry,
    InquiryStatus,
    PersonAccount,
    SarStatus,
    SharingChoice,
    SubjectAccessRequest,
)
from tide.areas.models import Agency, Area, Role, User
from tide.core.audit import audit_record
from tide.people.models import Person

BREAK_GLASS_MINUTES = int(getattr(settings, "TIDE_BREAK_GLASS_MINUTES", 60))
INQUIRY_WORKING_DAYS = int(getattr(settings, "TIDE_INQUIRY_WORKING_DAYS", 20))
INQUIRIES_PER_ADDRESS_PER_HOUR = int(getattr(settings, "TIDE_INQUIRIES_PER_ADDRESS_PER_HOUR", 5))
MIN_REASON_LENGTH = 15


# --- Break-glass -----------------------------------------------------------------------------------


@transaction.atomic
def break_glass_open(*, person: Person, reason: str, actor: Any) -> BreakGlass:
    """Grant ``actor`` time-limited access to ``person`` for the reason given; alerts the privacy officer."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            {"reason": f"Explain why you need to see this record now, in at least {MIN_REASON_LENGTH} characters."}
        )
    if actor.role not in {Role.COORDINATOR, Role.PRACTITIONER, Role.TEAM_MANAGER} or actor.area_id != person.area_id:
        raise PermissionDenied("Your role cannot break the glass on this record.")
    now = timezone.now()
    grant = BreakGlass.objects.create(
        user=actor,
        person=person,
        reason=reason,
        created_at=now,
        expires_at=now + dt.timedelta(minutes=BREAK_GLASS_MINUTES),
    )
    audit_record(
        actor=actor,
        action=PERSON_BREAK_GLASS,
        target=grant,
        person_id=person.pk,
        reason=reason,
        detail={"expires_at": grant.expires_at.isoformat()},
    )
    _tell_privacy_officers(grant)
    return grant


def _site_link(path: str) -> str:
    return settings.TIDE_SITE_URL + path


def _tell_privacy_officers(grant: BreakGlass) -> None:
    """Alert the area's privacy officers through the outbox (the alert page lists the grant whatever
    happens to the message; an officer with no email address shows there as "not sent")."""
    from django.urls import reverse

    from tide.messages.services import message_send

    who = grant.user.get_full_name() or grant.user.get_username()
    agency = f", {grant.user.agency}" if grant.user.agency_id else ""
    officers = User.objects.filter(area_id=grant.person.area_id, role=Role.PRIVACY_OFFICER, is_active=True)
    for officer in officers:
        message_send(
            kind="break_glass_alert",
            to_user=officer,
            context={
                "who": f"{who}{agency}",
                "at": f"{date_format(timezone.localtime(grant.created_at), 'DATETIME_FORMAT')}",
                "reason": grant.reason,
                "link": _site_link(reverse("accountability:break-glass-review", args=[grant.pk])),
                "area": grant.person.area.name,
            },
            actor=grant.user,
            about=f"accountability.breakglass:{grant.pk}",
        )


@transaction.atomic
def break_glass_review(*, grant: BreakGlass, outcome: str, note: str, actor: Any) -> BreakGlass:
    if actor.role != Role.PRIVACY_OFFICER or actor.area_id != grant.person.area_id:
        raise PermissionDenied("Only the area's privacy officer reviews break-glass access.")
    if grant.reviewed_at is not None:
        raise ValidationError("This break-glass access has already been reviewed.")
    if outcome not in {"justified", "not_justified"}:
        raise ValidationError({"outcome": "Choose whether the access was justified."})
    if outcome == "not_justified" and not note.strip():
        raise ValidationError({"note": "Say what follow-up you are taking."})
    grant.reviewed_by = actor
    grant.reviewed_at = timezone.now()
    grant.review_outcome = outcome
    grant.review_note = note.strip()
    grant.save(update_fields=["reviewed_by", "reviewed_at", "review_outcome", "review_note"])
    audit_record(
        actor=actor,
        action=BREAK_GLASS_REVIEWED,
        target=grant,
        person_id=grant.person_id,
        reason=grant.review_note,
        detail={"outcome": outcome},
    )
    return grant


# --- Sharing choices -------------------------------------------------------------------------------


@transaction.atomic
def sharing_choice_set(*, person: Person, agency: Agency, share: bool, actor: Any) -> SharingChoice:
    if agency.area_id != person.area_id:
        raise ValidationError("That agency is not part of this area.")
    choice, _ = SharingChoice.objects.update_or_create(
        person=person, agency=agency, defaults={"share": share, "set_by": actor, "set_at": timezone.now()}
    )
    audit_record(
        actor=actor,
        action=PERSON_SHARING_CHOICE_SET,
        target=choice,
        person_id=person.pk,
        detail={"agency": agency.pk, "share": share},
    )
    return choice


# --- Right of inquiry ------------------------------------------------------------------------------


class TooManyRequestsError(Exception):
    """The same address has sent too many inquiries recently."""


def _inquiry_reference() -> str:
    return "INQ-" + "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))


@transaction.atomic
def inquiry_submit(
    *,
    area: Area,
    requester_name: str,
    requester_email: str,
    requester_connection: str,
    subject_name: str,
    subject_details: str,
    question: str,
    ip_address: str | None,
) -> Inquiry:
    """Receive a public inquiry. No account: abuse is limited by address (and a honeypot in the form)."""
    from tide.core.models import AuditEvent

    if ip_address:
        recent = AuditEvent.objects.filter(
            action=INQUIRY_SUBMITTED, ip_address=ip_address, at__gte=timezone.now() - dt.timedelta(hours=1)
        ).count()
        if recent >= INQUIRIES_PER_ADDRESS_PER_HOUR:
            raise TooManyRequestsError
    now = timezone.now()
    inquiry = Inquiry(
        area=area,
        reference=_inquiry_reference(),
        requester_name=requester_name.strip(),
        requester_email=requester_email.strip(),
        requester_connection=requester_connection.strip(),
        subject_name=subject_name.strip(),
        subject_details=subject_details.strip(),
        question=question.strip(),
        received_at=now,
        due_on=rules.add_working_days(timezone.localdate(now), INQUIRY_WORKING_DAYS),
    )
    inquiry.full_clean()
    inquiry.save()
    audit_record(actor=None, action=INQUIRY_SUBMITTED, target=inquiry, detail={"reference": inquiry.reference})
    _tell_requester(inquiry, kind="inquiry_acknowledgement", actor=None)
    return inquiry


def _tell_requester(inquiry: Inquiry, *, kind: str, actor: Any) -> None:
    """Email the inquiry's requester (the acknowledgement, then the published answer's link)."""
    from django.urls import reverse

    from tide.messages.services import message_send

    message_send(
        kind=kind,
        to_address=inquiry.requester_email,
        context={
            "reference": inquiry.reference,
            "due_on": f"{inquiry.due_on:%-d %B %Y}",
            "area": inquiry.area.name,
            "area_id": inquiry.area_id,
            **(
                {"link": _site_link(reverse("accountability:inquiry-published", args=[inquiry.reference]))}
                if kind == "inquiry_published"
                else {}
            ),
        },
        actor=actor,
        about=f"accountability.inquiry:{inquiry.pk}",
    )


def _require_officer(actor: Any, inquiry: Inquiry) -> None:
    if actor.role != Role.ACCOUNTABLE_OFFICER or actor.area_id != inquiry.area_id:
        raise PermissionDenied("Only the area's accountable officer handles inquiries.")


@transaction.atomic
def inquiry_triage(*, inquiry: Inquiry, accept: bool, person: Person | None, note: str, actor: Any) -> Inquiry:
    _require_officer(actor, inquiry)
    if inquiry.status != InquiryStatus.RECEIVED:
        raise ValidationError("This inquiry has already been triaged.")
    if accept and person is None:
        raise ValidationError({"person": "Choose the person this inquiry is about before accepting it."})
    if person is not None and person.area_id != inquiry.area_id:
        raise ValidationError({"person": "That person is not in this area."})
    if not accept and not note.strip():
        raise ValidationError({"note": "Give the reason for declining; it is sent to the requester."})
    inquiry.status = InquiryStatus.ACCEPTED if accept else InquiryStatus.DECLINED
    inquiry.person = person if accept else None
    inquiry.triaged_by = actor
    inquiry.triaged_at = timezone.now()
    inquiry.triage_note = note.strip()
    inquiry.save(update_fields=["status", "person", "triaged_by", "triaged_at", "triage_note"])
    audit_record(
        actor=actor,
        action=INQUIRY_ACCEPTED if accept else INQUIRY_DECLINED,
        target=inquiry,
        person_id=person.pk if person else None,
        reason=inquiry.triage_note,
    )
    return inquiry


@transaction.atomic
def inquiry_answer(*, inquiry: Inquiry, response: str, public_summary: str, actor: Any) -> Inquiry:
    """Record the full response from the record and the redacted public version; checks the redaction."""
    from tide.accountability.selectors import publication_check

    _require_officer(actor, inquiry)
    if inquiry.status not in {InquiryStatus.ACCEPTED, InquiryStatus.ANSWERED}:
        raise ValidationError("Only an accepted inquiry can be answered.")
    if not response.strip():
        raise ValidationError({"response": "Enter the response."})
    if not public_summary.strip():
        raise ValidationError({"public_summary": "Enter the public version of the response."})
    assert inquiry.person is not None  # accepted inquiries always have a person
    check = publication_check(public_summary, area_id=inquiry.area_id, person=inquiry.person, inquiry=inquiry)
    if check:
        raise ValidationError({"public_summary": f"The public version cannot be saved. {check.message}"})
    inquiry.response = response.strip()
    inquiry.public_summary = public_summary.strip()
    inquiry.status = InquiryStatus.ANSWERED
    inquiry.answered_at = timezone.now()
    inquiry.save(update_fields=["response", "public_summary", "status", "answered_at"])
    audit_record(actor=actor, action=INQUIRY_ANSWERED, target=inquiry, person_id=inquiry.person_id)
    return inquiry


@transaction.atomic
def inquiry_publish(*, inquiry: Inquiry, actor: Any) -> Inquiry:
    """Put the public version in the register, checked again: identifiers may have arrived since."""
    from tide.accountability.selectors import publication_check

    _require_officer(actor, inquiry)
    if inquiry.status != InquiryStatus.ANSWERED:
        raise ValidationError("Answer the inquiry before publishing it.")
    assert inquiry.person is not None
    check = publication_check(inquiry.public_summary, area_id=inquiry.area_id, person=inquiry.person, inquiry=inquiry)
    if check:
        raise ValidationError(f"The public version cannot be published. {check.message} Edit the response first.")
    inquiry.status = InquiryStatus.PUBLISHED
    inquiry.published_at = timezone.now()
    inquiry.published_by = actor
    inquiry.save(update_fields=["status", "published_at", "published_by"])
    audit_record(actor=actor, action=INQUIRY_PUBLISHED, target=inquiry, person_id=inquiry.person_id)
    _tell_requester(inquiry, kind="inquiry_published", actor=actor)
    return inquiry


# --- Subject access --------------------------------------------------------------------------------

SAR_ROLES = frozenset({Role.PRIVACY_OFFICER, Role.ACCOUNTABLE_OFFICER})


def _require_sar_role(actor: Any, person: Person) -> None:
    if actor.role not in SAR_ROLES or actor.area_id != person.area_id:
        raise PermissionDenied("Only the privacy officer or the accountable officer handles subject access.")


@transaction.atomic
def sar_log(*, person: Person, received_on: dt.date, actor: Any) -> SubjectAccessRequest:
    _require_sar_role(actor, person)
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The date received cannot be in the future."})
    sar = SubjectAccessRequest.objects.create(
        person=person, received_on=received_on, due_on=rules.add_calendar_month(received_on), logged_by=actor
    )
    audit_record(actor=actor, action=SAR_LOGGED, target=sar, person_id=person.pk, detail={"due_on": sar.due_on})
    return sar


@transaction.atomic
def sar_prepare(*, sar: SubjectAccessRequest, actor: Any) -> SubjectAccessRequest:
    from tide.accountability.selectors import subject_access_export

    _require_sar_role(actor, sar.person)
    if sar.status == SarStatus.RELEASED:
        raise ValidationError("This request has already been released.")
    sar.export = subject_access_export(person=sar.person)
    sar.prepared_by = actor
    sar.prepared_at = timezone.now()
    sar.status = SarStatus.PREPARED
    sar.save(update_fields=["export", "prepared_by", "prepared_at", "status"])
    audit_record(actor=actor, action=SAR_PREPARED, target=sar, person_id=sar.person_id)
    return sar


@transaction.atomic
def sar_approve(*, sar: SubjectAccessRequest, actor: Any) -> SubjectAccessRequest:
    _require_sar_role(actor, sar.person)
    if sar.status != SarStatus.PREPARED:
        raise ValidationError("Prepare the export before approving it.")
    if sar.prepared_by_id == actor.pk:
        raise ValidationError("A second member of staff must approve the release; you prepared it.")
    sar.approved_by = actor
    sar.released_at = timezone.now()
    sar.status = SarStatus.RELEASED
    sar.save(update_fields=["approved_by", "released_at", "status"])
    audit_record(actor=actor, action=SAR_RELEASED, target=sar, person_id=sar.person_id)
    return sar


@transaction.atomic
def sar_export_issue(*, sar: SubjectAccessRequest, actor: Any) -> dict[str, Any]:
    """The released export, recording who downloaded it."""
    _require_sar_role(actor, sar.person)
    if sar.status != SarStatus.RELEASED:
        raise PermissionDenied("The export can be downloaded only after a second member of staff approves it.")
    audit_record(actor=actor, action=SAR_DOWNLOADED, target=sar, person_id=sar.person_id)
    return sar.export


# --- The person's own sign-in -----------------------------------------------------------------------

USERNAME_PATTERN = r"^[\w.@+-]{3,150}$"


@transaction.atomic
def person_account_create(*, person: Person, username: str, actor: Any) -> User:
    """A sign-in of role 'person' for the person's own record, with no usable password yet: give them
    :func:`person_set_password_link` to choose one. Staff of the person's area only."""
    if getattr(actor, "area_id", None) != person.area_id:
        raise PermissionDenied("Only staff of the person's area can give them a sign-in.")
    if PersonAccount.objects.filter(person=person).exists():
        raise ValidationError({"username": "They already have a sign-in."})
    username = (username or "").strip()
    if not re.match(USERNAME_PATTERN, username):
        raise ValidationError({"username": "Use 3 to 150 letters, numbers or the characters . @ + - _ (no spaces)."})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "That username is taken: choose another."})
    user = User(
        username=username,
        first_name=person.known_as or person.given_name,
        last_name=person.family_name,
        role=Role.PERSON,
        area_id=person.area_id,
    )
    user.set_unusable_password()
    user.save()
    PersonAccount.objects.create(user=user, person=person)
    audit_record(actor=actor, action=PERSON_ACCOUNT_CREATED, target=user, person_id=person.pk)
    return user


def person_set_password_link(*, account: PersonAccount, actor: Any) -> str:
    """A link (a path) with which the person chooses a new password. It works once: choosing a
    password changes what the token is made from. It lapses after ``PASSWORD_RESET_TIMEOUT``."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = account.user
    audit_record(actor=actor, action=PERSON_PASSWORD_LINK_MADE, target=user, person_id=account.person_id)
    return reverse(
        "set-password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def person_account_set_active(*, account: PersonAccount, active: bool, actor: Any) -> None:
    """Turn the person's sign-in off (they can no longer sign in) or on again."""
    user = account.user
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        action = PERSON_ACCOUNT_TURNED_ON if active else PERSON_ACCOUNT_TURNED_OFF
        audit_record(actor=actor, action=action, target=user, person_id=account.person_id)


PASSWORD_REQUESTS_PER_ADDRESS_PER_HOUR = 5


@transaction.atomic
def person_password_reset_request(*, username: str, channel: str, ip_address: str | None) -> None:
    """ "Forgotten your password?" for a person supported: if ``username`` is a person's active sign-in,
    send them a one-time link (:func:`person_set_password_link`) by email or text, as their safe-contact
    preference allows. Says nothing either way: the caller shows the same page whether or not it exists."""
    from tide.core.models import AuditEvent
    from tide.messages.services import message_send

    if ip_address:
        recent = AuditEvent.objects.filter(
            action=PERSON_PASSWORD_RESET_REQUESTED,
            ip_address=ip_address,
            at__gte=timezone.now() - dt.timedelta(hours=1),
        ).count()
        if recent >= PASSWORD_REQUESTS_PER_ADDRESS_PER_HOUR:
            raise TooManyRequestsError
    account = (
        PersonAccount.objects.select_related("user", "person")
        .filter(user__username__iexact=(username or "").strip(), user__is_active=True, user__role=Role.PERSON)
        .first()
    )
    audit_record(
        actor=None,
        action=PERSON_PASSWORD_RESET_REQUESTED,
        target=account.user if account else None,
        person_id=account.person_id if account else None,
        detail={"channel": channel},
    )
    if account is None:
        return
    link = _site_link(person_set_password_link(account=account, actor=None))
    message_send(
        kind="password_reset",
        to_person=account.person,
        to_user=account.user,
        channel=channel,
        context={"link": link, "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)},
        actor=None,
        about=f"accountability.personaccount:{account.pk}",
    )
