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
    ExpectationOutcome,
    GateReport,
    is_pii,
    mask,
    masked,
)
from orchestration.checks.pushdown import (
    UnsupportedExpectation,
    failing_predicate,
    quick_check,
    quote,
    render_frame,
)
from orchestration.checks.stewards import mapped_reason_values, mapped_status_values, steward_for
from orchestration.checks.suites import (
    ExpectationSpec,
    Suite,
    describe_landed,
    landed_column,
    landed_suites,
    load_suites,
)
from orchestration.checks.tolerances import ORPHAN_SEED, max_orphan_percent
from orchestration.checks.volume import (
    Baseline,
    duckdb_row_counts,
    published_baseline,
    volume_outcomes,
)
from orchestration.raw.contract import raw_schemas

CANDIDATE_CAP = 10_000
SAMPLE_SIZE = 3
# A raw timestamp may run this far past the run's as-of (clock skew, late syncs) before it is
# "in the future".
FUTURE_TOLERANCE = timedelta(hours=24)
# No raw timestamp of a CRM or MAS record is older than this: both systems' records of the
# teams the warehouse serves start after it, and an older one is a sentinel or a bad import
# (`1900-01-01`, a zero date read in the wrong unit), never history.
EARLIEST_ALLOWED_AT = datetime(2000, 1, 1)
DOCS_SITE = "funnel_gates"
# Columns of a frame that help a steward find a failing row, shown beside the key in samples
# (masked like every sample value); `_loaded_record` is the record number in a loaded file.
LOCATOR_COLUMNS = (
    "_loaded_record",
    "lead_id",
    "who_id",
    "opportunity_id",
    "account_id",
    "name",
    "company",
    "email",
    "created_date",
    "created_at",
    "activity_date",
)


def gate_parameters(as_of: datetime) -> dict[str, Any]:
    """Values for the suites' `{"$PARAMETER": ...}` kwargs."""
    return {
        "latest_allowed_at": as_of + FUTURE_TOLERANCE,
        "earliest_allowed_at": EARLIEST_ALLOWED_AT,
        **mapped_status_values(),
        **mapped_reason_values(),
    }


def orphan_tolerance(suite: Suite, expectation: ExpectationSpec) -> float | None:
    """Percent of orphaned rows a referential check tolerates (None: not a referential check)."""
    column = expectation.meta.get("orphans_of")
    if not column:
        return None
    return max_orphan_percent(suite.table, str(column))


def apply_tolerance(
    suite: Suite, expectation: ExpectationSpec, outcome: ExpectationOutcome
) -> ExpectationOutcome:
    """A referential check with orphans: a warning up to the stewards' tolerance
    (seeds/orphan_tolerances.csv), critical above it. Counted and sampled either way."""
    allowed = orphan_tolerance(suite, expectation)
    if allowed is None or outcome.status != FAILED:
        return outcome
    percent = outcome.unexpected_percent or 0.0
    within = percent <= allowed
    outcome.severity = "warning" if within else "critical"
    relation = "<=" if within else ">"
    column = expectation.meta.get("orphans_of")
    outcome.observed_value = (
        f"{outcome.unexpected_count} of {outcome.element_count} rows orphaned by {column} "
        f"({percent:.2f}% {relation} {allowed:g}% tolerated, seeds/{ORPHAN_SEED.name})"
    )
    return outcome


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
    """Placeholder (`{<system>}` of every contract system, `{marts}`) -> schema name."""
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

    def mask_stored_results(self) -> None:
        """Mask personal data in the validation results Data Docs render (the same rule as
        governance samples: outcomes.is_pii / mask)."""
        store = self.context.validation_results_store
        for key in store.list_keys():
            suite_result = store.get(key)
            if suite_result is None:
                continue
            for result in suite_result.results:
                config = result.expectation_config
                kwargs = dict(config.kwargs) if config is not None else {}
                columns = [kwargs.get(k) for k in ("column", "column_A", "column_B")]
                personal = any(is_pii(column) for column in columns if column)
                result.result = mask_result(result.result or {}, personal)
            store.set(key, suite_result)

    def build_docs(self) -> str:
        self.mask_stored_results()
        self.context.build_data_docs(site_names=[DOCS_SITE])
        return (self.docs_dir / "index.html").as_uri()


def site_dir(docs_dir: Path, boundary: str) -> Path:
    """One Data Docs site per boundary: the mart gate's build never cleans the raw gate's pages."""
    return docs_dir / boundary


