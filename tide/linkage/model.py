"""Tide's linkage model, declared in code: how two agency records are compared and blocked.

Only library comparison levels and plain SQL conditions that sqlglot can translate are used, so that
the same declaration runs on DuckDB and on Spark (see docs/how-to/run-linkage-on-spark.md). Trained
m and u values are carried separately (:func:`apply_trained_parameters`), never a backend's JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

MODEL_NAME = "tide-person-v3"
# The shipped starting parameters (``python -m tide.simulate.default_model`` re-estimates them).
DEFAULT_MODEL_PATH = Path(__file__).parent / "data" / "default_model.json"

# Thresholds on the match probability: at or above UPPER two records are linked automatically, unless
# their groups hold different dates of birth or identifiers (tide.linkage.grouping); between LOWER and
# UPPER a person decides in the review queue; below LOWER they stay apart. Meanwhile a record left
# alone joins the person it is, LOWER or more, most probably theirs (engine.likely_people), weighing
# every pair it has at EVIDENCE_FLOOR or above. Measured choices (bench/linkage_bench.py): on the
# synthetic 1,000,000-record area 0.99/0.80 gave cluster precision 0.997 and recall 0.930; 0.90/0.50
# gives 0.994 and 0.942, and 0.993 and 0.948 with records left alone joined by person (ADR 0013).
DEFAULT_UPPER = 0.90
DEFAULT_LOWER = 0.50
EVIDENCE_FLOOR = 0.01


def evidence_floor(lower: float) -> float:
    """The least probability at which a scored pair is kept, for a model reviewing from ``lower``."""
    return min(lower, EVIDENCE_FLOOR)


# Starting values for levels a data set may never show (training then keeps them): rare among
# different people, occasional among records of the same person. Data that show them re-estimate them.
_RARE: dict[str, Any] = {"m_probability": 0.01, "u_probability": 0.00001}


def _first_name() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_description="First name: exact, same after nicknames, sounds alike, close spelling",
        comparison_levels=[
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name", term_frequency_adjustments=True),
            cll.ArrayIntersectLevel("first_name_forms", 1).configure(label_for_charts="Same formal name (nickname)"),
            cll.ExactMatchLevel("first_name_sound").configure(label_for_charts="Sounds alike"),
            cll.CustomLevel('"first_name_l" = "surname_r"').configure(
                label_for_charts="Given and family names swapped", **_RARE
            ),
            cll.JaroWinklerLevel("first_name", 0.88),
            cll.DamerauLevenshteinLevel("first_name", 1).configure(label_for_charts="One keystroke apart"),
            cll.ElseLevel(),
        ],
    )


def _surname() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="surname",
        comparison_description="Surname: exact, sounds alike, close spelling",
        comparison_levels=[
            cll.NullLevel("surname"),
            cll.ExactMatchLevel("surname", term_frequency_adjustments=True),
            cll.ExactMatchLevel("surname_sound").configure(label_for_charts="Sounds alike"),
            cll.CustomLevel('"surname_l" = "first_name_r"').configure(
                label_for_charts="Given and family names swapped", **_RARE
            ),
            cll.JaroWinklerLevel("surname", 0.92),
            cll.JaroWinklerLevel("surname", 0.80),
            cll.ElseLevel(),
        ],
    )


# Initials count only where a side lacks a first name or surname: otherwise the names say it already.
_NAMED_BOTH_SIDES = " AND ".join(f'"{c}_{side}" IS NOT NULL' for c in ("first_name", "surname") for side in "lr")


def _initials() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="initials",
        comparison_description="Initials, where one record holds initials rather than names",
        comparison_levels=[
            cll.CustomLevel(
                f'"initials_l" IS NULL OR "initials_r" IS NULL OR ({_NAMED_BOTH_SIDES})',
                label_for_charts="No initials to compare, or full names on both",
            ).configure(is_null_level=True),
            cll.ExactMatchLevel("initials"),
            cll.ElseLevel(),
        ],
    )


# How often a year-only birth (an outreach worker's estimate of age, or a stated year) is the same
# year as the person's real one, within 2 years, within 5, or further out: a declared assumption,
# as linkage data cannot show it (see engine._year_only_levels). Change it where an area knows better.
YEAR_ONLY_ACCURACY = (0.25, 0.35, 0.30, 0.10)


def _birth() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="birth",
        comparison_description="Date of birth (placeholders blanked) or stated birth year",
        comparison_levels=[
            cll.And(cll.NullLevel("dob"), cll.NullLevel("birth_year")).configure(is_null_level=True),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel('"dob_l" = "dob_swapped_r"').configure(
                label_for_charts="Day and month transposed", **_RARE
            ),
            cll.DamerauLevenshteinLevel("dob", 1),
            # Two full dates that differ are evidence against; the year levels below are for records
            # where one side has only a stated birth year or an estimated age (outreach).
            cll.CustomLevel('"dob_l" IS NOT NULL AND "dob_r" IS NOT NULL', label_for_charts="Different dates of birth"),
            cll.ExactMatchLevel("birth_year").configure(label_for_charts="Year only: same birth year"),
            cll.AbsoluteDifferenceLevel("birth_year", 2).configure(label_for_charts="Year only: within 2 years"),
            cll.AbsoluteDifferenceLevel("birth_year", 5).configure(label_for_charts="Year only: within 5 years"),
            cll.ElseLevel(),
        ],
    )


def _postcode() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_description="Home postcode: exact, same district",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode"),
            cll.DamerauLevenshteinLevel("postcode", 1).configure(label_for_charts="One character different"),
            cll.ExactMatchLevel("postcode_district").configure(label_for_charts="Same district"),
            cll.ElseLevel(),
        ],
    )


# How often two records of the same person hold different identifiers (a mis-keyed or borrowed NHS
# number or PNC ID): declared, not estimated, as EM would drive it to 0 and make a mismatch a veto.
DIFFERENT_IDENTIFIER_M = 0.005


def _identifier() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="identifier",
        comparison_description="NHS number, PNC ID or prison number where both records hold one",
        comparison_levels=[
            cll.And(cll.NullLevel("nhs_number"), cll.NullLevel("pnc_id"), cll.NullLevel("prison_number")).configure(
                is_null_level=True
            ),
            cll.Or(
                cll.ExactMatchLevel("nhs_number"), cll.ExactMatchLevel("pnc_id"), cll.ExactMatchLevel("prison_number")
            ).configure(label_for_charts="Same national identifier"),
            cll.Or(
                cll.DamerauLevenshteinLevel("nhs_number", 1),
                cll.DamerauLevenshteinLevel("pnc_id", 1),
                cll.DamerauLevenshteinLevel("prison_number", 1),
            ).configure(label_for_charts="Identifier one keystroke apart", **_RARE),
            cll.ElseLevel().configure(
                label_for_charts="Different identifier", m_probability=DIFFERENT_IDENTIFIER_M, fix_m_probability=True
            ),
        ],
    )


# Each rule pairs records that agree on a date of birth or an identifier and on something else, or on
# full names and something else, so that the number of pairs grows with the area, not its square
# (1,000,000 records: about 13 million pairs; blocking recall is printed by bench/linkage_bench.py).
BLOCKING_RULES: list[Any] = [
    block_on("nhs_number"),
    block_on("pnc_id"),
    block_on("prison_number"),
    block_on("dob", "surname_sound"),
    block_on("dob", "first_name_sound"),
    block_on("dob", "postcode_district"),
    block_on("dob", "initials"),
    "l.dob = r.dob_swapped and l.surname_sound = r.surname_sound",
    "l.dob = r.dob_swapped and l.first_name_sound = r.first_name_sound",
    "l.dob = r.dob_swapped and l.initials = r.initials",
    block_on("first_name_canon", "surname", "birth_year"),
    "l.first_name_canon = r.first_name_canon and l.surname = r.surname and (l.dob is null or r.dob is null)",
    block_on("first_name_sound", "surname_sound", "birth_year"),
    block_on("postcode", "first_name_sound"),
    block_on("postcode", "surname_sound"),
    block_on("postcode", "initials"),
]

# Rules believed to catch most true matches with almost no false ones: used to estimate the prior.
DETERMINISTIC_RULES: list[Any] = [
    block_on("nhs_number"),
    block_on("pnc_id"),
    block_on("first_name", "surname", "dob"),
]


def settings(*, link_type: Any = "dedupe_only") -> SettingsCreator:
    """The declared model (untrained)."""
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=[_first_name(), _surname(), _initials(), _birth(), _postcode(), _identifier()],
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=True,
        additional_columns_to_retain=[],
    )


def comparison_parameters(trained: dict[str, Any]) -> list[dict[str, Any]]:
    """The trained m and u value of every comparison level, by comparison name and level position."""
    result = []
    for comparison in trained.get("comparisons", []):
        levels = []
        for level in comparison.get("comparison_levels", []):
            levels.append(
                {
                    "label": level.get("label_for_charts", ""),
                    "null": bool(level.get("is_null_level")),
                    "m": level.get("m_probability"),
                    "u": level.get("u_probability"),
                }
            )
        result.append({"name": comparison.get("output_column_name", ""), "levels": levels})
    return result


def apply_trained_parameters(settings_dict: dict[str, Any], trained: dict[str, Any]) -> dict[str, Any]:
    """Copy trained m/u values and the prior onto a freshly declared (backend-specific) settings dict."""
    by_name = {c["output_column_name"]: c for c in trained.get("comparisons", [])}
    for comparison in settings_dict["comparisons"]:
        source = by_name.get(comparison["output_column_name"])
        if source is None:
            continue
        for target_level, source_level in zip(
            comparison["comparison_levels"], source["comparison_levels"], strict=True
        ):
            for key in ("m_probability", "u_probability"):
                if key in source_level:
                    target_level[key] = source_level[key]
    if "probability_two_random_records_match" in trained:
        settings_dict["probability_two_random_records_match"] = trained["probability_two_random_records_match"]
    return settings_dict
