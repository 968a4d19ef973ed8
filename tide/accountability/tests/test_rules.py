import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from tide.accountability import rules


def test_one_calendar_month_follows_the_ico_rule():
    assert rules.add_calendar_month(dt.date(2026, 1, 15)) == dt.date(2026, 2, 15)
    assert rules.add_calendar_month(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert rules.add_calendar_month(dt.date(2024, 1, 31)) == dt.date(2024, 2, 29)
    assert rules.add_calendar_month(dt.date(2026, 12, 3)) == dt.date(2027, 1, 3)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)))
def test_a_calendar_month_is_between_28_and_31_days(day):
    assert 28 <= (rules.add_calendar_month(day) - day).days <= 31


def test_working_days_skip_weekends_and_bank_holidays_in_any_part_of_the_uk():
    friday = dt.date(2026, 11, 20)
    assert rules.add_working_days(friday, 1) == dt.date(2026, 11, 23)
    # Monday 30 November is St Andrew's Day, a bank holiday in Scotland.
    assert rules.add_working_days(friday, 20) == dt.date(2026, 12, 21)
    # Christmas Day, and Boxing Day's substitute on Monday 28 December.
    assert rules.add_working_days(dt.date(2026, 12, 1), 20) == dt.date(2026, 12, 31)
    # New Year's Day, and 2 January (a bank holiday in Scotland).
    assert rules.add_working_days(dt.date(2025, 12, 31), 1) == dt.date(2026, 1, 5)


def terms():
    return rules.identifying_terms(
        names=["Christina Okonkwo", "Tina"], date_of_birth=dt.date(1984, 6, 12), identifiers=["9434765919"]
    )


def test_redaction_removes_names_dates_of_birth_and_identifiers():
    text = "Christina Okonkwo (Tina), born 12/06/1984, NHS 943 476 5919, was seen by okonkwo's GP on 12 June 1984."
    out = rules.redact(text, names=["Christina Okonkwo", "Christina", "Okonkwo", "Tina"], terms=terms())
    assert rules.find_identifying(out, terms()) == []
    assert "[the person]" in out
    assert "NHS [redacted]" in out


def test_identifying_terms_match_whole_words_only():
    assert rules.find_identifying("Tinamou birds and Cristina", terms()) == []
    assert rules.find_identifying("TINA was there", terms()) == ["Tina"]
