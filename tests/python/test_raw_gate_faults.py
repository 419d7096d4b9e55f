"""Raw-gate faults as a steward meets them: each case breaks a small generated warehouse, runs
the whole raw gate, and asserts the outcome row (table, column, severity, steward, counts, a
sample that locates the row) and whether the gate blocks."""

from __future__ import annotations

import math
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.checks.outcomes import FAILED, PASSED, ExpectationOutcome, GateReport
from orchestration.checks.results import record
from orchestration.checks.validate import run_gate
from orchestration.checks.volume import VOLUME_LABEL, Baseline, published_baseline
from orchestration.raw.generator import generate

AS_OF = datetime(2026, 11, 1)
CRM_STEWARD = "Priya Raman"
DEAL_DESK = "Marcus Lee"
MAS_STEWARD = "Elena Fischer"


@pytest.fixture(scope="module")
def clean_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    database = tmp_path_factory.mktemp("raw_gate_faults") / "clean.duckdb"
    generate(database, leads=300, seed=7, as_of=AS_OF)
    return database


@pytest.fixture(scope="module")
def clean_counts(clean_warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(clean_warehouse), read_only=True) as connection:
        return {
            f"{schema}.{name}": int(
                (
                    connection.execute(f'select count(*) from "{schema}"."{name}"').fetchone()
                    or (0,)
                )[0]
            )
            for schema, name in connection.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema in ('salesforce', 'marketo')"
            ).fetchall()
        }


GateRunner = Callable[..., GateReport]


@pytest.fixture
def gate(clean_warehouse: Path, tmp_path: Path) -> GateRunner:
    """Copy the clean warehouse, apply `fault` (SQL statements), run the whole raw gate."""

    def run(*fault: str, baseline: Baseline | None = None, docs: Path | None = None) -> GateReport:
        database = tmp_path / "working.duckdb"
        shutil.copyfile(clean_warehouse, database)
        with duckdb.connect(str(database)) as connection:
            for statement in fault:
                connection.execute(statement)
            report = run_gate(
                "raw",
                connection,
                "run-fault",
                AS_OF,
                docs or tmp_path / "docs",
                baseline=baseline or Baseline(None, reason="none in this test"),
            )
            record(connection, report)
        return report

    return run


def _one(report: GateReport, table: str, expectation: str) -> ExpectationOutcome:
    (outcome,) = [o for o in report.outcomes if o.table == table and o.expectation == expectation]
    return outcome


def test_clean_data_passes_with_a_volume_row_per_raw_table(gate: GateRunner) -> None:
    report = gate()
    assert not report.not_passed
    volume = [o for o in report.outcomes if o.expectation == VOLUME_LABEL]
    assert {o.table for o in volume} >= {"salesforce.task", "marketo.lead", "marketo.program"}
    task = _one(report, "salesforce.task", VOLUME_LABEL)
    assert task.element_count and task.element_count > 0
    assert "no published run to compare with" in task.observed_value


def test_a_header_only_task_table_blocks_naming_the_table_and_steward(gate: GateRunner) -> None:
    report = gate('delete from salesforce."task"')
    outcome = _one(report, "salesforce.task", VOLUME_LABEL)
    assert outcome.status == FAILED and outcome.blocks and report.blocks
    assert outcome.steward_name == CRM_STEWARD
    assert outcome.observed_value.startswith("salesforce.task: 0 rows")
    assert "required table is empty" in outcome.observed_value


def test_a_70_percent_drop_against_the_last_publication_blocks_with_both_counts(
    gate: GateRunner, clean_counts: dict[str, int]
) -> None:
    before = clean_counts["salesforce.task"]
    baseline = Baseline("run-good", dict(clean_counts))
    report = gate(
        'delete from salesforce."task" where id in (select id from salesforce."task" '
        f"order by id limit {int(before * 0.7)})",
        baseline=baseline,
    )
    outcome = _one(report, "salesforce.task", VOLUME_LABEL)
    after = before - int(before * 0.7)
    assert outcome.blocks and report.blocks
    assert outcome.steward_name == CRM_STEWARD
    assert f"{after:,} rows" in outcome.observed_value
    assert f"last published run had {before:,}" in outcome.observed_value
    assert "drop 70% > 20% allowed" in outcome.observed_value
    assert outcome.failing_sample[0]["last_published_rows"] == str(before)


