"""Headless run of the whole pipeline through the same definitions `dagster dev` loads."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
from dagster import (
    AssetCheckEvaluation,
    AssetCheckSeverity,
    DagsterEventType,
    EventLogEntry,
)

from orchestration.checks.results import RESULTS_TABLE
from orchestration.checks.steward_report import GateFailure, steward_lines
from orchestration.instance import open_instance
from orchestration.publication import (
    NOT_PUBLISHED,
    PUBLISHED,
    Publication,
    PublishedFileLocked,
    is_lock_error,
    publish_governance_only,
    remove_scratch_files,
)
from orchestration.run_lock import holding
from orchestration.settings import (
    as_of_text,
    connect_warehouse,
    export_environment,
    published_path,
    warehouse_dir,
    working_path,
)

GATE_CHECK_PREFIXES = ("raw_", "marts_")
# Errors a step raises on purpose, with a message meant for a person: shown without a traceback.
MESSAGE_ERRORS = ("Failure", "PublishedFileLocked")


@dataclass
class CheckFailure:
    asset: str
    check: str
    severity: str
    detail: str


@dataclass
class PipelineOutcome:
    succeeded: bool
    run_id: str = ""
    failed_steps: list[str] = field(default_factory=list)
    # Steps stopped by their own blocking checks (a gate, blocking dbt tests): expected, no stack.
    blocked_steps: list[str] = field(default_factory=list)
    # Steps that raised an unexpected error: the full error with its traceback.
    crashes: list[str] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)
    failed_checks: list[CheckFailure] = field(default_factory=list)
    gate_failures: list[GateFailure] = field(default_factory=list)
    publication: Publication | None = None
    materialized: int = 0
    checks_passed: int = 0
    # What could not be read back after the run (a locked or corrupt database), said plainly.
    notes: list[str] = field(default_factory=list)

    @property
    def blocking_failures(self) -> list[CheckFailure]:
        return [c for c in self.failed_checks if c.severity == AssetCheckSeverity.ERROR.value]

    def summary(self) -> str:
        lines = [
            f"{self.materialized} assets materialized, {self.checks_passed} checks passed, "
            f"{len(self.failed_checks)} checks failed."
        ]
        for step in self.blocked_steps:
            lines.append(f"BLOCKED at {step}: its blocking checks failed (below).")
        for crash in self.crashes:
            lines.append(f"FAILED step {crash}")
        if self.not_run:
            lines.append(f"Not run: {', '.join(self.not_run)}.")
        for check in self.failed_checks:
            if check.check.startswith(GATE_CHECK_PREFIXES):
                continue
            label = "FAILED" if check.severity == AssetCheckSeverity.ERROR.value else "WARN"
            lines.append(f"{label} check {check.check} on {check.asset}: {check.detail}")
        if self.gate_failures:
            lines.append(
                f"Governance gates: {len(self.gate_failures)} expectations not met "
                f"(governance.expectation_results, run {self.run_id}):"
            )
            lines += steward_lines(self.gate_failures)
        lines += self.notes
        if self.publication is not None:
            lines.append(self.publication.describe())
        if self.succeeded:
            lines.append(f"Pipeline succeeded; BI reads {published_path()}")
        elif self.blocked_steps and not self.crashes:
            lines.append("Pipeline BLOCKED: the stewards above have what to fix.")
        else:
            lines.append("Pipeline FAILED: see the failures above.")
        return "\n".join(lines)


def _check_detail(evaluation: AssetCheckEvaluation) -> str:
    metadata = evaluation.metadata or {}
    for key in ("dagster_dbt/failed_row_count", "failed_row_count"):
        if key in metadata:
            return f"{metadata[key].value} failing rows"
    return evaluation.description or "failed"


def _unreadable(path: Path, error: duckdb.Error) -> str:
    if is_lock_error(error):
        return f"{path} is locked by another process ({str(error).split(': ', 2)[-1]})"
    return f"{path} could not be read ({error})"


def gate_failures(run_id: str, notes: list[str] | None = None) -> list[GateFailure]:
    """The run's expectations that were not met, from the working database; a locked or
    corrupt database gives none, with the reason added to `notes`."""
    working = working_path()
    if not working.exists():
        return []
    try:
        with connect_warehouse(working, read_only=True) as connection:
            rows = connection.execute(
                "select suite, expectation, table_name, column_name, severity, status, "
                "observed_value, unexpected_count, failing_sample, steward_name, "
                f"steward_contact, error_message from {RESULTS_TABLE} "
                "where run_id = ? and not passed order by steward_name, severity, suite",
                [run_id],
            ).fetchall()
    except duckdb.CatalogException:
        return []
    except duckdb.Error as error:
        if notes is not None:
            notes.append(
                f"The run's expectation results could not be read: {_unreadable(working, error)}."
            )
        return []
    return [GateFailure(*row) for row in rows]


def _publication_of(run_id: str) -> Publication | None:
    """What the published file says about the run; a locked or corrupt file is reported as
    not published, with the reason."""
    published = published_path()
    if not published.exists():
        return None
    try:
        with connect_warehouse(published, read_only=True) as connection:
            row = connection.execute(
                "select status, marts_run_id, marts_published_at from governance.publications "
                "where run_id = ? order by published_at desc limit 1",
                [run_id],
            ).fetchone()
    except duckdb.CatalogException:
        return None
    except duckdb.Error as error:
        if is_lock_error(error):
            reason = str(PublishedFileLocked(published, error))
        else:
            reason = f"{_unreadable(published, error)}."
        return Publication(published, run_id, NOT_PUBLISHED, None, None, {}, reason)
    if row is None:
        return None
    return Publication(published, run_id, row[0], row[1], row[2], {})


def _record_not_published(run_id: str, reason: str, as_of: str) -> Publication:
    """Record a run that stopped before publishing; if even that fails, say why."""
    try:
        return publish_governance_only(run_id, reason, as_of)
    except PublishedFileLocked as locked:
        return Publication(published_path(), run_id, NOT_PUBLISHED, None, None, {}, str(locked))
    except (duckdb.Error, OSError) as error:
        why = f"the run could not be recorded in {published_path()}: {error}"
        return Publication(published_path(), run_id, NOT_PUBLISHED, None, None, {}, why)


def _failure_text(message: str) -> str:
    """A `dagster.Failure`'s description, without Dagster's wrapping."""
    return message.removeprefix("dagster._core.definitions.events.Failure: ").strip()


def run_pipeline(
    as_of: str | None = None,
    raw_config: dict[str, Any] | None = None,
    listener: Callable[[EventLogEntry], None] | None = None,
    run_id: str | None = None,
    trigger: str = "cli",
) -> PipelineOutcome:
    """Run `funnel_pipeline` in this process, recorded in the project's Dagster instance (the
    one `dagster dev` shows); `listener` sees each event as it happens.

    Holds the warehouse's run lock throughout (raises `run_lock.WarehouseBusy` at once when
    another run holds it)."""
    export_environment()
    run_id = run_id or str(uuid.uuid4())
    as_of = as_of or as_of_text(datetime.now(UTC))
    with holding(run_id, trigger):
        remove_scratch_files()
        return _run_pipeline(as_of, raw_config, listener, run_id)


def _run_pipeline(
    as_of: str,
    raw_config: dict[str, Any] | None,
    listener: Callable[[EventLogEntry], None] | None,
    run_id: str,
) -> PipelineOutcome:
    from orchestration.project import prepare_manifest

    prepare_manifest(force=True, as_of=as_of)
    from orchestration.definitions import defs

    job = defs.resolve_job_def("funnel_pipeline")
    run_config = {
        "ops": {"raw_tables": {"config": raw_config or {}}},
        "resources": {"run_settings": {"config": {"as_of": as_of}}},
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
    }
    with open_instance() as instance:
        if listener is not None:
            instance.add_event_listener(run_id, listener)
        result = job.execute_in_process(
            run_config=run_config,
            instance=instance,
            run_id=run_id,
            raise_on_error=False,
            tags={
                "funnel/trigger": "cli",
                "funnel/as_of": as_of,
                "funnel/warehouse_dir": str(warehouse_dir()),
            },
        )
    outcome = PipelineOutcome(succeeded=result.success, run_id=result.run_id)
    started: set[str] = set()
    for event in result.all_events:
        if event.event_type == DagsterEventType.STEP_START and event.step_key:
            started.add(event.step_key)
        elif event.event_type == DagsterEventType.STEP_FAILURE:
            error = event.step_failure_data.error if event.step_failure_data else None
            message = error.message.strip() if error else ""
            outcome.failed_steps.append(f"{event.step_key}: {message}")
            if error is not None and error.cls_name == "DagsterAssetCheckFailedError":
                outcome.blocked_steps.append(str(event.step_key))
            elif error is not None and error.cls_name in MESSAGE_ERRORS:
                outcome.crashes.append(f"{event.step_key}: {_failure_text(message)}")
            else:
                outcome.crashes.append(
                    f"{event.step_key}: {error.to_string().strip() if error else 'failed'}"
                )
        elif event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
            outcome.materialized += 1
        elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            assert isinstance(evaluation, AssetCheckEvaluation)
            if evaluation.passed:
                outcome.checks_passed += 1
            else:
                outcome.failed_checks.append(
                    CheckFailure(
                        asset=evaluation.asset_key.to_user_string(),
                        check=evaluation.check_name,
                        severity=(evaluation.severity or AssetCheckSeverity.ERROR).value,
                        detail=_check_detail(evaluation),
                    )
                )
    outcome.not_run = [
        node.name for node in job.graph.nodes_in_topological_order if node.name not in started
    ]
    if outcome.blocking_failures or outcome.failed_steps:
        outcome.succeeded = False
    outcome.gate_failures = gate_failures(result.run_id, outcome.notes)
    outcome.publication = _publication_of(result.run_id)
    if outcome.publication is None and not outcome.succeeded and working_path().exists():
        # Stopped before or outside the gates (a failed dbt test, a failed step): record the run
        # as blocked so the publication says so, with whatever the gates found.
        reason = "; ".join(outcome.failed_steps)[:2000] or "the run failed"
        outcome.publication = _record_not_published(result.run_id, reason, as_of)
    if outcome.publication is not None and outcome.publication.status == NOT_PUBLISHED:
        # The publication line says why; the failed step need not say it again.
        outcome.crashes = [c for c in outcome.crashes if outcome.publication.reason not in c]
    if outcome.publication is not None and outcome.publication.status != PUBLISHED:
        outcome.succeeded = False
    return outcome
