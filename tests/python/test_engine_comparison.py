"""The cross-engine comparison finds what differs, and tolerates only float noise; the
cross-engine test's progress lines reach the terminal while pytest captures its output."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa

from orchestration.engines.compare import compare, fingerprint_table, render

KPIS = {"mart": ["amount"]}


def _mart(**overrides: list[object]) -> pa.Table:
    columns: dict[str, list[object]] = {
        "person_key": ["a", "b", "c"],
        "amount": [0.1, 0.2, 0.3],
        "converted": [1, 0, 1],
        "is_won": [True, False, None],
        "won_at": [datetime(2026, 1, 1, 9, 30), None, datetime(2026, 2, 1)],
        "cohort_month": [date(2026, 1, 1), date(2026, 1, 1), date(2026, 2, 1)],
    }
    columns.update(overrides)
    return pa.table(columns)


def _compare(other: pa.Table) -> tuple[bool, str]:
    fingerprints = {
        "duckdb": {"mart": fingerprint_table(_mart())},
        "other": {"mart": fingerprint_table(other)},
    }
    comparison = compare(fingerprints, reference="duckdb")
    return comparison.agrees, render(comparison, KPIS)


def test_identical_marts_agree() -> None:
    agrees, report = _compare(_mart())
    assert agrees, report


def test_float_noise_and_number_types_are_tolerated() -> None:
    agrees, report = _compare(
        _mart(amount=[0.30000000000000004 - 0.2, 0.2, 0.3], converted=[1.0, 0.0, 1.0])
    )
    assert agrees, report


def test_rows_in_another_order_agree() -> None:
    agrees, report = _compare(_mart().take([2, 0, 1]))
    assert agrees, report


def test_a_changed_string_is_found_even_with_the_same_counts() -> None:
    agrees, report = _compare(_mart(person_key=["a", "b", "x"]))
    assert not agrees
    assert "mart.person_key: checksum" in report


def test_a_changed_number_timestamp_or_boolean_is_found() -> None:
    for changed, column in [
        (_mart(amount=[0.1, 0.2, 0.31]), "amount"),
        (_mart(won_at=[datetime(2026, 1, 1, 9, 31), None, datetime(2026, 2, 1)]), "won_at"),
        (_mart(is_won=[True, True, None]), "is_won"),
    ]:
        agrees, report = _compare(changed)
        assert not agrees, column
        assert f"mart.{column}:" in report


def test_missing_rows_and_a_changed_column_type_are_found() -> None:
    agrees, report = _compare(_mart().slice(0, 2))
    assert not agrees
    assert "rows 2 != 3" in report
    agrees, report = _compare(_mart(cohort_month=["2026-01-01", "2026-01-01", "2026-02-01"]))
    assert not agrees
    assert "mart.cohort_month: text != time" in report


def test_timestamps_with_a_zone_compare_as_the_same_instant() -> None:
    zoned = [datetime(2026, 1, 1, 9, 30, tzinfo=UTC), None, datetime(2026, 2, 1, tzinfo=UTC)]
    agrees, report = _compare(_mart(won_at=zoned))
    assert agrees, report


PROGRESS_TEST = """
import pytest

from engine_progress import timed_step


class FailedBuild:
    succeeded = False


def test_steps(pytestconfig):
    print("captured by pytest")
    assert timed_step(pytestconfig, "quick", lambda: 42) == 42
    assert timed_step(pytestconfig, "broken", FailedBuild).succeeded is False
    with pytest.raises(ValueError):
        timed_step(pytestconfig, "raising", lambda: int("x"))
"""


def test_engine_progress_reaches_the_terminal_while_output_is_captured(tmp_path: Path) -> None:
    """The lines the cross-engine test writes as each engine starts and ends are shown at once
    under pytest's default capture, which keeps everything else the test prints."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_progress.py").write_text(textwrap.dedent(PROGRESS_TEST))
    helpers = str(Path(__file__).parent)
    python_path = os.pathsep.join(filter(None, [helpers, os.environ.get("PYTHONPATH")]))
    # Default capture, whatever options (`-s`) the outer pytest was given through the environment.
    environment = {name: value for name, value in os.environ.items() if "PYTEST" not in name}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "test_progress.py"],
        cwd=tmp_path,
        env={**environment, "PYTHONPATH": python_path},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    lines = [line for line in output.splitlines() if line.startswith("[engines] ")]
    assert [line.rsplit(" in ", 1)[0].rsplit(" after ", 1)[0] for line in lines] == [
        "[engines] quick: started",
        "[engines] quick: finished",
        "[engines] broken: started",
        "[engines] broken: FAILED",
        "[engines] raising: started",
        "[engines] raising: raised ValueError",
    ], output
    assert all(line.endswith(" s") for line in lines if "started" not in line), output
    assert "captured by pytest" not in output, "the test's own output stays captured"
