"""Care Act 2014 eligibility (Care and Support (Eligibility Criteria) Regulations 2015, reg. 2).

Pure functions, no Django. An adult has eligible needs when, because of an impairment or illness, they
cannot achieve two or more of the ten outcomes below and as a result there is, or is likely to be, a
significant impact on their wellbeing.
"""

from __future__ import annotations

from collections.abc import Iterable

OUTCOMES: tuple[tuple[str, str], ...] = (
    ("nutrition", "Managing and maintaining nutrition"),
    ("hygiene", "Maintaining personal hygiene"),
    ("toilet", "Managing toilet needs"),
    ("clothing", "Being appropriately clothed"),
    ("home_safety", "Being able to make use of the home safely"),
    ("habitable_home", "Maintaining a habitable home environment"),
    ("relationships", "Developing and maintaining family or other personal relationships"),
    ("work_learning", "Accessing and engaging in work, training, education or volunteering"),
    ("community", "Making use of necessary facilities or services in the local community, including transport"),
    ("caring", "Carrying out any caring responsibilities the adult has for a child"),
)
OUTCOME_CODES = frozenset(code for code, _ in OUTCOMES)
OUTCOME_LABELS = dict(OUTCOMES)
MIN_OUTCOMES = 2


def unknown_outcomes(codes: Iterable[str]) -> list[str]:
    return sorted(set(codes) - OUTCOME_CODES)


def is_eligible(outcomes_not_achieved: Iterable[str], *, significant_impact: bool) -> bool:
    """True when two or more of the ten outcomes cannot be achieved with a significant impact on wellbeing."""
    codes = set(outcomes_not_achieved)
    if codes - OUTCOME_CODES:
        raise ValueError(f"unknown eligibility outcomes: {', '.join(unknown_outcomes(codes))}")
    return significant_impact and len(codes) >= MIN_OUTCOMES
