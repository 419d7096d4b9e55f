"""One run at a time per warehouse: an exclusive lock on `$FUNNEL_WAREHOUSE_DIR/.run.lock`.

DuckDB allows one writer process per file, and two runs building one warehouse tear each
other's tables and dbt artifacts. Everything that writes the working database takes this lock
first: `funnel run`, `funnel generate`, `funnel load`, `funnel gates`, and every step of a run
Dagster launches (UI button, schedule, sensors), which execute in a run-worker process.

The lock is an `fcntl.flock` on the lock file, so the kernel releases it when its process ends,
however it ends. The file says who holds it (run id, UTC start, pid, what started it) as one
line of JSON, so a second run can name the first. A holder that ends cleanly empties the file;
a holder that was killed leaves its line behind: the next run takes the lock over and says so,
and marks the killed holder's Dagster run as failed, freeing its concurrency-pool slots (a run
waiting for a slot that a dead run still holds would wait forever).

Within one process the lock is re-entrant: `funnel run` takes it, then its in-process steps
find it held. A run worker's steps take it at their start and keep it until the process ends.
"""

from __future__ import annotations

import atexit
import fcntl
import json
import os
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from orchestration.settings import warehouse_dir

LOCK_FILE_NAME = ".run.lock"
# `funnel` exits with this code when another run holds the warehouse: nothing was done.
BUSY_EXIT_CODE = 3
TRIGGER_LABELS = {
    "cli": "`funnel run`",
    "ui": "the Dagster UI",
    "schedule": "the daily_funnel_refresh schedule",
    "sensor": "a Dagster sensor",
    "generate": "`funnel generate`",
    "load": "`funnel load`",
    "gates": "`funnel gates`",
}


def lock_path(warehouse: Path | None = None) -> Path:
    return (warehouse or warehouse_dir()) / LOCK_FILE_NAME


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) the lock."""

    run_id: str
    started_at: str
    pid: int
    trigger: str
    host: str

    def describe(self) -> str:
        started_by = TRIGGER_LABELS.get(self.trigger, self.trigger)
        return (
            f"run {self.run_id}, started by {started_by} at {self.started_at} UTC, "
            f"pid {self.pid}" + ("" if self.host == socket.gethostname() else f" on {self.host}")
        )

    def is_alive(self) -> bool:
        """Whether the holder's process still exists (assumed so on another machine)."""
        if self.host != socket.gethostname():
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse's run lock."""

    def __init__(self, path: Path, holder: Holder | None) -> None:
        self.path = path
        self.holder = holder
        if holder is None:
            who = "another process holds it (it has not written its name yet)"
        elif holder.is_alive():
            who = f"{holder.describe()}, holds it"
        else:
            who = (
                f"{holder.describe()}, held it; that process has exited, but a process it "
                "started still has the lock file open"
            )
        super().__init__(
            f"The warehouse {path.parent} is busy: {who}. Only one run at a time may build or "
            f"publish a warehouse (lock file {path}), so nothing was done and the published "
            "marts are unchanged. Wait for that run to finish, or stop it, then start again."
        )


@dataclass
class HeldLock:
    path: Path
    fd: int
    holder: Holder
    # A killed holder whose lock this process took over, with what was done about its run.
    took_over: Holder | None = None
    took_over_note: str = ""

    def takeover_message(self) -> str:
        if self.took_over is None:
            return ""
        return (
            f"Took over a stale lock on {self.path.parent}: {self.took_over.describe()}, "
            f"held it and is gone (killed or crashed).{self.took_over_note}"
        )


_held: dict[Path, HeldLock] = {}
_guard = threading.Lock()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _read_holder(fd: int) -> Holder | None:
    raw = os.pread(fd, 4096, 0).decode(errors="replace").strip()
    if not raw:
        return None
    try:
        fields = json.loads(raw)
        return Holder(
            run_id=str(fields["run_id"]),
            started_at=str(fields["started_at"]),
            pid=int(fields["pid"]),
            trigger=str(fields["trigger"]),
            host=str(fields.get("host", socket.gethostname())),
        )
    except (ValueError, KeyError, TypeError):
        return Holder("unknown", "an unknown time", 0, "unknown", socket.gethostname())


def _write_holder(fd: int, holder: Holder | None) -> None:
    os.ftruncate(fd, 0)
    if holder is not None:
        os.pwrite(fd, (json.dumps(asdict(holder)) + "\n").encode(), 0)
    os.fsync(fd)


def held(warehouse: Path | None = None) -> HeldLock | None:
    """This process's hold on the warehouse, if it has one."""
    return _held.get(lock_path(warehouse).absolute())


