"""The raw gate on PostgreSQL (GX's SQL datasource over the same frames) against the DuckDB route
on the same generated data: clean, and with every `--faults` fault; gate errors for a missing
table, a frame that fails and an expectation GX can't evaluate; `funnel gates --target postgres`.

One throwaway PostgreSQL server for the module (`local_postgres()`), with the clean data in
database `funnel` and the faulty data in `faulty`. Needs the PostgreSQL server binaries and the
`postgres` extra, like test_engines.py. The mart gate is compared in test_engines.py, on the
marts the PostgreSQL build there makes.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pytest

from orchestration.checks.outcomes import ERROR, FAILED, PASSED, GateReport
from orchestration.checks.postgres_route import PostgresTarget, run_gate_on_postgres
from orchestration.checks.suites import ExpectationSpec, all_suites, load_suites
from orchestration.checks.validate import run_gate
from orchestration.checks.volume import LANDED_LABEL, Baseline
from orchestration.cli import main
from orchestration.engines.postgres import PostgresServer, free_port, local_postgres
from orchestration.engines.raw_tables import copy_raw_to_postgres
from orchestration.raw.contract import contract_tables
from orchestration.raw.generator import generate
from orchestration.raw.generator.faults import FAULT_KINDS
from orchestration.raw.systems import contract_systems
from orchestration.settings import connect_warehouse

pytestmark = [pytest.mark.engines, pytest.mark.slow]

AS_OF = datetime(2026, 11, 1)
LEADS = 300
LANDED = {"salesforce", "marketo"}  # the systems the default generation lands


def _raw_outcome_count() -> int:
    """The raw gate's outcomes on a default generation: every expectation of the landed systems'
    suites, the volume outcome of each of their contract tables, and one info line per contract
    system that is not landed."""
    expectations = sum(
        len(suite.expectations)
        for suite in load_suites("raw")
        if suite.table.split(".")[0] in LANDED
    )
    volumes = len([table for table in contract_tables() if table.source in LANDED])
    return expectations + volumes + len([s for s in contract_systems() if s not in LANDED])


@dataclass
class Gates:
    server: PostgresServer
    clean: PostgresTarget
    faulty: PostgresTarget
    duckdb_clean: GateReport
    duckdb_faulty: GateReport
    postgres_clean: GateReport
    postgres_faulty: GateReport
    docs: Path


def _target(server: PostgresServer, database: str) -> PostgresTarget:
    return PostgresTarget(server.host, server.port, server.user, "", database)


def _duckdb_gate(database: Path, docs: Path) -> GateReport:
    """The DuckDB route without a published baseline, as on PostgreSQL (which has none)."""
    with connect_warehouse(database) as connection:
        return run_gate(
            "raw", connection, "duckdb", AS_OF, docs, baseline=Baseline(None, reason="none")
        )


@pytest.fixture(scope="module")
def gates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gates]:
    directory = tmp_path_factory.mktemp("postgres_gates")
    docs = directory / "docs"
    clean, faulty = directory / "clean.duckdb", directory / "faulty.duckdb"
    generate(clean, leads=LEADS, seed=11, as_of=AS_OF)
    generate(faulty, leads=LEADS, seed=11, as_of=AS_OF, faults=True)
    with local_postgres() as server:
        admin = server.connect(database="postgres")
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("create database faulty")
        admin.close()
        for database, name in ((clean, "funnel"), (faulty, "faulty")):
            connection = server.connect(database=name)
            copy_raw_to_postgres(database, connection)
            connection.close()
        yield Gates(
            server=server,
            clean=_target(server, "funnel"),
            faulty=_target(server, "faulty"),
            duckdb_clean=_duckdb_gate(clean, docs / "duckdb"),
            duckdb_faulty=_duckdb_gate(faulty, docs / "duckdb"),
            postgres_clean=run_gate_on_postgres(
                "raw", _target(server, "funnel"), "pg", AS_OF, docs / "postgres"
            ),
            postgres_faulty=run_gate_on_postgres(
                "raw", _target(server, "faulty"), "pg", AS_OF, docs / "postgres"
            ),
            docs=docs,
        )


def _seen(report: GateReport) -> dict[tuple[str, str], tuple]:
    return {
        (o.suite, o.expectation): (o.status, o.element_count, o.unexpected_count, o.error_message)
        for o in report.outcomes
    }


def test_on_clean_data_postgres_gives_the_duckdb_outcomes(gates: Gates) -> None:
    duckdb, postgres = _seen(gates.duckdb_clean), _seen(gates.postgres_clean)
    assert len(duckdb) == _raw_outcome_count()
    assert postgres == duckdb
    assert {status for status, *_ in postgres.values()} == {PASSED}
    # The volume lines and the one info line per system not landed read no frame.
    frames = [
        seen
        for (_, label), seen in postgres.items()
        if not label.endswith("[volume]") and label != LANDED_LABEL
    ]
    assert all(elements for _, elements, *_ in frames), "a frame was empty"


def test_on_faulty_data_postgres_fails_what_duckdb_fails_with_the_same_counts(
    gates: Gates,
) -> None:
    duckdb, postgres = _seen(gates.duckdb_faulty), _seen(gates.postgres_faulty)
    assert postgres == duckdb
    failed = {
        key: unexpected for key, (status, _, unexpected, _) in postgres.items() if status != PASSED
    }
    intended = {
        (suite.name, expectation.label): fault
        for suite in all_suites()
        for expectation in suite.expectations
        for fault in FAULT_KINDS
        if fault.key in expectation.catches
    }
    assert failed.keys() == intended.keys()
    for key, fault in intended.items():
        injected = fault.count(LEADS)
        assert failed[key] == (2 * injected if fault.key == "duplicate_lead_id" else injected)
    assert all(status == FAILED for status, *_ in postgres.values() if status != PASSED)


def _rows(sample: list[dict], unique: bool, checked: set[str]) -> list[str]:
    if unique:
        sample = [{k: v for k, v in row.items() if k in checked} for row in sample]
    return sorted(map(str, sample))


def test_failing_samples_and_observations_match_duckdb(gates: Gates) -> None:
    duckdb = {(o.suite, o.expectation): o for o in gates.duckdb_faulty.outcomes}
    for outcome in gates.postgres_faulty.not_passed:
        reference = duckdb[(outcome.suite, outcome.expectation)]
        assert outcome.observed_value == reference.observed_value
        assert outcome.steward_name == reference.steward_name
        # Row order is the database's: compare the sampled rows, not their order. Rows sharing
        # a duplicated key differ in their locator columns: compare the checked columns there.
        unique = outcome.expectation_type == "expect_column_values_to_be_unique"
        checked = {outcome.column or "", "id"}
        assert _rows(outcome.failing_sample, unique, checked) == _rows(
            reference.failing_sample, unique, checked
        ), outcome.expectation
    emails = [o for o in gates.postgres_faulty.not_passed if o.column == "email"]
    assert emails and all("***" in row["email"] for o in emails for row in o.failing_sample)


def _lead_suite(frame: str, *expectations: ExpectationSpec, table: str = "salesforce.lead"):
    (template,) = [suite for suite in load_suites("raw") if suite.table == "salesforce.lead"]
    return replace(
        template, name="test_lead", table=table, frame_sql=frame, expectations=expectations
    )


def test_a_missing_table_or_broken_frame_is_a_gate_error_naming_the_table(
    gates: Gates, tmp_path: Path
) -> None:
    not_null = ExpectationSpec(
        "test_lead", 0, "expect_column_values_to_not_be_null", {"column": "id"}, "critical"
    )
    columns = ExpectationSpec(
        "test_lead", 1, "expect_table_columns_to_match_set", {"column_set": ["id"]}, "critical"
    )
    missing_table = _lead_suite(
        'select id from {salesforce}."no_such_table"',
        columns,
        not_null,
        table="salesforce.no_such_table",
    )
    broken_frame = _lead_suite(
        'select lead.id from {salesforce}."lead" as lead '
        'left join {salesforce}."no_such_account" as account on lead.id = account.id',
        not_null,
    )
    unknown_column = _lead_suite(
        'select id from {salesforce}."lead"',
        ExpectationSpec(
            "test_lead", 0, "expect_column_values_to_not_be_null", {"column": "owner"}, "critical"
        ),
    )
    report = run_gate_on_postgres(
        "raw",
        gates.clean,
        "errors",
        AS_OF,
        tmp_path / "docs",
        suites=[missing_table, broken_frame, unknown_column],
    )
    by_table = {}
    for outcome in report.outcomes:
        assert outcome.status == ERROR and not outcome.passed and outcome.blocks
        assert outcome.unexpected_count is None
        by_table.setdefault(outcome.table, []).append(outcome.error_message or "")
    assert len(by_table["salesforce.no_such_table"]) == 2
    assert all(
        "salesforce.no_such_table does not exist" in m for m in by_table["salesforce.no_such_table"]
    )
    [frame_error, column_error] = by_table["salesforce.lead"]
    assert "no_such_account" in frame_error
    assert "owner" in column_error
    assert report.blocks


def _funnel(args: list[str]) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        code = main(args)
    return code, stdout.getvalue(), stderr.getvalue()


def test_funnel_gates_exits_1_on_faults_and_records_in_postgres(
    gates: Gates, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FUNNEL_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    for name, value in gates.server.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("FUNNEL_PG_DATABASE", "faulty")
    code, output, _ = _funnel(
        ["gates", "--target", "postgres", "--boundary", "raw", "--as-of", AS_OF.isoformat()]
    )
    assert code == 1
    run_id = output.split(" as run ")[1].split(".")[0]
    connection = gates.server.connect(database="faulty")
    with connection.cursor() as cursor:
        cursor.execute(
            "select status, count(*), count(distinct steward_name) "
            "from governance.expectation_results where run_id = %s group by 1 order by 1",
            [run_id],
        )
        rows = cursor.fetchall()
    connection.close()
    expectations = _raw_outcome_count()
    assert dict((status, count) for status, count, _ in rows) == {
        FAILED: len(FAULT_KINDS),
        PASSED: expectations - len(FAULT_KINDS),
    }
    for steward in ("Priya Raman", "Marcus Lee", "Elena Fischer", "Jordan Kim"):
        assert f"for {steward} <" in output


def test_funnel_gates_names_an_unreachable_server(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FUNNEL_WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    monkeypatch.setenv("FUNNEL_PG_HOST", "127.0.0.1")
    monkeypatch.setenv("FUNNEL_PG_PORT", str(free_port()))
    code, output, errors = _funnel(["gates", "--target", "postgres"])
    assert code == 2
    assert "cannot connect to PostgreSQL" in errors and "Traceback" not in errors
    assert output == ""
