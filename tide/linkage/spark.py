"""The same linkage model on Spark, for linkage at national scale (see docs/how-to/run-linkage-on-spark.md).

The model is declared once in :mod:`tide.linkage.model`; here it is instantiated for Spark's SQL
dialect and given the m/u values trained on DuckDB (:func:`model.apply_trained_parameters`), because
a model saved as JSON from DuckDB carries DuckDB SQL and does not load on Spark.

The model's hand-written SQL (``cll.CustomLevel`` conditions, blocking rules given as strings) is
DuckDB SQL: ``"birth_year_l"`` names a column there, but is a string literal in Spark SQL. Passed
through unchanged, ``abs("birth_year_l" - "birth_year_r") <= 2`` subtracts two strings (Spark's
DATATYPE_MISMATCH) and ``"first_name_l" = "surname_r"`` silently never holds. So
:func:`spark_settings` declares that SQL as DuckDB's and Splink translates it for Spark with sqlglot
(double-quoted names become back-quoted ones); library levels write Spark SQL themselves.
"""

from __future__ import annotations

import copy
import logging
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlglot
from splink import SettingsCreator
from splink import comparison_level_library as cll
from splink.blocking_rule_library import CustomRule

from tide.linkage import model
from tide.linkage.engine import PAIR_COLUMNS, typed
from tide.linkage.normalise import COLUMNS

# The dialect the model's hand-written SQL is written (and trained) in.
MODEL_SQL_DIALECT = "duckdb"
# Spark types of the linkage columns; every other column of COLUMNS is a string.
SPARK_TYPES = {"unique_id": "bigint", "birth_year": "bigint", "first_name_forms": "array<string>"}


def spark_session(
    *,
    master: str | None = "local[2]",
    app_name: str = "tide-linkage",
    checkpoint_dir: str = "",
    shuffle_partitions: int | None = None,
) -> Any:
    """A Spark session with Splink's string-similarity functions (JARO_WINKLER and friends) loaded.

    Splink writes intermediate tables under the checkpoint directory: on a cluster pass a shared
    ``checkpoint_dir`` (HDFS, S3). Under spark-submit pass ``master=None``: the session then keeps
    spark-submit's ``--master``, ``--jars`` (which must include Splink's similarity jar) and
    ``spark.sql.shuffle.partitions`` unless ``shuffle_partitions`` is given; locally it is 8 by default.
    """
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    # py4j reports every connection at INFO, Tide's root level: keep it to warnings unless configured.
    if logging.getLogger("py4j").level == logging.NOTSET:
        logging.getLogger("py4j").setLevel(logging.WARNING)
    jar = similarity_jar_location()
    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master).config("spark.jars", jar).config("spark.ui.enabled", "false")
        shuffle_partitions = shuffle_partitions or 8
    if shuffle_partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions))
    session = builder.getOrCreate()
    if Path(jar).name not in session.sparkContext.getConf().get("spark.jars", ""):
        raise RuntimeError(f"Splink's similarity jar is not on the session: spark-submit --jars {jar}")
    session.sparkContext.setCheckpointDir(checkpoint_dir or tempfile.mkdtemp(prefix="tide-spark-"))
    return session


def _declare_dialect(level: Any) -> None:
    """Mark a hand-written level (also inside And/Or/Not) as written in :data:`MODEL_SQL_DIALECT`."""
    if isinstance(level, cll.CustomLevel) and level.base_dialect_str is None:
        level.base_dialect_str = MODEL_SQL_DIALECT
    for child in getattr(level, "comparison_levels", []):  # And, Or
        _declare_dialect(child)
    if isinstance(level, cll.Not):
        _declare_dialect(level.comparison_level)


def _declare_rule_dialect(rule: Any) -> Any:
    if isinstance(rule, str):
        return CustomRule(rule, sql_dialect=MODEL_SQL_DIALECT)
    if isinstance(rule, dict) and not rule.get("sql_dialect"):
        return {**rule, "sql_dialect": MODEL_SQL_DIALECT}
    if isinstance(rule, CustomRule) and rule.base_dialect_str is None:
        rule.base_dialect_str = MODEL_SQL_DIALECT
    return rule


