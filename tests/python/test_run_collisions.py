"""Runs that collide, as users meet them: two `funnel run` at once, a run killed halfway, a BI
tool holding the published file read-write, a warehouse folder whose name has a quote in it (a
`dagster dev` run colliding with a `funnel run` is in test_dagster_ui.py, beside its server).
Each test asserts what the person at the terminal sees."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from dagster_dev_server import BIN, wait_for_lock_holder
from published_baseline import Baseline

from orchestration import run_lock
from orchestration.project import prune_target, target_dir
from orchestration.settings import PROJECT_DIR

pytestmark = pytest.mark.slow

AS_OF = "2026-11-01"
RUN_ID = re.compile(r"funnel run ([0-9a-f-]{36}):")


@dataclass
class Warehouse:
    path: Path
    environment: dict[str, str]

    @property
    def published(self) -> Path:
        return self.path / "funnel.duckdb"

    def funnel(self, *args: str, **popen: object) -> subprocess.Popen:
        return subprocess.Popen(
            [str(BIN / "funnel"), *args],
            cwd=PROJECT_DIR,
            env=self.environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            **popen,  # type: ignore[call-overload]
        )

    def run(self, *args: str, timeout: float = 600) -> tuple[int, str]:
        process = self.funnel(*args)
        output, _ = process.communicate(timeout=timeout)
        return process.returncode, output

    def publications(self) -> list[tuple[str, str]]:
        with duckdb.connect(str(self.published), read_only=True) as connection:
            return connection.execute(
                "select run_id, status from governance.publications order by published_at"
            ).fetchall()

    def scratch_files(self) -> list[str]:
        return sorted(path.name for path in self.path.glob(".*.next*"))


def _instance_home(folder: Path) -> Path:
    """A Dagster instance with the project's settings (the `warehouse` pool, limit 1)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PROJECT_DIR / "dagster.yaml", folder / "dagster.yaml")
    return folder


@pytest.fixture(scope="module")
def baseline(published_baseline: Baseline) -> tuple[Warehouse, int, str]:
    """Generated people built and published once in a folder named `o'brien's warehouse`:
    (warehouse, exit code, output of `funnel run`)."""
    warehouse = Warehouse(
        published_baseline.warehouse,
        {**os.environ, "FUNNEL_WAREHOUSE_DIR": str(published_baseline.warehouse)},
    )
    return warehouse, 0, published_baseline.run_output


@pytest.fixture
def warehouse(baseline: tuple[Warehouse, int, str], tmp_path: Path) -> Warehouse:
    """A copy of the published baseline, with its own Dagster instance."""
    source, code, output = baseline
    assert code == 0, output
    copy = tmp_path / "it's a copy"
    shutil.copytree(source.path, copy)
    environment = {
        **source.environment,
        "FUNNEL_WAREHOUSE_DIR": str(copy),
        "DAGSTER_HOME": str(_instance_home(tmp_path / "dagster_home")),
    }
    return Warehouse(copy, environment)


def test_a_warehouse_path_with_a_quote_builds_and_publishes(
    baseline: tuple[Warehouse, int, str],
) -> None:
    warehouse, code, output = baseline
    assert code == 0, output
    assert "Traceback" not in output
    assert "Pipeline succeeded" in output
    [(run_id, status)] = warehouse.publications()
    assert status == "published"
    assert f"Published the marts of run {run_id}" in output


def test_two_runs_started_together_one_publishes_the_other_exits_3_naming_it(
    warehouse: Warehouse,
) -> None:
    first = warehouse.funnel("run", "--as-of", AS_OF)
    second = warehouse.funnel("run", "--as-of", AS_OF)
    started = time.monotonic()
    outputs: dict[int, str] = {}
    processes = {first.pid: first, second.pid: second}
    loser_seconds = None
    while len(outputs) < 2:
        for pid, process in processes.items():
            if pid not in outputs and process.poll() is not None:
                outputs[pid] = process.stdout.read() if process.stdout else ""
                if process.returncode == run_lock.BUSY_EXIT_CODE:
                    loser_seconds = time.monotonic() - started
        assert time.monotonic() - started < 600, "the runs did not finish"
        time.sleep(0.2)
    codes = sorted(process.returncode for process in processes.values())
    assert codes == [0, run_lock.BUSY_EXIT_CODE], outputs
    winner = next(pid for pid, process in processes.items() if process.returncode == 0)
    loser = next(pid for pid in processes if pid != winner)
    match = RUN_ID.search(outputs[winner])
    assert match, outputs[winner]
    winner_run = match.group(1)

    refusal = outputs[loser]
    assert loser_seconds is not None and loser_seconds < 20, "the second run did not exit at once"
    assert "Traceback" not in refusal
    assert "is busy" in refusal
    assert f"run {winner_run}" in refusal
    assert f"pid {winner}" in refusal
    assert "`funnel run`" in refusal
    assert str(warehouse.path / ".run.lock") in refusal

    assert f"Published the marts of run {winner_run}" in outputs[winner]
    assert warehouse.publications()[-1] == (winner_run, "published")
    json.loads((target_dir() / "manifest.json").read_text())  # never left torn
    assert (warehouse.path / ".run.lock").read_text() == "", "a finished run releases the lock"


