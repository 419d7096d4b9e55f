"""Run a boundary's suites: DuckDB finds and counts the failing rows, GX validates them.

Per suite, one aggregate scan over the frame tells which expectations may fail; only for those
does a second query fetch the failing rows (at most `CANDIDATE_CAP` each) with their exact
count. GX then validates the suite on that small frame, and must agree with the counts: a GX
result that raised, or that disagrees with the pushed-down count, is a gate error, reported as
an error and never as a pass or as "data failed". Whole tables never reach Python.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from orchestration.checks import conversions
from orchestration.checks.outcomes import (
    ERROR,
    FAILED,
    PASSED,
    PII_COLUMNS,
    ExpectationOutcome,
    GateReport,
    mask,
)
from orchestration.checks.pushdown import (
    UnsupportedExpectation,
    failing_predicate,
    quick_check,
    quote,
    render_frame,
)
from orchestration.checks.stewards import mapped_status_values, steward_for
from orchestration.checks.suites import ExpectationSpec, Suite, load_suites
from orchestration.raw.contract import raw_schemas

CANDIDATE_CAP = 10_000
SAMPLE_SIZE = 3
# A raw timestamp may run this far past the run's as-of (clock skew, late syncs) before it is
# "in the future".
FUTURE_TOLERANCE = timedelta(hours=24)
DOCS_SITE = "funnel_gates"


def gate_parameters(as_of: datetime) -> dict[str, Any]:
    """Values for the suites' `{"$PARAMETER": ...}` kwargs."""
    return {"latest_allowed_at": as_of + FUTURE_TOLERANCE, **mapped_status_values()}


@dataclass
class _SuiteFrames:
    """What the warehouse returned for one suite."""

    table_columns: list[str] | None
    element_count: int | None
    empty_frame: pd.DataFrame | None
    counts: dict[int, int]
    duplicated_values: dict[int, int]
    candidates: dict[int, pd.DataFrame]
    error: str | None = None


def gate_schemas() -> dict[str, str]:
    """Placeholder (`{salesforce}`, `{marts}`, ...) -> schema name."""
    return {**raw_schemas(), "marts": "marts"}


def _table_columns(connection: duckdb.DuckDBPyConnection, suite: Suite) -> list[str] | None:
    source, name = suite.table.split(".", 1)
    schema = gate_schemas().get(source, source)
    rows = connection.execute(
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, name],
    ).fetchall()
    return [column for (column,) in rows] or None


def _fetch(
    connection: duckdb.DuckDBPyConnection, suite: Suite, parameters: Mapping[str, Any]
) -> _SuiteFrames:
    columns = _table_columns(connection, suite)
    frames = _SuiteFrames(columns, None, None, {}, {}, {})
    if columns is None:
        frames.error = f"table {suite.table} does not exist in the working database"
        return frames
    frame = f"with frame as (\n{render_frame(suite, gate_schemas(), columns)}\n)\n"
    rows = suite.row_level
    try:
        checks = [quick_check(expectation, parameters) for expectation in rows]
        select = ", ".join(["count(*)", *checks])
        counted = connection.execute(f"{frame}select {select} from frame").fetchone()
        assert counted is not None
        frames.element_count = int(counted[0])
        frames.empty_frame = connection.execute(f"{frame}select * from frame limit 0").df()
        for expectation, maybe in zip(rows, counted[1:], strict=True):
            if not maybe:
                frames.counts[expectation.index] = 0
                continue
            predicate = failing_predicate(expectation, parameters)
            candidates = connection.execute(
                f"{frame}select count(*) over () as __unexpected, * from frame "
                f"where {predicate} limit {CANDIDATE_CAP}"
            ).df()
            count = int(candidates["__unexpected"].iloc[0]) if len(candidates) else 0
            frames.counts[expectation.index] = count
            frames.candidates[expectation.index] = candidates.drop(columns="__unexpected")
            if expectation.type == "expect_column_values_to_be_unique":
                column = quote(expectation.kwargs["column"])
                (values,) = connection.execute(
                    f"{frame}select count(*) from (select {column} from frame "
                    f"where {column} is not null group by {column} having count(*) > 1)"
                ).fetchone() or (0,)
                frames.duplicated_values[expectation.index] = int(values)
    except (duckdb.Error, UnsupportedExpectation) as error:
        frames.error = f"{type(error).__name__}: {error}".strip()
    return frames


def _gx_frame(frames: _SuiteFrames) -> pd.DataFrame:
    """The failing rows of every expectation, each row kept as often as any one query saw it."""
    parts = [frame for frame in frames.candidates.values() if len(frame)]
    if not parts:
        assert frames.empty_frame is not None
        return frames.empty_frame
    tagged = []
    for part in parts:
        part = part.reset_index(drop=True)
        occurrence = part.astype(str).groupby(list(part.columns), dropna=False).cumcount()
        tagged.append(part.assign(__occurrence=occurrence))
    merged = pd.concat(tagged, ignore_index=True)
    keys = [str(column) for column in merged.columns]
    merged = merged.loc[~merged.astype(str).duplicated(subset=keys)]
    return merged.drop(columns="__occurrence").reset_index(drop=True)


