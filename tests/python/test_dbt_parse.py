"""Each run parses the dbt project in process: a broken project is a clear error, and a copied
project never reads seeds from the place it was copied from."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from orchestration.settings import PROJECT_DIR


def _copy_project(destination: Path) -> Path:
    shutil.copytree(
        PROJECT_DIR,
        destination,
        # Not target/: runs in other test processes create and remove folders there meanwhile,
        # and the copy parses itself anyway.
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "logs",
            "warehouse",
            "target",
            "dbt_packages",
            "benchmarks",
            "uncommitted",
        ),
    )
    return destination


def _python_in(project: Path, code: list[str], warehouse_dir: Path) -> subprocess.CompletedProcess:
    """The copy's own `orchestration` package, run from the copy."""
    return subprocess.run(
        [sys.executable, *code],
        cwd=project,
        env={
            **os.environ,
            "FUNNEL_WAREHOUSE_DIR": str(warehouse_dir),
            "PYTHONPATH": str(project),
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_a_project_dbt_cannot_parse_stops_the_run_with_the_broken_file_named(
    tmp_path: Path,
) -> None:
    project = _copy_project(tmp_path / "project")
    broken = project / "models" / "marts" / "funnel" / "dim_user.sql"
    broken.write_text("select * from {{ ref('no_such_model') }}\n")
    result = _python_in(project, ["-m", "orchestration.cli", "run"], tmp_path / "warehouse")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "dbt could not parse the project" in result.stderr
    assert "dim_user" in result.stderr and "no_such_model" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "warehouse" / "funnel.duckdb").exists(), "nothing may be published"


def test_a_moved_project_reads_its_seeds_from_where_it_now_is(tmp_path: Path) -> None:
    parse = ["-c", "from orchestration.project import parse_project; parse_project()"]
    first = _copy_project(tmp_path / "first")
    shutil.rmtree(first / "target", ignore_errors=True)
    assert _python_in(first, parse, tmp_path / "warehouse").returncode == 0
    moved = tmp_path / "moved"
    first.rename(moved)
    result = _python_in(moved, parse, tmp_path / "warehouse")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((moved / "target" / "manifest.json").read_text())
    seed_roots = {
        node["root_path"] for node in manifest["nodes"].values() if node["resource_type"] == "seed"
    }
    assert seed_roots == {str(moved)}
