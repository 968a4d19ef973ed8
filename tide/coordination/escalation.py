"""When an overdue action escalates, and to whom. Pure functions, no Django.

Level 0: with its owner. Level 1: overdue by ``to_manager_after`` days or more → the owner's manager.
Level 2: overdue by ``to_officer_after`` days or more → the area's accountable officer. Levels only go
up, one step at a time is not required: an action found 30 days late goes straight to level 2, and
every level it passes is recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

NONE, MANAGER, OFFICER = 0, 1, 2


@dataclass(frozen=True)
class EscalationPolicy:
    to_manager_after: int = 1  # days overdue
    to_officer_after: int = 14

    def __post_init__(self) -> None:
        if not 0 < self.to_manager_after <= self.to_officer_after:
            raise ValueError("escalation must reach the manager after at least a day, and before the officer")


DEFAULT_POLICY = EscalationPolicy()


def days_overdue(due_on: dt.date, today: dt.date) -> int:
    return max((today - due_on).days, 0)


def level_due(due_on: dt.date, today: dt.date, policy: EscalationPolicy = DEFAULT_POLICY) -> int:
    """The escalation level an open action due on ``due_on`` should have reached by ``today``."""
    late = days_overdue(due_on, today)
    if late >= policy.to_officer_after:
        return OFFICER
    if late >= policy.to_manager_after:
        return MANAGER
    return NONE


def levels_to_record(
    current: int, due_on: dt.date, today: dt.date, policy: EscalationPolicy = DEFAULT_POLICY
) -> list[int]:
    """The levels to escalate to now, in order, given the level already reached."""
    return list(range(current + 1, level_due(due_on, today, policy) + 1))