def test_a_5_percent_drop_passes(gate: GateRunner, clean_counts: dict[str, int]) -> None:
    before = clean_counts["salesforce.task"]
    report = gate(
        'delete from salesforce."task" where id in (select id from salesforce."task" '
        f"order by id limit {math.ceil(before * 0.05)})",
        baseline=Baseline("run-good", dict(clean_counts)),
    )
    outcome = _one(report, "salesforce.task", VOLUME_LABEL)
    assert outcome.status == PASSED and not report.blocks
    assert "drop 5% <= 20% allowed" in outcome.observed_value


def test_the_baseline_is_the_last_published_run_not_a_blocked_one(tmp_path: Path) -> None:
    published = tmp_path / "funnel.duckdb"
    assert published_baseline(published).run_id is None
    with duckdb.connect(str(published)) as connection:
        connection.execute("create schema governance")
        connection.execute(
            "create table governance.publications (run_id varchar, published_at timestamp, "
            "status varchar, marts_run_id varchar, marts_published_at timestamp, note varchar)"
        )
        connection.execute(
            "insert into governance.publications values "
            "('good', '2026-11-01 01:00', 'published', 'good', '2026-11-01 01:00', ''), "
            "('bad', '2026-11-02 01:00', 'blocked', 'good', '2026-11-01 01:00', '')"
        )
        connection.execute(
            "create table governance.expectation_results (run_id varchar, boundary varchar, "
            "expectation varchar, table_name varchar, element_count bigint)"
        )
        connection.execute(
            "insert into governance.expectation_results values "
            f"('good', 'raw', '{VOLUME_LABEL}', 'salesforce.task', 2710), "
            f"('bad', 'raw', '{VOLUME_LABEL}', 'salesforce.task', 0)"
        )
    baseline = published_baseline(published)
    assert baseline.run_id == "good"
    assert baseline.counts == {"salesforce.task": 2710}


def _orphan_owners(share: float) -> str:
    return (
        "update salesforce.\"task\" set owner_id = '005GONE000000000AA' where id in "
        f'(select id from salesforce."task" order by id '
        f'limit (select cast(ceil(count(*) * {share}) as bigint) from salesforce."task"))'
    )


def test_one_percent_orphaned_task_owners_warn_counted_and_sampled(gate: GateRunner) -> None:
    report = gate(_orphan_owners(0.01))
    outcome = _one(report, "salesforce.task", "expect_column_values_to_be_null(missing_owner_id)")
    assert outcome.status == FAILED and outcome.severity == "warning"
    assert outcome.column == "owner_id", "the steward is told the raw column"
    assert not outcome.blocks and not report.blocks
    assert outcome.steward_name == CRM_STEWARD
    assert outcome.unexpected_count and outcome.unexpected_count >= 1
    assert "% <= 5% tolerated" in outcome.observed_value
    sample = outcome.failing_sample[0]
    assert sample["missing_owner_id"] == "005GONE000000000AA"
    assert sample["id"] and sample["who_id"] and sample["created_date"]


def test_most_of_the_task_owners_orphaned_blocks(gate: GateRunner) -> None:
    report = gate(_orphan_owners(0.8))
    outcome = _one(report, "salesforce.task", "expect_column_values_to_be_null(missing_owner_id)")
    assert outcome.severity == "critical" and outcome.blocks and report.blocks
    assert "% > 5% tolerated" in outcome.observed_value


