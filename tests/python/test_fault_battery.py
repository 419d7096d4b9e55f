"""The fault battery: exports as a connector lands them, each with one kind of fault, loaded with
`funnel load` into a copy of one good baseline warehouse, then checked the way a user meets the
fault: `funnel load` where the file itself is wrong, the raw gate alone (`funnel gates`) where
the raw boundary must catch it, and one whole `funnel run` over an export carrying every kind of
noise real syncs have, which must publish. Each case asserts the exit code, the
message (table, column, steward), the rows in `governance.expectation_results`, and what BI
reads afterwards: the baseline's marts unchanged, or a new publication."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from published_baseline import AS_OF, Baseline, funnel, last_publication

from orchestration.raw.contract import contract_tables, raw_schemas
from orchestration.raw.systems import duckdb_landed_systems
from orchestration.settings import WORKING_FILE, sql_string

pytestmark = pytest.mark.slow


CRM_STEWARD = "Priya Raman"
DEAL_DESK = "Marcus Lee"
MAS_STEWARD = "Elena Fischer"
AGREEMENTS_STEWARD = "Jordan Kim"


@pytest.fixture(scope="module")
def baseline(published_baseline: Baseline) -> Baseline:
    """Generated data loaded from its own exports, run and published: the last good run."""
    return published_baseline


def _results(warehouse: Path) -> list[dict]:
    """The newest run's rows of governance.expectation_results in the working database."""
    with duckdb.connect(str(warehouse / WORKING_FILE), read_only=True) as connection:
        cursor = connection.execute(
            "select * from governance.expectation_results where run_id = ("
            "select run_id from governance.expectation_results order by run_at desc limit 1)"
        )
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# ---- editing an export the way a connector or a person would get it wrong -------------------


def rewrite(exports: Path, table: str, select: str) -> None:
    """Replace `exports/<table>.csv` by `select` over its rows (the relation `t`)."""
    text = sql_string(exports / f"{table}.csv")
    with duckdb.connect() as connection:
        connection.execute(
            f"create table t as select * from read_csv({text}, header = true, all_varchar = true)"
        )
        connection.execute(f"copy ({select}) to {text} (header)")


def set_some(table: str, column: str, value: str, rows: int = 3) -> Callable[[Path], None]:
    def edit(exports: Path) -> None:
        rewrite(
            exports,
            table,
            f"select * replace (case when row_number() over (order by id) <= {rows} "
            f"then {value} else {column} end as {column}) from t",
        )

    return edit


def keep_fraction(table: str, fraction: float) -> Callable[[Path], None]:
    def edit(exports: Path) -> None:
        rewrite(
            exports,
            table,
            f"select * from t qualify row_number() over (order by id) <= "
            f"{fraction} * count(*) over ()",
        )

    return edit


def orphan_owners(fraction: float) -> Callable[[Path], None]:
    def edit(exports: Path) -> None:
        rewrite(
            exports,
            "salesforce/task",
            "select * replace (case when row_number() over (order by id) <= "
            f"greatest(1, {fraction} * count(*) over ()) then '005GONE00000000AAA' "
            "else owner_id end as owner_id) from t",
        )

    return edit


def header_only(table: str) -> Callable[[Path], None]:
    return lambda exports: rewrite(exports, table, "select * from t limit 0")


def drop_column(table: str, column: str) -> Callable[[Path], None]:
    return lambda exports: rewrite(exports, table, f"select * exclude ({column}) from t")


def delete_file(table: str) -> Callable[[Path], None]:
    return lambda exports: (exports / f"{table}.csv").unlink()


def connector_columns(exports: Path) -> None:
    """Fivetran bookkeeping and an org's custom fields on every Salesforce lead."""
    rewrite(
        exports,
        "salesforce/lead",
        "select *, 'Gold' as Customer_Tier__c, now() as _fivetran_synced, "
        "false as _fivetran_deleted from t",
    )


DELETED_LEADS = 5


def deleted_rows(exports: Path) -> None:
    rewrite(
        exports,
        "salesforce/lead",
        f"select * replace (case when row_number() over (order by id) <= {DELETED_LEADS} "
        "then 'true' "
        "else is_deleted end as is_deleted) from t",
    )


PAYLOADS = ("'); drop table marts.dim_person; --", "{{ run_query('drop schema marts') }}")


def injection_payloads(exports: Path) -> None:
    rewrite(
        exports,
        "salesforce/account",
        "select * replace (case row_number() over (order by id) "
        f"when 1 then {sql_string(PAYLOADS[0])} when 2 then {sql_string(PAYLOADS[1])} "
        "else name end as name) from t",
    )


def bad_timestamp(exports: Path) -> None:
    set_some("salesforce/lead", "created_date", "'last tuesday'", rows=1)(exports)


