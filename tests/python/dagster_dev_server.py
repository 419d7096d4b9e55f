"""`dagster dev` as an analytics engineer starts it: in a fresh clone of the project, from a
user's shell (no DAGSTER_HOME, no warehouse dir set by hand), driven through its GraphQL API
as the UI's buttons do. Shared by the tests that need a running `dagster dev`."""

from __future__ import annotations

import contextlib
import json
import os
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

from orchestration import run_lock
from orchestration.settings import PROJECT_DIR

BIN = Path(sys.executable).parent
TERMINAL_STATUSES = {"SUCCESS", "FAILURE", "CANCELED"}

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

LATEST_MATERIALIZATION = """
query($path: [String!]!) {
  assetOrError(assetKey: {path: $path}) {
    ... on Asset {
      assetMaterializations(limit: 1) {
        runId
        metadataEntries {
          label
          ... on TextMetadataEntry { text }
          ... on UrlMetadataEntry { url }
          ... on PathMetadataEntry { path }
        }
      }
    }
  }
}"""

RUN_EVENTS = """
query($id: ID!, $cursor: String) {
  logsForRun(runId: $id, afterCursor: $cursor, limit: 1000) {
    ... on EventConnection {
      cursor
      hasMore
      events {
        __typename
        ... on AssetCheckEvaluationEvent { evaluation { checkName success } }
        ... on ExecutionStepFailureEvent { stepKey error { message } }
      }
    }
  }
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fresh_clone(destination: Path) -> Path:
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


def user_environment(clone: Path) -> dict[str, str]:
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

    def launch_pipeline(self) -> str:
        """`funnel_pipeline` launched as the UI's Materialize button does: its run id."""
        params = {
            "selector": {
                "repositoryLocationName": "revenue_funnel",
                "repositoryName": "__repository__",
                "jobName": "funnel_pipeline",
            },
            "runConfigData": {},
        }
        launched = self.graphql(LAUNCH_RUN, {"params": params})["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        return str(launched["run"]["runId"])

    def latest_materialization(self, asset_path: list[str]) -> tuple[str, dict[str, str]]:
        """(run id, label -> text) of the metadata the UI shows for its last materialization."""
        found = self.graphql(LATEST_MATERIALIZATION, {"path": asset_path})["assetOrError"]
        latest = found["assetMaterializations"][0]
        entries = {
            entry["label"]: entry.get("text") or entry.get("url") or entry.get("path") or ""
            for entry in latest["metadataEntries"]
        }
        return latest["runId"], entries

    def run_status(self, run_id: str) -> str:
        query = "query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"
        return self.graphql(query, {"id": run_id})["runOrError"]["status"]

    def _events(self, run_id: str) -> Iterator[dict]:
        cursor = None
        while True:
            page = self.graphql(RUN_EVENTS, {"id": run_id, "cursor": cursor})["logsForRun"]
            yield from page["events"]
            if not page["hasMore"]:
                return
            cursor = page["cursor"]

    def check_results(self, run_id: str) -> dict[str, bool]:
        """Every asset check the run evaluated, as the run's event log in the UI lists them."""
        return {
            event["evaluation"]["checkName"]: event["evaluation"]["success"]
            for event in self._events(run_id)
            if event["__typename"] == "AssetCheckEvaluationEvent"
        }

    def step_failures(self, run_id: str) -> dict[str, str]:
        """Each failed step's error message, as the UI shows it."""
        return {
            event["stepKey"]: event["error"]["message"]
            for event in self._events(run_id)
            if event["__typename"] == "ExecutionStepFailureEvent"
        }

    def wait_for(self, run_id: str, timeout: float = 900) -> str:
        deadline = time.monotonic() + timeout
        status = "unknown"
        while time.monotonic() < deadline:
            status = self.run_status(run_id)
            if status in TERMINAL_STATUSES:
                return status
            time.sleep(3)
        raise AssertionError(f"run {run_id} still {status} after {timeout:.0f}s")


def wait_until_loaded(dev: DagsterDev, process: subprocess.Popen, log: Path) -> None:
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


@contextlib.contextmanager
def dagster_dev_in_fresh_clone(destination: Path, leads: int = 600) -> Iterator[DagsterDev]:
    """`funnel generate` then `dagster dev` in a fresh clone, as the README's steps go; stopped
    (with its webserver, daemon, code servers and run workers) at the end."""
    clone = fresh_clone(destination)
    warehouse = clone / "warehouse"
    environment = user_environment(clone)
    generated = subprocess.run(
        [str(BIN / "funnel"), "generate", "--leads", str(leads)],
        cwd=clone,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert generated.returncode == 0, generated.stderr
    assert (clone / ".dagster_home" / "dagster.yaml").exists(), "no project instance"
    port = free_port()
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
        wait_until_loaded(dev, process, log)
        yield dev
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    """`dagster dev` and its webserver, daemon and code servers."""
    os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=60)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def published_status(warehouse: Path, run_id: str) -> str | None:
    """The run's row in the published file's `governance.publications` (asserting the file
    holds marts)."""
    with duckdb.connect(str(warehouse / "funnel.duckdb"), read_only=True) as connection:
        row = connection.execute(
            "select status from governance.publications where run_id = ?", [run_id]
        ).fetchone()
        marts = connection.execute(
            "select count(*) from information_schema.tables where table_schema = 'marts'"
        ).fetchone()
    assert marts is not None and marts[0] > 0, "the published file has no marts"
    return row[0] if row else None


def wait_for_lock_holder(warehouse: Path, timeout: float = 300) -> run_lock.Holder:
    """Who holds the warehouse's run lock, once a run has taken it."""
    lock = warehouse / run_lock.LOCK_FILE_NAME
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = lock.read_text() if lock.exists() else ""
        if text.strip():
            return run_lock.Holder(**json.loads(text))
        time.sleep(0.2)
    raise AssertionError("no run took the warehouse's lock")
