"""Write-audit-publish end to end: a clean run publishes; a run on faulty data is blocked by the
raw-contract gate, records every failure, names the stewards and leaves the last good
publication in place; a BI reader holding the published file open is never blocked and never
sees a failed or half-built run."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.checks.suites import all_suites
from orchestration.cli import main
from orchestration.pipeline import PipelineOutcome, run_pipeline
from orchestration.raw.contract import contract_tables
from orchestration.raw.generator import generate
from orchestration.raw.generator.faults import FAULT_KINDS, FaultKind
from orchestration.raw.systems import contract_systems

AS_OF = datetime(2026, 11, 1)
LEADS = 1200
READER = """
import json, pathlib, sys, time
import duckdb
database, ready, stop, out = sys.argv[1:]
connection = duckdb.connect(database, read_only=True)
observations, errors = [], []
pathlib.Path(ready).write_text("open")
while not pathlib.Path(stop).exists():
    try:
        observations.append(connection.execute(
            "select (select count(*) from marts.fct_lead_cycles), "
            "(select max(marts_run_id) from governance.publications)"
        ).fetchone())
    except Exception as error:
        errors.append(repr(error))
    time.sleep(0.05)
pathlib.Path(out).write_text(json.dumps({"observations": observations, "errors": errors}))
"""


@dataclass
class Runs:
    directory: Path
    clean: PipelineOutcome
    faulty_exit_code: int
    faulty_output: str
    faulty_run_id: str
    republished: PipelineOutcome
    reader: dict
    published_before: tuple[int, str]


def _published(directory: Path, sql: str, parameters: list | None = None) -> list[tuple]:
    with duckdb.connect(str(directory / "funnel.duckdb"), read_only=True) as connection:
        return connection.execute(sql, parameters or []).fetchall()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    directory = tmp_path_factory.mktemp("wap")
    working = directory / "build" / "funnel_build.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FUNNEL_WAREHOUSE_DIR", str(directory))
        generate(working, leads=LEADS, seed=11, as_of=AS_OF)
        clean = run_pipeline(as_of=AS_OF.isoformat(sep=" "))
        [published_before] = _published(
            directory,
            "select (select count(*) from marts.fct_lead_cycles), "
            "(select max(marts_run_id) from governance.publications)",
        )
        ready, stop, out = (directory / name for name in ("ready", "stop", "reader.json"))
        reader = subprocess.Popen(
            [
                sys.executable,
                "-c",
                READER,
                str(directory / "funnel.duckdb"),
                *map(str, (ready, stop, out)),
            ]
        )
        try:
            while not ready.exists():
                time.sleep(0.05)
            generate(working, leads=LEADS, seed=11, as_of=AS_OF, faults=True)
            output = io.StringIO()
            with redirect_stdout(output):
                exit_code = main(["run", "--as-of", AS_OF.isoformat()])
            [(faulty_run_id,)] = _published(
                directory,
                "select run_id from governance.publications order by published_at desc limit 1",
            )
            generate(working, leads=LEADS, seed=12, as_of=AS_OF)
            republished = run_pipeline(as_of=AS_OF.isoformat(sep=" "))
        finally:
            stop.write_text("stop")
            reader.wait(timeout=60)
        yield Runs(
            directory,
            clean,
            exit_code,
            output.getvalue(),
            faulty_run_id,
            republished,
            json.loads(out.read_text()),
            tuple(published_before),
        )


def test_a_clean_run_passes_every_gate_and_publishes(runs: Runs) -> None:
    assert runs.clean.succeeded, runs.clean.summary()
    assert runs.clean.gate_failures == []
    assert runs.clean.publication is not None and runs.clean.publication.status == "published"
    gate_checks = {s.name for s in all_suites()}
    failed = {check.check for check in runs.clean.failed_checks}
    assert not gate_checks & failed
    [(results, passed)] = _published(
        runs.directory,
        "select count(*), count(*) filter (where passed) from governance.expectation_results "
        "where run_id = ?",
        [runs.clean.run_id],
    )
    # Every expectation of the landed systems' raw suites and of the later boundaries, the
    # volume outcome of every raw contract table of a landed system, and one info line per
    # contract system the default generation does not land.
    landed = {"salesforce", "marketo"}
    suites = [
        suite
        for suite in all_suites()
        if suite.boundary != "raw" or suite.table.split(".")[0] in landed
    ]
    not_landed = [system for system in contract_systems() if system not in landed]
    expected = (
        sum(len(suite.expectations) for suite in suites)
        + len([table for table in contract_tables() if table.source in landed])
        + len(not_landed)
    )
    assert results == passed == expected


def test_the_working_database_is_not_the_published_one(runs: Runs) -> None:
    schemas = {
        schema
        for (schema,) in _published(
            runs.directory, "select distinct table_schema from information_schema.tables"
        )
    }
    assert schemas == {"marts", "governance"}
    assert (runs.directory / "build" / "funnel_build.duckdb").exists()


def test_a_faulty_run_exits_non_zero_and_leaves_the_last_good_publication(runs: Runs) -> None:
    assert runs.faulty_exit_code == 1
    [(status, marts_run_id)] = _published(
        runs.directory,
        "select status, marts_run_id from governance.publications where run_id = ?",
        [runs.faulty_run_id],
    )
    assert (status, marts_run_id) == ("blocked", runs.clean.run_id)
    assert "Nothing new was published" in runs.faulty_output
    assert runs.clean.run_id in runs.faulty_output


def test_every_failure_is_recorded_with_its_steward(runs: Runs) -> None:
    rows = _published(
        runs.directory,
        "select expectation, table_name, severity, status, steward_name, failing_sample "
        "from governance.expectation_results where run_id = ? and not passed",
        [runs.faulty_run_id],
    )
    assert len(rows) == len(FAULT_KINDS)
    assert all(status == "failed" for _, _, _, status, _, _ in rows)
    stewards = {steward for _, _, _, _, steward, _ in rows}
    assert stewards == {"Priya Raman", "Marcus Lee", "Elena Fischer", "Jordan Kim"}
    for steward in stewards:
        assert f"for {steward} <" in runs.faulty_output
    samples = " ".join(sample for *_, sample in rows)
    # Samples carry neighbouring columns that locate a row, emails among them, masked to their
    # first character and domain (`j***@example.com`): no local part is ever shown whole.
    assert "(at)" not in samples, "PII must be masked"
    assert not re.search(r"[\w.+-]{2,}@", samples), "PII must be masked"
    assert re.search(r"\w\*\*\*@[\w.-]+", samples), "samples keep a masked email to locate a row"


def _intended(fault: FaultKind) -> tuple[str, str]:
    [(suite, expectation)] = [
        (suite.name, expectation.label)
        for suite in all_suites()
        for expectation in suite.expectations
        if fault.key in expectation.catches
    ]
    return suite, expectation


@pytest.mark.parametrize("fault", FAULT_KINDS, ids=[kind.key for kind in FAULT_KINDS])
def test_each_injected_fault_is_caught_with_its_count(runs: Runs, fault: FaultKind) -> None:
    suite, expectation = _intended(fault)
    [(passed, unexpected, observed, table)] = _published(
        runs.directory,
        "select passed, unexpected_count, observed_value, table_name "
        "from governance.expectation_results where run_id = ? and suite = ? and expectation = ?",
        [runs.faulty_run_id, suite, expectation],
    )
    injected = fault.count(LEADS)
    assert not passed
    assert table == fault.table
    if fault.key == "duplicate_lead_id":
        # Each injected row repeats an existing id: both rows of every pair are flagged.
        assert unexpected == 2 * injected
        assert observed.startswith(f"{injected} values used more than once")
    else:
        assert unexpected == injected
    assert f"{expectation} on {fault.table}" in runs.faulty_output


def test_the_previous_publication_stays_readable_and_a_new_good_run_replaces_it(
    runs: Runs,
) -> None:
    assert runs.republished.succeeded, runs.republished.summary()
    [(marts_run_id,)] = _published(
        runs.directory,
        "select marts_run_id from governance.publications order by published_at desc limit 1",
    )
    assert marts_run_id == runs.republished.run_id
    runs_recorded = {
        run
        for (run,) in _published(
            runs.directory, "select distinct run_id from governance.expectation_results"
        )
    }
    assert {runs.clean.run_id, runs.faulty_run_id, runs.republished.run_id} <= runs_recorded


def test_a_reader_holding_the_published_file_is_never_blocked_nor_sees_another_run(
    runs: Runs,
) -> None:
    assert runs.reader["errors"] == []
    observations = {tuple(row) for row in runs.reader["observations"]}
    assert observations == {runs.published_before}
    assert len(runs.reader["observations"]) > 10


def test_data_docs_are_linked_from_the_results(runs: Runs) -> None:
    [(url,)] = _published(
        runs.directory,
        "select distinct data_docs_url from governance.expectation_results where run_id = ?",
        [runs.faulty_run_id],
    )
    assert url.startswith("file://") and Path(url.removeprefix("file://")).exists()


def test_a_failing_mart_expectation_blocks_the_publication_of_new_marts(
    runs: Runs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs last: it breaks one mart row in the working database of the runs above."""
    from orchestration.checks.gates import evaluate_gate

    monkeypatch.setenv("FUNNEL_WAREHOUSE_DIR", str(runs.directory))
    working = runs.directory / "build" / "funnel_build.duckdb"
    with duckdb.connect(str(working)) as connection:
        connection.execute(
            "update marts.mart_funnel_conversion set conversion_rate = 1.5 "
            "where rowid = (select min(rowid) from marts.mart_funnel_conversion)"
        )
    report = evaluate_gate("marts", "mart-gate-test", AS_OF)
    [failure] = report.not_passed
    assert failure.expectation == "expect_column_values_to_be_between(conversion_rate)"
    assert (failure.status, failure.unexpected_count) == ("failed", 1)
    assert failure.steward_name == "Jordan Kim"
    assert report.blocks
    [(status, marts_run_id)] = _published(
        runs.directory,
        "select status, marts_run_id from governance.publications where run_id = ?",
        ["mart-gate-test"],
    )
    assert (status, marts_run_id) == ("blocked", runs.republished.run_id)
