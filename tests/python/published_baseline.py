"""One good warehouse, built once per test session and copied by the tests that damage it:
generated data exported as a connector lands it (`exports/<source>/<table>.csv`), loaded back
with `funnel load`, run and published, in a folder whose name has a quote and a space in it."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.raw.contract import contract_tables, raw_schemas
from orchestration.raw.systems import duckdb_landed_systems
from orchestration.settings import PROJECT_DIR, WORKING_FILE, sql_string

AS_OF = "2026-11-01 00:00:00"
LEADS = 400
FUNNEL = str(Path(sys.executable).parent / "funnel")


@dataclass(frozen=True)
class Baseline:
    warehouse: Path
    exports: Path
    run_id: str
    row_counts: dict[str, int]
    run_output: str


def funnel(args: list[str], warehouse: Path) -> subprocess.CompletedProcess:
    """A `funnel` command from the project folder on `warehouse`."""
    return subprocess.run(
        [FUNNEL, *args],
        cwd=PROJECT_DIR,
        env={**os.environ, "FUNNEL_WAREHOUSE_DIR": str(warehouse)},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def export_raw_tables(working: Path, exports: Path) -> dict[str, int]:
    """Every raw table of the landed systems as the CSV file a connector export has; returns the
    row counts."""
    counts: dict[str, int] = {}
    schemas = raw_schemas()
    with duckdb.connect(str(working), read_only=True) as connection:
        landed = duckdb_landed_systems(connection)
        for table in contract_tables():
            if table.source not in landed:
                continue
            folder = exports / table.source
            folder.mkdir(parents=True, exist_ok=True)
            target = sql_string(folder / f"{table.name}.csv")
            relation = f'"{schemas[table.source]}"."{table.name}"'
            connection.execute(f"copy (select * from {relation}) to {target} (header)")
            (count,) = connection.execute(f"select count(*) from {relation}").fetchone() or (0,)
            counts[table.qualified_name] = int(count)
    return counts


def last_publication(warehouse: Path) -> tuple[str, str]:
    """(status, run whose marts BI reads) of the newest publication."""
    with duckdb.connect(str(warehouse / "funnel.duckdb"), read_only=True) as connection:
        row = connection.execute(
            "select status, marts_run_id from governance.publications "
            "order by published_at desc limit 1"
        ).fetchone()
    assert row is not None
    return row[0], row[1]


def build_published_baseline(root: Path) -> Baseline:
    warehouse, exports = root / "o'brien's warehouse", root / "exports"
    generated = funnel(
        ["generate", "--leads", str(LEADS), "--seed", "5", "--as-of", AS_OF], warehouse
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    counts = export_raw_tables(warehouse / WORKING_FILE, exports)
    loaded = funnel(["load", str(exports)], warehouse)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    ran = funnel(["run", "--as-of", AS_OF], warehouse)
    output = ran.stdout + ran.stderr
    assert ran.returncode == 0, output
    return Baseline(warehouse, exports, last_publication(warehouse)[1], counts, output)