def text_amount(exports: Path) -> None:
    set_some("salesforce/opportunity", "amount", "'12k'", rows=1)(exports)


# ---- the battery -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    key: str
    edit: Callable[[Path], None]
    # load: `funnel load` must refuse it; gates: the raw gate alone must block it; noise: the
    # whole pipeline must publish despite it (all noise kinds share one run).
    via: str
    exit_code: int
    says: tuple[str, ...] = ()
    # (table, column or None, severity, steward) of a not-passed row that must be recorded.
    finding: tuple[str, str | None, str, str] | None = None
    extra: Callable[[Baseline, Path, list[dict]], None] | None = field(default=None)


def _sample_locates_the_row(_: Baseline, __: Path, results: list[dict]) -> None:
    row = next(
        r
        for r in results
        if r["table_name"] == "salesforce.lead"
        and r["column_name"] == "id"
        and "not_be_null" in r["expectation"]
    )
    assert row["failing_sample"] and '"id": null' in row["failing_sample"]
    sample = row["failing_sample"].replace('"id": null', "")
    assert any(key in sample for key in ('"created_date"', '"email"', '"line"')), sample


def _deleted_leads_leave_the_funnel(baseline: Baseline, warehouse: Path, __: list[dict]) -> None:
    deleted = _deleted_lead_ids(baseline.exports)
    with duckdb.connect(str(warehouse / "funnel.duckdb"), read_only=True) as connection:
        still_there = connection.execute(
            "select crm_lead_id from marts.fct_lead_cycles where crm_lead_id in "
            f"({', '.join('?' for _ in deleted)})",
            deleted,
        ).fetchall()
    with duckdb.connect(str(baseline.warehouse / "funnel.duckdb"), read_only=True) as connection:
        before = connection.execute(
            "select count(distinct crm_lead_id) from marts.fct_lead_cycles where crm_lead_id in "
            f"({', '.join('?' for _ in deleted)})",
            deleted,
        ).fetchone()
    assert before and before[0] > 0, "the baseline had these leads in the funnel"
    assert still_there == [], "a deleted CRM lead is still in the funnel"


def _deleted_lead_ids(exports: Path) -> list[str]:
    """The leads `deleted_rows` marks deleted: the first five by id."""
    path = sql_string(exports / "salesforce" / "lead.csv")
    with duckdb.connect() as connection:
        rows = connection.execute(
            f"select id from read_csv({path}, header = true, all_varchar = true) "
            f"order by id limit {DELETED_LEADS}"
        ).fetchall()
    return [lead_id for (lead_id,) in rows]


def _payloads_stored_verbatim(_: Baseline, warehouse: Path, __: list[dict]) -> None:
    with duckdb.connect(str(warehouse / "funnel.duckdb"), read_only=True) as connection:
        accounts = connection.execute("select account_name from marts.dim_account").fetchall()
        persons = connection.execute("select count(*) from marts.dim_person").fetchone()
    assert set(PAYLOADS) <= {name for (name,) in accounts}
    assert persons and persons[0] > 0


def _orphans_counted_and_sampled(_: Baseline, __: Path, results: list[dict]) -> None:
    row = next(
        r
        for r in results
        if r["table_name"] == "salesforce.task" and r["column_name"] == "owner_id"
        if not r["passed"]
    )
    assert row["unexpected_count"] and row["unexpected_count"] >= 1
    assert "005GONE00000000AAA" in (row["failing_sample"] or "")


