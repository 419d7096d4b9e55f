"""`funnel`: generate or load raw data, and run the pipeline headless through Dagster."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from orchestration.settings import export_environment, stale_profile_problem, working_path


def _parse_as_of(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"--as-of {value!r} is not an ISO timestamp (e.g. 2026-11-01 or 2026-11-01T09:00:00Z)"
        ) from error
    if parsed.tzinfo is not None:
        from datetime import UTC

        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _generate(args: argparse.Namespace) -> int:
    from orchestration.raw.generator import generate

    database = working_path()
    print(f"Generating {args.leads:,} leads (seed {args.seed}) into {database} ...", flush=True)
    report = generate(
        database, leads=args.leads, seed=args.seed, as_of=args.as_of, faults=args.faults
    )
    width = max(len(name) for name in report.rows_per_table)
    for name, rows in report.rows_per_table.items():
        print(f"  {name:<{width}}  {rows:>12,}")
    print(
        f"{report.total_rows:,} rows in {report.seconds:.1f}s "
        f"({report.rows_per_second:,.0f} rows/s); history ends at {report.as_of:%Y-%m-%d %H:%M} UTC"
    )
    if report.faults:
        print("Injected faults (the governance gates must catch each):")
        for fault in report.faults:
            print(f"  {fault.key:<32} {fault.table}.{fault.column}: {fault.rows} rows")
    return 0


def _load(args: argparse.Namespace) -> int:
    from orchestration.raw.loader import LoadError, load_folder

    database = working_path()
    try:
        report = load_folder(Path(args.path), database)
    except LoadError as error:
        print(
            f"funnel load: nothing was loaded; {database} is unchanged.\n{error}", file=sys.stderr
        )
        return 1
    for note in report.info:
        print(f"note: {note}", file=sys.stderr)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for name, rows in report.rows_per_table.items():
        print(f"  {name:<45} {rows:>12,}")
    print(f"Loaded {sum(report.rows_per_table.values()):,} rows in {report.seconds:.1f}s")
    return 0


def _run(args: argparse.Namespace) -> int:
    from orchestration.pipeline import run_pipeline

    as_of = args.as_of.isoformat(sep=" ") if args.as_of else None
    outcome = run_pipeline(as_of=as_of)
    print(outcome.summary())
    return 0 if outcome.succeeded else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="funnel",
        description="Integrated revenue funnel, SLA compliance and shared KPIs from CRM + MAS "
        "data. "
        "The warehouse lives in $FUNNEL_WAREHOUSE_DIR (default warehouse/).",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="write realistic synthetic raw tables")
    generate.add_argument("--leads", type=int, default=5000, help="people to generate (5000)")
    generate.add_argument("--seed", type=int, default=42, help="random seed (42)")
    generate.add_argument("--faults", action="store_true", help="inject the documented bad records")
    generate.add_argument(
        "--as-of", type=_parse_as_of, default=None, help="end of history (default today 00:00 UTC)"
    )
    generate.set_defaults(handler=_generate)

    load = commands.add_parser("load", help="load PATH/salesforce/*.csv|parquet, PATH/marketo/...")
    load.add_argument("path", help="folder with salesforce/ and marketo/ subfolders")
    load.set_defaults(handler=_load)

    run = commands.add_parser("run", help="materialize everything through Dagster, headless")
    run.add_argument(
        "--as-of", type=_parse_as_of, default=None, help="judge SLAs at this UTC instant (now)"
    )
    run.set_defaults(handler=_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    export_environment()
    problem = stale_profile_problem()
    if problem:
        print(f"funnel {args.command}: {problem}", file=sys.stderr)
        return 2
    if args.command == "generate" and args.leads < 1:
        print("funnel generate: --leads must be at least 1", file=sys.stderr)
        return 2
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
