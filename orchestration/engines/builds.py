"""Run the whole dbt project on one engine from a generated (or loaded) DuckDB warehouse and
read its marts back: the steps the cross-engine test takes, usable on their own.

Each build runs dbt as a child process with its own profiles directory (a copy of
profiles.example.yml, so a user's edited profiles.yml plays no part), target and log paths.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from orchestration.engines import marts
from orchestration.engines.postgres import PostgresServer
from orchestration.engines.raw_tables import copy_raw_to_postgres, export_raw_to_parquet
from orchestration.engines.spark import MODELS_ONLY
from orchestration.settings import PROJECT_DIR, WORKING_FILE


@dataclass(frozen=True)
class EngineBuild:
    engine: str
    succeeded: bool
    seconds: float
    output: str
    marts: dict[str, pa.Table]

    def failure_report(self, tail_lines: int = 80) -> str:
        """dbt's summary of what failed (from "Completed with"), else the output's last lines;
        JVM log lines are left out."""
        lines = [line for line in self.output.splitlines() if " WARN " not in line]
        summary = next(
            (index for index, line in enumerate(lines) if "Completed with" in line), None
        )
        shown = lines[summary:] if summary is not None else lines[-tail_lines:]
        return f"dbt build on {self.engine} failed:\n" + "\n".join(shown[:tail_lines])


def profiles_dir(work_dir: Path) -> Path:
    """A profiles directory holding profiles.example.yml as profiles.yml."""
    directory = work_dir / "profiles"
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PROJECT_DIR / "profiles.example.yml", directory / "profiles.yml")
    return directory


def _environment(work_dir: Path, engine: str, extra: dict[str, str]) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        {
            "DBT_PROFILES_DIR": str(profiles_dir(work_dir)),
            "DBT_TARGET_PATH": str(work_dir / f"target-{engine}"),
            "DBT_LOG_PATH": str(work_dir / f"logs-{engine}"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DO_NOT_TRACK": "1",
            "FUNNEL_DBT_TARGET": engine,
        }
    )
    environment.update(extra)
    # `dbt` is the one installed beside this interpreter.
    environment["PATH"] = str(Path(sys.executable).parent) + os.pathsep + environment["PATH"]
    return environment


def _run(command: list[str], environment: dict[str, str], cwd: Path) -> tuple[bool, str]:
    completed = subprocess.run(
        command, env=environment, cwd=cwd, capture_output=True, text=True, check=False
    )
    return completed.returncode == 0, completed.stdout + completed.stderr


def _build_command(engine: str, dbt_vars: str | None, models_only: bool) -> list[str]:
    command = ["dbt", "build", "--project-dir", str(PROJECT_DIR), "--target", engine]
    command += MODELS_ONLY if models_only else []
    return command + (["--vars", dbt_vars] if dbt_vars else [])


def build_on_duckdb(
    warehouse_dir: Path, work_dir: Path, dbt_vars: str | None, models_only: bool = False
) -> EngineBuild:
    """Build in the working DuckDB database that holds the raw tables, as `funnel run` does."""
    started = time.monotonic()
    environment = _environment(work_dir, "duckdb", {"FUNNEL_WAREHOUSE_DIR": str(warehouse_dir)})
    succeeded, output = _run(
        _build_command("duckdb", dbt_vars, models_only), environment, PROJECT_DIR
    )
    built = marts.duckdb_marts(warehouse_dir / WORKING_FILE) if succeeded else {}
    return EngineBuild("duckdb", succeeded, time.monotonic() - started, output, built)


def build_on_postgres(
    raw_warehouse: Path,
    server: PostgresServer,
    work_dir: Path,
    dbt_vars: str | None,
    models_only: bool = False,
) -> EngineBuild:
    """Copy the raw tables into the server's database, build, read the marts."""
    started = time.monotonic()
    connection = server.connect()
    try:
        copy_raw_to_postgres(raw_warehouse, connection)
        environment = _environment(work_dir, "postgres", server.environment())
        succeeded, output = _run(
            _build_command("postgres", dbt_vars, models_only), environment, PROJECT_DIR
        )
        built = marts.postgres_marts(connection) if succeeded else {}
    finally:
        connection.close()
    return EngineBuild("postgres", succeeded, time.monotonic() - started, output, built)


def build_on_spark(
    raw_warehouse: Path, work_dir: Path, dbt_vars: str | None, models_only: bool = False
) -> EngineBuild:
    """Land the raw tables, build and export the marts in one local Spark session (one JVM),
    whose metastore and warehouse live in `work_dir/spark`."""
    started = time.monotonic()
    spark_dir = work_dir / "spark"
    spark_dir.mkdir(parents=True, exist_ok=True)
    parquet_dir = work_dir / "raw-parquet"
    export_dir = work_dir / "spark-marts"
    export_raw_to_parquet(raw_warehouse, parquet_dir)
    environment = _environment(work_dir, "spark", {"FUNNEL_SPARK_DIR": str(spark_dir)})
    command = [
        sys.executable,
        "-m",
        "orchestration.engines.spark",
        "--raw-parquet",
        str(parquet_dir),
        "--export",
        str(export_dir),
    ]
    if dbt_vars:
        command += ["--vars", dbt_vars]
    if models_only:
        command.append("--models-only")
    succeeded, output = _run(command, environment, spark_dir)
    built = marts.parquet_marts(export_dir) if succeeded else {}
    return EngineBuild("spark", succeeded, time.monotonic() - started, output, built)
