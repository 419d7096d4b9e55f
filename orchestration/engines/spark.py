"""dbt on a local Spark session (dbt-spark `method: session`): land the raw tables, build, and
export the marts, all in one process, so the Spark session (a JVM with its Hive metastore and
warehouse directory under `$FUNNEL_SPARK_DIR`) starts once and every step sees the same tables.

    python -m orchestration.engines.spark --raw-parquet DIR --export DIR [--vars YAML]
        [--models-only]

`--raw-parquet` holds `<schema>.<table>.parquet` files (see raw_tables.export_raw_to_parquet);
each mart of schema `marts` is written to `--export/<table>/` as parquet.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from orchestration.engines.raw_tables import RawTable, read_manifest
from orchestration.settings import PROJECT_DIR

MARTS_SCHEMA = "marts"


def load_arguments(tables: list[RawTable], parquet_dir: Path) -> dict[str, Any]:
    """The `--args` of `dbt run-operation load_raw_from_parquet` for these tables."""
    return {
        "tables": [
            {
                "schema": table.schema,
                "name": table.name,
                "path": str(parquet_dir / f"{table.schema}.{table.name}.parquet"),
                "columns": [[column.name, column.spark_type] for column in table.columns],
            }
            for table in tables
        ]
    }


# `dbt build` of the seeds and models alone: a comparison of the marts needs no tests run again.
MODELS_ONLY = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]


def build(
    raw_parquet: Path, export_dir: Path, dbt_vars: str | None, models_only: bool = False
) -> bool:
    """Load, `dbt build` and export in this process. True when every step succeeded."""
    from dbt.cli.main import dbtRunner

    runner = dbtRunner()
    common = ["--project-dir", str(PROJECT_DIR), "--target", "spark"]
    arguments = load_arguments(read_manifest(raw_parquet), raw_parquet)
    loaded = runner.invoke(
        ["run-operation", "load_raw_from_parquet", "--args", json.dumps(arguments), *common]
    )
    if not loaded.success:
        print("Loading the raw tables into Spark failed.", file=sys.stderr)
        return False
    build_args = ["build", *common, *(MODELS_ONLY if models_only else [])]
    if dbt_vars:
        build_args += ["--vars", dbt_vars]
    built = runner.invoke(build_args)
    export_marts(export_dir)
    return bool(built.success)


def export_marts(export_dir: Path) -> list[str]:
    """Write every table of schema `marts` of the running session to `export_dir/<table>/`."""
    from pyspark.sql import SparkSession

    session = SparkSession.builder.getOrCreate()
    names = [
        row["tableName"]
        for row in session.sql(f"show tables in {MARTS_SCHEMA}").collect()
        if not row["isTemporary"]
    ]
    for name in names:
        session.table(f"{MARTS_SCHEMA}.`{name}`").write.mode("overwrite").parquet(
            str(export_dir / name)
        )
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.engines.spark")
    parser.add_argument("--raw-parquet", type=Path, required=True)
    parser.add_argument("--export", type=Path, required=True)
    parser.add_argument("--vars", default=None, help="dbt --vars for the build")
    parser.add_argument(
        "--models-only", action="store_true", help="seeds and models, without their tests"
    )
    options = parser.parse_args(argv)
    built = build(options.raw_parquet, options.export, options.vars, options.models_only)
    return 0 if built else 1


if __name__ == "__main__":
    sys.exit(main())
