"""The pure steps of linking new records (no Django, no database), which ``services.records_link`` runs
in order: keep the pairs that count, turn the grouping's labels into people, say how sure each link is
and choose what a reviewer is asked. Record and person ids are plain ints; pairs are ``(low, high)``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping

import pandas as pd


def ordered_pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def pairs_between(pairs: pd.DataFrame, *, new: Collection[int], known: Collection[int], floor: float) -> pd.DataFrame:
    """Of pairs scored elsewhere (on Spark), those that count for these new records: between two of
    them, or between one of them and a known (linked) record, at or above the evidence floor."""
    new_ids, known_ids = list(new), list(known)
    left, right = pairs["unique_id_l"], pairs["unique_id_r"]
    ours = (left.isin(new_ids) & (right.isin(new_ids) | right.isin(known_ids))) | (
        right.isin(new_ids) & left.isin(known_ids)
    )
    return pairs.loc[ours & (pairs["match_probability"] >= floor), ["unique_id_l", "unique_id_r", "match_probability"]]


def without_blocked(pairs: pd.DataFrame, blocked: Collection[tuple[int, int]]) -> pd.DataFrame:
    """The pairs but those a person decided are not the same person."""
    if not blocked or pairs.empty:
        return pairs
    keep = [
        ordered_pair(int(a), int(b)) not in blocked
        for a, b in zip(pairs["unique_id_l"], pairs["unique_id_r"], strict=True)
    ]
    return pairs[keep]


def split_groups(label_of: Mapping[int, int]) -> tuple[dict[int, int], list[list[int]]]:
    """The grouping's labels (a known person's is minus their id) as: new record → known person, and
    the groups of new records that make new people, in the order first seen."""
    components: dict[int, list[int]] = defaultdict(list)
    for record_id, label in label_of.items():
        components[int(label)].append(int(record_id))
    to_known: dict[int, int] = {}
    groups: list[list[int]] = []
    for label, members in components.items():
        if label < 0:
            to_known.update(dict.fromkeys(members, -label))
        else:
            groups.append(members)
    return to_known, groups


def link_probabilities(
    strong: pd.DataFrame, best: Mapping[int, float], *, person_of: Mapping[int, int], new: Collection[int]
) -> dict[int, float]:
    """Each new record's probability of being its person's: its strongest pair that the grouping
    linked, or, for a record left alone that joined its likeliest person, that pair's (``best``)."""
    probability_of: dict[int, float] = {}
    for a, b, p in zip(strong["unique_id_l"], strong["unique_id_r"], strong["match_probability"], strict=True):
        a, b = int(a), int(b)
        if person_of.get(a) != person_of.get(b) or a in best or b in best:
            continue  # refused: the records are apart, or one was left alone and joined its person later
        for record_id in (a, b):
            if record_id in new:
                probability_of[record_id] = max(probability_of.get(record_id, 0.0), float(p))
    return probability_of | dict(best)


def strongest_between_people(
    pairs: pd.DataFrame, *, person_of: Mapping[int, int]
) -> dict[tuple[int, int], tuple[float, tuple[int, int]]]:
    """For each two people that some pair (already cut to the uncertain band and above) puts apart, their
    strongest pair of records: (probability, record pair)."""
    strongest: dict[tuple[int, int], tuple[float, tuple[int, int]]] = {}
    for a, b, p in zip(pairs["unique_id_l"], pairs["unique_id_r"], pairs["match_probability"], strict=True):
        x, y = person_of.get(int(a)), person_of.get(int(b))
        if x is None or y is None or x == y:
            continue
        key = ordered_pair(x, y)
        if key not in strongest or p > strongest[key][0]:
            strongest[key] = (float(p), ordered_pair(int(a), int(b)))
    return strongest


def review_questions(
    strongest: Mapping[tuple[int, int], tuple[float, tuple[int, int]]],
    joins: pd.DataFrame,
    *,
    asked: Collection[tuple[int, int]] = (),
) -> dict[tuple[int, int], float]:
    """The record pairs to put to a reviewer, with their probability: one for each two people not asked
    about already, and each record left alone that joined its likeliest person (``joins``), by its pair
    with them."""
    candidates = {records: p for people, (p, records) in strongest.items() if people not in asked}
    for record_id, other, p in zip(joins.index, joins["other"], joins["pair"], strict=True):
        candidates[ordered_pair(int(record_id), int(other))] = float(p)
    return candidates
