"""The analytics engineer's path: `dagster dev` started from the project folder, a run launched
through its GraphQL API as the Materialize button does, and `funnel run` recorded into the same
instance the UI shows. Nothing here sets `DAGSTER_HOME`: the project's default must work."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import PROJECT_DIR

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
TERMINAL_STATUSES = {"SUCCESS", "FAILURE", "CANCELED"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fresh_clone(destination: Path) -> Path:
    """The project's files as a fresh clone has them: no `.env`, instance, target or warehouse."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=PROJECT_DIR,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = PROJECT_DIR / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def _user_environment(clone: Path) -> dict[str, str]:
    """A user's shell in the clone: nothing set by hand (no DAGSTER_HOME, no warehouse dir);
    the clone's own `orchestration` package is the one imported."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DAGSTER_HOME", "FUNNEL_WAREHOUSE_DIR", "FUNNEL_AS_OF", "DBT_PROFILES_DIR")
    }
    environment["PYTHONPATH"] = str(clone)
    return environment


@dataclass
class DagsterDev:
    url: str
    clone: Path
    warehouse: Path
    environment: dict[str, str]

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"{self.url}/graphql",
            data=json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            body = json.load(response)
        assert "errors" not in body, body
        return body["data"]

    def run_status(self, run_id: str) -> str:
        query = "query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"
        return self.graphql(query, {"id": run_id})["runOrError"]["status"]

    def check_results(self, run_id: str) -> dict[str, bool]:
        """Every asset check the run evaluated, as the run's event log in the UI lists them."""
        results: dict[str, bool] = {}
        cursor = None
        while True:
            page = self.graphql(CHECK_EVALUATIONS, {"id": run_id, "cursor": cursor})["logsForRun"]
            for event in page["events"]:
                if event["__typename"] == "AssetCheckEvaluationEvent":
                    results[event["evaluation"]["checkName"]] = event["evaluation"]["success"]
            if not page["hasMore"]:
                return results
            cursor = page["cursor"]

    def wait_for(self, run_id: str, timeout: float = 900) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.run_status(run_id)
            if status in TERMINAL_STATUSES:
                return status
            time.sleep(3)
        raise AssertionError(f"run {run_id} still {status} after {timeout:.0f}s")


