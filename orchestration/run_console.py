"""What `funnel run` shows a person: one line per step as it starts and ends, and where the full
log is. Everything dbt and Dagster print goes to a log file under the warehouse folder (and to
the terminal too with `--verbose`)."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from orchestration.settings import warehouse_dir

KEPT_LOGS = 20


def logs_dir() -> Path:
    return warehouse_dir() / "logs"


def new_log_path() -> Path:
    """`$FUNNEL_WAREHOUSE_DIR/logs/run-<UTC start>.log`; the oldest beyond the last 20 go."""
    folder = logs_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for old in sorted(folder.glob("run-*.log"))[:-KEPT_LOGS]:
        old.unlink(missing_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return folder / f"run-{stamp}.log"


@contextmanager
def captured_output(log_path: Path, echo: bool) -> Iterator[IO[str]]:
    """Send this process's stdout and stderr (file descriptors 1 and 2, so subprocesses and
    C libraries too) to `log_path`, and to the terminal as well when `echo`. Yields a stream
    to the terminal for the lines meant for a person."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved_out, saved_err = os.dup(1), os.dup(2)
    terminal = os.fdopen(os.dup(saved_out), "w", buffering=1)
    read_end, write_end = os.pipe()

    def copy() -> None:
        with open(log_path, "ab") as log, os.fdopen(read_end, "rb", buffering=0) as pipe:
            while chunk := pipe.read(65536):
                log.write(chunk)
                log.flush()
                if echo:
                    os.write(saved_out, chunk)

    copier = threading.Thread(target=copy, name="funnel-run-log", daemon=True)
    copier.start()
    os.dup2(write_end, 1)
    os.dup2(write_end, 2)
    os.close(write_end)
    try:
        yield terminal
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved_out, 1)
        os.dup2(saved_err, 2)
        copier.join(timeout=30)
        os.close(saved_out)
        os.close(saved_err)
        terminal.close()


@dataclass
class StepTally:
    started_at: float
    materialized: int = 0
    rows: int = 0
    checks_passed: int = 0
    checks_failed: int = 0
    expectations: int = 0
    not_met: int = 0
    blocking: int = 0


def _int(metadata: dict[str, Any], key: str) -> int:
    value = metadata.get(key)
    return int(getattr(value, "value", 0) or 0) if value is not None else 0


@dataclass
class StepProgress:
    """A Dagster event listener printing a line as each step starts and ends."""

    out: IO[str]
    steps: dict[str, StepTally] = field(default_factory=dict)
    width: int = 32

    def _line(self, label: str, step: str, text: str = "") -> None:
        print(f"  {label:<7} {step:<{self.width}} {text}".rstrip(), file=self.out, flush=True)

    def __call__(self, entry: Any) -> None:
        from dagster import AssetCheckEvaluation, DagsterEventType

        event = entry.dagster_event
        if event is None or not event.step_key:
            return
        step, kind = event.step_key, event.event_type
        tally = self.steps.get(step)
        if kind == DagsterEventType.STEP_START:
            self.steps[step] = StepTally(started_at=entry.timestamp)
            self._line("start", step)
            return
        if tally is None:
            return
        if kind == DagsterEventType.ASSET_MATERIALIZATION:
            tally.materialized += 1
            metadata = event.event_specific_data.materialization.metadata
            tally.rows += _int(metadata, "dagster/row_count")
        elif kind == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            assert isinstance(evaluation, AssetCheckEvaluation)
            tally.checks_passed += evaluation.passed
            tally.checks_failed += not evaluation.passed
            metadata = dict(evaluation.metadata or {})
            tally.expectations += _int(metadata, "expectations")
            tally.not_met += _int(metadata, "failed_critical") + _int(metadata, "failed_warning")
            tally.blocking += _int(metadata, "failed_critical") + _int(metadata, "gate_errors")
        elif kind in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
            if tally.blocking or (tally.checks_failed and kind == DagsterEventType.STEP_FAILURE):
                label = "BLOCKED"
            else:
                label = "done" if kind == DagsterEventType.STEP_SUCCESS else "FAILED"
            seconds = entry.timestamp - tally.started_at
            self._line(label, step, f"{seconds:6.1f}s  {describe(tally)}")


def describe(tally: StepTally) -> str:
    parts = []
    if tally.expectations:
        parts.append(f"{tally.expectations} expectations checked, {tally.not_met} not met")
        if tally.blocking:
            parts.append(f"{tally.blocking} blocking")
    else:
        if tally.materialized:
            built = _count(tally.materialized, "asset")
            parts.append(f"{built}, {tally.rows:,} rows" if tally.rows else built)
        checks = tally.checks_passed + tally.checks_failed
        if checks:
            parts.append(f"{_count(checks, 'check')}, {tally.checks_failed} failed")
    return "; ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
