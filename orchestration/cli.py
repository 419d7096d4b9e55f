"""`funnel`: generate or load raw data, and run the pipeline headless through Dagster."""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from orchestration.checks.steward_report import GateFailure, steward_lines
from orchestration.instance import ensure_project_instance
from orchestration.run_lock import BUSY_EXIT_CODE, WarehouseBusy, holding
from orchestration.settings import (
    DbtParseError,
    as_of_text,
    export_environment,
    stale_profile_problem,
    working_path,
)


def _parse_as_of(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"--as-of {value!r} is not an ISO timestamp (e.g. 2026-11-01 or 2026-11-01T09:00:00Z)"
        ) from error
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


EXIT_CODES = f"""exit codes:
  0  done (`funnel run`: the gates passed and the marts were published)
  1  the run was blocked by a gate, a step failed, or the marts could not be published
     (the summary says which, and why)
  2  nothing was run: a usage error, a broken dbt project or profile, no warehouse
  {BUSY_EXIT_CODE}  nothing was run: another run (funnel run, generate, load, gates, or a run
     Dagster launched) holds this warehouse; the message names it (run id, start, pid)

One run at a time per warehouse: every command that writes it holds
$FUNNEL_WAREHOUSE_DIR/.run.lock while it works."""


def _locked(command: str, handler: Callable[[argparse.Namespace, str], int]) -> Callable:
    """`handler` run holding the warehouse's run lock; a busy warehouse exits 3 at once."""

    def run(args: argparse.Namespace) -> int:
        run_id = str(uuid.uuid4())
        try:
            with holding(run_id, command) as hold:
                if hold.took_over is not None:
                    print(f"funnel {command}: {hold.takeover_message()}", file=sys.stderr)
                    hold.took_over = None
                return handler(args, run_id)
        except WarehouseBusy as busy:
            print(f"funnel {args.command}: {busy}", file=sys.stderr)
            return BUSY_EXIT_CODE

    return run


# `--systems default` (and no --systems): the generator's default combination.
DEFAULT_SYSTEMS_ARGUMENT = "default"


def _contract_systems_text() -> str:
    """The systems of the raw contract, from the staging folders (no contract parse)."""
    from orchestration.raw.contract import discover_source_files

    return ", ".join(discover_source_files())


