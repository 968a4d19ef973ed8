"""Writes for areas, agencies and staff. Each takes the actor and records an audit row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tide.areas.audit_actions import (
    AGENCY_CREATED,
    AREA_ACCOUNTABLE_OFFICER_SET,
    AREA_CREATED,
    AREAS_SIGN_IN_ATTEMPTS_PRUNED,
    USER_CREATED,
    USER_SECOND_FACTOR_ENROLLED,
)
from tide.areas.models import Agency, Area, Partnership, Role, SignInAttempt, User
from tide.core.audit import audit_record


@transaction.atomic
def area_create(*, name: str, code: str, actor: Any, partnership_name: str = "", vision: str = "") -> Area:
    area = Area(name=name, code=code)
    area.full_clean()
    area.save()
    Partnership.objects.create(
        area=area, name=partnership_name or f"{name} multiple disadvantage partnership", vision=vision
    )
    audit_record(actor=actor, action=AREA_CREATED, target=area)
    return area


@transaction.atomic
def agency_create(*, area: Area, name: str, code: str, sector: str, actor: Any) -> Agency:
    agency = Agency(area=area, name=name, code=code, sector=sector)
    agency.full_clean()
    agency.save()
    area.partnership.agencies.add(agency)
    audit_record(actor=actor, action=AGENCY_CREATED, target=agency)
    return agency


@transaction.atomic
def staff_create(
    *,
    area: Area,
    username: str,
    first_name: str,
    last_name: str,
    role: str,
    password: str,
    actor: Any,
    agency: Agency | None = None,
    email: str = "",
    job_title: str = "",
    manager: User | None = None,
) -> User:
    user = User(
        area=area,
        agency=agency,
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=role,
        job_title=job_title,
        manager=manager,
        is_staff=role == Role.ADMINISTRATOR,
        is_superuser=role == Role.ADMINISTRATOR,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(actor=actor, action=USER_CREATED, target=user, detail={"role": role})
    return user


@transaction.atomic
def area_set_accountable_officer(*, area: Area, officer: User, actor: Any) -> Area:
    if officer.area_id != area.pk or officer.role != Role.ACCOUNTABLE_OFFICER:
        from django.core.exceptions import ValidationError

        raise ValidationError(
            "The accountable officer must be a member of this area with the accountable officer role."
        )
    area.accountable_officer = officer
    area.save(update_fields=["accountable_officer"])
    audit_record(actor=actor, action=AREA_ACCOUNTABLE_OFFICER_SET, target=area, detail={"officer": officer.pk})
    return area


# --- Sign-in security -------------------------------------------------------------------------------


def sign_in_attempt_record(*, username: str, ip_address: str | None, stage: str, succeeded: bool) -> None:
    SignInAttempt.objects.create(
        username=username.strip()[:150], ip_address=ip_address, stage=stage, succeeded=succeeded, at=timezone.now()
    )


@transaction.atomic
def sign_in_attempts_prune(*, actor: Any, now: dt.datetime | None = None) -> int:
    """Delete sign-in attempts older than ``TIDE_SIGN_IN_ATTEMPTS_KEEP_DAYS`` (they hold IP addresses),
    never within the throttle's look-back for known addresses; how many were deleted."""
    from tide.areas.selectors import POLICY

    days = max(settings.TIDE_SIGN_IN_ATTEMPTS_KEEP_DAYS, POLICY.known_address_days)
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted, _ = SignInAttempt.objects.filter(at__lt=cutoff).delete()
    audit_record(actor=actor, action=AREAS_SIGN_IN_ATTEMPTS_PRUNED, detail={"deleted": deleted, "days": days})
    return deleted


def sign_in_attempts_prune_job(job: Any, progress: Any) -> dict[str, Any]:
    return {"sign_in_attempts": sign_in_attempts_prune(actor=None)}


def totp_new_secret() -> str:
    import pyotp

    return pyotp.random_base32(length=32)


def totp_check(*, user: User, code: str, secret: str | None = None, allow_shown_again: bool = False) -> int | None:
    """The time step of ``code`` if it is valid now (±1 step) and newer than the last one accepted.

    ``allow_shown_again`` (the demo only, where the page shows the code): the code of the current step is
    accepted again for the same persona until it changes, so signing in twice within 30 seconds does not
    count as a failed attempt and cannot lock the persona out. Real sign-in never passes it."""
    import pyotp

    code = "".join(ch for ch in (code or "") if ch.isdigit())
    secret = secret or user.totp_secret
    if len(code) != 6 or not secret:
        return None
    totp = pyotp.TOTP(secret)
    from django.utils import timezone

    now = timezone.now()
    current = totp.timecode(now)
    last = user.totp_last_counter
    for step in (current - 1, current, current + 1):
        fresh = last is None or step > last or (allow_shown_again and step == current and step == last)
        if totp.at(step * totp.interval) == code and fresh:
            return step
    return None


@transaction.atomic
def user_verify_second_factor(*, user: User, code: str, enrol_secret: str = "") -> bool:
    """Accept an authenticator code (enrolling ``enrol_secret`` if given); never the same code twice,
    except the code the demo shows on the page, while it is shown (``TIDE_SHOW_SIGN_IN_CODES``, ADR 0033)."""
    from django.utils import timezone

    user = User.objects.select_for_update().get(pk=user.pk)
    step = totp_check(
        user=user, code=code, secret=enrol_secret or None, allow_shown_again=settings.TIDE_SHOW_SIGN_IN_CODES
    )
    if step is None:
        return False
    fields = ["totp_last_counter"]
    user.totp_last_counter = step
    if enrol_secret:
        user.totp_secret = enrol_secret
        user.totp_confirmed_at = timezone.now()
        fields += ["totp_secret", "totp_confirmed_at"]
        audit_record(actor=user, action=USER_SECOND_FACTOR_ENROLLED, target=user)
    user.save(update_fields=fields)
    return True
