"""Pure rules of accountability: deadlines and redaction (no Django, plain tests)."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Iterable

import holidays

PERSON_PLACEHOLDER = "[the person]"
REDACTED = "[redacted]"


def add_calendar_month(day: dt.date) -> dt.date:
    """The ICO's one calendar month: the same day next month, or that month's last day if it has none."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def date_forms(day: dt.date) -> list[str]:
    """Ways a date of birth might be written in free text."""
    month_long = day.strftime("%B")
    month_short = day.strftime("%b")
    return [
        day.isoformat(),
        f"{day.day}/{day.month}/{day.year}",
        f"{day:%d/%m/%Y}",
        f"{day:%d-%m-%Y}",
        f"{day:%d.%m.%Y}",
        f"{day.day} {month_long} {day.year}",
        f"{day.day} {month_short} {day.year}",
        f"{day:%d} {month_long} {day.year}",
        f"{day:%d} {month_short} {day.year}",
        f"{month_long} {day.day}, {day.year}",
    ]


def _identifier_forms(value: str) -> list[str]:
    compact = re.sub(r"[\s-]", "", value)
    forms = {value, compact}
    if re.fullmatch(r"\d{10}", compact):  # NHS numbers are often written 3-3-4
        forms.add(f"{compact[:3]} {compact[3:6]} {compact[6:]}")
        forms.add(f"{compact[:3]}-{compact[3:6]}-{compact[6:]}")
    return [f for f in forms if f]


def identifying_terms(
    *,
    names: Iterable[str],
    date_of_birth: dt.date | None,
    identifiers: Iterable[str],
    other: Iterable[str] = (),
) -> list[str]:
    """Every string that would identify the person if it appeared in a published text."""
    terms: set[str] = set()
    for name in names:
        name = (name or "").strip()
        if len(name) >= 2:
            terms.add(name)
            terms.update(part for part in re.split(r"[\s\-']+", name) if len(part) >= 2)
    if date_of_birth is not None:
        terms.update(date_forms(date_of_birth))
    for identifier in identifiers:
        terms.update(_identifier_forms(identifier))
    terms.update(t.strip() for t in other if t and len(t.strip()) >= 2)
    return sorted(terms, key=len, reverse=True)


def _pattern(term: str) -> re.Pattern[str]:
    escaped = re.escape(term)
    if term[0].isalnum() and term[-1].isalnum():
        return re.compile(rf"(?<![\w]){escaped}(?![\w])", re.IGNORECASE)
    return re.compile(escaped, re.IGNORECASE)


def find_identifying(text: str, terms: Iterable[str]) -> list[str]:
    """The terms that appear in ``text`` (whole words, any case)."""
    return sorted({term for term in terms if _pattern(term).search(text)})


def redact(text: str, *, names: Iterable[str], terms: Iterable[str]) -> str:
    """Replace the person's names with a neutral phrase and any other identifying term with [redacted]."""
    names = sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True)
    for name in names:
        text = _pattern(name).sub(PERSON_PLACEHOLDER, text)
    for term in sorted(set(terms), key=len, reverse=True):
        text = _pattern(term).sub(REDACTED, text)
    return text


@functools.cache
def bank_holidays(year: int) -> frozenset[dt.date]:
    """The bank holidays of ``year`` in any part of the United Kingdom (the ``holidays`` package's
    rules, which include one-off days such as a coronation)."""
    days: set[dt.date] = set()
    for part in ("ENG", "NIR", "SCT", "WLS"):
        days.update(holidays.country_holidays("GB", subdiv=part, years=year))
    return frozenset(days)


def add_working_days(day: dt.date, days: int) -> dt.date:
    """``days`` working days after ``day``, as the Freedom of Information Act 2000 s.10(6) counts them:
    not a Saturday, a Sunday, Christmas Day, Good Friday or a bank holiday in any part of the UK."""
    current = day
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5 and current not in bank_holidays(current.year):
            remaining -= 1
    return current


def days_left(due_on: dt.date, today: dt.date) -> int:
    return (due_on - today).days
