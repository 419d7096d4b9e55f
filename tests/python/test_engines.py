"""The same project on DuckDB, PostgreSQL and Spark: one small generated data set, the full
`dbt build` (seeds, models, every data test and unit test) on each engine, and every mart
compared with DuckDB's, column by column (orchestration/engines/compare.py says how). The mart
gate then runs on the DuckDB and the PostgreSQL marts and must give the same outcomes.

Needs the `postgres` and `spark` extras, PostgreSQL server binaries and Java 17; `make test`
installs the extras. Select with `-m engines`, leave out with `-m "not engines"`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import pytest
from engine_progress import timed_step

from orchestration.checks.outcomes import GateReport
from orchestration.checks.postgres_route import PostgresTarget, run_gate_on_postgres
from orchestration.checks.suites import load_suites
from orchestration.checks.validate import run_gate
from orchestration.engines.builds import (
    EngineBuild,
    build_on_duckdb,
    build_on_postgres,
    build_on_spark,
)
from orchestration.engines.compare import compare, fingerprint_table, render
from orchestration.engines.postgres import PostgresServer, local_postgres
from orchestration.raw.generator import generate
from orchestration.settings import WORKING_FILE, connect_warehouse

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
def work_dir(pytestconfig: pytest.Config) -> Iterator[Path]:
    """The generated raw warehouse (`duckdb/` + WORKING_FILE) and each engine's files."""
    # A directory of its own rather than pytest's numbered ones, which concurrent pytest runs on
    # the same machine prune after three sessions. $FUNNEL_ENGINES_WORK_DIR keeps it (warehouses,
    # dbt logs and targets per engine) for a look after a failure.
    kept = os.environ.get("FUNNEL_ENGINES_WORK_DIR")
    if kept:
        Path(kept).mkdir(parents=True, exist_ok=True)
        yield _generate(pytestconfig, Path(kept))
        return
    with tempfile.TemporaryDirectory(prefix="funnel-engines-") as scratch:
        yield _generate(pytestconfig, Path(scratch))


def _generate(config: pytest.Config, work_dir: Path) -> Path:
    raw_warehouse = work_dir / "duckdb" / WORKING_FILE
    raw_warehouse.parent.mkdir(parents=True)
    timed_step(
        config,
        f"generate {LEADS} leads",
        lambda: generate(raw_warehouse, leads=LEADS, seed=11, as_of=AS_OF),
    )
    return work_dir


# One fixture per engine, so that a test needing only some engines builds only those.
@pytest.fixture(scope="module")
def duckdb_build(work_dir: Path, pytestconfig: pytest.Config) -> EngineBuild:
    return timed_step(
        pytestconfig,
        "duckdb",
        lambda: build_on_duckdb(work_dir / "duckdb", work_dir, DBT_VARS),
    )


@pytest.fixture(scope="module")
def postgres_server(pytestconfig: pytest.Config) -> Iterator[PostgresServer]:
    """Up until the module's tests are done: the gates read the marts built there."""
    with ExitStack() as stack:
        yield timed_step(
            pytestconfig,
            "postgres server start",
            lambda: stack.enter_context(local_postgres()),
        )


@pytest.fixture(scope="module")
def postgres_build(
    work_dir: Path, postgres_server: PostgresServer, pytestconfig: pytest.Config
) -> EngineBuild:
    raw_warehouse = work_dir / "duckdb" / WORKING_FILE
    return timed_step(
        pytestconfig,
        "postgres",
        lambda: build_on_postgres(raw_warehouse, postgres_server, work_dir, DBT_VARS),
    )


@pytest.fixture(scope="module")
def spark_build(work_dir: Path, pytestconfig: pytest.Config) -> EngineBuild:
    if shutil.which("java") is None:
        pytest.fail("Java 17 is needed for the Spark build (pyspark runs Spark in a JVM)")
    raw_warehouse = work_dir / "duckdb" / WORKING_FILE
    return timed_step(
        pytestconfig, "spark", lambda: build_on_spark(raw_warehouse, work_dir, DBT_VARS)
    )


@pytest.fixture(scope="module")
def builds(
    duckdb_build: EngineBuild, postgres_build: EngineBuild, spark_build: EngineBuild
) -> dict[str, EngineBuild]:
    results = {"duckdb": duckdb_build, "postgres": postgres_build, "spark": spark_build}
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


def test_the_mart_gate_on_postgres_agrees_with_duckdb(
    work_dir: Path,
    duckdb_build: EngineBuild,
    postgres_build: EngineBuild,
    postgres_server: PostgresServer,
) -> None:
    """The mart gate through GX's SQL datasource in PostgreSQL gives the same outcome, element
    count and unexpected count per expectation as the DuckDB route, on the marts each built."""
    assert duckdb_build.succeeded and postgres_build.succeeded, "see the build tests"
    docs = work_dir / "gate-docs"
    with connect_warehouse(work_dir / "duckdb" / WORKING_FILE) as connection:
        on_duckdb = run_gate("marts", connection, "duckdb", AS_OF, docs / "duckdb")
    target = PostgresTarget(
        postgres_server.host, postgres_server.port, postgres_server.user, "", "funnel"
    )
    on_postgres = run_gate_on_postgres("marts", target, "postgres", AS_OF, docs / "postgres")

    def seen(report: GateReport) -> dict[tuple[str, str], tuple]:
        return {
            (o.suite, o.expectation): (
                o.status,
                o.element_count,
                o.unexpected_count,
                o.error_message,
            )
            for o in report.outcomes
        }

    duckdb_seen, postgres_seen = seen(on_duckdb), seen(on_postgres)
    assert len(duckdb_seen) == sum(len(suite.expectations) for suite in load_suites("marts"))
    assert all(status == "passed" for status, *_ in duckdb_seen.values()), duckdb_seen
    assert postgres_seen == duckdb_seen
    assert all(elements for _, elements, *_ in postgres_seen.values()), "frames had no rows"
