"""Run Tide's linkage model on DuckDB: train, score pairs (all, or new against known), cluster, search.

Works on pandas frames of the columns in :data:`tide.linkage.normalise.COLUMNS`; knows nothing of
Django. Results are fully fetched before the next query (DuckDB 2 requires it).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from splink import DuckDBAPI, Linker
from splink.internals.exceptions import SplinkException

from tide.linkage import grouping, model
from tide.linkage.normalise import COLUMNS

# DuckDB spills to disk beyond this, so that linking a whole area stays within a modest server.
MEMORY_LIMIT = "2GB"
PAIR_COLUMNS = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]


def placeholder_dobs(dobs: pd.Series, *, factor: float = 8.0, floor: int = 20) -> set[str]:
    """Dates of birth shared by implausibly many records: system defaults, not birthdays.

    A date is a placeholder when it occurs more than ``factor`` times as often as the average date
    (and more than ``floor`` times). Such dates join strangers, so they are blanked before linkage.
    """
    counts = dobs.dropna().value_counts()
    if counts.empty:
        return set()
    limit = max(floor, factor * float(counts.mean()))
    return set(counts[counts > limit].index)


def blank_placeholders(df: pd.DataFrame, placeholders: set[str]) -> pd.DataFrame:
    if not placeholders:
        return df
    hit = df["dob"].isin(placeholders)
    if not hit.any():
        return df
    df = df.copy()
    df.loc[hit, ["dob", "dob_swapped"]] = None
    return df


def typed(df: pd.DataFrame) -> pd.DataFrame:
    """The linkage columns with fixed dtypes, so that frames concatenate and register predictably."""
    out = df.loc[:, list(COLUMNS)].copy()
    for column in COLUMNS:
        if column not in ("unique_id", "birth_year"):
            out[column] = out[column].astype("object")
    out["unique_id"] = out["unique_id"].astype("int64")
    out["birth_year"] = pd.to_numeric(out["birth_year"], errors="coerce").astype("Int64")
    return out


_frame = typed


def _api() -> DuckDBAPI:
    con = duckdb.connect(":memory:")
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    return DuckDBAPI(connection=con)


# Columns whose exact-match weight depends on how common the value is (model.py's TF levels).
TF_COLUMNS = ("first_name", "surname")
TermFrequencies = dict[str, dict[str, float]]


def term_frequencies(frame: pd.DataFrame) -> TermFrequencies:
    """How common each first name and surname is among ``frame``'s records (a share of those with one)."""
    return {c: {str(k): float(v) for k, v in frame[c].value_counts(normalize=True).items()} for c in TF_COLUMNS}


def _linker(
    api: DuckDBAPI,
    frames: list[pd.DataFrame],
    settings: Any,
    names: list[str],
    *,
    validate: bool = False,
    tf: TermFrequencies | None = None,
) -> tuple[Linker, list[Any]]:
    """A linker over ``frames``. Term frequencies come from ``tf`` (the population) when given;
    otherwise Splink counts them in the frames themselves, which is right only for a whole population."""
    typed_frames = [_frame(f) for f in frames]
    sdfs = [api.register(f, dataset_display_name=n) for f, n in zip(typed_frames, names, strict=True)]
    # Settings are validated when the model is trained; a trained model is not re-validated per batch.
    linker = Linker(
        sdfs[0] if len(sdfs) == 1 else sdfs, settings, log_level=logging.WARNING, validate_settings=validate
    )
    if tf is not None:
        for column in TF_COLUMNS:
            known = tf.get(column, {})
            rare = min(known.values(), default=1.0)  # a value the population has not shown: as rare as the rarest
            values = pd.unique(pd.concat([f[column] for f in typed_frames]).dropna())
            lookup = pd.DataFrame({column: values, f"tf_{column}": [known.get(v, rare) for v in values]})
            table = api.register(lookup, dataset_display_name=f"tf_{column}_lookup")
            linker.table_management.register_term_frequency_lookup(table, column)
    return linker, sdfs


def _scoring(settings: dict[str, Any]) -> dict[str, Any]:
    """Settings for scoring: pairs carry ids and scores only (the records' columns would multiply the
    size of a million-record result several times over)."""
    return {**settings, "retain_matching_columns": False, "retain_intermediate_calculation_columns": False}


