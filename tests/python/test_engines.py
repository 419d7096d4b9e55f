"""The same project on DuckDB, PostgreSQL and Spark: one small generated data set, the full
`dbt build` (seeds, models, every data test and unit test) on each engine, and every mart
compared with DuckDB's, column by column (orchestration/engines/compare.py says how).

Needs the `postgres` and `spark` extras, PostgreSQL server binaries and Java 17; `make test`
installs the extras. Select with `-m engines`, leave out with `-m "not engines"`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from orchestration.engines.builds import (
    EngineBuild,
    build_on_duckdb,
    build_on_postgres,
    build_on_spark,
)
from orchestration.engines.compare import compare, fingerprint_table, render
from orchestration.engines.postgres import local_postgres
from orchestration.raw.generator import generate
from orchestration.settings import WORKING_FILE

pytestmark = [pytest.mark.engines, pytest.mark.slow]

AS_OF = datetime(2026, 11, 1)
LEADS = 400
DBT_VARS = json.dumps({"as_of": AS_OF.isoformat(sep=" ")})
REFERENCE = "duckdb"

# Printed per engine beside the row counts (every column is compared either way).
KEY_KPIS = {
    "fct_lead_cycles": ["days_in_mql", "days_in_sal"],
    "fct_sla_instances": ["business_minutes_elapsed"],
    "mart_sla_compliance": ["instances", "met", "breached", "open_breached"],
    "mart_funnel_conversion": ["entered", "converted", "conversion_rate"],
    "mart_attribution": ["linear_credit", "w_shaped_credit", "time_decay_credit", "won_amount"],
    "mart_lead_score_calibration": ["mqls", "won"],
    "mart_lead_leakage": ["mqls", "never_followed_up"],
    "mart_shared_kpis": ["kpi_value", "numerator", "denominator"],
}


@pytest.fixture(scope="module")
def builds() -> Iterator[dict[str, EngineBuild]]:
    if shutil.which("java") is None:
        pytest.fail("Java 17 is needed for the Spark build (pyspark runs Spark in a JVM)")
    # A directory of its own rather than pytest's numbered ones, which concurrent pytest runs on
    # the same machine prune after three sessions. $FUNNEL_ENGINES_WORK_DIR keeps it (warehouses,
    # dbt logs and targets per engine) for a look after a failure.
    kept = os.environ.get("FUNNEL_ENGINES_WORK_DIR")
    if kept:
        Path(kept).mkdir(parents=True, exist_ok=True)
        yield _build_everywhere(Path(kept))
        return
    with tempfile.TemporaryDirectory(prefix="funnel-engines-") as scratch:
        yield _build_everywhere(Path(scratch))


def _build_everywhere(work_dir: Path) -> dict[str, EngineBuild]:
    warehouse_dir = work_dir / "duckdb"
    raw_warehouse = warehouse_dir / WORKING_FILE
    raw_warehouse.parent.mkdir(parents=True)
    generate(raw_warehouse, leads=LEADS, seed=11, as_of=AS_OF)
    results = {"duckdb": build_on_duckdb(warehouse_dir, work_dir, DBT_VARS)}
    with local_postgres() as server:
        results["postgres"] = build_on_postgres(raw_warehouse, server, work_dir, DBT_VARS)
    results["spark"] = build_on_spark(raw_warehouse, work_dir, DBT_VARS)
    print("\nwall time per engine (raw copy + dbt build + reading marts):")
    for engine, build in results.items():
        print(f"  {engine:<10} {build.seconds:6.1f} s")
    return results


@pytest.mark.parametrize("engine", ["duckdb", "postgres", "spark"])
def test_the_whole_project_builds_with_every_test_passing(
    builds: dict[str, EngineBuild], engine: str
) -> None:
    build = builds[engine]
    assert build.succeeded, build.failure_report()
    assert "Completed successfully" in build.output
    assert build.marts, f"no marts read back from {engine}"


def test_every_engine_builds_the_same_marts(builds: dict[str, EngineBuild]) -> None:
    failed = [engine for engine, build in builds.items() if not build.succeeded]
    assert not failed, f"builds failed on {failed}; see the build tests"
    fingerprints = {
        engine: {name: fingerprint_table(table) for name, table in build.marts.items()}
        for engine, build in builds.items()
    }
    comparison = compare(fingerprints, reference=REFERENCE)
    report = render(comparison, KEY_KPIS)
    print("\n" + report)
    assert comparison.agrees, report
    assert all(table.rows > 0 for table in fingerprints[REFERENCE].values()), (
        "every mart should have rows on the generated data, or the comparison proves little"
    )
