"""The grouping of scored pairs into people, and the parameters training sets by declaration (no database)."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from tide.linkage import engine, model
from tide.linkage.model import DEFAULT_MODEL_PATH
from tide.linkage.normalise import linkage_row


def scored(*pairs: tuple[int, int, float]) -> pd.DataFrame:
    left, right, probability = zip(*pairs, strict=True)
    return pd.DataFrame(
        {"unique_id_l": left, "unique_id_r": right, "match_probability": probability, "match_weight": 0.0}
    )


def test_a_record_alone_joins_the_only_group_it_plausibly_matches_with_its_best_pair():
    pairs = scored((9, 1, 0.85), (9, 2, 0.93), (9, 3, 0.4))
    groups = pd.Series({1: 100, 2: 100, 3: 300, 9: 9})
    joins = engine.best_matches(pairs, [9], groups, threshold=0.8)
    assert joins.loc[9].to_dict() == {"group": 100, "other": 2, "probability": 0.93}


def test_a_record_with_two_plausible_groups_or_too_weak_a_pair_stays_alone():
    groups = pd.Series({1: 100, 3: 300, 8: 8, 9: 9})
    two = scored((9, 1, 0.9), (9, 3, 0.85))
    assert engine.best_matches(two, [9], groups, threshold=0.8).empty
    too_weak = scored((9, 1, 0.79))
    assert engine.best_matches(too_weak, [9], groups, threshold=0.8).empty


def test_records_alone_that_only_match_each_other_make_one_group():
    groups = pd.Series({7: 7, 8: 8, 9: 9})
    joins = engine.best_matches(scored((8, 9, 0.95), (7, 8, 0.85)), [7, 8, 9], groups, threshold=0.8)
    assert joins["group"].to_dict() == {7: 7, 8: 7, 9: 7}
    assert joins.loc[7, "other"] == joins.loc[9, "other"] == 8


def test_records_alone_that_match_each_other_join_the_one_group_they_match():
    groups = pd.Series({1: 100, 3: 300, 6: 6, 7: 7, 8: 8, 9: 9})
    # 9 and 8 match each other and only group 100; 7 and 6 match each other and two groups.
    pairs = scored((9, 1, 0.9), (8, 9, 0.85), (8, 1, 0.82), (7, 6, 0.97), (7, 1, 0.9), (6, 3, 0.9))
    joins = engine.best_matches(pairs, [6, 7, 8, 9], groups, threshold=0.8)
    assert joins["group"].to_dict() == {8: 100, 9: 100}
    assert joins.loc[8].to_dict() == {"group": 100, "other": 9, "probability": 0.85}


def test_people_are_strong_clusters_then_best_matches():
    ids = np.array([1, 2, 3, 4, 5, 6, 7, 8])
    # 1-2-3 are linked strongly; 4 plausibly matches only them; so does 5, with 6, which matches
    # nobody else; 7 and 8 match only each other.
    pairs = scored((1, 2, 0.999), (2, 3, 0.995), (4, 1, 0.9), (5, 3, 0.9), (5, 6, 0.85), (7, 8, 0.9))
    labels = engine.people(ids, pairs, upper=0.99, lower=0.8)
    assert labels[0] == labels[1] == labels[2] == labels[3] == labels[4] == labels[5]
    assert labels[6] == labels[7] != labels[0]


def _birth_levels(trained: dict) -> list[dict]:
    birth = next(c for c in trained["comparisons"] if c["output_column_name"] == "birth")
    return birth["comparison_levels"][-4:]  # same year, within 2, within 5, further apart


def test_year_only_levels_take_the_declared_accuracy_on_the_footing_of_their_u_values():
    trained = json.loads(DEFAULT_MODEL_PATH.read_text())["trained"]
    for level, u in zip(_birth_levels(trained), (0.001, 0.004, 0.005, 0.03), strict=True):
        level["u_probability"], level["m_probability"] = u, 1e-12
    levels = _birth_levels(engine._year_only_levels(trained))
    share = 0.001 + 0.004 + 0.005 + 0.03
    assert [level["m_probability"] / share for level in levels] == pytest.approx(list(model.YEAR_ONLY_ACCURACY))


def test_the_shipped_model_counts_an_estimated_age_closer_to_the_birth_year_as_stronger_evidence():
    levels = _birth_levels(json.loads(DEFAULT_MODEL_PATH.read_text())["trained"])
    weights = [math.log2(level["m_probability"] / level["u_probability"]) for level in levels]
    assert weights == sorted(weights, reverse=True)
    assert weights[2] > 0 > weights[3]


def test_an_explanation_adds_up_to_the_score_and_says_what_each_comparison_found():
    document = json.loads(DEFAULT_MODEL_PATH.read_text())
    today = dt.date(2026, 1, 1)
    a = pd.DataFrame(
        [
            linkage_row(
                1,
                {"given_name": "Bernadette", "family_name": "Holloway", "date_of_birth": dt.date(1979, 11, 3)},
                today=today,
            )
        ]
    )
    b = pd.DataFrame(
        [
            linkage_row(
                2,
                {
                    "given_name": "Bernie",
                    "family_name": "Holloway",
                    "date_of_birth": dt.date(1979, 11, 3),
                    "postcode": "TX4 9QT",
                },
                today=today,
            )
        ]
    )
    explanation = engine.explain(a, b, document["trained"], tf=document["term_frequencies"])
    found = {e.comparison: e.level for e in explanation.evidence}
    assert found["first_name"] == "Same formal name (nickname)"
    assert found["surname"] == "Exact match on surname"
    assert found["birth"] == "Exact match on dob"
    assert found["postcode"] is None  # blank on one record: nothing compared, no evidence
    assert next(e.bits for e in explanation.evidence if e.comparison == "postcode") == 0
    total = explanation.prior_bits + sum(e.bits for e in explanation.evidence)
    assert total == pytest.approx(explanation.match_weight)
    scored = engine.score_candidates(a, b, document["trained"], tf=document["term_frequencies"])
    assert explanation.match_probability == pytest.approx(scored["match_probability"].iloc[0])