def acquire(
    run_id: str, trigger: str, warehouse: Path | None = None, instance: Any = None
) -> HeldLock:
    """Take the warehouse's run lock for this process, or raise `WarehouseBusy` at once.

    Re-entrant: a process that holds it gets its hold back. `instance` is the Dagster instance
    to mark a killed holder's run failed in (default: the project's, opened when needed)."""
    path = lock_path(warehouse).absolute()
    with _guard:
        if path in _held:
            return _held[path]
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            # The winner writes its name right after taking the lock: give it a moment.
            for _ in range(20):
                if holder is not None:
                    break
                time.sleep(0.05)
                holder = _read_holder(fd)
            os.close(fd)
            raise WarehouseBusy(path, holder) from None
        previous = _read_holder(fd)
        holder = Holder(run_id, _now(), os.getpid(), trigger, socket.gethostname())
        _write_holder(fd, holder)
        hold = HeldLock(path, fd, holder)
        _held[path] = hold
    if previous is not None and previous.pid != os.getpid():
        stale, note = _settle_dead_run(previous, instance)
        if stale:
            hold.took_over, hold.took_over_note = previous, note
    return hold


def release(warehouse: Path | None = None) -> None:
    """Give the lock back (emptying the file, so the next holder knows it was released)."""
    path = lock_path(warehouse).absolute()
    with _guard:
        hold = _held.pop(path, None)
        if hold is None:
            return
        try:
            _write_holder(hold.fd, None)
        finally:
            os.close(hold.fd)


@atexit.register
def _release_all() -> None:
    for path in list(_held):
        release(path.parent)


@contextmanager
def holding(run_id: str, trigger: str, warehouse: Path | None = None) -> Iterator[HeldLock]:
    """The lock for the duration of a block; released at its end unless it was held already."""
    already = held(warehouse) is not None
    hold = acquire(run_id, trigger, warehouse)
    try:
        yield hold
    finally:
        if not already:
            release(warehouse)


def _settle_dead_run(previous: Holder, instance: Any) -> tuple[bool, str]:
    """A holder that left its name behind: (whether it was killed, what was done about it).

    A Dagster run that is still marked as going is marked failed, and its concurrency-pool
    slots are freed; a holder whose run had finished only missed emptying the file."""
    if not previous.run_id or previous.trigger in ("generate", "load", "gates"):
        return True, ""
    try:
        if instance is None:
            from orchestration.instance import open_instance

            with open_instance() as opened:
                return _settle_in(opened, previous)
        return _settle_in(instance, previous)
    except Exception as error:  # the lock is ours either way; say what could not be done
        return True, f" Its Dagster run could not be marked failed: {error}"


def _settle_in(instance: Any, previous: Holder) -> tuple[bool, str]:
    run = instance.get_run_by_id(previous.run_id)
    if run is None:
        return True, ""
    if run.is_finished:
        return False, _free_slots(instance, previous.run_id)
    instance.report_run_failed(
        run,
        f"Marked failed by run lock takeover: its process (pid {previous.pid}) was gone while "
        f"it held {lock_path()}.",
    )
    return True, f" Its Dagster run was marked failed.{_free_slots(instance, previous.run_id)}"


def _free_slots(instance: Any, run_id: str) -> str:
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return ""
    if run_id not in storage.get_concurrency_run_ids():
        return ""
    storage.free_concurrency_slots_for_run(run_id)
    return " Its concurrency-pool slots were freed."


def trigger_of(tags: Mapping[str, str]) -> str:
    """What started a Dagster run, from its tags: cli, schedule, sensor, or ui."""
    trigger = tags.get("funnel/trigger")
    if trigger in ("cli", "schedule"):
        return trigger
    if trigger == "landing" or "dagster/sensor_name" in tags:
        return "sensor"
    if "dagster/schedule_name" in tags:
        return "schedule"
    return "ui"


def acquire_for_step(context: Any) -> HeldLock:
    """The lock for a step of a Dagster run, kept until the run's process ends; a busy
    warehouse fails the step with a `dagster.Failure` naming the run that holds it."""
    return acquire_for_run(context.run, context.instance, context.log)


def acquire_for_run(run: Any, instance: Any, log: Any) -> HeldLock:
    from dagster import Failure

    try:
        hold = acquire(run.run_id, trigger_of(run.tags), instance=instance)
    except WarehouseBusy as busy:
        raise Failure(description=str(busy)) from None
    if hold.took_over is not None:
        if log is not None:
            log.warning(hold.takeover_message())
        hold.took_over = None
    return hold
