"""Per-step durations and check counts of the latest run recorded in a Dagster instance.

`funnel run` records its run in `$DAGSTER_HOME` when that is set. Every step of the job (raw
tables, dbt, and whatever gate or publish steps the job has) becomes a phase of the benchmark
without the harness naming them, so new steps show up on their own.
"""

from __future__ import annotations

from pathlib import Path

from dagster import DagsterEventType, DagsterInstance

STEP_EVENTS = {
    DagsterEventType.STEP_START,
    DagsterEventType.STEP_SUCCESS,
    DagsterEventType.STEP_FAILURE,
}


def latest_run_steps(dagster_home: Path) -> dict[str, object]:
    """{"steps": {step_key: seconds}, "checks_evaluated": n, "slowest_models": {...}}."""
    with DagsterInstance.from_config(str(dagster_home)) as instance:
        runs = instance.get_runs(limit=1)
        if not runs:
            return {"steps": {}, "checks_evaluated": 0, "slowest_models": {}}
        run_id = runs[0].run_id
        started: dict[str, float] = {}
        steps: dict[str, float] = {}
        checks = 0
        model_seconds: dict[str, float] = {}
        for entry in instance.all_logs(run_id):
            event = entry.dagster_event
            if event is None:
                continue
            if event.event_type == DagsterEventType.STEP_START and entry.step_key:
                started[entry.step_key] = entry.timestamp
            elif event.event_type in STEP_EVENTS and entry.step_key in started:
                steps[entry.step_key] = round(entry.timestamp - started[entry.step_key], 2)
            elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
                checks += 1
            elif event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
                materialization = event.event_specific_data.materialization  # type: ignore[union-attr]
                duration = materialization.metadata.get("Execution Duration")
                if duration is not None:
                    model_seconds[materialization.asset_key.to_user_string()] = round(
                        float(duration.value), 2
                    )
    slowest = dict(sorted(model_seconds.items(), key=lambda item: -item[1])[:8])
    return {"steps": steps, "checks_evaluated": checks, "slowest_models": slowest}
