"""Benchmark the whole pipeline at given sizes: wall time and peak memory of every phase.

    .venv/bin/python benchmarks/run.py --leads 10000 --leads 100000 --leads 1000000

For each size, in a scratch directory (deleted afterwards unless --keep):
1. generate   `funnel generate` with history ending at as-of + 1 day; the last day's landed rows
              are then held back (untimed) to be appended later as one daily sync
2. load       `funnel load` of the state at as-of, exported to Parquet (the export is untimed)
3. layers     one dbt invocation per layer on a copy of the loaded warehouse, models only:
              staging (with the seeds), funnel, sla, kpi; then `dbt_tests`: every dbt data test
              (the governance gates and publication are Dagster steps, timed inside `run`)
4. run        the whole `funnel run --as-of D` on another copy of the loaded warehouse; the Dagster
              job's own steps (raw tables, dbt, and any gate or publish steps the job has) are
              reported as `run:<step>` from the run's event log
5. review     `funnel review` on the warehouse step 4 published: both review pages (weekly
              triage, monthly review) of the last complete week and month at D, from the
              published marts, as a reader renders them outside a run (the run renders them
              too, as one of its `run:<step>`); the render time `funnel review` reports and the
              size of the pages go to the JSON too
6. incremental  the held-back day appended (untimed), then `funnel run --as-of D+1` on the
              warehouse of step 4: what a daily run costs
7. unchanged  `funnel run --as-of D+1` once more, with nothing new landed: what any run costs
              however little changed (at small sizes, the fixed cost of a run)
Prints a table per size and a summary, and writes benchmarks/results/run-<time>.json and
benchmarks/results/latest.json with the machine, its load average and the versions used.
Peak RSS is the largest single process of a phase (exact); tree RSS is the sampled sum over the
phase's processes (Dagster and dbt at once). Timings on a shared machine are noisy: compare runs
taken on the same, otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.dagster_steps import latest_run_steps
from harness.machine import load_average, machine, versions
from harness.measure import Measurement, PhaseFailed, run_phase

from orchestration.raw.contract import contract_tables, raw_schemas
from orchestration.raw.day_split import append_day, hold_back_last_day
from orchestration.settings import PROJECT_DIR, WORKING_FILE, connect_warehouse, sql_string

RESULTS_DIR = PROJECT_DIR / "benchmarks" / "results"
BIN_DIR = Path(sys.executable).parent
# `funnel review` ends with the time render_reviews took in-process (no start-up, no imports).
RENDERED_IN = re.compile(r"^Rendered in ([0-9.]+)s$", re.MULTILINE)

# dbt selections timed one after another, in dependency order (each only needs earlier ones).
LAYERS: list[tuple[str, list[str]]] = [
    ("staging", ["path:seeds", "path:models/staging"]),
    (
        "funnel",
        [
            "path:models/intermediate/identity",
            "path:models/intermediate/lifecycle",
            "path:models/intermediate/scoring",
            "path:models/marts/funnel",
        ],
    ),
    ("sla", ["path:models/intermediate/sla", "path:models/marts/sla"]),
    (
        "kpi",
        [
            "path:models/intermediate/attribution",
            "path:models/intermediate/kpi",
            "path:models/marts/kpi",
        ],
    ),
]


def _environment(warehouse: Path, scratch: Path) -> dict[str, str]:
    return {
        **os.environ,
        "FUNNEL_WAREHOUSE_DIR": str(warehouse),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_LOG_PATH": str(scratch / "dbt-logs"),
        "DAGSTER_HOME": str(scratch / "dagster_home"),
        "PATH": str(BIN_DIR) + os.pathsep + os.environ.get("PATH", ""),
        "GX_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def _export_raw(database: Path, folder: Path) -> None:
    schemas = raw_schemas()
    with connect_warehouse(database, read_only=True) as connection:
        for table in contract_tables():
            target = folder / table.source / f"{table.name}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            connection.execute(
                f'copy (select * from "{schemas[table.source]}"."{table.name}") '
                f"to {sql_string(target)} (format parquet)"
            )


def _copy_warehouse(source: Path, target: Path) -> None:
    """The whole warehouse folder: the working database runs build in, and any published one."""
    shutil.copytree(source, target, dirs_exist_ok=True)


class SizeRun:
    """All phases at one size, in one scratch directory."""

    def __init__(self, leads: int, seed: int, as_of: datetime, scratch: Path) -> None:
        self.leads, self.seed, self.as_of, self.scratch = leads, seed, as_of, scratch
        self.next_day = as_of + timedelta(days=1)
        self.measurements: list[Measurement] = []
        self.run_steps: dict[str, dict[str, object]] = {}
        self.layer_models: dict[str, dict[str, float]] = {}
        self.day_rows: dict[str, int] = {}
        self.review: dict[str, object] = {}
        self.review_failure: PhaseFailed | None = None

    def _phase(self, phase: str, command: list[str], warehouse: Path) -> Measurement:
        print(f"  {phase} ...", end="", flush=True)
        measurement = run_phase(
            phase,
            command,
            _environment(warehouse, self.scratch),
            PROJECT_DIR,
            self.scratch / "logs" / f"{phase}.log",
        )
        print(f" {measurement.seconds:.1f} s, {measurement.peak_rss_mb:,.0f} MB", flush=True)
        self.measurements.append(measurement)
        return measurement

    def _funnel(self, *arguments: str) -> list[str]:
        return [str(BIN_DIR / "funnel"), *arguments]

    def _dbt(self, *arguments: str) -> list[str]:
        vars_json = json.dumps({"as_of": f"{self.as_of:%Y-%m-%d %H:%M:%S}"})
        target = str(self.scratch / "dbt-target")
        return [str(BIN_DIR / "dbt"), *arguments, "--vars", vars_json, "--target-path", target]

    def _slowest_models(self, keep: int = 8) -> dict[str, float]:
        """The slowest nodes of the last dbt invocation, from its run_results.json."""
        results = json.loads((self.scratch / "dbt-target" / "run_results.json").read_text())
        seconds = {
            item["unique_id"].split(".")[-1]: round(item["execution_time"], 2)
            for item in results["results"]
        }
        return dict(sorted(seconds.items(), key=lambda item: -item[1])[:keep])

    def generate_and_load(self) -> Path:
        generated = self.scratch / "generated"
        self._phase(
            "generate",
            self._funnel(
                "generate",
                "--leads",
                str(self.leads),
                "--seed",
                str(self.seed),
                "--as-of",
                self.next_day.isoformat(),
            ),
            generated,
        )
        database = generated / WORKING_FILE
        self.day_rows = hold_back_last_day(database, self.as_of, self.scratch / "day")
        _export_raw(database, self.scratch / "export")
        database.unlink()
        loaded = self.scratch / "loaded"
        self._phase("load", self._funnel("load", str(self.scratch / "export")), loaded)
        shutil.rmtree(self.scratch / "export")
        return loaded

    def layers(self, loaded: Path) -> None:
        warehouse = self.scratch / "layers"
        _copy_warehouse(loaded, warehouse)
        for name, selection in LAYERS:
            command = self._dbt(
                "build",
                "--select",
                *selection,
                "--resource-type",
                "model",
                "--resource-type",
                "seed",
            )
            self._phase(name, command, warehouse)
            self.layer_models[name] = self._slowest_models()
        tests = self._dbt("test", "--exclude-resource-type", "unit_test")
        self._phase("dbt_tests", tests, warehouse)
        shutil.rmtree(warehouse)

    def whole_runs(self, loaded: Path) -> None:
        warehouse = self.scratch / "run"
        _copy_warehouse(loaded, warehouse)
        shutil.rmtree(loaded)
        home = self.scratch / "dagster_home"
        home.mkdir(exist_ok=True)
        self._phase("run", self._funnel("run", "--as-of", self.as_of.isoformat()), warehouse)
        self.run_steps["run"] = latest_run_steps(home)
        self.review_phase(warehouse)
        append_day(warehouse / WORKING_FILE, self.scratch / "day")
        self._phase(
            "incremental", self._funnel("run", "--as-of", self.next_day.isoformat()), warehouse
        )
        self.run_steps["incremental"] = latest_run_steps(home)
        self._phase(
            "unchanged", self._funnel("run", "--as-of", self.next_day.isoformat()), warehouse
        )
        self.run_steps["unchanged"] = latest_run_steps(home)

    def review_phase(self, warehouse: Path) -> None:
        """`funnel review` on the published warehouse. A failure here is recorded (and fails the
        benchmark) but doesn't keep the incremental and unchanged runs from being measured."""
        try:
            measurement = self._phase("review", self._funnel("review"), warehouse)
        except PhaseFailed as failure:
            print(f"\n{failure}", file=sys.stderr)
            self.measurements.append(failure.measurement)
            self.review_failure = failure
            return
        found = RENDERED_IN.search(measurement.output_tail)
        pages = sorted((warehouse / "reviews").glob("*.html"))
        self.review = {
            "render_seconds": float(found.group(1)) if found else None,
            "page_kb": {page.name: round(page.stat().st_size / 1024, 1) for page in pages},
        }

    def result(self) -> dict[str, object]:
        by_phase = {m.phase: m for m in self.measurements}
        full, incremental = by_phase.get("run"), by_phase.get("incremental")
        unchanged = by_phase.get("unchanged")
        return {
            "leads": self.leads,
            "seed": self.seed,
            "as_of": self.as_of.isoformat(),
            "appended_day_rows": self.day_rows,
            "phases": [
                {key: value for key, value in vars(m).items() if key != "output_tail"}
                for m in self.measurements
            ],
            "dagster_steps": self.run_steps,
            "slowest_models_per_layer": self.layer_models,
            "review": self.review,
            "incremental_to_full_ratio": round(incremental.seconds / full.seconds, 3)
            if full and incremental
            else None,
            "unchanged_to_full_ratio": round(unchanged.seconds / full.seconds, 3)
            if full and unchanged
            else None,
            "load_average_at_end": load_average(),
        }


