"""The raw gate's volume and completeness check: one outcome per raw contract table.

- A required table (models/staging/*/_*__sources.yml, `contract: required`) with no rows blocks.
- Every table's row count is compared with the count the raw gate saw in the last run whose
  publication status is `published` (read from the published file's
  governance.expectation_results, where these outcomes are recorded with the count in
  `element_count`). A drop larger than the table's `max_drop_percent`
  (seeds/raw_volume_thresholds.csv) blocks, naming both counts; with no published run to
  compare with the check passes and says so.

Only the tables of landed systems (orchestration/raw/systems.py: any of the system's contract
tables exists) are counted as outcomes: a system that was never loaded gets one passing `info`
line saying so, and its absent required tables are no findings. A warehouse where no system has
landed blocks, naming the schemas it looked in.

The counts are one `count(*)` per table in the warehouse; nothing else leaves it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.checks.outcomes import FAILED, PASSED, ExpectationOutcome
from orchestration.checks.stewards import steward_for, system_domain
from orchestration.checks.tolerances import VOLUME_SEED, max_drop_percent
from orchestration.raw.contract import ContractTable, contract_tables, raw_schemas
from orchestration.raw.systems import describe_not_landed, landed_from_counts, not_landed

VOLUME_TYPE = "expect_table_row_count_to_be_between"
VOLUME_LABEL = f"{VOLUME_TYPE}[volume]"
LANDED_TYPE = "expect_source_system_to_be_landed"
LANDED_LABEL = f"{LANDED_TYPE}[landed]"


@dataclass(frozen=True)
class Baseline:
    """Raw row counts of the last published run, or why there are none."""

    run_id: str | None
    counts: dict[str, int] = field(default_factory=dict)
    reason: str = ""


def suite_name(table: ContractTable) -> str:
    """The suite a table's volume outcome belongs to (its raw suite, when it has one)."""
    return f"raw_{table.source}__{table.name}"


def published_baseline(published: Path) -> Baseline:
    """The raw row counts the gate recorded for the last run published to `published`."""
    if not published.exists():
        return Baseline(None, reason="nothing has been published yet")
    try:
        with duckdb.connect(str(published), read_only=True) as connection:
            tables = {
                name
                for (name,) in connection.execute(
                    "select table_name from information_schema.tables "
                    "where table_schema = 'governance'"
                ).fetchall()
            }
            if "publications" not in tables:
                return Baseline(None, reason="the published file records no publications")
            row = connection.execute(
                "select run_id from governance.publications where status = 'published' "
                "order by published_at desc limit 1"
            ).fetchone()
            if row is None:
                return Baseline(None, reason="no run has been published yet")
            run_id = str(row[0])
            counts: dict[str, int] = {}
            if "expectation_results" in tables:
                counts = {
                    str(table): int(count)
                    for table, count in connection.execute(
                        "select table_name, max(element_count) "
                        "from governance.expectation_results "
                        "where run_id = ? and boundary = 'raw' and expectation = ? "
                        "and element_count is not null group by table_name",
                        [run_id, VOLUME_LABEL],
                    ).fetchall()
                }
    except duckdb.Error as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        return Baseline(None, reason=f"the published file could not be read ({first})")
    if not counts:
        return Baseline(run_id, reason=f"published run {run_id} recorded no raw row counts")
    return Baseline(run_id, counts)


def duckdb_row_counts(connection: duckdb.DuckDBPyConnection) -> dict[str, int | None]:
    """Row count of every contract table in the working database; None where it is absent."""
    present = {
        (str(schema), str(name))
        for schema, name in connection.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
    }
    return _row_counts(
        lambda schema, name: (schema, name) in present,
        lambda sql: int((connection.execute(sql).fetchone() or (0,))[0]),
    )


def _row_counts(
    exists: Callable[[str, str], bool], count: Callable[[str], int]
) -> dict[str, int | None]:
    schemas = raw_schemas()
    counts: dict[str, int | None] = {}
    for table in contract_tables():
        schema = schemas[table.source]
        counts[table.qualified_name] = (
            count(f'select count(*) from "{schema}"."{table.name}"')
            if exists(schema, table.name)
            else None
        )
    return counts


