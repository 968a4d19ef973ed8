"""Plain tests of the framework-free rules: Care Act eligibility and action escalation."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tide.coordination import eligibility
from tide.coordination import escalation as rules

codes = st.sets(st.sampled_from(sorted(eligibility.OUTCOME_CODES)))


def test_there_are_ten_eligibility_outcomes():
    assert len(eligibility.OUTCOMES) == 10
    assert len(eligibility.OUTCOME_CODES) == 10


@given(codes, st.booleans())
def test_eligible_exactly_when_two_outcomes_and_significant_impact(outcomes, impact):
    assert eligibility.is_eligible(outcomes, significant_impact=impact) == (impact and len(outcomes) >= 2)


def test_unknown_outcome_is_an_error():
    with pytest.raises(ValueError, match="flying"):
        eligibility.is_eligible({"nutrition", "flying"}, significant_impact=True)


@given(st.integers(min_value=-30, max_value=400), st.integers(1, 30), st.integers(0, 60))
def test_escalation_level_never_falls_as_days_pass(offset, manager_after, extra):
    policy = rules.EscalationPolicy(manager_after, manager_after + extra)
    due = dt.date(2026, 1, 1)
    today = due + dt.timedelta(days=offset)
    assert rules.level_due(due, today, policy) <= rules.level_due(due, today + dt.timedelta(days=1), policy)


def test_escalation_timing_with_default_policy():
    due = dt.date(2026, 3, 1)
    assert rules.level_due(due, dt.date(2026, 3, 1)) == rules.NONE
    assert rules.level_due(due, dt.date(2026, 3, 2)) == rules.MANAGER
    assert rules.level_due(due, dt.date(2026, 3, 14)) == rules.MANAGER
    assert rules.level_due(due, dt.date(2026, 3, 15)) == rules.OFFICER


def test_levels_to_record_fills_the_gap():
    assert rules.levels_to_record(0, dt.date(2026, 3, 1), dt.date(2026, 6, 1)) == [1, 2]
    assert rules.levels_to_record(2, dt.date(2026, 3, 1), dt.date(2026, 6, 1)) == []


def test_policy_must_reach_manager_before_officer():
    with pytest.raises(ValueError, match="before the officer"):
        rules.EscalationPolicy(to_manager_after=10, to_officer_after=5)