Row = tuple[str, float, float | None, float | None, float | None]


def _rows(result: dict[str, object]) -> list[Row]:
    rows: list[Row] = []
    for phase in result["phases"]:  # type: ignore[attr-defined]
        rows.append(
            (
                phase["phase"],
                phase["seconds"],
                phase["cpu_seconds"],
                phase["peak_rss_mb"],
                phase["peak_tree_rss_mb"],
            )
        )
        steps = result["dagster_steps"].get(phase["phase"], {}).get("steps", {})  # type: ignore[attr-defined]
        for step, seconds in steps.items():
            rows.append((f"  {phase['phase']}:{step}", seconds, None, None, None))
    return rows


def _number(value: float | None, digits: int = 0) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def print_result(result: dict[str, object]) -> None:
    print(f"\n{result['leads']:,} leads")
    header = f"{'seconds':>9} {'CPU s':>9} {'peak RSS MB':>12} {'tree RSS MB':>12}"
    print(f"  {'phase':<34} {header}")
    for phase, seconds, cpu, rss, tree in _rows(result):
        print(
            f"  {phase:<34} {seconds:>9.1f} {_number(cpu, 1):>9} {_number(rss):>12} "
            f"{_number(tree):>12}"
        )
    review: dict[str, Any] = result.get("review") or {}  # type: ignore[assignment]
    if review.get("render_seconds") is not None:
        pages = ", ".join(f"{name} {kb:,.0f} KB" for name, kb in review["page_kb"].items())
        print(f"  review rendered in {review['render_seconds']:.1f} s in-process; {pages}")
    for phase in ("incremental", "unchanged"):
        ratio = result[f"{phase}_to_full_ratio"]
        if ratio is not None:
            print(f"  {phase} / full run: {ratio:.1%}")


