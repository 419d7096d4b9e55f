"""`governance.expectation_results`: one row per expectation per gate run, appended in the
working database and carried into every publication (passed or blocked). The gate on PostgreSQL
(`postgres_route.py`) appends the same rows to the same table in PostgreSQL."""

from __future__ import annotations

from typing import Any

import duckdb

from orchestration.checks.outcomes import GateReport

RESULTS_TABLE = "governance.expectation_results"
# Types spelled so that DuckDB and PostgreSQL both read them.
RESULTS_COLUMNS = """
    run_id varchar not null,
    run_at timestamp not null,
    boundary varchar not null,
    suite varchar not null,
    expectation varchar not null,
    expectation_type varchar not null,
    table_name varchar not null,
    column_name varchar,
    severity varchar not null,
    passed boolean not null,
    status varchar not null,
    observed_value varchar,
    element_count bigint,
    unexpected_count bigint,
    unexpected_percent double precision,
    failing_sample varchar,
    steward_domain varchar,
    steward_name varchar,
    steward_contact varchar,
    error_message varchar,
    notes varchar,
    gate_seconds double precision,
    data_docs_url varchar
"""


def ensure_results_table(connection: duckdb.DuckDBPyConnection, prefix: str = "") -> None:
    """Create the results table (in the attached database `prefix`, if given) when missing."""
    database = f"{prefix}." if prefix else ""
    connection.execute(f"create schema if not exists {database}governance")
    connection.execute(f"create table if not exists {database}{RESULTS_TABLE} ({RESULTS_COLUMNS})")


def result_rows(report: GateReport) -> list[tuple[Any, ...]]:
    """The report as rows of the results table, in column order."""
    return [
        (
            report.run_id,
            report.run_at,
            outcome.boundary,
            outcome.suite,
            outcome.expectation,
            outcome.expectation_type,
            outcome.table,
            outcome.column,
            outcome.severity,
            outcome.passed,
            outcome.status,
            outcome.observed_value,
            outcome.element_count,
            outcome.unexpected_count,
            outcome.unexpected_percent,
            outcome.sample_json(),
            outcome.steward_domain,
            outcome.steward_name,
            outcome.steward_contact,
            outcome.error_message,
            outcome.notes,
            report.seconds,
            report.data_docs_url,
        )
        for outcome in report.outcomes
    ]


def record(connection: duckdb.DuckDBPyConnection, report: GateReport) -> int:
    """Append the report's outcomes; returns the number of rows written."""
    ensure_results_table(connection)
    rows = result_rows(report)
    if rows:
        placeholders = ", ".join(["?"] * len(rows[0]))
        connection.executemany(f"insert into {RESULTS_TABLE} values ({placeholders})", rows)
    return len(rows)
