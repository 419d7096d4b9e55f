"""The landing sensor: files in $FUNNEL_LANDING_DIR start a run that loads them."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from dagster import RunRequest, SensorResult, SkipReason, build_sensor_context

from orchestration.sensors import LANDING_SETTLE_SECONDS, landing_files_sensor


@pytest.fixture
def landing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "landing"
    folder.mkdir()
    monkeypatch.setenv("FUNNEL_LANDING_DIR", str(folder))
    return folder


def _land(folder: Path, name: str, age_seconds: float) -> None:
    path = folder / "salesforce" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text("id\n1\n")
    stamp = time.time() - age_seconds
    os.utime(path, (stamp, stamp))


def test_nothing_landed_skips(landing: Path) -> None:
    result = landing_files_sensor(build_sensor_context())
    assert isinstance(result, SkipReason)


def test_settled_new_files_start_a_run_that_loads_the_folder(landing: Path) -> None:
    _land(landing, "lead.csv", age_seconds=LANDING_SETTLE_SECONDS + 60)
    result = landing_files_sensor(build_sensor_context())
    assert isinstance(result, SensorResult)
    [request] = result.run_requests or []
    assert isinstance(request, RunRequest)
    config = request.run_config["ops"]["raw_tables"]["config"]
    assert config == {"source": "files", "path": str(landing)}
    assert request.tags["funnel/trigger"] == "landing"
    # The same files don't start a second run.
    again = landing_files_sensor(build_sensor_context(cursor=result.cursor))
    assert isinstance(again, SkipReason)


def test_files_still_being_written_wait_for_the_next_tick(landing: Path) -> None:
    _land(landing, "lead.csv", age_seconds=1)
    result = landing_files_sensor(build_sensor_context())
    assert isinstance(result, SkipReason)