@pytest.mark.parametrize("value", ["'NaN'", "'Infinity'", "'-Infinity'"])
def test_a_non_finite_amount_blocks_at_the_raw_gate(gate: GateRunner, value: str) -> None:
    report = gate(
        f'update salesforce."opportunity" set amount = cast({value} as double) '
        'where id = (select min(id) from salesforce."opportunity")'
    )
    outcome = _one(
        report, "salesforce.opportunity", "expect_column_values_to_be_null(non_finite_amount)"
    )
    assert outcome.blocks and report.blocks
    assert (outcome.table, outcome.column) == ("salesforce.opportunity", "amount")
    assert outcome.steward_name == DEAL_DESK
    assert outcome.unexpected_count == 1
    sample = outcome.failing_sample[0]
    assert sample["non_finite_amount"] in ("nan", "inf", "-inf")
    assert sample["id"] and sample["name"] and sample["created_date"]


def test_a_1900_created_date_blocks_at_the_raw_gate_naming_the_crm_steward(
    gate: GateRunner,
) -> None:
    report = gate(
        "update salesforce.\"lead\" set created_date = timestamp '1900-01-01 00:00:00' "
        'where id = (select min(id) from salesforce."lead")'
    )
    outcome = _one(report, "salesforce.lead", "expect_column_values_to_be_between(created_date)")
    assert outcome.blocks and report.blocks
    assert (outcome.column, outcome.steward_name) == ("created_date", CRM_STEWARD)
    assert outcome.unexpected_count == 1
    assert outcome.failing_sample[0]["created_date"].startswith("1900-01-01")


def test_a_null_id_sample_locates_the_row(gate: GateRunner) -> None:
    report = gate(
        'update salesforce."lead" set id = null where id = (select min(id) from salesforce."lead")'
    )
    outcome = _one(report, "salesforce.lead", "expect_column_values_to_not_be_null(id)")
    assert outcome.blocks
    (sample,) = outcome.failing_sample
    assert sample["id"] is None
    assert sample["created_date"] and sample["company"]
    assert "***@" in sample["email"]  # masked, yet enough to find the record


def test_data_docs_hold_no_unmasked_email(gate: GateRunner, tmp_path: Path) -> None:
    docs = tmp_path / "site"
    report = gate(
        "update marketo.\"lead\" set email = 'jane.doe(at)secret-acme.com' "
        'where id = (select min(id) from marketo."lead")',
        docs=docs,
    )
    outcome = _one(report, "marketo.lead", "expect_column_values_to_match_regex(email)")
    assert outcome.status == FAILED and outcome.failing_sample[0]["email"] == "j***"
    pages = list(docs.rglob("*.html"))
    assert any("validations" in str(page) for page in pages)
    for page in pages:
        assert "jane.doe(at)secret-acme.com" not in page.read_text(errors="replace")


def test_raw_data_docs_survive_the_mart_gate_of_the_same_run(
    gate: GateRunner, tmp_path: Path
) -> None:
    docs = tmp_path / "site"
    raw = gate(docs=docs)
    assert raw.data_docs_url and Path(raw.data_docs_url.removeprefix("file://")).exists()
    with duckdb.connect(str(tmp_path / "working.duckdb")) as connection:
        run_gate("marts", connection, "run-fault", AS_OF, docs)
    raw_pages = list((docs / "raw" / "validations").rglob("*.html"))
    assert raw_pages, "the raw gate's validation pages are gone"
    assert Path(raw.data_docs_url.removeprefix("file://")).exists()


# ---- Marketo email activities ----------------------------------------------------------------
UNSENT = "expect_column_values_to_be_null(unsent_campaign_run_id)"
AFTER_UNSUBSCRIBE = "expect_column_values_to_be_null(opened_after_unsubscribe)"
CLICKS = "marketo.activity_click_email"


def _clicks_of_unsent_runs(share: float) -> str:
    """The first `share` of the clicks (by id) moved to campaign runs that never sent to them."""
    return (
        "update marketo.activity_click_email set campaign_run_id = 9500000000 + id where id in "
        "(select id from marketo.activity_click_email order by id limit "
        f"(select cast(ceil(count(*) * {share}) as bigint) from marketo.activity_click_email))"
    )


