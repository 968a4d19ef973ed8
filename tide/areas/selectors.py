"""Reads of the areas room: the sign-in throttle's counts, the area a management command works on."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError
from django.utils import timezone

from tide.areas.models import Area, SignInAttempt
from tide.areas.throttle import Counts, ThrottlePolicy, refusal

POLICY = ThrottlePolicy()


def sign_in_counts(*, username: str, ip_address: str | None, policy: ThrottlePolicy = POLICY) -> Counts:
    now = timezone.now()
    recent = SignInAttempt.objects.filter(at__gte=now - dt.timedelta(minutes=policy.window_minutes), succeeded=False)
    username = username.strip()[:150]
    return Counts(
        pair_failures=recent.filter(username__iexact=username, ip_address=ip_address).count(),
        address_failures=recent.filter(ip_address=ip_address).count() if ip_address else 0,
        user_failures=recent.filter(username__iexact=username).count(),
        address_known_for_user=SignInAttempt.objects.filter(
            username__iexact=username,
            ip_address=ip_address,
            succeeded=True,
            at__gte=now - dt.timedelta(days=policy.known_address_days),
        ).exists(),
    )


def sign_in_refusal(*, username: str, ip_address: str | None) -> str | None:
    return refusal(sign_in_counts(username=username, ip_address=ip_address))


def area_for_command(code: str | None) -> Area:
    """The area a management command works on: the one named by ``code``, or the only one there is.

    Raises ``CommandError`` when that is not exactly one area.
    """
    areas = Area.objects.all() if not code else Area.objects.filter(code=code)
    if areas.count() != 1:
        raise CommandError("Name the area with --area (its code).")
    return areas.get()
