"""The analytics engineer's path: `dagster dev` started from the project folder, a run launched
through its GraphQL API as the Materialize button does, and `funnel run` recorded into the same
instance the UI shows. Nothing here sets `DAGSTER_HOME`: the project's default must work."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from dagster_dev_server import (
    BIN,
    RUN_RECORD,
    DagsterDev,
    dagster_dev_in_fresh_clone,
    published_status,
    wait_for_lock_holder,
)

from orchestration import run_lock

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dagster_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DagsterDev]:
    """`funnel generate` then `dagster dev` in a fresh clone, as the README's steps go."""
    with dagster_dev_in_fresh_clone(tmp_path_factory.mktemp("clone")) as dev:
        yield dev


def _funnel_run(dev: DagsterDev, environment: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "funnel"), "run"],
        cwd=dev.clone,
        env=environment or dev.environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_run_launched_from_the_ui_succeeds_publishes_and_holds_off_funnel_run(
    dagster_dev: DagsterDev,
) -> None:
    run_id = dagster_dev.launch_pipeline()
    holder = wait_for_lock_holder(dagster_dev.warehouse)
    assert holder.run_id == run_id and holder.trigger == "ui"

    meanwhile = _funnel_run(dagster_dev)
    output, _ = meanwhile.communicate(timeout=120)
    assert meanwhile.returncode == run_lock.BUSY_EXIT_CODE, output
    assert f"run {run_id}, started by the Dagster UI" in output
    assert f"pid {holder.pid}" in output
    assert "Traceback" not in output

    assert dagster_dev.wait_for(run_id) == "SUCCESS"
    assert published_status(dagster_dev.warehouse, run_id) == "published"
    # Launched with no as-of: every model judged at the one instant the run resolved when it was
    # created, and the publication records that instant.
    as_ofs = _published_as_ofs(dagster_dev.warehouse, run_id)
    assert len(set(as_ofs.values())) == 1 and None not in as_ofs.values(), as_ofs
    _assert_the_ui_shows_the_review_pages_of(dagster_dev, run_id, as_ofs["publications.as_of"])
    # The run worker ended: its hold went with it, and the next run starts.
    assert (dagster_dev.warehouse / run_lock.LOCK_FILE_NAME).read_text() == ""


def _assert_the_ui_shows_the_review_pages_of(dev: DagsterDev, run_id: str, as_of: object) -> None:
    """The run refreshed the review pages; the asset's metadata carries the headline figures and
    links to pages that show this run's marts."""
    review_run, metadata = dev.latest_materialization(["reviews", "joint_revenue_review"])
    assert review_run == run_id
    assert metadata["marts_run_id"] == run_id
    assert metadata["index"].startswith("file://")
    assert "weekly: MQL follow-up compliance" in metadata, sorted(metadata)
    assert re.fullmatch(
        r"(\d+\.\d%|not judged) \(target \d+%\)", metadata["weekly: MQL follow-up compliance"]
    )
    assert "monthly: Bookings (won revenue)" in metadata, sorted(metadata)
    for page in ("weekly_page", "monthly_page"):
        html = Path(metadata[page]).read_text(encoding="utf-8")
        assert f"Run {run_id}, judged at {as_of:%Y-%m-%d %H:%M} UTC" in html  # type: ignore[str-format]


def _published_as_ofs(warehouse: Path, run_id: str) -> dict[str, object]:
    """The as-of each published place shows for the run (a set of values per place)."""
    queries = {
        "fct_lead_cycles.as_of": "select distinct as_of from marts.fct_lead_cycles",
        "fct_sla_instances.as_of_at": "select distinct as_of_at from marts.fct_sla_instances",
        "publications.as_of": "select as_of from governance.publications "
        f"where run_id = '{run_id}'",
    }
    with duckdb.connect(str(warehouse / "funnel.duckdb"), read_only=True) as connection:
        found = {place: connection.execute(sql).fetchall() for place, sql in queries.items()}
    return {place: rows[0][0] if len(rows) == 1 else tuple(rows) for place, rows in found.items()}


def test_a_ui_run_while_funnel_run_holds_the_warehouse_fails_with_the_lock_message(
    dagster_dev: DagsterDev, tmp_path: Path
) -> None:
    """A `funnel run` recorded in another Dagster instance (its shell sets DAGSTER_HOME), so
    the UI's run queue doesn't hold the UI run back: the warehouse lock still does. (With the
    shared instance, the UI queues its run behind the `funnel run` instead.)"""
    cli = _funnel_run(dagster_dev, {**dagster_dev.environment, "DAGSTER_HOME": str(tmp_path)})
    holder = wait_for_lock_holder(dagster_dev.warehouse)
    assert holder.trigger == "cli" and holder.pid == cli.pid

    ui_run = dagster_dev.launch_pipeline()
    assert dagster_dev.wait_for(ui_run) == "FAILURE"
    failures = dagster_dev.step_failures(ui_run)
    assert failures, "the UI run failed without a failed step"
    message = next(iter(failures.values()))
    assert "is busy" in message
    assert f"run {holder.run_id}, started by `funnel run`" in message
    assert f"pid {cli.pid}" in message

    output, _ = cli.communicate(timeout=600)
    assert cli.returncode == 0, output
    assert published_status(dagster_dev.warehouse, holder.run_id) == "published"


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
    assert published_status(dagster_dev.warehouse, run_id) == "published"
    as_ofs = _published_as_ofs(dagster_dev.warehouse, run_id)
    assert len(set(as_ofs.values())) == 1 and None not in as_ofs.values(), as_ofs
    as_of_tag = {"key": "funnel/as_of", "value": str(as_ofs["publications.as_of"])}
    assert as_of_tag in run["tags"], (as_of_tag, run["tags"])


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
