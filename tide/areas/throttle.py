"""Sign-in throttling rules (pure): slow guessing down without letting anyone lock others out.

Three counts of failed attempts within the window decide:

* the same username from the same address: after ``per_pair`` failures that pair waits;
* the same address, whatever the usernames: after ``per_address`` failures that address waits
  (one machine guessing many accounts);
* the same username from anywhere: after ``per_user`` failures, addresses that have *not* signed in
  successfully as that user recently wait. The user's own usual address keeps working, so an
  attacker spraying guesses from elsewhere cannot lock the real user out.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ThrottlePolicy:
    window_minutes: int = 15
    per_pair: int = 5
    per_address: int = 20
    per_user: int = 10
    known_address_days: int = 30


@dataclass(frozen=True)
class Counts:
    pair_failures: int
    address_failures: int
    user_failures: int
    address_known_for_user: bool


def refusal(counts: Counts, policy: ThrottlePolicy = ThrottlePolicy()) -> str | None:
    """A message saying why this attempt must wait, or ``None`` if it may go ahead."""
    wait = f"Try again in {policy.window_minutes} minutes."
    if counts.pair_failures >= policy.per_pair:
        return f"Too many failed attempts to sign in to this account from here. {wait}"
    if counts.address_failures >= policy.per_address:
        return f"Too many failed attempts to sign in from your connection. {wait}"
    if counts.user_failures >= policy.per_user and not counts.address_known_for_user:
        return (
            f"Too many failed attempts to sign in to this account. {wait} "
            "If you usually sign in from this device, ask your administrator."
        )
    return None
