"""The grouping of scored pairs into people, and the parameters training sets by declaration (no database)."""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import pytest

from tide.linkage import engine, grouping, model
from tide.linkage.model import DEFAULT_MODEL_PATH
from tide.linkage.normalise import linkage_row


def scored(*pairs: tuple[int, int, float]) -> pd.DataFrame:
    left, right, probability = zip(*pairs, strict=True)
    return pd.DataFrame(
        {"unique_id_l": left, "unique_id_r": right, "match_probability": probability, "match_weight": 0.0}
    )


def test_a_record_alone_joins_the_person_whose_records_together_make_it_likely_theirs():
    # One pair at 0.5 is even odds; two of a person's records at 0.5 each make it 2 to 1 against the
    # odds of 1 that it is somebody not seen yet: 2/3.
    groups = pd.Series({1: 100, 2: 100, 3: 300, 9: 9})
    joins = engine.likely_people(scored((9, 1, 0.5), (9, 2, 0.5)), [9], groups, threshold=0.6)
    assert joins.loc[9, "group"] == 100
    assert joins.loc[9, "probability"] == pytest.approx(2 / 3)
    assert joins.loc[9, "pair"] == 0.5
    assert engine.likely_people(scored((9, 1, 0.5)), [9], groups, threshold=0.6).empty  # one record: even odds
    # Its best pair with them is the one a reviewer is shown.
    joins = engine.likely_people(scored((9, 1, 0.85), (9, 2, 0.93), (9, 3, 0.1)), [9], groups, threshold=0.5)
    assert (joins.loc[9, "group"], joins.loc[9, "other"], joins.loc[9, "pair"]) == (100, 2, 0.93)


def test_a_record_with_two_likely_people_or_too_weak_a_pair_stays_alone():
    groups = pd.Series({1: 100, 3: 300, 9: 9})
    two = scored((9, 1, 0.9), (9, 3, 0.85))  # odds 9 and 5.7: 0.58 for the likelier
    assert engine.likely_people(two, [9], groups, threshold=0.6).empty
    assert engine.likely_people(two, [9], groups, threshold=0.5).loc[9, "group"] == 100
    assert engine.likely_people(scored((9, 1, 0.79)), [9], groups, threshold=0.8).empty


def test_records_alone_likely_one_person_join_one_that_stays_put():
    groups = pd.Series({1: 100, 6: 6, 7: 7, 8: 8, 9: 9})
    # 8 is likeliest 9's, but not likely enough (0.74): 9 and 7 join 8, who stays put.
    joins = engine.likely_people(scored((8, 9, 0.95), (7, 8, 0.85)), [7, 8, 9], groups, threshold=0.8)
    assert joins["group"].to_dict() == {7: 8, 9: 8}
    joins = engine.likely_people(scored((8, 9, 0.95)), [8, 9], groups, threshold=0.8)
    assert joins["group"].to_dict() == {9: 8}  # each likeliest the other's: the lower id stays
    joins = engine.likely_people(scored((8, 9, 0.95), (8, 1, 0.99)), [8, 9], groups, threshold=0.8)
    assert joins["group"].to_dict() == {8: 100}  # 8 joins person 100, so 9 stays alone


def records(n: int, **values: dict[int, str | None]) -> pd.DataFrame:
    """A frame of records 1..n with the columns grouping checks, ``values`` by column and record id."""
    ids = range(1, n + 1)
    frame = pd.DataFrame({"unique_id": ids})
    for column in grouping.CHECKED:
        frame[column] = [values.get(column, {}).get(i) for i in ids]
    return frame


def test_people_are_strong_clusters_then_records_left_alone_join_their_likeliest_person():
    frame = records(8)
    # 1-2-3 are linked strongly; 4 is likely them and nobody else; so is 5, while 6 is likeliest 5's;
    # 7 and 8 are likely each other only.
    pairs = scored((1, 2, 0.999), (2, 3, 0.995), (4, 1, 0.9), (5, 3, 0.9), (5, 6, 0.5), (7, 8, 0.9))
    labels = engine.people(frame, pairs, upper=0.99, lower=0.8)[0].to_numpy()
    assert labels[0] == labels[1] == labels[2] == labels[3] == labels[4]
    assert labels[5] not in labels[[0, 6]]  # 6's likeliest is 5, who joins somebody else
    assert labels[6] == labels[7] != labels[0]


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("1984-06-12", "1984-06-12", True),
        ("1984-06-12", "1984-06-13", True),  # one changed
        ("1984-06-12", "1984-60-12", True),  # neighbours swapped
        ("9434765919", "943476919", True),  # one left out
        ("943476919", "9434765919", True),
        ("1984-06-12", "1984-07-13", False),
        ("9434765919", "94347659", False),
    ],
)
def test_one_keystroke(a, b, near):
    assert grouping.one_keystroke(a, b) is near


def test_grouping_refuses_a_pair_that_would_join_different_dates_of_birth():
    # 2 has no date of birth: 1-2 and 2-3 chain 1 and 3, whose dates differ. The stronger pair wins.
    frame = records(3, dob={1: "1984-06-12", 3: "1971-02-03"})
    labels = grouping.group(frame, scored((1, 2, 0.999), (2, 3, 0.995)), threshold=0.99)
    assert labels.to_dict() == {1: 1, 2: 1, 3: 3}


def test_grouping_joins_dates_transposed_or_one_keystroke_apart_and_whole_components():
    frame = records(6, dob={1: "1984-06-12", 2: "1984-12-06", 3: "1984-12-07", 5: "1990-01-01"})
    pairs = scored((1, 2, 0.999), (2, 3, 0.995), (4, 5, 0.995), (5, 6, 0.999))
    assert grouping.group(frame, pairs, threshold=0.99).to_dict() == {1: 1, 2: 1, 3: 1, 4: 4, 5: 4, 6: 4}


def test_grouping_refuses_different_identifiers_of_one_kind_only():
    frame = records(4, nhs_number={1: "9434765919", 3: "9990000018"}, pnc_id={2: "2019/0123456A"})
    pairs = scored((1, 2, 0.999), (2, 3, 0.995), (3, 4, 0.99))
    assert grouping.group(frame, pairs, threshold=0.99).to_dict() == {1: 1, 2: 1, 3: 3, 4: 3}


def test_grouping_never_joins_two_known_people_and_labels_a_known_person_negative():
    # Records 1 and 2 belong to people 70 and 80; new record 3 pairs with both, 4 with 3 only.
    frame = records(4, dob={1: "1984-06-12", 2: "1984-06-12", 3: "1984-06-12"})
    pairs = scored((3, 2, 0.999), (3, 1, 0.995), (4, 3, 0.99))
    labels = grouping.group(frame, pairs, threshold=0.99, person_of=pd.Series({1: 70, 2: 80}))
    assert labels.to_dict() == {3: -80, 4: -80}
    # A known person's other records count: person 80's record 5 holds another date of birth.
    frame = records(5, dob={1: "1984-06-12", 3: "1984-06-12", 5: "1960-01-01"})
    labels = grouping.group(
        frame, scored((3, 2, 0.999), (3, 1, 0.995)), threshold=0.99, person_of=pd.Series({1: 70, 2: 80, 5: 80})
    )
    assert labels.to_dict() == {3: -70, 4: 4}


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