def test_a_run_killed_while_holding_the_lock_is_taken_over_by_the_next(
    warehouse: Warehouse,
) -> None:
    """SIGKILL mid-run leaves the lock file naming a dead pid and a Dagster run that holds a
    `warehouse` pool slot: the next run takes both over (it would otherwise wait forever)."""
    killed = warehouse.funnel("run", "--as-of", AS_OF, start_new_session=True)
    assert killed.stdout is not None
    first_line = killed.stdout.readline()
    match = RUN_ID.search(first_line)
    assert match, first_line
    killed_run = match.group(1)
    for line in killed.stdout:
        if "start   dbt_staging" in line:
            break
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait(timeout=30)
    time.sleep(1)  # dbt, its child, goes with its process group
    assert wait_for_lock_holder(warehouse.path).run_id == killed_run

    code, output = warehouse.run("run", "--as-of", AS_OF, timeout=600)
    assert code == 0, output
    assert "Took over a stale lock" in output
    assert f"run {killed_run}" in output
    assert f"pid {killed.pid}" in output
    assert "Its Dagster run was marked failed" in output
    assert "Traceback" not in output
    assert "Pipeline succeeded" in output

    from dagster import DagsterInstance, DagsterRunStatus

    with DagsterInstance.from_config(warehouse.environment["DAGSTER_HOME"]) as instance:
        run = instance.get_run_by_id(killed_run)
        assert run is not None and run.status == DagsterRunStatus.FAILURE
        assert killed_run not in instance.event_log_storage.get_concurrency_run_ids()


def test_a_stale_lock_of_a_killed_command_is_taken_over_and_said(warehouse: Warehouse) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    lock = warehouse.path / run_lock.LOCK_FILE_NAME
    holder = run_lock.Holder("load-that-was-killed", "2026-11-01 09:00:00", gone.pid, "load", "")
    lock.write_text(json.dumps({**holder.__dict__, "host": os.uname().nodename}) + "\n")

    code, output = warehouse.run("generate", "--leads", "100", "--as-of", AS_OF)
    assert code == 0, output
    assert "Took over a stale lock" in output
    assert "run load-that-was-killed" in output
    assert f"pid {gone.pid}" in output
    assert "`funnel load`" in output
    assert lock.read_text() == ""


def test_the_lock_is_reentrant_in_a_process_and_refuses_another(
    warehouse: Warehouse,
) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from orchestration import run_lock; "
            "run_lock.acquire('held-by-test', 'ui', Path(sys.argv[1])); print('held', flush=True);"
            " time.sleep(60)",
            str(warehouse.path),
        ],
        cwd=PROJECT_DIR,
        env=warehouse.environment,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        for command in (["gates"], ["load", str(warehouse.path)], ["run"]):
            code, output = warehouse.run(*command, timeout=60)
            assert code == run_lock.BUSY_EXIT_CODE, output
            assert "run held-by-test, started by the Dagster UI" in output
            assert f"pid {holder.pid}" in output
            assert "Traceback" not in output
    finally:
        holder.kill()
        holder.wait()

    first = run_lock.acquire("here", "cli", warehouse.path)
    try:
        assert run_lock.acquire("again", "cli", warehouse.path) is first
    finally:
        run_lock.release(warehouse.path)
    assert (warehouse.path / run_lock.LOCK_FILE_NAME).read_text() == ""


@pytest.fixture
def bi_tool(warehouse: Warehouse) -> Iterator[subprocess.Popen]:
    """A desktop SQL client's default: the published file open read-write, held."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, duckdb; connection = duckdb.connect(sys.argv[1]); "
            "print('open', flush=True); time.sleep(600)",
            str(warehouse.published),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "open"
    try:
        yield process
    finally:
        process.kill()
        process.wait()


def test_a_published_file_held_read_write_is_a_clear_message_and_the_next_run_publishes(
    warehouse: Warehouse, bi_tool: subprocess.Popen
) -> None:
    before = warehouse.published.stat().st_mtime_ns
    (warehouse.path / ".funnel.duckdb.0123456789ab.next").write_bytes(b"left by a killed run")

    code, output = warehouse.run("run", "--as-of", AS_OF)
    assert code == 1, output
    assert "Traceback" not in output
    assert f"{warehouse.published} is locked by another process (PID {bi_tool.pid}" in output
    assert "The marts were NOT published" in output
    assert "Close that program's connection" in output
    assert "Pipeline FAILED" in output
    assert len([line for line in output.splitlines() if "is locked by" in line]) == 1, output
    assert warehouse.scratch_files() == [], "scratch files stayed behind"
    assert warehouse.published.stat().st_mtime_ns == before

    bi_tool.kill()
    bi_tool.wait()
    code, output = warehouse.run("run", "--as-of", AS_OF)
    assert code == 0, output
    match = RUN_ID.search(output)
    assert match, output
    assert warehouse.publications()[-1] == (match.group(1), "published")
    assert warehouse.scratch_files() == []


def test_old_dbt_invocation_folders_are_pruned_keeping_the_last_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folders dagster-dbt makes per dbt step: those of old runs go, recent ones stay."""
    from orchestration import project

    target = tmp_path / "target"
    monkeypatch.setattr(project, "target_dir", lambda: target)
    (target / "dbt_marts-0000009-abcdef9").mkdir(parents=True)  # a run going on right now
    made = []
    for number in range(5):
        run = f"{number:07x}"
        for step in ("dbt_staging", "dbt_marts"):
            folder = target / f"{step}-{run}-abcdef{number}"
            folder.mkdir(parents=True)
            (folder / "dbt.log").write_text("log")
            stamp = time.time() - 7200 - (5 - number) * 60
            os.utime(folder / "dbt.log", (stamp, stamp))
            os.utime(folder, (stamp, stamp))
            made.append(folder)
    try:
        prune_target(keep_runs=3)
        left = sorted(folder.name for folder in made if folder.exists())
        assert left == sorted(
            f"{step}-{number:07x}-abcdef{number}"
            for number in (3, 4)
            for step in ("dbt_staging", "dbt_marts")
        )
        assert (target / "dbt_marts-0000009-abcdef9").exists()
    finally:
        for folder in made:
            shutil.rmtree(folder, ignore_errors=True)
