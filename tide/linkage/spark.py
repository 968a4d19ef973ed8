"""The same linkage model on Spark, for linkage at national scale (see docs/how-to/run-linkage-on-spark.md).

The model is declared once in :mod:`tide.linkage.model`; here it is instantiated for Spark's SQL
dialect and given the m/u values trained on DuckDB (:func:`model.apply_trained_parameters`), because
a model saved as JSON from DuckDB carries DuckDB SQL and does not load on Spark.
"""

from __future__ import annotations

import logging
import tempfile
from typing import Any

import pandas as pd

from tide.linkage import model
from tide.linkage.engine import PAIR_COLUMNS, typed


def spark_session(*, master: str = "local[2]", app_name: str = "tide-linkage", checkpoint_dir: str = "") -> Any:
    """A Spark session with Splink's string-similarity functions (JARO_WINKLER and friends) loaded.

    Splink checkpoints intermediate tables: on a cluster pass a shared ``checkpoint_dir`` (HDFS, S3).
    """
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    session = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setCheckpointDir(checkpoint_dir or tempfile.mkdtemp(prefix="tide-spark-"))
    return session


def predict_all_spark(spark: Any, df: pd.DataFrame, trained: dict[str, Any], *, threshold: float) -> pd.DataFrame:
    """Every blocked pair within ``df`` scoring at least ``threshold``, computed by Spark."""
    from splink import Linker, SparkAPI

    settings = model.settings().get_settings("spark").as_dict()
    settings = model.apply_trained_parameters(settings, trained)
    api = SparkAPI(spark_session=spark)
    from pyspark.sql.types import LongType, StringType, StructField, StructType

    frame = typed(df)
    schema = StructType(
        [StructField(c, LongType() if c in ("unique_id", "birth_year") else StringType(), True) for c in frame.columns]
    )
    rows = [
        tuple(
            None if pd.isna(v) else (int(v) if c in ("unique_id", "birth_year") else str(v))
            for c, v in zip(frame.columns, row, strict=True)
        )
        for row in frame.itertuples(index=False)
    ]
    sdf = api.register(spark.createDataFrame(rows, schema=schema), dataset_display_name="records")
    linker = Linker(sdf, settings, log_level=logging.WARNING)
    pairs = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    return pairs[PAIR_COLUMNS] if not pairs.empty else pd.DataFrame(columns=PAIR_COLUMNS)
