"""Plain tests of the value checks per column type and of the header check (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from tide.intake.validation import TYPES, VALUE_CHECKS, Problem, check_value, header_problems

TODAY = dt.date(2026, 6, 1)


def test_every_declared_column_type_has_a_value_check():
    assert set(VALUE_CHECKS) == set(TYPES)


@pytest.mark.parametrize(
    ("column", "raw", "value"),
    [
        ({"type": "date", "max": "today"}, "2026-05-31", dt.date(2026, 5, 31)),
        ({"type": "integer", "min": 0}, "12", 12),
        ({"type": "postcode"}, "tf1 2ab", "TF1 2AB"),
        ({"type": "prison_number"}, "a1234bc", "A1234BC"),
        ({"type": "sex"}, "F", "F"),
        ({"type": "string", "max_length": 5, "allowed": ["abc"]}, "abc", "abc"),
        ({}, "anything", "anything"),
    ],
)
def test_a_good_value_is_parsed(column, raw, value):
    assert check_value(column, raw, TODAY) == (value, None)


@pytest.mark.parametrize(
    ("column", "raw", "says"),
    [
        ({"type": "date"}, "1/2/2026", "not a date in the form YYYY-MM-DD"),
        ({"type": "date", "max": "today"}, "2026-06-02", "after the latest allowed date, 01 June 2026"),
        ({"type": "date", "min": "2000-01-01"}, "1999-12-31", "before the earliest allowed date"),
        ({"type": "integer"}, "1.5", "not a whole number"),
        ({"type": "integer", "max": 9}, "10", "above the largest allowed value, 9"),
        ({"type": "nhs_number"}, "1234567890", ""),
        ({"type": "postcode"}, "NOWHERE", "not a UK postcode"),
        ({"type": "sex"}, "X", "use F, M or U"),
        ({"type": "string", "max_length": 2}, "abc", "at most 2 are allowed"),
        ({"type": "string", "pattern": r"\d+", "pattern_hint": "digits"}, "ab", "expected shape (digits)"),
        ({"type": "string", "allowed": ["a", "b"]}, "c", "Allowed: a, b"),
    ],
)
def test_a_bad_value_is_refused_with_a_message(column, raw, says):
    value, problem = check_value(column, raw, TODAY)
    assert value is None
    assert problem
    assert says in problem


def test_header_problems_name_missing_unexpected_and_reordered_columns():
    assert header_problems(["a", "b"], ["a", "b"]) == []
    assert header_problems(["a", "x"], ["a", "b"]) == [
        Problem(1, "", "Missing column: b."),
        Problem(1, "", "Unexpected column: x."),
    ]
    assert header_problems(["b", "a"], ["a", "b"]) == [
        Problem(1, "", "The columns are in the wrong order. Expected: a, b.")
    ]