def row_counts_with(
    exists: Callable[[str, str], bool], count: Callable[[str], int]
) -> dict[str, int | None]:
    """Row counts through any engine's catalogue lookup and scalar query (PostgreSQL route)."""
    return _row_counts(exists, count)


def _number(value: int) -> str:
    return f"{value:,}"


def volume_outcome(
    table: ContractTable, rows: int | None, baseline: Baseline
) -> ExpectationOutcome:
    domain = system_domain(table.source)
    steward = steward_for(domain, table.qualified_name)
    allowed = max_drop_percent(table.qualified_name)
    name = table.qualified_name
    outcome = ExpectationOutcome(
        boundary="raw",
        suite=suite_name(table),
        expectation=VOLUME_LABEL,
        expectation_type=VOLUME_TYPE,
        table=name,
        column=None,
        severity="critical",
        status=PASSED,
        observed_value="",
        element_count=rows or 0,
        unexpected_count=0,
        unexpected_percent=0.0,
        steward_domain=domain,
        steward_name=steward.name,
        steward_contact=steward.contact,
        notes=(
            ("A required table may not be empty. " if table.required else "")
            + f"Row count may drop at most {allowed:g}% below the last published run's "
            f"(seeds/{VOLUME_SEED.name})."
        ),
    )
    count = rows or 0
    before = baseline.counts.get(name) if baseline.run_id else None
    if before is None:
        compared = (
            f"no published run to compare with ({baseline.reason})"
            if baseline.run_id is None or not baseline.counts
            else f"last published run {baseline.run_id} had no count for it"
        )
    else:
        drop = 100.0 * (before - count) / before if before > count else 0.0
        relation = ">" if drop > allowed else "<="
        compared = (
            f"last published run had {_number(before)} "
            f"(drop {drop:.0f}% {relation} {allowed:g}% allowed)"
        )
        outcome.unexpected_count = max(before - count, 0)
        outcome.unexpected_percent = round(drop, 6)
        if drop > allowed:
            outcome.status = FAILED
            outcome.failing_sample = [
                {
                    "table": name,
                    "rows": str(count),
                    "last_published_rows": str(before),
                    "last_published_run": baseline.run_id,
                }
            ]
    absent = " (table absent: read as empty)" if rows is None else ""
    outcome.observed_value = f"{name}: {_number(count)} rows{absent}, {compared}"
    if table.required and count == 0:
        outcome.status = FAILED
        outcome.observed_value = f"{name}: 0 rows{absent}, a required table is empty; {compared}"
    return outcome


def system_outcome(system: str, landed: tuple[str, ...]) -> ExpectationOutcome:
    """Whether a system landed: an `info` line when it didn't (nothing of it is checked); when no
    system has landed at all, a blocking failure (there is nothing to build from)."""
    domain = system_domain(system)
    steward = steward_for(domain, f"{system}.")
    nothing = not landed
    observed = describe_not_landed(system)
    if nothing:
        schemas = ", ".join(sorted(set(raw_schemas().values())))
        observed += (
            f"; no source system has landed (looked in schemas {schemas}): load one with "
            "`funnel load` or `funnel generate`"
        )
    return ExpectationOutcome(
        boundary="raw",
        suite=f"raw_{system}",
        expectation=LANDED_LABEL,
        expectation_type=LANDED_TYPE,
        table=system,
        column=None,
        severity="critical" if nothing else "info",
        status=FAILED if nothing else PASSED,
        observed_value=observed,
        element_count=0,
        unexpected_count=0,
        unexpected_percent=0.0,
        steward_domain=domain,
        steward_name=steward.name,
        steward_contact=steward.contact,
        notes="A system is landed when any of its raw-contract tables exists; the tables of a "
        "system that is not landed are not checked.",
    )


def volume_outcomes(counts: dict[str, int | None], baseline: Baseline) -> list[ExpectationOutcome]:
    """One outcome per contract table of a landed system, in contract order, and one per system
    that is not landed."""
    landed = landed_from_counts(counts)
    outcomes = [
        volume_outcome(table, counts.get(table.qualified_name), baseline)
        for table in contract_tables()
        if table.source in landed
    ]
    return outcomes + [system_outcome(system, landed) for system in not_landed(landed)]
