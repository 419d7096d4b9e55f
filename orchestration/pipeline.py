"""Headless run of the whole pipeline through the same definitions `dagster dev` loads."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from dagster import (
    AssetCheckEvaluation,
    AssetCheckSeverity,
    DagsterEventType,
    DagsterInstance,
)

from orchestration.settings import export_environment, warehouse_path


@dataclass
class CheckFailure:
    asset: str
    check: str
    severity: str
    detail: str


@dataclass
class PipelineOutcome:
    succeeded: bool
    failed_steps: list[str] = field(default_factory=list)
    failed_checks: list[CheckFailure] = field(default_factory=list)
    materialized: int = 0
    checks_passed: int = 0

    @property
    def blocking_failures(self) -> list[CheckFailure]:
        return [c for c in self.failed_checks if c.severity == AssetCheckSeverity.ERROR.value]

    def summary(self) -> str:
        lines = [
            f"{self.materialized} assets materialized, {self.checks_passed} checks passed, "
            f"{len(self.failed_checks)} checks failed."
        ]
        for step in self.failed_steps:
            lines.append(f"FAILED step {step}")
        for check in self.failed_checks:
            label = "FAILED" if check.severity == AssetCheckSeverity.ERROR.value else "WARN"
            lines.append(f"{label} check {check.check} on {check.asset}: {check.detail}")
        if self.succeeded:
            lines.append(f"Pipeline succeeded; warehouse: {warehouse_path()}")
        else:
            lines.append("Pipeline FAILED: see the failures above.")
        return "\n".join(lines)


def _instance() -> DagsterInstance:
    # With DAGSTER_HOME set, headless runs appear in `dagster dev`'s run history too.
    return DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()


def _check_detail(evaluation: AssetCheckEvaluation) -> str:
    metadata = evaluation.metadata or {}
    for key in ("dagster_dbt/failed_row_count", "failed_row_count"):
        if key in metadata:
            return f"{metadata[key].value} failing rows"
    return evaluation.description or "failed"


def run_pipeline(
    as_of: str | None = None, raw_config: dict[str, Any] | None = None
) -> PipelineOutcome:
    export_environment()
    from orchestration.project import prepare_manifest

    prepare_manifest(force=True, as_of=as_of)
    from orchestration.definitions import defs

    job = defs.resolve_job_def("funnel_pipeline")
    run_config = {
        "ops": {
            "raw_tables": {"config": raw_config or {}},
            "dbt_models": {"config": {"as_of": as_of}},
        },
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
    }
    with _instance() as instance:
        result = job.execute_in_process(
            run_config=run_config, instance=instance, raise_on_error=False
        )
    outcome = PipelineOutcome(succeeded=result.success)
    for event in result.all_events:
        if event.event_type == DagsterEventType.STEP_FAILURE:
            message = (
                event.step_failure_data.error.message
                if event.step_failure_data and event.step_failure_data.error
                else ""
            )
            outcome.failed_steps.append(f"{event.step_key}: {message.strip()}")
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
    if outcome.blocking_failures or outcome.failed_steps:
        outcome.succeeded = False
    return outcome
