"""The gates on PostgreSQL, through GX's SQL datasource (which works there; on DuckDB it fails
silently, hence the pushdown route of `validate.py`).

Per suite, GX validates a query asset over the suite's rendered frame as one whole-table batch,
with the run's suite parameters: the counting happens in PostgreSQL and only GX's summaries
(counts, a few failing keys) come back. The table-level expectations (columns present) run on a
second, zero-row query asset over the table. GX's results become the same `ExpectationOutcome`
records as on DuckDB, and a result that carries an exception, or that claims success without the
counts behind it, is a gate error: never a pass, never "data failed".

The frames call the `funnel_*` conversions of `conversions.py`; the gate creates them in schema
`funnel_gates`, and every connection it opens puts that schema on its search path and reads
timestamps in UTC.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from orchestration.checks import conversions
from orchestration.checks.outcomes import ExpectationOutcome, GateReport, masked
from orchestration.checks.pushdown import UnsupportedExpectation, quote, render_frame, resolve
from orchestration.checks.results import RESULTS_COLUMNS, RESULTS_TABLE, result_rows
from orchestration.checks.suites import ExpectationSpec, Suite, landed_suites, load_suites
from orchestration.checks.validate import (
    LOCATOR_COLUMNS,
    SAMPLE_SIZE,
    _GxRunner,
    apply_tolerance,
    gate_parameters,
    gate_schemas,
    not_evaluated,
    orphan_tolerance,
    raised,
    reported_column,
    sample_columns,
    site_dir,
    table_outcome,
)
from orchestration.checks.volume import Baseline, row_counts_with, volume_outcomes

# libpq options of every gate connection: the conversions resolve unqualified, and text without
# a zone reads as UTC (as on DuckDB, whose gate connection runs in UTC).
SESSION_OPTIONS = f"-c search_path={conversions.POSTGRES_SCHEMA},public -c TimeZone=UTC"
# Failing rows GX returns per expectation (keys and the checked columns); the sample keeps 3.
PARTIAL_UNEXPECTED = 20


class PostgresUnavailable(RuntimeError):
    """The server can't be reached or refused the connection: nothing was validated."""


@dataclass(frozen=True)
class PostgresTarget:
    """Where the gate connects: the `postgres` target of profiles.example.yml."""

    host: str = "127.0.0.1"
    port: int = 5432
    user: str = "postgres"
    password: str = ""
    database: str = "funnel"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> PostgresTarget:
        """`FUNNEL_PG_HOST`, `_PORT`, `_USER`, `_PASSWORD`, `_DATABASE`, with the profile's
        defaults."""
        env = os.environ if environ is None else environ
        defaults = cls()
        return cls(
            host=env.get("FUNNEL_PG_HOST", defaults.host),
            port=int(env.get("FUNNEL_PG_PORT", defaults.port)),
            user=env.get("FUNNEL_PG_USER", defaults.user),
            password=env.get("FUNNEL_PG_PASSWORD", defaults.password),
            database=env.get("FUNNEL_PG_DATABASE", defaults.database),
        )

    def describe(self) -> str:
        return f"PostgreSQL {self.user}@{self.host}:{self.port}/{self.database}"

    def sqlalchemy_url(self) -> str:
        from sqlalchemy.engine import URL

        url = URL.create(
            "postgresql+psycopg2",
            username=self.user,
            password=self.password or None,
            host=self.host,
            port=self.port,
            database=self.database,
            query={"options": SESSION_OPTIONS},
        )
        return url.render_as_string(hide_password=False)

    def connect(self) -> Any:
        """A psycopg2 connection with the gate's session options."""
        try:
            import psycopg2
        except ImportError:
            raise PostgresUnavailable(
                "psycopg2 is not installed: pip install -e '.[postgres]'"
            ) from None
        try:
            return psycopg2.connect(
                host=self.host,
                port=self.port,
                user=self.user,
                password=self.password or None,
                dbname=self.database,
                options=SESSION_OPTIONS,
                connect_timeout=10,
            )
        except psycopg2.OperationalError as error:
            reason = _first_line(error)
            raise PostgresUnavailable(f"cannot connect to {self.describe()}: {reason}") from None


