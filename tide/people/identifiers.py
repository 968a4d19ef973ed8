"""Identifier formats, checked without a database."""

from __future__ import annotations

import re


def nhs_number_normalise(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def nhs_check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit for nine digits, or ``None`` when no valid number can end them."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_number_problem(value: str) -> str | None:
    """Why ``value`` is not a valid NHS number, or ``None`` when it is."""
    digits = nhs_number_normalise(value)
    if not re.fullmatch(r"\d{10}", digits):
        return "An NHS number must be 10 digits."
    check = nhs_check_digit(digits[:9])
    if check is None or check != int(digits[9]):
        return "This is not a valid NHS number: the check digit does not match."
    return None


PNC_RE = re.compile(r"^(\d{2}|\d{4})/\d{1,7}[A-HJ-NP-RT-Z]$")
PRISON_NUMBER_RE = re.compile(r"^[A-Z]\d{4}[A-Z]{2}$")


def pnc_normalise(value: str) -> str:
    return (value or "").strip().upper()


def pnc_problem(value: str) -> str | None:
    if not PNC_RE.match(pnc_normalise(value)):
        return "A PNC ID looks like 2019/0123456A: a year, a slash, up to seven digits and a check letter."
    return None


def prison_number_problem(value: str) -> str | None:
    if not PRISON_NUMBER_RE.match((value or "").strip().upper()):
        return "A prison number looks like A1234BC: a letter, four digits and two letters."
    return None
