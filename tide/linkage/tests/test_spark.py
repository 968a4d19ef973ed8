"""The same model on Spark (pyspark local mode) gives the same pairs as on DuckDB.

Locally the Spark tests are skipped without pyspark or Java; in CI (``CI=true``) they fail instead,
so that they are never skipped there unnoticed (.ci/run installs both).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator

from tide.linkage import engine, model
from tide.linkage.model import DEFAULT_MODEL_PATH
from tide.linkage.normalise import linkage_row

TODAY = dt.date(2026, 11, 23)

# Each hand-written level and blocking rule of the model holds for at least one pair.
PEOPLE = [
    {
        "given_name": "Daniel",
        "family_name": "Okafor",
        "date_of_birth": "1984-06-12",
        "postcode": "TX1 2AB",
        "nhs_number": "9434765919",
    },
    {"given_name": "Danny", "family_name": "Okafor", "date_of_birth": "1984-06-12", "postcode": "TX1 2AB"},
    {"given_name": "Bernadette", "family_name": "Holloway", "date_of_birth": "1979-11-03", "postcode": "TX4 9QT"},
    {"given_name": "Bernadette", "family_name": "Holloway", "date_of_birth": "1979-12-03"},
    {"given_name": "Grace", "family_name": "Nkemelu", "date_of_birth": "1995-07-30", "postcode": "TX3 1FF"},
    # Given and family names swapped.
    {"given_name": "Nkemelu", "family_name": "Grace", "date_of_birth": "1995-07-30", "postcode": "TX3 1FF"},
    {"given_name": "Priya", "family_name": "Sharma", "date_of_birth": "1990-03-07", "postcode": "TX2 5PL"},
    # Day and month transposed (and blocked by l.dob = r.dob_swapped).
    {"given_name": "Priya", "family_name": "Sharma", "date_of_birth": "1990-07-03"},
    # Birth years only: the same, and within 2.
    {"given_name": "Tomasz", "family_name": "Nowak", "birth_year": 1971, "postcode": "TX5 1AA"},
    {"given_name": "Tomasz", "family_name": "Nowak", "birth_year": 1973, "postcode": "TX5 1AA"},
    {"given_name": "Tomasz", "family_name": "Nowak", "estimated_age": 55},
    # Initials, date of birth and postcode only (a drug and alcohol service).
    {"initials": "PS", "date_of_birth": "1990-03-07", "postcode": "TX2 5PL"},
]


def _java_present() -> bool:
    java_home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java")) or bool(java_home and (Path(java_home) / "bin" / "java").exists())


@pytest.fixture(scope="module")
def spark():
    missing = [
        name
        for name, present in (("pyspark", importlib.util.find_spec("pyspark") is not None), ("java", _java_present()))
        if not present
    ]
    if missing:
        message = f"the Spark tests need {' and '.join(missing)}"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"{message}: CI must run them (see .ci/run)")
        pytest.skip(message)
    from tide.linkage.spark import spark_session

    with pytest.MonkeyPatch.context() as env:
        # A JVM that compiles quickly rather than well, and no code generation: this data is tiny.
        env.setenv("PYSPARK_SUBMIT_ARGS", "--driver-java-options -XX:TieredStopAtLevel=1 pyspark-shell")
        session = spark_session(master="local[1]", shuffle_partitions=1)
    session.conf.set("spark.sql.codegen.wholeStage", "false")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    return pd.DataFrame([linkage_row(i + 1, p, today=TODAY) for i, p in enumerate(PEOPLE)])


@pytest.fixture(scope="module")
def trained() -> dict[str, Any]:
    return json.loads(DEFAULT_MODEL_PATH.read_text())["trained"]


def _sorted(pairs: pd.DataFrame) -> pd.DataFrame:
    return pairs.sort_values(["unique_id_l", "unique_id_r"]).reset_index(drop=True)


def _assert_same_pairs(on_spark: pd.DataFrame, on_duckdb: pd.DataFrame) -> None:
    on_spark, on_duckdb = _sorted(on_spark), _sorted(on_duckdb)
    assert list(zip(on_spark["unique_id_l"], on_spark["unique_id_r"], strict=True)) == list(
        zip(on_duckdb["unique_id_l"], on_duckdb["unique_id_r"], strict=True)
    )
    assert list(on_spark["match_probability"]) == pytest.approx(list(on_duckdb["match_probability"]), abs=1e-6)
    # Weights too: they tell apart pairs whose probabilities are both nearly 0 (names swapped).
    assert list(on_spark["match_weight"]) == pytest.approx(list(on_duckdb["match_weight"]), abs=1e-6)


def _with_term_frequencies(columns: set[str]) -> SettingsCreator:
    """The model with term-frequency adjustments on the exact-match levels of ``columns``."""
    declared = model.settings()
    for comparison in declared.comparisons:
        assert isinstance(comparison, cl.CustomComparison)
        for level in comparison.create_comparison_levels():
            if isinstance(level, cll.ExactMatchLevel) and level.col_expression.raw_sql_expression in columns:
                level.term_frequency_adjustments = True
    return declared


def test_model_sql_is_translated_for_spark(trained):
    from tide.linkage.spark import spark_settings

    settings = spark_settings(trained)
    levels = [
        level["sql_condition"] for comparison in settings["comparisons"] for level in comparison["comparison_levels"]
    ]
    assert "ABS(`birth_year_l` - `birth_year_r`) <= 2" in levels
    assert "`dob_l` = `dob_swapped_r`" in levels
    assert "`first_name_l` = `surname_r`" in levels
    assert "`surname_l` = `first_name_r`" in levels
    rules = [rule["blocking_rule"] for rule in settings["blocking_rules_to_generate_predictions"]]
    assert "l.dob = r.dob_swapped AND l.surname_sound = r.surname_sound" in rules
    assert "l.dob = r.dob_swapped AND l.initials = r.initials" in rules


def test_untranslatable_sql_is_refused(trained):
    from tide.linkage.spark import spark_settings

    declared = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            {
                "output_column_name": "birth",
                "comparison_levels": [
                    {"sql_condition": '"birth_year_l" IS NULL OR "birth_year_r" IS NULL', "is_null_level": True},
                    {"sql_condition": 'abs("birth_year_l" - "birth_year_r") <= 2'},
                    {"sql_condition": "ELSE"},
                ],
            }
        ],
    )
    with pytest.raises(ValueError, match="string literals"):
        spark_settings({}, declared=declared)


@pytest.mark.slow
def test_spark_backend_scores_pairs_like_duckdb(spark, records, trained):
    from tide.linkage.spark import predict_all_spark

    on_duckdb = engine.predict_all(records, trained, threshold=0.0)
    on_spark = predict_all_spark(spark, records, trained, threshold=0.0)
    _assert_same_pairs(on_spark, on_duckdb)
    strong = _sorted(on_spark[on_spark["match_probability"] >= 0.5])
    # Term frequencies here come from these twelve records, so only the clearest pairs are asserted.
    assert {(1, 2), (7, 8), (7, 12), (9, 10)} <= set(zip(strong["unique_id_l"], strong["unique_id_r"], strict=True))


@pytest.mark.slow
def test_spark_backend_applies_term_frequency_adjustments_like_duckdb(spark, records, trained):
    from tide.linkage.spark import predict_all_spark

    declared = _with_term_frequencies({"first_name", "surname", "birth_year"})
    on_duckdb = engine.predict_all(
        records,
        model.apply_trained_parameters(declared.get_settings("duckdb").as_dict(), trained),
        threshold=0.0,
    )
    without = engine.predict_all(records, trained, threshold=0.0)
    assert not _sorted(on_duckdb)["match_weight"].equals(_sorted(without)["match_weight"])  # adjustments matter
    on_spark = predict_all_spark(spark, records, trained, threshold=0.0, declared=declared)
    _assert_same_pairs(on_spark, on_duckdb)