def _pairs(sdf: Any) -> pd.DataFrame:
    """The pairs' ids and scores, fetched without the rest of the prediction's columns."""
    df = sdf.as_duckdbpyrelation().select(*PAIR_COLUMNS).df()
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in PAIR_COLUMNS})
    return df


EM_SAMPLE = 200_000


def train(df: pd.DataFrame, *, seed: int = 42, max_pairs: float = 2e6) -> dict[str, Any]:
    """Estimate the prior and u from all the records; m by EM on two blockings of a sample of them.

    The prior and u depend on how many records there are, so they use all of them; m (how records
    of the same person differ) does not, so EM runs on at most :data:`EM_SAMPLE` records.
    """
    api = _api()
    linker, _ = _linker(api, [df], model.settings(), ["records"], validate=True)
    linker.training.estimate_probability_two_random_records_match(model.DETERMINISTIC_RULES, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    trained = dict(linker.misc.save_model_to_json())
    sample = df.sample(n=EM_SAMPLE, random_state=seed) if len(df) > EM_SAMPLE else df
    em, _ = _linker(_api(), [sample], copy.deepcopy(trained), ["sample"])
    for rule in ("l.dob = r.dob", "l.surname = r.surname and l.first_name_canon = r.first_name_canon"):
        em.training.estimate_parameters_using_expectation_maximisation(rule)
    learnt = _floored(dict(em.misc.save_model_to_json()))
    learnt["probability_two_random_records_match"] = trained["probability_two_random_records_match"]
    return _floored(_year_only_levels(learnt))


def _floored(trained: dict[str, Any], floor: float = 1e-12) -> dict[str, Any]:
    """Raise m and u values that EM drove towards zero to a floor, so they stay representable.

    A level a data set never shows among matches can reach 1e-306 after EM, which Splink refuses.
    """
    for comparison in trained.get("comparisons", []):
        for level in comparison.get("comparison_levels", []):
            for key in ("m_probability", "u_probability"):
                if isinstance(level.get(key), float) and level[key] < floor:
                    level[key] = floor
    return trained


def _year_only_levels(trained: dict[str, Any]) -> dict[str, Any]:
    """Set m for the birth comparison's year-only levels from :data:`model.YEAR_ONLY_ACCURACY`.

    That accuracy is declared, not estimated: a record with only an estimated age (outreach) holds
    nothing else that varies once names agree, so EM cannot tell a wrong estimate from a namesake
    (on 1,000,000 records it drove "within 2 years" to -9 bits). m is the declared accuracy scaled
    by the share of pairs that are year-only (the sum of those levels' u values), so that m and u
    stay on the same footing.
    """
    birth = next(c for c in trained["comparisons"] if c["output_column_name"] == "birth")
    levels = birth["comparison_levels"]
    year_only = [i for i, level in enumerate(levels) if level.get("label_for_charts", "").startswith("Year only")]
    year_only.append(len(levels) - 1)  # the else level: year-only pairs more than five years apart
    u = [levels[i].get("u_probability") for i in year_only]
    if any(value is None for value in u):
        return trained
    share = sum(u)
    for i, accuracy in zip(year_only, model.YEAR_ONLY_ACCURACY, strict=True):
        levels[i]["m_probability"] = max(share * accuracy, 1e-9)
    return trained


def predict_all(
    df: pd.DataFrame, trained: dict[str, Any], *, threshold: float, tf: TermFrequencies | None = None
) -> pd.DataFrame:
    """Every blocked pair within ``df`` scoring at least ``threshold``."""
    api = _api()
    linker, _ = _linker(api, [df], _scoring(trained), ["records"], tf=tf)
    return _pairs(linker.inference.predict(threshold_match_probability=threshold))


def predict_new(
    new: pd.DataFrame,
    known: pd.DataFrame,
    trained: dict[str, Any],
    *,
    threshold: float,
    tf: TermFrequencies | None = None,
) -> pd.DataFrame:
    """Pairs among the new records and between new and known records; never among known ones.

    Term frequencies are ``tf`` when given (those of the population the model was trained on), else
    those of all the records, known and new, in both steps.
    """
    if new.empty:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    if tf is None:
        tf = term_frequencies(pd.concat([known[list(TF_COLUMNS)], new[list(TF_COLUMNS)]]))
    parts = [predict_all(new, trained, threshold=threshold, tf=tf)] if len(new) > 1 else []
    if not known.empty:
        api = _api()
        settings = _scoring({**trained, "link_type": "link_only"})
        linker, _ = _linker(api, [new, known], settings, ["new", "known"], tf=tf)
        parts.append(_pairs(linker.inference.predict(threshold_match_probability=threshold)))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in PAIR_COLUMNS})
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)