@contextmanager
def _cursor(connection: Any) -> Iterator[Any]:
    """A cursor whose statement is rolled back if it failed, so the next one can run."""
    cursor = connection.cursor()
    try:
        yield cursor
        connection.commit()
    except Exception:
        connection.rollback()
        raise
    finally:
        cursor.close()


def _first_line(error: BaseException | str) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else repr(error)


def install_conversions(connection: Any) -> None:
    """Create (or replace) the `funnel_gates` conversion functions the frames call."""
    with _cursor(connection) as cursor:
        for statement in conversions.postgres_statements():
            cursor.execute(statement)


def _table_columns(connection: Any, suite: Suite) -> list[str] | None:
    source, name = suite.table.split(".", 1)
    schema = gate_schemas().get(source, source)
    with _cursor(connection) as cursor:
        cursor.execute(
            "select column_name from information_schema.columns "
            "where table_schema = %s and table_name = %s order by ordinal_position",
            [schema, name],
        )
        return [column for (column,) in cursor.fetchall()] or None


def _frame_query(suite: Suite, table_columns: Sequence[str]) -> str:
    """The rendered frame as one SELECT (GX's query assets must start with SELECT)."""
    return f"select * from (\n{render_frame(suite, gate_schemas(), table_columns)}\n) as frame"


def _frame_columns(connection: Any, query: str) -> list[str]:
    """The frame's columns; raises the database's error when the frame can't be computed."""
    with _cursor(connection) as cursor:
        cursor.execute(f"{query}\nlimit 0")
        return [column.name for column in cursor.description]


def _duplicated_values(connection: Any, query: str, column: str) -> int:
    with _cursor(connection) as cursor:
        cursor.execute(
            f"select count(*) from (select {quote(column)} from ({query}) as frame "
            f"where {quote(column)} is not null group by {quote(column)} "
            "having count(*) > 1) as duplicated"
        )
        (count,) = cursor.fetchone()
        return int(count)