def raised(result: Any) -> str | None:
    """The message of an exception GX caught while validating, if any."""
    info = result.exception_info or {}
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for value in info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return str(value.get("exception_message"))
    return None


class _GxRunner:
    """One ephemeral GX context per gate run, with Data Docs on disk."""

    def __init__(self, docs_dir: Path) -> None:
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        import great_expectations as gx

        self.gx = gx
        self.docs_dir = docs_dir
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        docs_dir.mkdir(parents=True, exist_ok=True)
        self.context.add_data_docs_site(
            DOCS_SITE,
            {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
        self.source = self.context.data_sources.add_pandas("funnel_gates")

    def validate(
        self,
        name: str,
        expectations: Sequence[ExpectationSpec],
        frame: pd.DataFrame,
        parameters: Mapping[str, Any],
    ) -> dict[int, Any]:
        """GX results by expectation index, validated on a pandas frame."""
        asset = self.source.add_dataframe_asset(name)
        batch = asset.add_batch_definition_whole_dataframe(name)
        return self.run_suite(
            name,
            expectations,
            batch,
            parameters,
            batch_parameters={"dataframe": frame},
            result_format={"result_format": "SUMMARY"},
        )

    def run_suite(
        self,
        name: str,
        expectations: Sequence[ExpectationSpec],
        batch: Any,
        parameters: Mapping[str, Any],
        batch_parameters: dict[str, Any] | None = None,
        result_format: dict[str, Any] | None = None,
    ) -> dict[int, Any]:
        """Validate `expectations` as suite `name` on a GX batch definition of any datasource;
        GX results by expectation index."""
        from great_expectations.core.expectation_suite import ExpectationSuite
        from great_expectations.expectations.expectation_configuration import (
            ExpectationConfiguration,
        )

        suite = ExpectationSuite(
            name=name,
            expectations=[
                ExpectationConfiguration(
                    type=spec.type,
                    kwargs=spec.kwargs,
                    meta={**spec.meta, "gate_index": spec.index},
                ).to_domain_obj()
                for spec in expectations
            ],
        )
        suite = self.context.suites.add(suite)
        definition = self.context.validation_definitions.add(
            self.gx.ValidationDefinition(name=name, data=batch, suite=suite)
        )
        result = definition.run(
            batch_parameters=batch_parameters,
            expectation_parameters=dict(parameters),
            result_format=result_format or {"result_format": "SUMMARY"},
        )
        return {
            int(r.expectation_config.meta["gate_index"]): r
            for r in result.results
            if r.expectation_config is not None
        }

    def build_docs(self) -> str:
        self.context.build_data_docs(site_names=[DOCS_SITE])
        return (self.docs_dir / "index.html").as_uri()


def _sample(
    suite: Suite, expectation: ExpectationSpec, candidates: pd.DataFrame | None
) -> list[dict[str, Any]]:
    if candidates is None or not len(candidates):
        return []
    wanted = [suite.key_column, *expectation.columns]
    columns = [column for column in dict.fromkeys(wanted) if column in candidates.columns]
    sample = []
    rows = candidates[columns]
    if expectation.type == "expect_column_values_to_be_unique":
        rows = rows.drop_duplicates(subset=list(expectation.columns))
    for record in rows.head(SAMPLE_SIZE).to_dict(orient="records"):
        sample.append(
            {
                str(key): (
                    None if pd.isna(value) else mask(value) if key in PII_COLUMNS else str(value)
                )
                for key, value in record.items()
            }
        )
    return sample


def _observed(expectation: ExpectationSpec, count: int, elements: int, frames: _SuiteFrames) -> str:
    if expectation.type == "expect_column_values_to_be_unique" and count:
        values = frames.duplicated_values.get(expectation.index, 0)
        return f"{values} values used more than once ({count} rows)"
    return f"{count} of {elements} rows unexpected"


def not_evaluated(
    suite: Suite, expectation: ExpectationSpec, column: str | None
) -> ExpectationOutcome:
    """The outcome before evaluation: an error until the warehouse and GX both answered."""
    steward_domain = suite.steward_domain_of(expectation)
    steward = steward_for(steward_domain, suite.table)
    return ExpectationOutcome(
        boundary=suite.boundary,
        suite=suite.name,
        expectation=expectation.label,
        expectation_type=expectation.type,
        table=suite.table,
        column=column,
        severity=expectation.severity,
        status=ERROR,
        observed_value="not evaluated",
        steward_domain=steward_domain,
        steward_name=steward.name,
        steward_contact=steward.contact,
        notes=str(expectation.meta.get("notes", "")),
        catches=expectation.catches,
    )


def _row_outcome(
    suite: Suite,
    expectation: ExpectationSpec,
    frames: _SuiteFrames,
    gx_result: Any,
    gx_error: str | None,
) -> ExpectationOutcome:
    outcome = not_evaluated(suite, expectation, expectation.column)
    error = frames.error or gx_error or (raised(gx_result) if gx_result is not None else None)
    if gx_result is None and error is None:
        error = "GX returned no result for this expectation"
    if error:
        outcome.error_message = error
        return outcome
    count = frames.counts.get(expectation.index, 0)
    elements = frames.element_count or 0
    gx_count = int(gx_result.result.get("unexpected_count") or 0)
    agrees = gx_count == count if count <= CANDIDATE_CAP else gx_count > 0
    if not agrees or bool(gx_result.success) != (count == 0):
        outcome.error_message = (
            f"the warehouse counted {count} unexpected rows but GX found {gx_count} "
            f"(success={gx_result.success}); the pushdown for {expectation.type} needs fixing"
        )
        return outcome
    outcome.judge(count, elements)
    outcome.observed_value = _observed(expectation, count, elements, frames)
    outcome.failing_sample = _sample(suite, expectation, frames.candidates.get(expectation.index))
    return outcome


def table_outcome(
    suite: Suite,
    expectation: ExpectationSpec,
    table_columns: list[str] | None,
    gx_result: Any,
    gx_error: str | None,
) -> ExpectationOutcome:
    outcome = not_evaluated(suite, expectation, None)
    error = gx_error or (raised(gx_result) if gx_result is not None else None)
    if table_columns is None:
        error = f"table {suite.table} does not exist in the working database"
    if error or gx_result is None or table_columns is None:
        outcome.error_message = error or "GX returned no result for this expectation"
        return outcome
    wanted = list(expectation.kwargs.get("column_set") or [expectation.kwargs.get("column")])
    missing = [column for column in wanted if column not in table_columns]
    outcome.status = PASSED if gx_result.success else FAILED
    outcome.unexpected_count = len(missing)
    outcome.element_count = len(wanted)
    outcome.observed_value = (
        f"missing columns: {', '.join(missing)}" if missing else f"all {len(wanted)} present"
    )
    return outcome


def _validate_suite(
    connection: duckdb.DuckDBPyConnection,
    runner: _GxRunner,
    suite: Suite,
    parameters: Mapping[str, Any],
) -> list[ExpectationOutcome]:
    frames = _fetch(connection, suite, parameters)
    outcomes: list[ExpectationOutcome] = []
    if suite.table_level:
        results: dict[int, Any] = {}
        error = None
        if frames.table_columns is not None:
            columns_only = pd.DataFrame(columns=frames.table_columns)
            try:
                results = runner.validate(
                    f"{suite.name}.columns", suite.table_level, columns_only, parameters
                )
            except Exception as raised:
                error = f"GX validation raised {type(raised).__name__}: {raised}"
        outcomes += [
            table_outcome(suite, spec, frames.table_columns, results.get(spec.index), error)
            for spec in suite.table_level
        ]
    if suite.row_level:
        results = {}
        error = None
        if frames.error is None:
            try:
                frame = _gx_frame(frames)
                results = runner.validate(suite.name, suite.row_level, frame, parameters)
            except Exception as raised:
                error = f"GX validation raised {type(raised).__name__}: {raised}"
        outcomes += [
            _row_outcome(suite, spec, frames, results.get(spec.index), error)
            for spec in suite.row_level
        ]
    return outcomes


def run_gate(
    boundary: str,
    connection: duckdb.DuckDBPyConnection,
    run_id: str,
    as_of: datetime | None,
    docs_dir: Path,
    suites: Sequence[Suite] | None = None,
) -> GateReport:
    """Validate every suite of `boundary` against the working database `connection`."""
    started = time.perf_counter()
    run_at = datetime.now(UTC).replace(tzinfo=None)
    parameters = gate_parameters(as_of or run_at)
    for statement in conversions.duckdb_statements():
        connection.execute(statement)
    runner = _GxRunner(docs_dir)
    outcomes: list[ExpectationOutcome] = []
    for suite in suites if suites is not None else load_suites(boundary):
        outcomes += _validate_suite(connection, runner, suite, parameters)
    try:
        docs_url: str | None = runner.build_docs()
    except Exception:
        docs_url = None
    return GateReport(
        boundary=boundary,
        run_id=run_id,
        run_at=run_at,
        outcomes=outcomes,
        seconds=time.perf_counter() - started,
        data_docs_url=docs_url,
    )