def score_candidates(
    query: pd.DataFrame, candidates: pd.DataFrame, trained: dict[str, Any], *, tf: TermFrequencies
) -> pd.DataFrame:
    """Score one query record against a few candidate records (every pair, no blocking).

    ``tf`` are the population's term frequencies (kept with the model version).
    """
    if candidates.empty:
        return pd.DataFrame(columns=PAIR_COLUMNS)
    api = _api()
    settings = _scoring(
        {**trained, "link_type": "link_only", "blocking_rules_to_generate_predictions": [{"blocking_rule": "1=1"}]}
    )
    linker, _ = _linker(api, [query, candidates], settings, ["query", "candidates"], tf=tf)
    return _pairs(linker.inference.predict())


# What scoring raises when a model does not fit the records (Splink 5 exports no exception type).
SCORING_ERRORS: tuple[type[Exception], ...] = (duckdb.Error, SplinkException, KeyError, ValueError)


@dataclass(frozen=True)
class Evidence:
    comparison: str  # the comparison's output column name, e.g. "first_name"
    level: str | None  # what it found: the level's label; None where the comparison had nothing to compare
    bits: float  # match weight added, term frequency adjustment included


@dataclass(frozen=True)
class Explanation:
    prior_bits: float  # how rarely two random records are the same person, as a match weight
    evidence: list[Evidence]
    match_weight: float
    match_probability: float


def explain(a: pd.DataFrame, b: pd.DataFrame, trained: dict[str, Any], *, tf: TermFrequencies) -> Explanation:
    """Why the model scores two records (one-row frames) as it does: what each comparison found and the
    evidence it added, in bits (+1 doubles the odds that they are the same person, -1 halves them)."""
    api = _api()
    settings = {
        **trained,
        "link_type": "link_only",
        "blocking_rules_to_generate_predictions": [{"blocking_rule": "1=1"}],
        "retain_intermediate_calculation_columns": True,
        "retain_matching_columns": True,
    }
    linker, _ = _linker(api, [a, b], settings, ["a", "b"], tf=tf)
    row = linker.inference.predict().as_pandas_dataframe().iloc[0]
    evidence = []
    for comparison in trained["comparisons"]:
        name = comparison["output_column_name"]
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        gamma = int(row[f"gamma_{name}"])
        tf_columns = {level["tf_adjustment_column"] for level in levels if level.get("tf_adjustment_column")}
        bits = float(row[f"mw_{name}"]) + sum(float(row[f"mw_tf_adj_{c}"]) for c in tf_columns)
        # Comparison vector values count down from the first non-null level to 0 for the else level.
        label = None if gamma < 0 else levels[len(levels) - 1 - gamma].get("label_for_charts", "")
        evidence.append(Evidence(comparison=name, level=label, bits=bits))
    prior = float(trained["probability_two_random_records_match"])
    return Explanation(
        prior_bits=float(np.log2(prior / (1 - prior))),
        evidence=evidence,
        match_weight=float(row["match_weight"]),
        match_probability=float(row["match_probability"]),
    )


