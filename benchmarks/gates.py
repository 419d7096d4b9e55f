"""Measure what the governance gates cost: seconds and peak memory, at given sizes.

    .venv/bin/python benchmarks/gates.py --leads 100000 --leads 1000000

For each size: generate clean data into a scratch warehouse and build it with `funnel run`
(which publishes), then validate each gate again in a fresh process and record its wall time
and peak RSS (before the gate: the interpreter with DuckDB and GX imported); finally inject the
generated faults and time the raw-contract gate once more (failing rows are fetched then).
Prints a table and writes benchmarks/results/gates.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-01"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_gate(boundary: str) -> None:
    """Child process: validate one boundary on $FUNNEL_WAREHOUSE_DIR and print JSON."""
    import great_expectations  # noqa: F401  (import cost is not gate cost)

    from orchestration.checks.validate import run_gate
    from orchestration.settings import connect_warehouse, data_docs_dir, working_path

    connection = connect_warehouse(working_path(), read_only=True)
    before = _rss_mb()
    started = time.perf_counter()
    report = run_gate(
        boundary, connection, "benchmark", datetime.fromisoformat(AS_OF), data_docs_dir()
    )
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "boundary": boundary,
                "seconds": round(seconds, 2),
                "peak_rss_mb": round(_rss_mb()),
                "rss_before_gate_mb": round(before),
                "expectations": len(report.outcomes),
                "not_met": len(report.not_passed),
                "gate_errors": sum(o.status == "error" for o in report.outcomes),
            }
        )
    )


def _run(command: list[str], env: dict[str, str], check: bool = True) -> str:
    result = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}")
    return result.stdout


def _gate(boundary: str, env: dict[str, str]) -> dict[str, object]:
    output = _run([sys.executable, __file__, "--measure-gate", boundary], env)
    return dict(json.loads(output.strip().splitlines()[-1]))


def measure(leads: int, workdir: Path) -> list[dict[str, object]]:
    funnel = str(Path(sys.executable).parent / "funnel")
    env = {
        **os.environ,
        "FUNNEL_WAREHOUSE_DIR": str(workdir / f"warehouse_{leads}"),
        "FUNNEL_GX_DOCS_DIR": str(workdir / f"docs_{leads}"),
        "GX_ANALYTICS_ENABLED": "false",
    }
    _run([funnel, "generate", "--leads", str(leads), "--as-of", AS_OF], env)
    started = time.perf_counter()
    _run([funnel, "run", "--as-of", AS_OF], env)
    run_seconds = time.perf_counter() - started
    rows = []
    for boundary, data in (("raw", "clean"), ("marts", "clean")):
        rows.append(
            {
                "leads": leads,
                "data": data,
                "run_seconds": round(run_seconds, 1),
                **_gate(boundary, env),
            }
        )
    _run([funnel, "generate", "--leads", str(leads), "--as-of", AS_OF, "--faults"], env)
    rows.append({"leads": leads, "data": "faults", **_gate("raw", env)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, action="append", help="sizes (repeatable)")
    parser.add_argument("--measure-gate", choices=["raw", "marts"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_gate:
        measure_gate(args.measure_gate)
        return
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="gates-benchmark-") as scratch:
        for leads in args.leads or [100_000]:
            rows += measure(leads, Path(scratch))
    print(
        f"{'leads':>10} {'gate':>6} {'data':>7} {'seconds':>8} {'peak RSS MB':>12} "
        f"{'RSS before':>11} {'not met':>8}"
    )
    for row in rows:
        print(
            f"{row['leads']:>10,} {row['boundary']:>6} {row['data']:>7} {row['seconds']:>8} "
            f"{row['peak_rss_mb']:>12} {row['rss_before_gate_mb']:>11} {row['not_met']:>8}"
        )
    results = PROJECT_DIR / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    (results / "gates.json").write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
