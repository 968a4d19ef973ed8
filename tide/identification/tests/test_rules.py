"""The four shipped definitions and the rule engine, without a database."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tide.identification import rules
from tide.identification.rules import Evidence, RuleError, evaluate, shipped_specs, spec_from_data
from tide.service_use import event_types


@pytest.fixture(autouse=True)
def _shipped_types_only(monkeypatch):
    """Pure rules, no database: only the shipped event types are known (an area's own live in the database)."""
    monkeypatch.setattr(event_types, "_resolver", None)


AS_OF = dt.date(2026, 6, 30)
SPECS = {s.code: s for s in shipped_specs()}


def ev(days_ago: int, code: str) -> Evidence:
    return Evidence(AS_OF - dt.timedelta(days=days_ago), code)


def test_four_definitions_are_shipped():
    assert set(SPECS) == {"turning_the_tide", "fulfilling_lives", "changing_futures", "hard_edges_smd"}


def test_turning_the_tide_needs_two_of_five_with_evidence():
    spec = SPECS["turning_the_tide"]
    one = evaluate(spec, [ev(10, "rough_sleeping_contact")], as_of=AS_OF)
    assert not one.meets
    assert not one.near  # two needed: one criterion alone is not "close" by default
    assert one.met_codes == ["rough_sleeping"]
    two = evaluate(spec, [ev(10, "rough_sleeping_contact"), ev(20, "dat_contact")], as_of=AS_OF)
    assert two.meets
    assert two.met_codes == ["rough_sleeping", "substance"]
    by_code = {c.criterion.code: c for c in two.criteria}
    assert by_code["rough_sleeping"].evidence == (ev(10, "rough_sleeping_contact"),)


def test_turning_the_tide_counts_arrests_and_a_second_conviction():
    spec = SPECS["turning_the_tide"]
    one_arrest = evaluate(spec, [ev(5, "arrest"), ev(6, "conviction")], as_of=AS_OF)
    assert one_arrest.n_met == 0
    repeat = evaluate(
        spec, [ev(5, "arrest"), ev(50, "arrest"), ev(6, "conviction"), ev(700, "conviction")], as_of=AS_OF
    )
    assert repeat.met_codes == ["arrests", "second_conviction"]
    assert repeat.meets


def test_events_outside_the_window_or_after_the_date_do_not_count():
    spec = SPECS["turning_the_tide"]
    result = evaluate(spec, [ev(400, "rough_sleeping_contact"), ev(-3, "dat_contact")], as_of=AS_OF)
    assert result.n_met == 0
    assert not result.near


def test_fulfilling_lives_two_of_four():
    spec = SPECS["fulfilling_lives"]
    assert not evaluate(
        spec, [ev(1, "hostel_night"), ev(2, "arrest")], as_of=AS_OF
    ).meets  # one arrest is not reoffending
    assert evaluate(spec, [ev(1, "hostel_night"), ev(2, "arrest"), ev(3, "conviction")], as_of=AS_OF).meets
    assert evaluate(spec, [ev(1, "mh_crisis_contact"), ev(3, "dat_treatment_start")], as_of=AS_OF).meets


def test_changing_futures_needs_three_of_five_by_default_including_domestic_abuse():
    spec = SPECS["changing_futures"]
    two = [ev(1, "da_incident"), ev(2, "eviction")]
    assert not evaluate(spec, two, as_of=AS_OF).meets
    assert evaluate(spec, two, as_of=AS_OF).near
    assert evaluate(spec, [*two, ev(3, "court_appearance")], as_of=AS_OF).meets


@pytest.mark.parametrize(
    ("codes", "level"),
    [
        ([], 0),
        (["hostel_night"], 1),
        (["hostel_night", "dat_contact"], 2),
        (["eviction", "dat_contact", "arrest"], 3),
        (["mh_community_contact", "da_incident"], 0),
    ],
)
def test_hard_edges_level_counts_the_three_systems(codes, level):
    result = evaluate(SPECS["hard_edges_smd"], [ev(i + 1, c) for i, c in enumerate(codes)], as_of=AS_OF)
    assert result.n_met == level
    assert result.meets == (level >= 2)


def test_bad_definitions_are_refused_with_every_problem_named():
    with pytest.raises(RuleError) as caught:
        spec_from_data(
            code="x",
            name="X",
            min_criteria=5,
            criteria=[{"code": "a", "label": "", "event_types": ["sleeping"], "min_count": 0, "window_days": -1}],
        )
    text = " ".join(caught.value.messages)
    assert "needs a label" in text
    assert "unknown event type 'sleeping'" in text
    assert "minimum count must be between 1 and 1000" in text
    assert "window (days) must be between 1" in text
    assert "Criteria needed must be between 1 and 1" in text
    with pytest.raises(RuleError, match="at least one criterion"):
        spec_from_data(code="x", name="X", criteria=[], min_criteria=1)


def test_a_criterion_describes_itself_in_words():
    crit = SPECS["turning_the_tide"].criteria[1]
    assert crit.describe() == "arrest: at least 2 times in the last 365 days"


event_strategy = st.lists(
    st.tuples(st.integers(0, 9), st.sampled_from(list(rules.CODE_INDEX)), st.integers(-30, 900)), max_size=60
)


@settings(max_examples=60, deadline=None)
@given(event_strategy)
def test_vectorised_screening_agrees_with_the_per_person_explanation(events):
    ledger = rules.Ledger(
        person=np.array([e[0] for e in events], dtype=np.int64),
        kind=np.array([rules.CODE_INDEX[e[1]] for e in events], dtype=np.int64),
        day=np.array([(AS_OF - dt.timedelta(days=e[2]) - dt.date(1970, 1, 1)).days for e in events], dtype=np.int64),
        n_people=10,
    )
    for spec in SPECS.values():
        screened = rules.screen_ledger(spec, ledger, as_of=AS_OF)
        for person in range(10):
            result = evaluate(spec, [ev(d, c) for p, c, d in events if p == person], as_of=AS_OF)
            assert screened["n_met"][person] == result.n_met
            assert bool(screened["meets"][person]) == result.meets
            assert bool(screened["near"][person]) == result.near


def test_ledger_from_columns_refuses_unknown_event_types():
    with pytest.raises(RuleError, match="unknown event type 'teleport'"):
        rules.ledger_from_columns(["a"], ["teleport"], ["2026-01-01"])
    ledger, ids = rules.ledger_from_columns(["a", "b", "a"], ["arrest", "arrest", "arrest"], ["2026-01-01"] * 3)
    assert list(ids) == ["a", "b"]
    assert ledger.n_people == 2
    counts = rules.criterion_counts(ledger, SPECS["turning_the_tide"].criteria[1], as_of=dt.date(2026, 2, 1))
    assert list(counts) == [2, 1]


def test_met_since_dates_the_evidence_not_the_screening():
    spec = SPECS["turning_the_tide"]
    result = evaluate(
        spec,
        [
            ev(100, "rough_sleeping_contact"),
            ev(10, "rough_sleeping_contact"),
            ev(60, "arrest"),
            ev(30, "arrest"),
            ev(200, "dat_contact"),
        ],
        as_of=AS_OF,
    )
    # rough sleeping since 100 days ago, two arrests since 30 days ago, substance since 200 days ago:
    # two criteria were met from 100 days ago.
    assert result.met_codes == ["rough_sleeping", "arrests", "substance"]
    assert result.met_since == AS_OF - dt.timedelta(days=100)
    assert evaluate(spec, [ev(1, "arrest")], as_of=AS_OF).met_since is None
