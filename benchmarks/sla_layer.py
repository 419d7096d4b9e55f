"""Measure the SLA layer's build time at given sizes.

    .venv/bin/python benchmarks/sla_layer.py --leads 100000 --leads 1000000

For each size: generate data into a scratch warehouse, build everything upstream of the SLA
models once, then time a rebuild of just the SLA models (business-clock spine, per-lead
instances, facts and marts). Prints a table and writes benchmarks/results/sla_layer.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SLA_MODELS = [
    "int_sla_clock_days",
    "int_sla_lead_instances",
    "fct_sla_instances",
    "mart_sla_compliance",
    "mart_lead_leakage",
    "mart_recycle_queue",
    "mart_recycled_leads",
]


def _run(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}")
    return time.perf_counter() - started


def measure(leads: int, seed: int, as_of: str, workdir: Path) -> dict[str, object]:
    bin_dir = Path(sys.executable).parent
    warehouse = workdir / f"warehouse_{leads}"
    target = workdir / f"target_{leads}"
    env = {
        **os.environ,
        "FUNNEL_WAREHOUSE_DIR": str(warehouse),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
    }
    generate_seconds = _run(
        [
            str(bin_dir / "funnel"),
            "generate",
            "--leads",
            str(leads),
            "--seed",
            str(seed),
            "--as-of",
            as_of,
        ],
        env,
    )
    dbt = [str(bin_dir / "dbt")]
    common = ["--target-path", str(target), "--vars", json.dumps({"as_of": as_of})]
    upstream_seconds = _run(
        [
            *dbt,
            "build",
            "--select",
            "+fct_sla_instances",
            "--exclude",
            *SLA_MODELS,
            "--exclude-resource-type",
            "test",
            "unit_test",
            *common,
        ],
        env,
    )
    sla_seconds = _run([*dbt, "run", "--select", *SLA_MODELS, *common], env)
    results = json.loads((target / "run_results.json").read_text())
    per_model = {
        item["unique_id"].split(".")[-1]: round(item["execution_time"], 2)
        for item in results["results"]
    }
    return {
        "leads": leads,
        "generate_seconds": round(generate_seconds, 1),
        "upstream_build_seconds": round(upstream_seconds, 1),
        "sla_layer_seconds": round(sla_seconds, 1),
        "sla_models_seconds": per_model,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, action="append", help="size(s) to measure")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--as-of", default="2026-11-01 00:00:00")
    args = parser.parse_args()
    sizes = args.leads or [100_000]
    with tempfile.TemporaryDirectory(prefix="sla-bench-") as scratch:
        rows = [measure(n, args.seed, args.as_of, Path(scratch)) for n in sizes]
    print(f"{'leads':>10} {'SLA layer s':>12} {'upstream s':>11}  slowest SLA models")
    for row in rows:
        models = sorted(row["sla_models_seconds"].items(), key=lambda kv: -kv[1])[:3]  # type: ignore[union-attr,attr-defined]
        slowest = ", ".join(f"{name} {seconds}s" for name, seconds in models)
        print(
            f"{row['leads']:>10,} {row['sla_layer_seconds']:>12} "
            f"{row['upstream_build_seconds']:>11}  {slowest}"
        )
    output = PROJECT_DIR / "benchmarks" / "results" / "sla_layer.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        json.dumps(
            {
                "measured_at": datetime.now().isoformat(timespec="seconds"),
                "cpu_count": os.cpu_count(),
                "results": rows,
            },
            indent=2,
        )
    )
    print(f"written {output}")


if __name__ == "__main__":
    main()