def _column_literals(sql: str) -> list[str]:
    """String literals in Spark SQL that name a compared column (``'dob_l'``): untranslated DuckDB SQL."""
    if sql.strip().upper() == "ELSE":
        return []
    names = {f"{c}_{side}" for c in COLUMNS for side in ("l", "r")}
    try:
        tree = sqlglot.parse_one(sql, read="spark")
    except sqlglot.errors.ParseError:
        return []  # SQL sqlglot does not know: Spark itself reports what is wrong with it
    return [lit.this for lit in tree.find_all(sqlglot.exp.Literal) if lit.is_string and lit.this in names]


def spark_settings(trained: dict[str, Any], *, declared: SettingsCreator | None = None) -> dict[str, Any]:
    """The declared model (``declared``, by default :func:`model.settings`) in Spark SQL, with trained m/u values."""
    declared = copy.deepcopy(declared if declared is not None else model.settings())
    for comparison in declared.comparisons:
        if not isinstance(comparison, dict):
            for level in comparison.create_comparison_levels():
                _declare_dialect(level)
    declared.blocking_rules_to_generate_predictions = [
        _declare_rule_dialect(rule) for rule in declared.blocking_rules_to_generate_predictions
    ]
    settings = declared.get_settings("spark").as_dict()
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            literals = _column_literals(level["sql_condition"])
            if literals:
                raise ValueError(
                    f"Level {level['sql_condition']!r} of {comparison['output_column_name']!r} compares the "
                    f"string literals {literals} on Spark: write it as cll.CustomLevel(...) so that it is "
                    f"translated from {MODEL_SQL_DIALECT}"
                )
    return model.apply_trained_parameters(settings, trained)


def records_frame(spark: Any, df: pd.DataFrame) -> Any:
    """The records of a pandas frame (columns of :data:`COLUMNS`) as a typed Spark DataFrame."""
    from pyspark.sql.types import ArrayType, LongType, StringType, StructField, StructType

    types = {"bigint": LongType(), "array<string>": ArrayType(StringType())}
    frame = typed(df)
    schema = StructType([StructField(c, types.get(SPARK_TYPES.get(c, ""), StringType()), True) for c in frame.columns])

    def value(column: str, v: Any) -> Any:
        if isinstance(v, list | tuple | np.ndarray):
            return [str(x) for x in v]
        if v is None or pd.isna(v):
            return None
        return int(v) if SPARK_TYPES.get(column) == "bigint" else str(v)

    rows = [
        tuple(value(c, v) for c, v in zip(frame.columns, row, strict=True)) for row in frame.itertuples(index=False)
    ]
    return spark.createDataFrame(rows, schema=schema)


def predict_spark(
    spark: Any,
    records: Any,
    trained: dict[str, Any],
    *,
    threshold: float,
    declared: SettingsCreator | None = None,
    break_lineage_method: str | None = None,
) -> Any:
    """Every blocked pair within the Spark DataFrame ``records`` scoring at least ``threshold``.

    ``records`` holds the columns of :data:`COLUMNS` (e.g. read from Parquet); they are cast to the
    model's types. Returns a Spark DataFrame of :data:`PAIR_COLUMNS`, left on the cluster: write it
    out (``.write.parquet(...)``) rather than collecting national-scale pairs to the driver.
    ``break_lineage_method`` is Splink's (``parquet`` under the checkpoint directory by default).
    """
    from pyspark.sql.functions import col
    from splink import Linker, SparkAPI

    typed_records = records.select(*[col(c).cast(SPARK_TYPES.get(c, "string")).alias(c) for c in COLUMNS])
    api = SparkAPI(spark_session=spark, break_lineage_method=break_lineage_method)
    sdf = api.register(typed_records)  # a name of Splink's own, so that a session can predict again
    linker = Linker(sdf, spark_settings(trained, declared=declared), log_level=logging.WARNING)
    pairs = linker.inference.predict(threshold_match_probability=threshold).as_spark_dataframe()
    return pairs.select(*PAIR_COLUMNS)


def predict_all_spark(
    spark: Any,
    df: pd.DataFrame,
    trained: dict[str, Any],
    *,
    threshold: float,
    declared: SettingsCreator | None = None,
    break_lineage_method: str | None = None,
) -> pd.DataFrame:
    """Every blocked pair within the pandas frame ``df`` scoring at least ``threshold``, computed by Spark."""
    pairs = predict_spark(
        spark,
        records_frame(spark, df),
        trained,
        threshold=threshold,
        declared=declared,
        break_lineage_method=break_lineage_method,
    ).toPandas()
    return pairs[PAIR_COLUMNS] if not pairs.empty else pd.DataFrame(columns=PAIR_COLUMNS)
