"""Group records into people from their scored pairs, never joining records that contradict each other.

Connected components over the pairs above a threshold chain: one wrong pair joins two people, and
every pair of their records becomes a wrong link, so a lower threshold soon costs more precision than
it gains recall. Here pairs are taken strongest first, and a pair is refused when the two groups it
would join hold full dates of birth, or national identifiers of one kind, none of which agree
(equal, day and month transposed, or one keystroke apart): the model's "Different dates of birth" and
"Different identifier" levels, applied to groups rather than pairs. Records already linked stay with
their person, and two known people are never joined: that is a reviewer's decision.

Groups are labelled as :func:`group` returns them: a known person ``p`` as ``-p``, a group of new
records by its lowest record id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

# Linkage columns whose values must agree within a person (placeholder dates already blanked).
CHECKED = ("dob", "nhs_number", "pnc_id", "prison_number")
Profile = list[set[str]]  # the values a group holds, one set per CHECKED column


def one_keystroke(a: str, b: str) -> bool:
    """Equal, or one substitution, insertion, deletion or swap of neighbours apart (Damerau-Levenshtein <= 1)."""
    if a == b:
        return True
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        )
    if abs(len(a) - len(b)) != 1:
        return False
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def _transposed(dob: str) -> str:
    return f"{dob[:4]}-{dob[8:10]}-{dob[5:7]}"  # ISO date with day and month swapped


def agree(column: str, a: set[str], b: set[str]) -> bool:
    """Whether two sets of one checked column's values agree: either is empty, or some pair agrees."""
    if not a or not b:
        return True
    if column == "dob":
        return any(one_keystroke(x, y) or _transposed(x) == y for x in a for y in b)
    return any(one_keystroke(x, y) for x in a for y in b)


def profile(rows: Iterable[Mapping[str, Any]]) -> Profile:
    """The values that records (mappings with the :data:`CHECKED` columns) hold together."""
    rows = list(rows)
    return [{row[column] for row in rows if row[column]} for column in CHECKED]


def disagreements(a: Profile, b: Profile) -> list[str]:
    """The checked columns in which two groups both hold values and none of them agree."""
    return [column for column, x, y in zip(CHECKED, a, b, strict=True) if not agree(column, x, y)]


def _values(frame: pd.DataFrame, node: pd.Series) -> pd.DataFrame:
    """Long table (node, column, value) of the checked values of ``frame``'s records, by ``node``."""
    parts = []
    for column in CHECKED:
        present = frame[column].notna().to_numpy()
        parts.append(
            pd.DataFrame(
                {"node": node.to_numpy()[present], "column": column, "value": frame[column].to_numpy()[present]}
            )
        )
    return pd.concat(parts, ignore_index=True).drop_duplicates()


def _profiles(values: pd.DataFrame, nodes: Iterable[int]) -> dict[int, Profile]:
    """Each node's profile from the long table of :func:`_values` (empty for nodes without values)."""
    profiles: dict[int, Profile] = {node: [set() for _ in CHECKED] for node in nodes}
    index = {c: i for i, c in enumerate(CHECKED)}
    for node, column, value in zip(values["node"], values["column"], values["value"], strict=True):
        profiles[node][index[column]].add(value)
    return profiles


