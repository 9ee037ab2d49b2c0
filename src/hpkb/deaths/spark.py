"""The Spark route past one machine: the same Splink model (`hpkb.deaths.linkage`) and the
same training and clustering (`hpkb.deaths.merge.link`) on Splink's Spark backend.

pyspark is not one of hpkb's dependencies: install it (and a Java runtime) where a
cluster or a large machine does the merging. `link_on_spark` runs in local mode by
default; give it a SparkSession to run on a cluster.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hpkb.deaths.linkage import LINK_COLUMNS, linkage_row, splink_settings
from hpkb.deaths.merge import link
from hpkb.deaths.records import Record

__all__ = ["link_on_spark"]

_TYPES = {"unique_id": "bigint", "died_week": "bigint", "died_week_shifted": "bigint",
          "age": "int"}


def link_on_spark(records: Sequence[Record], checkpoints: Path, spark: Any = None
                  ) -> list[list[int]]:
    """The groups of records (their positions in ``records``) that are one death, each of
    two or more records, merged on Spark (``checkpoints``: Spark's checkpoint folder)."""
    import importlib

    from splink import Linker
    from splink.backends.spark import similarity_jar_location

    # pyspark is not a dependency (so not typed here): Any throughout.
    SparkSession: Any = importlib.import_module("pyspark.sql").SparkSession
    SparkAPI: Any = importlib.import_module("splink.backends.spark").SparkAPI

    # Splink's jar brings the string similarity functions (Jaro-Winkler) to Spark SQL; a
    # cluster's session must have it too (spark.jars).
    session = spark or (SparkSession.builder.master("local[2]").appName("hpkb-deaths")
                        .config("spark.jars", similarity_jar_location())
                        .config("spark.sql.shuffle.partitions", "8")
                        .config("spark.ui.enabled", "false").getOrCreate())
    session.sparkContext.setCheckpointDir(str(checkpoints))
    schema = ", ".join(f"{name} {_TYPES.get(name, 'string')}"
                       for name in (*LINK_COLUMNS, "source"))
    rows = [(*linkage_row(at, r), r.source) for at, r in enumerate(records)]
    table = session.createDataFrame(rows, schema=schema)
    sources = sorted({r.source for r in records})
    db_api = SparkAPI(spark_session=session)
    inputs = [db_api.register(table.filter(table.source == source).drop("source"),
                              dataset_display_name=f"s{at}")
              for at, source in enumerate(sources)]
    _, clusters = link(Linker(inputs, splink_settings(), log_level=logging.WARNING),
                       len(records), len(sources))
    grouped: dict[Any, list[int]] = {}
    for row in clusters.as_record_list():
        grouped.setdefault(row["cluster_id"], []).append(int(row["unique_id"]))
    return sorted(sorted(g) for g in grouped.values() if len(g) > 1)