def _wait_until_loaded(dev: DagsterDev, process: subprocess.Popen, log: Path) -> None:
    query = (
        "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus "
        "locationOrLoadError { __typename ... on PythonError { message } } } } } }"
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        assert process.poll() is None, f"dagster dev exited:\n{log.read_text()[-3000:]}"
        try:
            entries = dev.graphql(query)["workspaceOrError"]["locationEntries"]
        except (urllib.error.URLError, ConnectionError):
            entries = []
        if entries and all(entry["loadStatus"] == "LOADED" for entry in entries):
            location = entries[0]["locationOrLoadError"]
            assert location["__typename"] == "RepositoryLocation", location
            return
        time.sleep(2)
    raise AssertionError(f"dagster dev did not load the code location:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def dagster_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DagsterDev]:
    """`funnel generate` then `dagster dev` in a fresh clone, as the README's steps go."""
    clone = _fresh_clone(tmp_path_factory.mktemp("clone"))
    warehouse = clone / "warehouse"
    environment = _user_environment(clone)
    generated = subprocess.run(
        [str(BIN / "funnel"), "generate", "--leads", "600"],
        cwd=clone,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert generated.returncode == 0, generated.stderr
    assert (clone / ".dagster_home" / "dagster.yaml").exists(), "no project instance"
    port = _free_port()
    log = clone / "dagster_dev.log"
    with open(log, "w") as output:
        process = subprocess.Popen(
            [str(BIN / "dagster"), "dev", "-h", "127.0.0.1", "-p", str(port)],
            cwd=clone,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    dev = DagsterDev(f"http://127.0.0.1:{port}", clone, warehouse, environment)
    try:
        _wait_until_loaded(dev, process, log)
        yield dev
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """`dagster dev` and its webserver, daemon and code servers."""
    os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=60)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def _published_status(warehouse: Path, run_id: str) -> str | None:
    with duckdb.connect(str(warehouse / "funnel.duckdb"), read_only=True) as connection:
        row = connection.execute(
            "select status from governance.publications where run_id = ?", [run_id]
        ).fetchone()
        marts = connection.execute(
            "select count(*) from information_schema.tables where table_schema = 'marts'"
        ).fetchone()
    assert marts is not None and marts[0] > 0, "the published file has no marts"
    return row[0] if row else None


LAUNCH_RUN = """
mutation($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}"""

RUN_RECORD = """
query($id: ID!) {
  runOrError(runId: $id) {
    ... on Run {
      status
      tags { key value }
      stats { ... on RunStatsSnapshot { materializations stepsSucceeded stepsFailed } }
      stepStats { stepKey status startTime endTime }
    }
  }
}"""

CHECK_EVALUATIONS = """
query($id: ID!, $cursor: String) {
  logsForRun(runId: $id, afterCursor: $cursor, limit: 1000) {
    ... on EventConnection {
      cursor
      hasMore
      events {
        __typename
        ... on AssetCheckEvaluationEvent { evaluation { checkName success } }
      }
    }
  }
}"""


def test_a_run_launched_from_the_ui_succeeds_and_publishes(dagster_dev: DagsterDev) -> None:
    params = {
        "selector": {
            "repositoryLocationName": "revenue_funnel",
            "repositoryName": "__repository__",
            "jobName": "funnel_pipeline",
        },
        "runConfigData": {},
    }
    launched = dagster_dev.graphql(LAUNCH_RUN, {"params": params})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]

    assert dagster_dev.wait_for(run_id) == "SUCCESS"
    assert _published_status(dagster_dev.warehouse, run_id) == "published"


@pytest.fixture(scope="module")
def cli_run(dagster_dev: DagsterDev) -> tuple[str, str]:
    """`funnel run` from the project folder while `dagster dev` runs: (run id, its output)."""
    finished = subprocess.run(
        [str(BIN / "funnel"), "run"],
        cwd=dagster_dev.clone,
        env=dagster_dev.environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    output = finished.stdout + finished.stderr
    match = re.search(r"Published (?:\d+|the) marts of run ([0-9a-f-]{36})", output)
    assert finished.returncode == 0, output
    assert match, output
    return match.group(1), output


def test_funnel_run_is_listed_by_dagster_dev_with_steps_materializations_and_gates(
    dagster_dev: DagsterDev, cli_run: tuple[str, str]
) -> None:
    run_id, _ = cli_run
    record = dagster_dev.graphql(RUN_RECORD, {"id": run_id})
    run = record["runOrError"]
    assert run["status"] == "SUCCESS"
    assert {"key": "funnel/trigger", "value": "cli"} in run["tags"]
    assert run["stats"]["stepsFailed"] == 0
    assert run["stats"]["materializations"] > 60
    steps = {step["stepKey"]: step for step in run["stepStats"]}
    for step in ("raw_tables", "raw_contract_gate", "dbt_staging", "dbt_marts", "mart_gate"):
        assert steps[step]["status"] == "SUCCESS"
        assert steps[step]["endTime"] > steps[step]["startTime"]
    checks = dagster_dev.check_results(run_id)
    assert checks["raw_salesforce__lead"] is True, "the raw gate's result is not in the UI"
    assert any(name.startswith("marts_") for name in checks), "the mart gate's results are not"
    assert _published_status(dagster_dev.warehouse, run_id) == "published"


def test_a_successful_funnel_run_prints_a_short_report_without_warnings(
    cli_run: tuple[str, str],
) -> None:
    _, output = cli_run
    lines = output.splitlines()
    assert len(lines) < 40, output
    assert not [line for line in lines if re.search(r"warn|traceback", line, re.IGNORECASE)]
    for step in ("raw_tables", "raw_contract_gate", "dbt_staging", "dbt_marts", "mart_gate"):
        assert any(line.split()[:2] == ["done", step] for line in lines), (step, output)
    log = re.search(r"Full log: (\S+)", output)
    assert log, output
    full_log = Path(log.group(1)).read_text()
    assert "Completed successfully" in full_log, "dbt's own output belongs in the full log"


def test_great_expectations_imports_in_a_process_without_a_main_file() -> None:
    """Dagster's run workers start like `python -c`: importing GX must not end the process."""
    imported = subprocess.run(
        [sys.executable, "-c", "import great_expectations; print('imported')"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "imported", imported.stderr