FAULTS = [
    # Refused by `funnel load`: nothing is loaded, the file, line and column are named.
    Fault("unparseable_timestamp", bad_timestamp, "load", 1, ("lead.csv", "line", "created_date")),
    Fault("text_in_a_number", text_amount, "load", 1, ("opportunity.csv", "line", "amount")),
    Fault(
        "missing_key_column",
        drop_column("salesforce/lead_history", "lead_id"),
        "load",
        1,
        ("lead_history", "lead_id"),
    ),
    Fault(
        "missing_required_table",
        delete_file("salesforce/opportunity"),
        "load",
        1,
        ("salesforce.opportunity",),
    ),
    # Caught at the raw boundary: the gate blocks and names the table, column and steward.
    Fault(
        "unmapped_crm_status",
        set_some("salesforce/lead", "status", "'Contacted??'"),
        "gates",
        1,
        ("salesforce.lead.status", AGREEMENTS_STEWARD),
        ("salesforce.lead", "status", "critical", AGREEMENTS_STEWARD),
    ),
    Fault(
        "unmapped_mas_status",
        set_some("marketo/lead", "lead_status", "'Lead - Hot'"),
        "gates",
        1,
        ("marketo.lead.lead_status", AGREEMENTS_STEWARD),
        ("marketo.lead", "lead_status", "critical", AGREEMENTS_STEWARD),
    ),
    Fault(
        "duplicate_lead_id",
        lambda e: rewrite(
            e, "salesforce/lead", "select * from t union all (select * from t order by id limit 3)"
        ),
        "gates",
        1,
        ("salesforce.lead.id", CRM_STEWARD),
        ("salesforce.lead", "id", "critical", CRM_STEWARD),
    ),
    Fault(
        "null_lead_id",
        set_some("salesforce/lead", "id", "null"),
        "gates",
        1,
        ("salesforce.lead.id", CRM_STEWARD),
        ("salesforce.lead", "id", "critical", CRM_STEWARD),
        extra=_sample_locates_the_row,
    ),
    Fault(
        "negative_amount",
        set_some("salesforce/opportunity", "amount", "'-500'"),
        "gates",
        1,
        ("salesforce.opportunity.amount", DEAL_DESK),
        ("salesforce.opportunity", "amount", "critical", DEAL_DESK),
    ),
    Fault(
        "nan_amount",
        set_some("salesforce/opportunity", "amount", "'NaN'"),
        "gates",
        1,
        ("salesforce.opportunity.amount", DEAL_DESK),
        ("salesforce.opportunity", "amount", "critical", DEAL_DESK),
    ),
    Fault(
        "infinite_amount",
        set_some("salesforce/opportunity", "amount", "'Infinity'"),
        "gates",
        1,
        ("salesforce.opportunity.amount", DEAL_DESK),
        ("salesforce.opportunity", "amount", "critical", DEAL_DESK),
    ),
    Fault(
        "timestamp_in_1900",
        set_some("salesforce/lead", "created_date", "'1900-01-01 00:00:00'"),
        "gates",
        1,
        ("salesforce.lead.created_date", CRM_STEWARD),
        ("salesforce.lead", "created_date", "critical", CRM_STEWARD),
    ),
    Fault(
        "timestamp_after_as_of",
        set_some("salesforce/lead_history", "created_date", "'2026-12-01 00:00:00'"),
        "gates",
        1,
        ("salesforce.lead_history.created_date", CRM_STEWARD),
        ("salesforce.lead_history", "created_date", "critical", CRM_STEWARD),
    ),
    Fault(
        "stage_after_won",
        lambda e: rewrite(
            e,
            "salesforce/opportunity_history",
            "select * from t union all select * replace ("
            "id || 'R' as id, 'Prospecting' as stage_name, "
            "strftime(created_date::timestamp + interval 1 day, "
            "'%Y-%m-%d %H:%M:%S') as created_date) "
            "from t where stage_name = 'Closed Won' "
            "and created_date::timestamp < '2026-10-01' limit 3",
        ),
        "gates",
        1,
        ("salesforce.opportunity_history", DEAL_DESK),
        ("salesforce.opportunity_history", None, "critical", DEAL_DESK),
    ),
    Fault(
        "header_only_required_table",
        header_only("salesforce/task"),
        "gates",
        1,
        ("salesforce.task", CRM_STEWARD),
        ("salesforce.task", None, "critical", CRM_STEWARD),
    ),
    Fault(
        "empty_lead_table",
        header_only("salesforce/lead"),
        "gates",
        1,
        ("salesforce.lead", CRM_STEWARD),
        ("salesforce.lead", None, "critical", CRM_STEWARD),
    ),
    Fault(
        "most_leads_lost_in_sync",
        keep_fraction("salesforce/lead", 0.3),
        "gates",
        1,
        ("salesforce.lead", CRM_STEWARD),
        ("salesforce.lead", None, "critical", CRM_STEWARD),
    ),
    Fault(
        "most_task_owners_orphaned",
        orphan_owners(0.8),
        "gates",
        1,
        ("salesforce.task.owner_id", CRM_STEWARD),
        ("salesforce.task", "owner_id", "critical", CRM_STEWARD),
    ),
    # Noise real syncs carry: the run publishes, warning where a steward should look.
    Fault(
        "connector_bookkeeping_and_custom_fields",
        connector_columns,
        "noise",
        0,
    ),
    Fault(
        "deleted_rows",
        deleted_rows,
        "noise",
        0,
        extra=_deleted_leads_leave_the_funnel,
    ),
    Fault(
        "sql_and_jinja_in_text",
        injection_payloads,
        "noise",
        0,
        extra=_payloads_stored_verbatim,
    ),
    Fault(
        "optional_table_no_longer_synced",
        delete_file("salesforce/event"),
        "gates",
        1,
        ("salesforce.event", CRM_STEWARD),
        ("salesforce.event", None, "critical", CRM_STEWARD),
    ),
    Fault(
        "missing_optional_column",
        drop_column("salesforce/lead", "rating"),
        "noise",
        0,
    ),
    Fault(
        "small_volume_drop",
        keep_fraction("marketo/activity_visit_webpage", 0.95),
        "noise",
        0,
    ),
    Fault(
        "one_percent_orphaned_task_owners",
        orphan_owners(0.01),
        "noise",
        0,
        ("WARNING", "salesforce.task"),
        ("salesforce.task", "owner_id", "warning", CRM_STEWARD),
        extra=_orphans_counted_and_sampled,
    ),
    Fault(
        "malformed_emails",
        set_some("marketo/lead", "email", "'jane.doe(at)acme.com'"),
        "noise",
        0,
        ("marketo.lead.email", MAS_STEWARD),
        ("marketo.lead", "email", "warning", MAS_STEWARD),
    ),
]


