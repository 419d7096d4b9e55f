"""The two governance gates as blocking Dagster asset checks.

`raw_contract_gate` checks each required raw table (one check per suite, on the raw table's
asset) and the volume of every raw table (volume.py; an optional table without a suite gets a
check of its own) before staging is built; `mart_gate` checks the marts before they are published. A
critical expectation that fails or can't be evaluated (a gate error) fails its check with
ERROR severity, which stops every step downstream in the same run; a failing warning is a WARN
check result and stops nothing. Every outcome is appended to governance.expectation_results, and
a blocking gate publishes those results at once (the marts BI reads stay as they were).
"""

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetChecksDefinition,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MetadataValue,
    multi_asset_check,
)

from orchestration.assets.dbt import WAREHOUSE_POOL
from orchestration.checks.outcomes import ERROR, GateReport
from orchestration.checks.results import record
from orchestration.checks.suites import Suite, load_suites
from orchestration.checks.validate import run_gate
from orchestration.checks.volume import suite_name
from orchestration.publication import publish_governance_only
from orchestration.raw.contract import ContractTable, contract_tables
from orchestration.resources import RunSettings
from orchestration.settings import connect_warehouse, data_docs_dir, working_path


def evaluate_gate(boundary: str, run_id: str, as_of: datetime | None) -> GateReport:
    """Validate the boundary's suites on the working database and record the outcomes."""
    with connect_warehouse(working_path()) as connection:
        report = run_gate(boundary, connection, run_id, as_of, data_docs_dir())
        record(connection, report)
    if report.blocks:
        failed = "; ".join(outcome.describe() for outcome in report.blocking[:10])
        publish_governance_only(
            run_id,
            f"{boundary} gate blocked the run: {failed}",
            as_of.isoformat(sep=" ") if as_of else None,
        )
    return report


def _volume_only(table: ContractTable) -> Suite:
    """A raw table without an expectation suite (an optional one): its volume check alone."""
    return Suite(
        name=suite_name(table),
        boundary="raw",
        table=table.qualified_name,
        asset_key=(table.source, table.name),
        steward_domain="",
        key_column=table.key_columns[0],
        description=f"Volume of {table.qualified_name} against the last publication.",
        expectations=(),
        frame_sql="",
        path=Path("seeds/raw_volume_thresholds.csv"),
    )


def gate_checks(boundary: str) -> tuple[Suite, ...]:
    """The suites a gate reports on: every suite, and for the raw gate every raw table's volume."""
    suites = load_suites(boundary)
    if boundary != "raw":
        return suites
    named = {suite.name for suite in suites}
    return suites + tuple(
        _volume_only(table) for table in contract_tables() if suite_name(table) not in named
    )


def _result(suite: Suite, report: GateReport) -> AssetCheckResult:
    outcomes = report.for_suite(suite.name)
    blocking = [outcome for outcome in outcomes if outcome.blocks]
    warnings = [
        outcome for outcome in outcomes if not outcome.passed and outcome.severity == "warning"
    ]
    errors = [outcome for outcome in outcomes if outcome.status == ERROR]
    stewards = sorted(
        {f"{o.steward_name} <{o.steward_contact}>" for o in blocking + warnings if o.steward_name}
    )
    metadata: dict[str, MetadataValue] = {
        "table": MetadataValue.text(suite.table),
        "expectations": MetadataValue.int(len(outcomes)),
        "passed": MetadataValue.int(sum(outcome.passed for outcome in outcomes)),
        "failed_critical": MetadataValue.int(len(blocking) - len(errors)),
        "failed_warning": MetadataValue.int(len(warnings)),
        "gate_errors": MetadataValue.int(len(errors)),
        "gate_seconds": MetadataValue.float(round(report.seconds, 3)),
        "suite_file": MetadataValue.path(str(suite.path)),
        "row_count": MetadataValue.text(
            next(
                (
                    o.observed_value
                    for o in outcomes
                    if o.expectation_type.startswith("expect_table_row_count")
                ),
                "not counted",
            )
        ),
    }
    if report.data_docs_url:
        metadata["data_docs"] = MetadataValue.url(report.data_docs_url)
    if blocking or warnings:
        metadata["failures"] = MetadataValue.md(
            "\n".join(
                f"- **{o.severity}** {o.describe()} (steward: {o.steward_name})"
                for o in blocking + warnings
            )
        )
        metadata["stewards"] = MetadataValue.text(", ".join(stewards))
    return AssetCheckResult(
        asset_key=AssetKey(list(suite.asset_key)),
        check_name=suite.name,
        passed=not blocking and not warnings,
        severity=AssetCheckSeverity.ERROR if blocking else AssetCheckSeverity.WARN,
        metadata=metadata,
        description=(f"{len(errors)} gate errors; " if errors else "")
        + f"{len(blocking)} critical and {len(warnings)} warning expectations not met",
    )


def build_gate(boundary: str, name: str, description: str) -> AssetChecksDefinition:
    suites = gate_checks(boundary)
    specs = [
        AssetCheckSpec(
            name=suite.name,
            asset=AssetKey(list(suite.asset_key)),
            blocking=True,
            description=(
                f"GX suite {suite.path.relative_to(suite.path.parents[2])}: "
                if suite.expectations
                else f"{suite.path}: "
            )
            + suite.description,
        )
        for suite in suites
    ]

    @multi_asset_check(specs=specs, name=name, description=description, pool=WAREHOUSE_POOL)
    def gate(
        context: AssetCheckExecutionContext, run_settings: RunSettings
    ) -> Iterator[AssetCheckResult]:
        report = evaluate_gate(boundary, context.run.run_id, run_settings.as_of_datetime())
        context.log.info(
            f"{boundary} gate: {len(report.outcomes)} expectations in {report.seconds:.1f}s, "
            f"{len(report.not_passed)} not met, {len(report.blocking)} blocking"
        )
        for suite in suites:
            yield _result(suite, report)

    return gate


raw_contract_gate = build_gate(
    "raw",
    "raw_contract_gate",
    "Raw-contract expectations on every required raw table, before staging is built.",
)
mart_gate = build_gate(
    "marts", "mart_gate", "Mart expectations, before the marts are published for BI."
)
