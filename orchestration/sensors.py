"""The landing sensor: new files in the landing folder start a run (`funnel load` semantics)."""

from __future__ import annotations

import time
from pathlib import Path

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from orchestration.raw.systems import contract_systems
from orchestration.schedules import funnel_pipeline
from orchestration.settings import landing_dir

# Files younger than this may still be being written: wait for the next tick.
LANDING_SETTLE_SECONDS = 30
# One folder per system of the raw contract (`<system>/`), any subset.
SOURCE_FOLDERS = contract_systems()
FOLDERS_TEXT = ", ".join(f"{system}/" for system in SOURCE_FOLDERS)


def landed_files(folder: Path) -> list[Path]:
    return sorted(
        path
        for source in SOURCE_FOLDERS
        if (folder / source).is_dir()
        for path in (folder / source).iterdir()
        if path.is_file() and not path.name.startswith(".")
    )


@sensor(
    job=funnel_pipeline,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.STOPPED,
    description=f"Runs the pipeline on the files in $FUNNEL_LANDING_DIR (a folder per source "
    f"system, any of {FOLDERS_TEXT}; loaded like `funnel load`) when any of them is newer than "
    "the last run's.",
)
def landing_files_sensor(context: SensorEvaluationContext) -> SensorResult | SkipReason:
    folder = landing_dir()
    files = landed_files(folder)
    if not files:
        return SkipReason(f"No files in any of {FOLDERS_TEXT} under {folder}.")
    newest = max(path.stat().st_mtime for path in files)
    if newest <= float(context.cursor or 0):
        return SkipReason(f"No file in {folder} changed since the last run.")
    if time.time() - newest < LANDING_SETTLE_SECONDS:
        return SkipReason(f"Files in {folder} changed in the last {LANDING_SETTLE_SECONDS}s.")
    return SensorResult(
        run_requests=[
            RunRequest(
                run_key=f"landing-{newest:.0f}",
                run_config={
                    "ops": {"raw_tables": {"config": {"source": "files", "path": str(folder)}}}
                },
                tags={
                    "funnel/trigger": "landing",
                    "funnel/landing_dir": str(folder),
                    "funnel/landing_files": str(len(files)),
                },
            )
        ],
        cursor=str(newest),
    )