def group(
    frame: pd.DataFrame, pairs: pd.DataFrame, *, threshold: float, person_of: pd.Series | None = None
) -> pd.Series:
    """A group label for each new record of ``frame`` (one not in ``person_of``), from the pairs at or
    above ``threshold``, strongest first, skipping any that would join contradicting groups.

    ``frame`` holds ``unique_id`` and the :data:`CHECKED` columns of the new records and of the known
    records that the pairs reach (with every record of those records' people); ``person_of`` maps known
    record ids to their person. Components with nothing that could contradict are taken whole; only
    the others are grouped pair by pair.
    """
    person_of = person_of if person_of is not None else pd.Series(dtype="int64")
    ids = frame["unique_id"].to_numpy(dtype="int64")
    known = pd.Series(ids).isin(person_of.index).to_numpy()
    node_of = pd.Series(ids.copy(), index=ids)  # a copy: the values change, the index must not
    node_of[known] = -person_of.reindex(ids[known]).to_numpy(dtype="int64")
    strong = pairs[pairs["match_probability"] >= threshold]
    left = node_of.reindex(strong["unique_id_l"].to_numpy(dtype="int64")).to_numpy()
    right = node_of.reindex(strong["unique_id_r"].to_numpy(dtype="int64")).to_numpy()
    keep = ~np.isnan(left) & ~np.isnan(right) & (left != right)
    probability = strong["match_probability"].to_numpy()
    edges = pd.DataFrame({"a": left[keep].astype("int64"), "b": right[keep].astype("int64"), "p": probability[keep]})
    new_ids = ids[~known]
    ends = np.concatenate([edges["a"], edges["b"]])
    nodes = pd.Index(np.concatenate([new_ids, np.unique(ends[ends < 0])]))  # new records, then known people
    a, b = nodes.get_indexer(edges["a"]), nodes.get_indexer(edges["b"])
    graph = coo_matrix((np.ones(len(edges)), (a, b)), shape=(len(nodes), len(nodes)))
    component = pd.Series(connected_components(graph, directed=False)[1], index=nodes)

    # A component may contradict itself only if it holds two values of a column that disagree, or two
    # known people.
    touched = node_of[node_of.isin(nodes)]
    values = _values(frame.set_index("unique_id").loc[touched.index].reset_index(), touched)
    values["component"] = component.reindex(values["node"]).to_numpy()
    distinct = values.drop_duplicates(["component", "column", "value"])
    several = distinct[distinct.duplicated(["component", "column"], keep=False)]
    doubtful = {
        c
        for (c, column), held in several.groupby(["component", "column"])["value"].agg(list).items()
        if not all(agree(column, {x}, {y}) for x, y in combinations(held, 2))
    }
    people_per_component = pd.Series(nodes < 0, index=nodes).groupby(component.to_numpy()).sum()
    doubtful |= set(people_per_component[people_per_component > 1].index)

    root = pd.Series(nodes, index=nodes)
    whole = ~component.isin(doubtful).to_numpy()
    # Taken whole: every node joins its component's known person if any, else its lowest record.
    representative = pd.Series(nodes[whole], index=nodes[whole]).groupby(component[whole].to_numpy()).min()
    root[whole] = representative.reindex(component[whole].to_numpy()).to_numpy()
    if doubtful:
        root.update(_greedy(edges[component.reindex(edges["a"]).isin(doubtful).to_numpy()], values))
    labels = root.reindex(new_ids)
    return pd.Series(labels.to_numpy(dtype="int64"), index=new_ids)


def _greedy(edges: pd.DataFrame, values: pd.DataFrame) -> pd.Series:
    """Union the edges' nodes strongest pair first, refusing joins of contradicting groups: the root
    of each node (a known person's node if its group has one, else its lowest record)."""
    nodes = np.unique(np.concatenate([edges["a"], edges["b"]])).tolist()
    profiles = _profiles(values[values["node"].isin(nodes)], nodes)
    parent = {n: n for n in nodes}

    def find(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    ordered = edges.sort_values("p", ascending=False, kind="stable")
    for x, y in zip(ordered["a"].tolist(), ordered["b"].tolist(), strict=True):
        rx, ry = find(x), find(y)
        if rx == ry or (rx < 0 and ry < 0):
            continue
        if disagreements(profiles[rx], profiles[ry]):
            continue
        keep, other = min(rx, ry), max(rx, ry)  # a known person (negative) or the lowest record
        parent[other] = keep
        for mine, theirs in zip(profiles[keep], profiles.pop(other), strict=True):
            mine |= theirs
    return pd.Series({n: find(n) for n in parent})