def scaling(results: list[dict[str, object]]) -> list[dict[str, object]]:
    """Whole-run time ratio between consecutive sizes, against their size ratio."""
    ratios = []
    for smaller, larger in pairwise(results):
        seconds = {
            r["leads"]: next(p["seconds"] for p in r["phases"] if p["phase"] == "run")  # type: ignore[attr-defined]
            for r in (smaller, larger)
        }
        ratios.append(
            {
                "from_leads": smaller["leads"],
                "to_leads": larger["leads"],
                "size_ratio": round(larger["leads"] / smaller["leads"], 2),  # type: ignore[operator]
                "run_time_ratio": round(seconds[larger["leads"]] / seconds[smaller["leads"]], 2),  # type: ignore[index]
            }
        )
    return ratios


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, action="append", help="size(s) (default 10000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--as-of", default="2026-11-01", help="end of the first day's history")
    parser.add_argument("--workdir", type=Path, default=None, help="scratch parent (a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch warehouses")
    parser.add_argument("--skip-layers", action="store_true", help="skip the per-layer phases")
    args = parser.parse_args()
    as_of = datetime.fromisoformat(args.as_of)
    started_at = datetime.now().isoformat(timespec="seconds")
    report: dict[str, object] = {
        "measured_at": started_at,
        "machine": machine(),
        "versions": versions(),
        "settings": {
            key: os.environ.get(key, "default")
            for key in ("FUNNEL_DUCKDB_MEMORY_LIMIT", "FUNNEL_DUCKDB_THREADS", "FUNNEL_DBT_THREADS")
        },
        "results": [],
    }
    results: list[dict[str, object]] = report["results"]  # type: ignore[assignment]
    parent = args.workdir or Path(tempfile.gettempdir())
    parent.mkdir(parents=True, exist_ok=True)
    for leads in sorted(args.leads or [10_000]):
        scratch = Path(tempfile.mkdtemp(prefix=f"funnel-bench-{leads}-", dir=parent))
        print(f"{leads:,} leads in {scratch}", flush=True)
        size_run = SizeRun(leads, args.seed, as_of, scratch)
        failed: str | None = None
        try:
            loaded = size_run.generate_and_load()
            if not args.skip_layers:
                size_run.layers(loaded)
            size_run.whole_runs(loaded)
        except PhaseFailed as failure:
            # Keep what was measured: a long run that fails late still reports its phases.
            print(f"\n{failure}", file=sys.stderr)
            size_run.measurements.append(failure.measurement)
            failed = failure.measurement.phase
        finally:
            if not args.keep:
                shutil.rmtree(scratch, ignore_errors=True)
        if failed is None and size_run.review_failure is not None:
            failed = size_run.review_failure.measurement.phase
        results.append({**size_run.result(), "failed_phase": failed})
        print_result(results[-1])
        if failed:
            break
    report["scaling"] = scaling([r for r in results if not r["failed_phase"]])
    for ratio in report["scaling"]:  # type: ignore[attr-defined]
        print(
            f"{ratio['from_leads']:,} -> {ratio['to_leads']:,} leads "
            f"(x{ratio['size_ratio']}): whole run x{ratio['run_time_ratio']}"
        )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamped = RESULTS_DIR / f"run-{started_at.replace(':', '')}.json"
    for output in (stamped, RESULTS_DIR / "latest.json"):
        output.write_text(json.dumps(report, indent=2))
    print(f"written {stamped}")
    return 1 if any(r["failed_phase"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
