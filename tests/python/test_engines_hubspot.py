"""A HubSpot portal's build on DuckDB, PostgreSQL and Spark gives the same marts: the HubSpot
staging and conformed models, and everything past them, are portable like the rest of the
project. One small generated HubSpot data set (HubSpot as CRM and MAS); seeds and models are
built on each engine (the data and unit tests run on every engine in test_engines.py and on
DuckDB in every run) and every mart is compared with DuckDB's, column by column."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from engine_progress import timed_step

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
KEY_KPIS = {
    "fct_lead_cycles": ["days_in_mql", "days_in_sal"],
    "fct_sla_instances": ["business_minutes_elapsed"],
    "mart_funnel_conversion": ["entered", "converted", "conversion_rate"],
    "mart_shared_kpis": ["kpi_value", "numerator", "denominator"],
}


@pytest.fixture(scope="module")
def builds(pytestconfig: pytest.Config) -> Iterator[dict[str, EngineBuild]]:
    if shutil.which("java") is None:
        pytest.fail("Java 17 is needed for the Spark build (pyspark runs Spark in a JVM)")
    with tempfile.TemporaryDirectory(prefix="funnel-engines-hubspot-") as scratch:
        work_dir = Path(scratch)
        raw_warehouse = work_dir / "duckdb" / WORKING_FILE
        raw_warehouse.parent.mkdir(parents=True)
        timed_step(
            pytestconfig,
            f"generate {LEADS} HubSpot leads",
            lambda: generate(raw_warehouse, LEADS, seed=11, as_of=AS_OF, systems=("hubspot",)),
        )
        results = {
            "duckdb": timed_step(
                pytestconfig,
                "duckdb (HubSpot)",
                lambda: build_on_duckdb(work_dir / "duckdb", work_dir, DBT_VARS, True),
            )
        }
        with local_postgres() as server:
            results["postgres"] = timed_step(
                pytestconfig,
                "postgres (HubSpot)",
                lambda: build_on_postgres(raw_warehouse, server, work_dir, DBT_VARS, True),
            )
        results["spark"] = timed_step(
            pytestconfig,
            "spark (HubSpot)",
            lambda: build_on_spark(raw_warehouse, work_dir, DBT_VARS, True),
        )
        yield results


def test_a_hubspot_portal_builds_the_same_marts_on_every_engine(
    builds: dict[str, EngineBuild],
) -> None:
    for build in builds.values():
        assert build.succeeded, build.failure_report()
    fingerprints = {
        engine: {name: fingerprint_table(table) for name, table in build.marts.items()}
        for engine, build in builds.items()
    }
    comparison = compare(fingerprints, reference="duckdb")
    report = render(comparison, KEY_KPIS)
    print("\n" + report)
    assert comparison.agrees, report
    empty = [name for name, table in fingerprints["duckdb"].items() if table.rows == 0]
    assert not empty, f"marts without rows on the HubSpot data prove little: {empty}"
