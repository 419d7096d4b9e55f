"""Run one phase as a child process and measure its wall time and peak memory.

Two memory figures per phase:
- `peak_rss_mb`: the largest resident set of any single process of the phase (the phase's own
  process or any subprocess it waited for, e.g. dbt under Dagster), exact, from `wait4`.
- `peak_tree_rss_mb`: the largest sum of resident sets over the phase's whole process tree,
  sampled every 0.2 s from /proc (Linux only; None elsewhere). This is what the machine had to
  hold at once when Dagster and dbt run side by side.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.2
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class Measurement:
    phase: str
    seconds: float
    peak_rss_mb: float
    peak_tree_rss_mb: float | None
    cpu_seconds: float
    returncode: int
    output_tail: str


class PhaseFailed(RuntimeError):
    def __init__(self, measurement: Measurement, command: list[str]) -> None:
        super().__init__(
            f"phase {measurement.phase} failed (exit {measurement.returncode}): "
            f"{' '.join(command)}\n{measurement.output_tail}"
        )
        self.measurement = measurement


def _children_by_parent() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name (field 2) may hold spaces: the parent id follows the last ')'.
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
    return children


def _tree_rss_bytes(root: int) -> int:
    children = _children_by_parent()
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        try:
            resident_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            resident_pages = 0
        total += resident_pages * PAGE_SIZE
        pending.extend(children.get(pid, []))
    return total


class _TreeSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.finished = threading.Event()

    def run(self) -> None:
        while not self.finished.is_set():
            self.peak = max(self.peak, _tree_rss_bytes(self.pid))
            self.finished.wait(SAMPLE_SECONDS)


def run_phase(
    phase: str, command: list[str], env: dict[str, str], cwd: Path, log_file: Path
) -> Measurement:
    """Run `command`, its output going to `log_file`; raise PhaseFailed on a non-zero exit."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("w") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        sampler = _TreeSampler(process.pid) if Path("/proc/self/statm").exists() else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    if sampler:
        sampler.finished.set()
        sampler.join()
    measurement = Measurement(
        phase=phase,
        seconds=round(seconds, 2),
        peak_rss_mb=round(usage.ru_maxrss / 1024, 1),  # Linux reports kilobytes
        peak_tree_rss_mb=round(sampler.peak / 2**20, 1) if sampler else None,
        cpu_seconds=round(usage.ru_utime + usage.ru_stime, 2),
        returncode=process.returncode,
        output_tail=log_file.read_text()[-3000:],
    )
    if process.returncode != 0:
        raise PhaseFailed(measurement, command)
    return measurement
