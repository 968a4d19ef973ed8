"""The same model on Spark (pyspark local mode) gives the same pairs as on DuckDB."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from tide.linkage import engine
from tide.linkage.normalise import linkage_row
from tide.linkage.services import DEFAULT_MODEL_PATH

pytestmark = [
    pytest.mark.slow,
    pytest.mark.xfail(
        strict=True,
        reason="Known gap: Spark resolves the 'birth years within 2' level's arithmetic on a string column "
        "(DATATYPE_MISMATCH); see docs/how-to/run-linkage-on-spark.md",
    ),
]
TODAY = dt.date(2026, 11, 23)


def test_spark_backend_scores_pairs_like_duckdb():
    pytest.importorskip("pyspark")
    from tide.linkage.spark import predict_all_spark, spark_session

    people = [
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
    ]
    df = pd.DataFrame([linkage_row(i + 1, p, today=TODAY) for i, p in enumerate(people)])
    trained = json.loads(DEFAULT_MODEL_PATH.read_text())["trained"]
    on_duckdb = engine.predict_all(df, trained, threshold=0.5).sort_values(["unique_id_l", "unique_id_r"])
    spark = spark_session(master="local[1]")
    try:
        on_spark = predict_all_spark(spark, df, trained, threshold=0.5).sort_values(["unique_id_l", "unique_id_r"])
    finally:
        spark.stop()
    assert list(zip(on_spark["unique_id_l"], on_spark["unique_id_r"], strict=True)) == [(1, 2), (3, 4)]
    assert list(on_spark["match_probability"]) == pytest.approx(list(on_duckdb["match_probability"]), abs=1e-6)