def mask_result(result: dict[str, Any], personal: bool) -> dict[str, Any]:
    """A GX result dict with the unexpected values of a personal-data column masked, and any
    personal-data column of the index lists too."""
    masked_result = dict(result)

    def value(item: Any) -> Any:
        return mask(item) if personal and item is not None else item

    for name in ("partial_unexpected_list", "unexpected_list"):
        if isinstance(result.get(name), list):
            masked_result[name] = [value(item) for item in result[name]]
    if isinstance(result.get("partial_unexpected_counts"), list):
        masked_result["partial_unexpected_counts"] = [
            {**entry, "value": value(entry.get("value"))} if isinstance(entry, dict) else entry
            for entry in result["partial_unexpected_counts"]
        ]
    for name in ("partial_unexpected_index_list", "unexpected_index_list"):
        if isinstance(result.get(name), list):
            masked_result[name] = [
                {k: (mask(v) if is_pii(k) and v is not None else v) for k, v in row.items()}
                if isinstance(row, dict)
                else row
                for row in result[name]
            ]
    if "unexpected_index_query" in result:
        masked_result.pop("unexpected_index_query")
    return masked_result


def sample_columns(
    suite: Suite, expectation: ExpectationSpec, available: Sequence[str]
) -> list[str]:
    """The key, the checked columns and the frame's locator columns, in that order."""
    source = [str(expectation.meta["column"])] if expectation.meta.get("column") else []
    wanted = [suite.key_column, *expectation.columns, *source, *LOCATOR_COLUMNS]
    present = set(available)
    return [column for column in dict.fromkeys(wanted) if column in present]


def _sample(
    suite: Suite, expectation: ExpectationSpec, candidates: pd.DataFrame | None
) -> list[dict[str, Any]]:
    if candidates is None or not len(candidates):
        return []
    columns = sample_columns(suite, expectation, [str(c) for c in candidates.columns])
    rows = candidates[columns]
    if expectation.type == "expect_column_values_to_be_unique":
        rows = rows.drop_duplicates(subset=list(expectation.columns))
    return [
        {str(key): masked(key, value) for key, value in record.items()}
        for record in rows.head(SAMPLE_SIZE).to_dict(orient="records")
    ]


def _observed(expectation: ExpectationSpec, count: int, elements: int, frames: _SuiteFrames) -> str:
    if expectation.type == "expect_column_values_to_be_unique" and count:
        values = frames.duplicated_values.get(expectation.index, 0)
        return f"{values} values used more than once ({count} rows)"
    return f"{count} of {elements} rows unexpected"


def reported_column(expectation: ExpectationSpec) -> str | None:
    """The raw column a steward is told about: a derived frame column names its source column
    in `meta.column` (`non_finite_amount`) or `meta.orphans_of` (`missing_owner_id`)."""
    meta = expectation.meta
    column = str(meta.get("column") or meta.get("orphans_of") or expectation.column or "")
    return landed_column(expectation.table, column) if column else None


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
    outcome = not_evaluated(suite, expectation, reported_column(expectation))
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
    return apply_tolerance(suite, expectation, outcome)


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
    described = [describe_landed(suite.table, column) for column in missing]
    outcome.observed_value = (
        f"missing columns: {', '.join(described)}" if missing else f"all {len(wanted)} present"
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
    baseline: Baseline | None = None,
) -> GateReport:
    """Validate every suite of `boundary` against the working database `connection`.

    The whole raw gate (`suites` not given) also checks every raw table's volume against
    `baseline`, by default the last publication's (see volume.py), and runs only the suites of
    the systems that have landed (orchestration/raw/systems.py).
    """
    started = time.perf_counter()
    run_at = datetime.now(UTC).replace(tzinfo=None)
    parameters = gate_parameters(as_of or run_at)
    for statement in conversions.duckdb_statements():
        connection.execute(statement)
    runner = _GxRunner(site_dir(docs_dir, boundary))
    outcomes: list[ExpectationOutcome] = []
    if suites is None:
        suites = load_suites(boundary)
        if boundary == "raw":
            if baseline is None:
                from orchestration.settings import published_path

                baseline = published_baseline(published_path())
            counts = duckdb_row_counts(connection)
            outcomes += volume_outcomes(counts, baseline)
            suites = landed_suites(suites, counts)
    for suite in suites:
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