def _parse_systems(value: str) -> tuple[str, ...]:
    from orchestration.raw.generator import DEFAULT_SYSTEMS, SystemsError, parse_systems

    if value.strip().lower() == DEFAULT_SYSTEMS_ARGUMENT:
        return DEFAULT_SYSTEMS
    try:
        return parse_systems(value)
    except SystemsError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _generate(args: argparse.Namespace, run_id: str) -> int:
    from orchestration.raw.generator import generate

    database = working_path()
    systems = ",".join(args.systems)
    print(
        f"Generating {args.leads:,} leads (seed {args.seed}) of {systems} into {database} ...",
        flush=True,
    )
    report = generate(
        database,
        leads=args.leads,
        seed=args.seed,
        as_of=args.as_of,
        faults=args.faults,
        systems=args.systems,
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


def _load(args: argparse.Namespace, run_id: str) -> int:
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


def _run(args: argparse.Namespace, run_id: str) -> int:
    from orchestration.run_console import StepProgress, captured_output, new_log_path

    # One as-of for the whole run, resolved here: every model, gate and SLA clock judges at it.
    as_of = as_of_text(args.as_of or datetime.now(UTC))
    log_path = new_log_path()
    print(f"funnel run {run_id}: as-of {as_of} UTC; full log in {log_path}", flush=True)
    try:
        with captured_output(log_path, echo=args.verbose) as terminal:
            from orchestration.pipeline import run_pipeline

            outcome = run_pipeline(
                as_of=as_of, listener=StepProgress(terminal), run_id=run_id, trigger="cli"
            )
    except DbtParseError as error:
        print(f"funnel run: nothing was run or published.\n{error}", file=sys.stderr)
        return 2
    print(outcome.summary())
    if outcome.succeeded:
        from orchestration.review import reviews_dir

        index = reviews_dir() / "index.html"
        if index.exists():
            print(f"Review pages: {index}")
    print(f"Full log: {log_path}")
    return 0 if outcome.succeeded else 1


def _gates(args: argparse.Namespace, run_id: str) -> int:
    from orchestration.checks.postgres_route import (
        PostgresTarget,
        PostgresUnavailable,
        record_on_postgres,
        run_gate_on_postgres,
    )
    from orchestration.checks.results import RESULTS_TABLE, record
    from orchestration.checks.validate import run_gate
    from orchestration.settings import connect_warehouse, data_docs_dir

    if args.target == "postgres":
        try:
            target = PostgresTarget.from_environment()
        except ValueError as error:
            print(f"funnel gates: FUNNEL_PG_PORT is not a port number ({error})", file=sys.stderr)
            return 2
        where = target.describe()
        try:
            report = run_gate_on_postgres(
                args.boundary, target, run_id, args.as_of, data_docs_dir()
            )
            record_on_postgres(target, report)
        except PostgresUnavailable as error:
            print(f"funnel gates: {error}. Nothing was validated.", file=sys.stderr)
            return 2
    else:
        database = working_path()
        where = f"DuckDB {database}"
        if not database.exists():
            print(
                f"funnel gates: {database} does not exist; run `funnel generate` or "
                "`funnel load` first.",
                file=sys.stderr,
            )
            return 2
        with connect_warehouse(database) as connection:
            report = run_gate(args.boundary, connection, run_id, args.as_of, data_docs_dir())
            record(connection, report)
    outcomes = report.outcomes
    print(
        f"{args.boundary} gate on {where}: {len(outcomes)} expectations, "
        f"{sum(o.passed for o in outcomes)} passed, {len(report.not_passed)} not met "
        f"({len(report.blocking)} blocking) in {report.seconds:.1f}s; "
        f"recorded in {RESULTS_TABLE} as run {run_id}."
    )
    lines = steward_lines(GateFailure.from_outcome(o) for o in report.not_passed)
    if lines:
        print("Expectations not met:")
        print("\n".join(lines))
    if report.data_docs_url:
        print(f"Data Docs: {report.data_docs_url}")
    return 1 if report.blocks else 0


def _review(args: argparse.Namespace) -> int:
    from orchestration.review import PeriodError, ReviewUnavailable, render_reviews
    from orchestration.review.pdf import PdfUnavailable, print_to_pdf

    try:
        rendered = render_reviews(as_of=args.as_of, week=args.week, month=args.month)
    except (ReviewUnavailable, PeriodError) as problem:
        print(f"funnel review: nothing was rendered.\n{problem}", file=sys.stderr)
        return 2
    print(f"Reviews of {rendered.run.describe()}:")
    pages = [rendered.weekly, rendered.monthly]
    for page in pages:
        print(f"  {page}")
    print(f"  {rendered.index} (every review rendered so far)")
    if args.pdf:
        try:
            for page in pages:
                print(f"  {print_to_pdf(page)}")
        except PdfUnavailable as problem:
            print(
                f"funnel review: the pages were written, the PDFs were not: {problem}",
                file=sys.stderr,
            )
            return 1
    print(f"Rendered in {rendered.seconds:.1f}s")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="funnel",
        description="Integrated revenue funnel, SLA compliance and shared KPIs from CRM + MAS "
        "data. "
        "The warehouse lives in $FUNNEL_WAREHOUSE_DIR (default warehouse/).",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="write realistic synthetic raw tables")
    generate.add_argument("--leads", type=int, default=5000, help="people to generate (5000)")
    generate.add_argument("--seed", type=int, default=42, help="random seed (42)")
    generate.add_argument("--faults", action="store_true", help="inject the documented bad records")
    generate.add_argument(
        "--as-of", type=_parse_as_of, default=None, help="end of history (default today 00:00 UTC)"
    )
    generate.add_argument(
        "--systems",
        type=_parse_systems,
        default=DEFAULT_SYSTEMS_ARGUMENT,
        metavar="SYSTEMS",
        help=f"the source systems to land, comma-separated, among {_contract_systems_text()}: a "
        "CRM and a marketing automation system, or one system that is both (a combination the "
        "generator does not render is refused, naming the valid ones); default: the "
        "generator's default pair. The other systems' raw tables are dropped",
    )
    generate.set_defaults(handler=_locked("generate", _generate))

    load = commands.add_parser(
        "load",
        help=f"load PATH/<system>/*.csv|parquet, any of the systems {_contract_systems_text()}",
    )
    load.add_argument(
        "path", help="folder with a subfolder per source system (<system>/, any subset)"
    )
    load.set_defaults(handler=_locked("load", _load))

    run = commands.add_parser(
        "run",
        help="materialize everything through Dagster, headless",
        description="Materialize everything through Dagster, headless: raw tables, the raw "
        "gate, dbt, the mart gate, and the publication BI reads. Holds the warehouse's run "
        "lock: a second run on the same warehouse exits at once with code 3, naming the run "
        "that holds it.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "--as-of", type=_parse_as_of, default=None, help="judge SLAs at this UTC instant (now)"
    )
    run.add_argument(
        "--verbose",
        action="store_true",
        help="stream the full dbt and Dagster log to the terminal too",
    )
    run.set_defaults(handler=_locked("cli", _run))

    gates = commands.add_parser(
        "gates",
        help="run one governance gate on its own and record its outcomes; exit 1 when a "
        "critical expectation fails or can't be evaluated",
    )
    gates.add_argument(
        "--target",
        choices=("duckdb", "postgres"),
        default="duckdb",
        help="duckdb: the working database; postgres: the database of the FUNNEL_PG_* "
        "variables (as profiles.example.yml's postgres target)",
    )
    gates.add_argument("--boundary", choices=("raw", "marts"), default="raw", help="(raw)")
    gates.add_argument(
        "--as-of",
        type=_parse_as_of,
        default=None,
        help="timestamps may run 24 h past this UTC instant (now)",
    )
    gates.set_defaults(handler=_locked("gates", _gates))

    review = commands.add_parser(
        "review",
        help="render the joint weekly and monthly reviews from the published marts",
        description="Render the joint weekly triage and monthly review as self-contained HTML "
        "pages under $FUNNEL_WAREHOUSE_DIR/reviews/, from the published marts only (never the "
        "working database), and update reviews/index.html. Default: the last complete week and "
        "month at the as-of of the published marts.",
    )
    review.add_argument(
        "--as-of",
        type=_parse_as_of,
        default=None,
        help="pick the last complete week and month at this UTC instant (default: the as-of "
        "the published marts were judged at; not later than it)",
    )
    review.add_argument("--week", help="the ISO week to review, e.g. 2026-W44")
    review.add_argument("--month", help="the month to review, e.g. 2026-10")
    review.add_argument(
        "--pdf", action="store_true", help="also print both pages to PDF beside them (Chromium)"
    )
    review.set_defaults(handler=_review)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    export_environment()
    ensure_project_instance()
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