FAULTS_CAUGHT = [fault for fault in FAULTS if fault.via != "noise"]
NOISE = [fault for fault in FAULTS if fault.via == "noise"]


def _copy_baseline(baseline: Baseline, into: Path) -> tuple[Path, Path]:
    warehouse, exports = into / "warehouse", into / "exports"
    shutil.copytree(baseline.warehouse, warehouse)
    shutil.copytree(baseline.exports, exports)
    return warehouse, exports


@pytest.mark.parametrize("fault", FAULTS_CAUGHT, ids=[fault.key for fault in FAULTS_CAUGHT])
def test_a_fault_is_stopped_and_named(fault: Fault, baseline: Baseline, tmp_path: Path) -> None:
    warehouse, exports = _copy_baseline(baseline, tmp_path)
    fault.edit(exports)

    loaded = funnel(["load", str(exports)], warehouse)
    if fault.via == "load":
        output = loaded.stdout + loaded.stderr
        assert loaded.returncode == fault.exit_code, output
        _says(fault, output)
        assert _raw_counts(warehouse) == baseline.row_counts, "a refused load changed the data"
        return
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    finished = funnel(["gates", "--boundary", "raw", "--as-of", AS_OF], warehouse)
    output = finished.stdout + finished.stderr
    assert finished.returncode == fault.exit_code, output
    _says(fault, output)
    results = _results(warehouse)
    _finding_recorded(fault, results)
    assert last_publication(warehouse)[1] == baseline.run_id, "BI keeps the last good marts"
    if fault.extra:
        fault.extra(baseline, warehouse, results)


@dataclass(frozen=True)
class NoisyRun:
    warehouse: Path
    exit_code: int
    output: str
    results: list[dict]


@pytest.fixture(scope="module")
def noisy_run(baseline: Baseline, tmp_path_factory: pytest.TempPathFactory) -> NoisyRun:
    """One export carrying every kind of noise real syncs have, loaded and run end to end."""
    warehouse, exports = _copy_baseline(baseline, tmp_path_factory.mktemp("noise"))
    for fault in NOISE:
        fault.edit(exports)
    loaded = funnel(["load", str(exports)], warehouse)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    finished = funnel(["run", "--as-of", AS_OF], warehouse)
    return NoisyRun(
        warehouse, finished.returncode, finished.stdout + finished.stderr, _results(warehouse)
    )


@pytest.mark.parametrize("fault", NOISE, ids=[fault.key for fault in NOISE])
def test_noise_is_tolerated_and_published(
    fault: Fault, baseline: Baseline, noisy_run: NoisyRun
) -> None:
    assert noisy_run.exit_code == fault.exit_code, noisy_run.output
    _says(fault, noisy_run.output)
    _finding_recorded(fault, noisy_run.results)
    status, marts_run = last_publication(noisy_run.warehouse)
    assert status == "published" and marts_run != baseline.run_id, noisy_run.output
    if fault.extra:
        fault.extra(baseline, noisy_run.warehouse, noisy_run.results)


def _says(fault: Fault, output: str) -> None:
    assert "Traceback" not in output, output
    for text in fault.says:
        assert text in output, (text, output)


def _finding_recorded(fault: Fault, results: list[dict]) -> None:
    assert results, "nothing recorded in governance.expectation_results"
    if not fault.finding:
        return
    table, column, severity, steward = fault.finding
    matching = [
        row
        for row in results
        if row["table_name"] == table
        and (column is None or row["column_name"] == column)
        and not row["passed"]
    ]
    assert matching, f"no finding on {table}.{column}: {results}"
    assert any(r["severity"] == severity and r["steward_name"] == steward for r in matching), (
        matching
    )


def _raw_counts(warehouse: Path) -> dict[str, int]:
    """Row counts of every raw table of the landed systems."""
    schemas = raw_schemas()
    with duckdb.connect(str(warehouse / WORKING_FILE), read_only=True) as connection:
        landed = duckdb_landed_systems(connection)
        return {
            table.qualified_name: int(
                (
                    connection.execute(
                        f'select count(*) from "{schemas[table.source]}"."{table.name}"'
                    ).fetchone()
                    or (0,)
                )[0]
            )
            for table in contract_tables()
            if table.source in landed
        }