def _sample(
    suite: Suite, expectation: ExpectationSpec, result: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Keys, checked values and locator columns of the first failing rows GX returned, PII
    masked."""
    sample: list[dict[str, Any]] = []
    seen: set[tuple[str, ...]] = set()
    for row in result.get("partial_unexpected_index_list") or []:
        wanted = sample_columns(suite, expectation, list(row))
        record = {key: masked(key, row.get(key)) for key in wanted}
        if expectation.type == "expect_column_values_to_be_unique":
            value = tuple(str(row.get(column)) for column in expectation.columns)
            if value in seen:
                continue
            seen.add(value)
        sample.append(record)
        if len(sample) == SAMPLE_SIZE:
            break
    return sample


def _row_outcome(
    suite: Suite,
    expectation: ExpectationSpec,
    gx_result: Any,
    error: str | None,
    duplicated: Mapping[int, int],
) -> ExpectationOutcome:
    outcome = not_evaluated(suite, expectation, reported_column(expectation))
    error = error or (raised(gx_result) if gx_result is not None else None)
    result = dict(gx_result.result or {}) if gx_result is not None and not error else {}
    if not error and ("unexpected_count" not in result or "element_count" not in result):
        error = "GX returned no counts for this expectation (success without a result)"
    if error:
        outcome.error_message = _first_line(error)
        return outcome
    count = int(result["unexpected_count"] or 0)
    elements = int(result["element_count"] or 0)
    allowed = orphan_tolerance(suite, expectation)
    # A referential check runs with GX's `mostly` (the stewards' tolerance): GX succeeds up to it.
    expected = (
        count == 0
        if allowed is None
        else (100.0 * count / elements if elements else 0.0) <= allowed + 1e-9
    )
    if bool(gx_result.success) != expected:
        outcome.error_message = (
            f"GX reported success={gx_result.success} with {count} unexpected rows"
        )
        return outcome
    outcome.judge(count, elements)
    if expectation.index in duplicated and count:
        values = duplicated[expectation.index]
        outcome.observed_value = f"{values} values used more than once ({count} rows)"
    else:
        outcome.observed_value = f"{count} of {elements} rows unexpected"
    outcome.failing_sample = _sample(suite, expectation, result)
    return apply_tolerance(suite, expectation, outcome)


class _PostgresGate:
    """One gate run: a GX context with a PostgreSQL datasource, and a psycopg2 connection for
    the catalogue and the few counts GX doesn't return."""

    def __init__(self, target: PostgresTarget, connection: Any, docs_dir: Path) -> None:
        self.connection = connection
        self.runner = _GxRunner(docs_dir)
        # create_temp_table: GX computes a query asset's frame once into a temporary table and
        # runs every metric on that, instead of recomputing joins and windows per metric.
        self.source = self.runner.context.data_sources.add_postgres(
            "funnel_gates_postgres",
            connection_string=target.sqlalchemy_url(),
            create_temp_table=True,
        )

    def close(self) -> None:
        self.source.get_engine().dispose()

    def _validate(
        self,
        name: str,
        query: str,
        expectations: Sequence[ExpectationSpec],
        parameters: Mapping[str, Any],
        key_column: str | None,
        locators: Sequence[str] = (),
    ) -> tuple[dict[int, Any], str | None]:
        result_format: dict[str, Any] = {
            "result_format": "SUMMARY",
            "partial_unexpected_count": PARTIAL_UNEXPECTED,
        }
        if key_column:
            result_format["unexpected_index_column_names"] = [
                key_column,
                *[column for column in locators if column != key_column],
            ]
        try:
            asset = self.source.add_query_asset(name, query=query)
            batch = asset.add_batch_definition_whole_table(name)
            results = self.runner.run_suite(
                name, expectations, batch, parameters, result_format=result_format
            )
        except Exception as error:
            return {}, f"GX validation raised {type(error).__name__}: {_first_line(error)}"
        return results, None

    def validate_suite(
        self, suite: Suite, parameters: Mapping[str, Any], database: str
    ) -> list[ExpectationOutcome]:
        columns = _table_columns(self.connection, suite)
        if columns is None:
            missing = f"table {suite.table} does not exist in PostgreSQL database {database}"
            return [
                _errored(suite, spec, missing) for spec in (*suite.table_level, *suite.row_level)
            ]
        outcomes: list[ExpectationOutcome] = []
        if suite.table_level:
            source, name = suite.table.split(".", 1)
            table = f"{quote(gate_schemas().get(source, source))}.{quote(name)}"
            # Zero rows, as on DuckDB: the column-set expectations read only the column list.
            query = f"select * from {table} limit 0"
            name = f"{suite.name}.columns"
            results, error = self._validate(name, query, suite.table_level, parameters, None)
            outcomes += [
                table_outcome(suite, spec, columns, results.get(spec.index), error)
                for spec in suite.table_level
            ]
        if suite.row_level:
            outcomes += self._row_level(suite, columns, parameters)
        return outcomes

    def _row_level(
        self, suite: Suite, table_columns: list[str], parameters: Mapping[str, Any]
    ) -> list[ExpectationOutcome]:
        query = _frame_query(suite, table_columns)
        duplicated: dict[int, int] = {}
        try:
            frame_columns = _frame_columns(self.connection, query)
            for spec in suite.row_level:
                for value in spec.kwargs.values():
                    resolve(value, parameters)  # a parameter the gate doesn't provide: an error
                if spec.type == "expect_column_values_to_be_unique":
                    duplicated[spec.index] = _duplicated_values(
                        self.connection, query, spec.kwargs["column"]
                    )
        except UnsupportedExpectation as unsupported:
            return [_errored(suite, spec, str(unsupported)) for spec in suite.row_level]
        except Exception as failed:
            message = f"the frame of {suite.table} can't be computed: {_first_line(failed)}"
            return [_errored(suite, spec, message) for spec in suite.row_level]
        key = suite.key_column if suite.key_column in frame_columns else None
        locators = [column for column in LOCATOR_COLUMNS if column in frame_columns]
        # Referential checks carry the stewards' tolerance as GX's `mostly`.
        specs = [
            spec
            if orphan_tolerance(suite, spec) is None
            else replace(
                spec,
                kwargs={**spec.kwargs, "mostly": 1 - (orphan_tolerance(suite, spec) or 0) / 100},
            )
            for spec in suite.row_level
        ]
        results, gx_error = self._validate(suite.name, query, specs, parameters, key, locators)
        return [
            _row_outcome(suite, spec, results.get(spec.index), gx_error, duplicated)
            for spec in suite.row_level
        ]


def _row_counts(connection: Any) -> dict[str, int | None]:
    def exists(schema: str, name: str) -> bool:
        with _cursor(connection) as cursor:
            cursor.execute(
                "select count(*) from information_schema.tables "
                "where table_schema = %s and table_name = %s",
                [schema, name],
            )
            return bool(cursor.fetchone()[0])

    def count(sql: str) -> int:
        with _cursor(connection) as cursor:
            cursor.execute(sql)
            return int(cursor.fetchone()[0])

    return row_counts_with(exists, count)


def _errored(suite: Suite, expectation: ExpectationSpec, message: str) -> ExpectationOutcome:
    outcome = not_evaluated(suite, expectation, expectation.column)
    outcome.error_message = message
    return outcome


def run_gate_on_postgres(
    boundary: str,
    target: PostgresTarget,
    run_id: str,
    as_of: datetime | None,
    docs_dir: Path,
    suites: Sequence[Suite] | None = None,
    baseline: Baseline | None = None,
) -> GateReport:
    """Validate every suite of `boundary` in the PostgreSQL database `target`.

    Raises `PostgresUnavailable` when the server can't be reached; everything else that goes
    wrong (a missing table, a frame that fails) is a gate error in the report.
    """
    started = time.perf_counter()
    run_at = datetime.now(UTC).replace(tzinfo=None)
    parameters = gate_parameters(as_of or run_at)
    connection = target.connect()
    gate: _PostgresGate | None = None
    try:
        install_conversions(connection)
        gate = _PostgresGate(target, connection, site_dir(docs_dir, boundary))
        outcomes: list[ExpectationOutcome] = []
        if suites is None:
            suites = load_suites(boundary)
            if boundary == "raw":
                # No publications on PostgreSQL: every table of a landed system is checked for
                # completeness, and the drop against a baseline applies when one is given.
                counts = _row_counts(connection)
                outcomes += volume_outcomes(
                    counts, baseline or Baseline(None, reason="no baseline given")
                )
                suites = landed_suites(suites, counts)
        for suite in suites:
            outcomes += gate.validate_suite(suite, parameters, target.database)
        try:
            docs_url: str | None = gate.runner.build_docs()
        except Exception:
            docs_url = None
    finally:
        if gate is not None:
            gate.close()
        connection.close()
    return GateReport(
        boundary=boundary,
        run_id=run_id,
        run_at=run_at,
        outcomes=outcomes,
        seconds=time.perf_counter() - started,
        data_docs_url=docs_url,
    )


def record_on_postgres(target: PostgresTarget, report: GateReport) -> int:
    """Append the report to governance.expectation_results in PostgreSQL (created when
    missing, same columns as DuckDB's); returns the number of rows written."""
    rows = result_rows(report)
    connection = target.connect()
    try:
        with _cursor(connection) as cursor:
            cursor.execute("create schema if not exists governance")
            cursor.execute(f"create table if not exists {RESULTS_TABLE} ({RESULTS_COLUMNS})")
            if rows:
                placeholders = ", ".join(["%s"] * len(rows[0]))
                cursor.executemany(f"insert into {RESULTS_TABLE} values ({placeholders})", rows)
    finally:
        connection.close()
    return len(rows)