def likely_people(
    pairs: pd.DataFrame, alone: Collection[int], group_of: pd.Series, *, threshold: float
) -> pd.DataFrame:
    """Records left on their own that most probably belong to one person: indexed by record id, the
    ``group`` each joins, the ``probability`` that it is theirs, and its best pair in that group (the
    ``other`` record and that pair's probability, ``pair``).

    A pair's probability weighs it against every pair in the area, but a person with several records
    gives a record several chances to be theirs: the odds that a record is a person's are the sum of
    the odds that it is each of their records. Set against every other person it pairs with, and
    against being somebody not seen yet (odds of 1), that is the probability that it is theirs; at
    ``threshold`` or above it joins them. A record may join another record left alone, unless that
    one joins somebody else; two that choose each other join the one with the lower id. ``group_of``
    maps every record in ``pairs`` to its group (an alone record's group is its own id).
    """
    left = pairs["unique_id_l"].to_numpy(dtype="int64")
    right = pairs["unique_id_r"].to_numpy(dtype="int64")
    probability = pairs["match_probability"].to_numpy(dtype="float64")
    ends = pd.DataFrame(
        {
            "record": np.concatenate([left, right]),
            "other": np.concatenate([right, left]),
            "pair": np.concatenate([probability, probability]),
        }
    )
    ends = ends[ends["record"].isin(alone)]
    if ends.empty:
        return pd.DataFrame(
            {"group": [], "probability": [], "other": [], "pair": []}, index=pd.Index([], name="record")
        )
    ends["group"] = group_of.reindex(ends["other"]).to_numpy(dtype="int64")
    finite = ends["pair"].clip(upper=1 - 1e-12)  # a probability of 1 would be infinite odds
    ends["odds"] = finite / (1 - finite)
    by_person = ends.groupby(["record", "group"], sort=False)["odds"].sum().reset_index()
    by_person["probability"] = by_person["odds"] / (1 + by_person.groupby("record")["odds"].transform("sum"))
    best = by_person.sort_values("probability", ascending=False, kind="stable").drop_duplicates("record")
    best = best[best["probability"] >= threshold]
    # A record joins another record left alone only if that one stays put; two that choose each
    # other join the lower id.
    choice = dict(zip(best["record"], best["group"], strict=True))
    mutual = [choice.get(g) == r and g > r for r, g in zip(best["record"], best["group"], strict=True)]
    best = best[~np.array(mutual, dtype=bool)]
    moving = best["record"]
    best = best[~(best["group"].isin(alone) & best["group"].isin(moving)).to_numpy()].set_index("record")
    strongest = ends.sort_values("pair", ascending=False, kind="stable").drop_duplicates(["record", "group"])
    strongest = strongest.set_index(["record", "group"]).reindex(list(zip(best.index, best["group"], strict=True)))
    best["other"] = strongest["other"].to_numpy(dtype="int64")
    best["pair"] = strongest["pair"].to_numpy()
    return best[["group", "probability", "other", "pair"]]


def people(
    frame: pd.DataFrame, pairs: pd.DataFrame, *, upper: float, lower: float, person_of: pd.Series | None = None
) -> tuple[pd.Series, pd.DataFrame]:
    """A person label for each new record of ``frame`` (one not in ``person_of``, which maps known records
    to their person), and the joins of records left alone (:func:`likely_people`' frame).

    Groups of pairs at or above ``upper`` that do not contradict each other come first
    (:func:`tide.linkage.grouping.group`: a known person ``p`` is labelled ``-p``); then each new record
    left alone joins the person it is, at ``lower`` or above, most probably theirs.
    """
    person_of = person_of if person_of is not None else pd.Series(dtype="int64")
    labels = grouping.group(frame, pairs, threshold=upper, person_of=person_of)
    sizes = labels.map(labels.value_counts()).to_numpy()
    alone = labels.index[(labels.to_numpy() >= 0) & (sizes == 1)]
    joins = likely_people(pairs, alone, pd.concat([labels, -person_of]), threshold=lower)
    labels.loc[joins.index] = joins["group"].to_numpy()
    return labels, joins


def blocking_recall(df: pd.DataFrame, trained: dict[str, Any], truth: np.ndarray) -> float:
    """Share of true pairs (records with the same ``truth`` label) that the blocking rules compare.

    ``truth[i]`` labels the record whose ``unique_id`` is ``i + 1``. Counted inside DuckDB, so the
    blocked pairs never come into Python.
    """
    api = _api()
    linker, _ = _linker(api, [df], trained, ["records"])
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    labels = pd.DataFrame(
        {"unique_id": np.arange(1, len(truth) + 1, dtype="int64"), "label": pd.Series(truth).astype(str)}
    )
    con = api._con
    con.register("tide_truth", labels)
    found = con.execute(
        f"""
        select count(*) from (
          select distinct least(b.join_key_l, b.join_key_r) l, greatest(b.join_key_l, b.join_key_r) r
          from {blocked.physical_name} b
          join tide_truth tl on tl.unique_id = cast(b.join_key_l as bigint)
          join tide_truth tr on tr.unique_id = cast(b.join_key_r as bigint)
          where tl.label = tr.label
        )
        """  # noqa: S608 - the table name comes from Splink, not from input
    ).fetchone()
    counts = labels["label"].value_counts().to_numpy(dtype="int64")
    actual = int((counts * (counts - 1) // 2).sum())
    return float(found[0]) / actual if actual and found else 1.0
