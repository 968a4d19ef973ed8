"""Plain tests of the pure steps of linking (no database)."""

from __future__ import annotations

import pandas as pd

from tide.linkage import linking


def _pairs(*rows: tuple[int, int, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "match_probability"])


def test_pairs_scored_elsewhere_count_only_for_new_records_above_the_floor():
    pairs = _pairs((1, 2, 0.9), (1, 10, 0.8), (10, 2, 0.7), (10, 11, 0.99), (1, 3, 0.01), (20, 21, 0.9))
    kept = linking.pairs_between(pairs, new={1, 2, 3}, known={10: 100, 11: 100}, floor=0.05)
    assert list(zip(kept["unique_id_l"], kept["unique_id_r"], strict=True)) == [(1, 2), (1, 10), (10, 2)]


def test_pairs_a_person_kept_apart_are_dropped_whichever_way_round():
    pairs = _pairs((2, 1, 0.9), (1, 3, 0.9))
    kept = linking.without_blocked(pairs, {(1, 2)})
    assert list(kept["unique_id_r"]) == [3]
    assert linking.without_blocked(pairs, set()) is pairs


def test_groups_split_into_known_people_and_new_ones():
    to_known, groups = linking.split_groups({1: -100, 2: 7, 3: 7, 4: -200, 5: 8})
    assert to_known == {1: 100, 4: 200}
    assert groups == [[2, 3], [5]]


def test_a_link_is_as_sure_as_its_strongest_pair_within_the_person():
    strong = _pairs((1, 2, 0.95), (1, 3, 0.99), (4, 5, 0.97))
    person_of = {1: 10, 2: 10, 3: 10, 4: 11, 5: 12}  # 4 and 5 were kept apart
    probability = linking.link_probabilities(strong, {6: 0.4}, person_of=person_of, new={1, 2, 4, 6})
    assert probability == {1: 0.99, 2: 0.95, 6: 0.4}


def test_a_reviewer_is_asked_once_about_two_people_by_their_strongest_pair():
    pairs = _pairs((1, 3, 0.6), (2, 3, 0.8), (1, 2, 0.9), (4, 5, 0.5))
    person_of = {1: 10, 2: 10, 3: 11, 4: 12, 5: 13}
    strongest = linking.strongest_between_people(pairs, person_of=person_of)
    assert strongest == {(10, 11): (0.8, (2, 3)), (12, 13): (0.5, (4, 5))}
    joins = pd.DataFrame({"other": [8], "pair": [0.3]}, index=[9])
    assert linking.review_questions(strongest, joins, asked={(12, 13)}) == {(2, 3): 0.8, (8, 9): 0.3}