def _count(warehouse: Path, sql: str) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return int((connection.execute(sql).fetchone() or (0,))[0])


def test_clean_email_activities_pass_the_new_checks(gate: GateRunner) -> None:
    report = gate()
    for table, expectation in (
        (CLICKS, UNSENT),
        ("marketo.activity_open_email", AFTER_UNSUBSCRIBE),
    ):
        outcome = _one(report, table, expectation)
        assert outcome.status == PASSED and outcome.element_count, table


def test_a_few_clicks_without_their_send_warn_naming_table_column_and_rows(
    gate: GateRunner, clean_warehouse: Path
) -> None:
    clicks = _count(clean_warehouse, f"select count(*) from {CLICKS}")
    report = gate(_clicks_of_unsent_runs(0.01))
    outcome = _one(report, CLICKS, UNSENT)
    assert outcome.status == FAILED and outcome.severity == "warning"
    assert outcome.table == CLICKS and outcome.column == "campaign_run_id"
    assert outcome.steward_name == MAS_STEWARD
    assert outcome.unexpected_count == math.ceil(clicks * 0.01)
    assert f"{outcome.unexpected_count} of {clicks} rows orphaned by campaign_run_id" in (
        outcome.observed_value
    )
    assert "% <= 5% tolerated" in outcome.observed_value
    assert not outcome.blocks and not report.blocks
    sample = outcome.failing_sample[0]
    assert int(sample["unsent_campaign_run_id"]) == 9_500_000_000 + int(sample["id"])
    assert sample["lead_id"] and sample["activity_date"]


def test_clicks_mostly_without_their_send_block(gate: GateRunner) -> None:
    report = gate(_clicks_of_unsent_runs(0.5))
    outcome = _one(report, CLICKS, UNSENT)
    assert outcome.severity == "critical" and outcome.blocks and report.blocks
    assert "% > 5% tolerated" in outcome.observed_value


def test_a_click_before_its_first_send_is_a_click_without_a_send(gate: GateRunner) -> None:
    """The connector-era defect of the issue: a click dated before the email reached the lead."""
    report = gate(
        "update marketo.activity_click_email set activity_date = activity_date - interval 30 day "
        "where id = (select min(id) from marketo.activity_click_email)"
    )
    outcome = _one(report, CLICKS, UNSENT)
    assert outcome.status == FAILED and outcome.unexpected_count == 1
    assert outcome.severity == "warning" and not report.blocks


def test_opens_after_an_unsubscribe_warn_naming_table_column_and_rows(
    gate: GateRunner, clean_warehouse: Path
) -> None:
    unsubscribes = _count(
        clean_warehouse, "select count(*) from marketo.activity_unsubscribe_email"
    )
    assert unsubscribes >= 2, "the clean warehouse has unsubscribes to open after"
    report = gate(
        "insert into marketo.activity_open_email by name select id + 9000000000 as id, lead_id, "
        "activity_date + interval 1 minute as activity_date, primary_attribute_value, "
        "primary_attribute_value_id, campaign_id, campaign_run_id, email_template_id, "
        "_fivetran_synced, false as _fivetran_deleted "
        "from marketo.activity_unsubscribe_email order by id limit 2"
    )
    outcome = _one(report, "marketo.activity_open_email", AFTER_UNSUBSCRIBE)
    assert outcome.status == FAILED and outcome.unexpected_count == 2
    assert outcome.table == "marketo.activity_open_email" and outcome.column == "activity_date"
    assert outcome.severity == "warning" and outcome.steward_name == MAS_STEWARD
    assert not report.blocks, "a steward finding, not a block"
    sample = outcome.failing_sample[0]
    assert int(sample["id"]) >= 9_000_000_000
    assert sample["lead_id"] and sample["opened_after_unsubscribe"]
