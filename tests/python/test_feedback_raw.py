"""Sales' reasons in the raw data: generated as an org records them (the lead reason custom field
in the lead's field history at the status change that ends a cycle, the loss reason on lost
deals, the MAS's own reasons), every value agreed in seeds/feedback_reasons.csv, and an unmapped
or missing one a named finding of the raw gate for the agreements steward."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orchestration.checks.outcomes import FAILED, PASSED, ExpectationOutcome, GateReport
from orchestration.checks.steward_report import GateFailure
from orchestration.checks.suites import load_suites
from orchestration.checks.validate import run_gate
from orchestration.checks.volume import Baseline
from orchestration.raw import contract
from orchestration.raw.generator import FAULT_KINDS, generate
from orchestration.settings import PROJECT_DIR, sql_string

LEADS, AS_OF = 6000, datetime(2026, 11, 28)
AGREEMENTS_STEWARD = "Jordan Kim"
REASON_FIELD = "Disqualification_Reason__c"
ENDED_STATUSES = (
    "('Recycled', 'Nurture', 'Disqualified', 'Rejected', 'Unqualified', 'Closed - Not Converted')"
)
REASON_SUITES = (
    "raw_salesforce__lead",
    "raw_salesforce__lead_history",
    "raw_salesforce__opportunity",
    "raw_marketo__activity_change_data_value",
)


def _agreed(system: str, applies_to: str = "person") -> dict[str, str]:
    """Reason value -> category agreed for `system` in seeds/feedback_reasons.csv, for verdicts on
    person records or (applies_to `opportunity`) opportunity loss reasons."""
    with (PROJECT_DIR / "seeds" / "feedback_reasons.csv").open(newline="") as handle:
        return {
            row["reason_value"]: row["category_code"]
            for row in csv.DictReader(handle)
            if row["system"] == system and row["applies_to"] == applies_to
        }


def _sql_list(values: dict[str, str] | list[str]) -> str:
    return "(" + ", ".join(sql_string(value) for value in values) + ")"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    database = tmp_path_factory.mktemp("feedback_raw") / "funnel.duckdb"
    generate(database, leads=LEADS, seed=42, as_of=AS_OF)
    return database


@pytest.fixture(scope="module")
def db(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        yield connection


def _one(db: duckdb.DuckDBPyConnection, sql: str) -> int:
    (value,) = db.execute(sql).fetchone() or (None,)
    return value


# ---- the generated reasons -------------------------------------------------------------------


def test_a_reason_is_set_at_the_instant_of_the_reps_status_change_that_ends_a_cycle(
    db: duckdb.DuckDBPyConnection,
) -> None:
    reasons = f"select * from salesforce.lead_history where field = '{REASON_FIELD}'"
    set_rows = _one(db, f"select count(*) from ({reasons}) where new_value is not null")
    assert set_rows > 300
    at_status_change = _one(
        db,
        f"select count(*) from ({reasons}) as reason "
        "where reason.new_value is not null and exists (select 1 from salesforce.lead_history s "
        "where s.field = 'Status' and s.lead_id = reason.lead_id "
        "and s.created_date = reason.created_date and s.created_by_id = reason.created_by_id "
        f"and s.new_value in {ENDED_STATUSES})",
    )
    assert at_status_change == set_rows
    # Reps clear the field when a recycled lead qualifies again: a change to null from a value.
    cleared = _one(db, f"select count(*) from ({reasons}) where new_value is null")
    assert cleared > 0
    assert (
        _one(db, f"select count(*) from ({reasons}) where new_value is null and old_value is null")
        == 0
    )
    # old_value is the value the change replaced: null at first, then the previous new_value.
    chained = _one(
        db,
        f"select count(*) from (select old_value, lag(new_value) over (partition by lead_id "
        f"order by created_date, id) as previous from ({reasons})) "
        "where old_value is distinct from previous",
    )
    assert chained == 0


def test_a_leads_reason_is_its_last_reason_change(db: duckdb.DuckDBPyConnection) -> None:
    differing = _one(
        db,
        'select count(*) from salesforce."lead" as lead left join ('
        "select lead_id, new_value as last_value from salesforce.lead_history "
        f"where field = '{REASON_FIELD}' "
        "qualify row_number() over (partition by lead_id order by created_date desc, id desc) = 1"
        ") as history on history.lead_id = lead.id "
        "where lead.disqualification_reason_c is distinct from history.last_value",
    )
    assert differing == 0
    assert _one(db, 'select count(disqualification_reason_c) from salesforce."lead"') > 200


def test_loss_reasons_are_on_most_lost_deals_and_only_on_lost_deals(
    db: duckdb.DuckDBPyConnection,
) -> None:
    lost, with_reason, elsewhere = db.execute(
        "select count(*) filter (where stage_name = 'Closed Lost'), "
        "count(loss_reason_c) filter (where stage_name = 'Closed Lost'), "
        "count(loss_reason_c) filter (where stage_name <> 'Closed Lost') "
        "from salesforce.opportunity"
    ).fetchone() or (0, 0, 0)
    assert lost > 100 and elsewhere == 0
    assert 0.85 <= with_reason / lost < 0.95


def test_every_generated_reason_is_agreed(db: duckdb.DuckDBPyConnection) -> None:
    crm, mas = _agreed("salesforce"), _agreed("marketo")
    loss = _agreed("salesforce", "opportunity")
    unmapped = {
        "lead": 'select count(*) from salesforce."lead" '
        f"where disqualification_reason_c not in {_sql_list(crm)}",
        "lead history": "select count(*) from salesforce.lead_history "
        f"where field = '{REASON_FIELD}' "
        f"and (new_value not in {_sql_list(crm)} or old_value not in {_sql_list(crm)})",
        "opportunity": "select count(*) from salesforce.opportunity "
        f"where loss_reason_c not in {_sql_list(loss)}",
        "mas": "select count(*) from marketo.activity_change_data_value "
        f"where primary_attribute_value = 'Lead Status' and reason not in {_sql_list(mas)}",
    }
    for name, sql in unmapped.items():
        assert _one(db, sql) == 0, name
    used = {
        value
        for (value,) in db.execute(
            "select distinct reason from marketo.activity_change_data_value "
            "where primary_attribute_value = 'Lead Status'"
        ).fetchall()
    }
    assert used == set(mas) - {"Nurture - not ready to buy"}, "the MAS writes its three reasons"


def test_most_ended_cycles_and_lost_deals_carry_a_mapped_reason(
    db: duckdb.DuckDBPyConnection,
) -> None:
    """Every CRM status change into a recycled or disqualified status ends a cycle: the rep's
    reason at that instant, or for the MAS's recycle of a lead nobody followed up its own."""
    verdicts = {
        v
        for v, category in {**_agreed("salesforce"), **_agreed("marketo")}.items()
        if category != "not_a_reason"
    }
    ended, covered = db.execute(
        f"""
        with ended as (
            select lead_id, created_date from salesforce.lead_history
            where field = 'Status' and new_value in {ENDED_STATUSES}
        ),
        crm as (
            select lead_id, created_date, new_value as reason from salesforce.lead_history
            where field = '{REASON_FIELD}' and new_value in {_sql_list(list(verdicts))}
        ),
        mas as (
            select lead_id, activity_date, reason from marketo.activity_change_data_value
            where reason in {_sql_list(list(verdicts))}
        )
        select count(*), count(*) filter (where exists (
                select 1 from crm
                where crm.lead_id = ended.lead_id and crm.created_date = ended.created_date
            ) or exists (
                select 1 from mas
                where mas.lead_id = cast(substr(ended.lead_id, 4, 12) as bigint)
                and abs(datediff('second', mas.activity_date, ended.created_date)) <= 600
            ))
        from ended
        """
    ).fetchone() or (0, 0)
    assert ended > 300
    assert covered / ended >= 0.85, (covered, ended)


def _category_share(db: duckdb.DuckDBPyConnection, where: str, category: str) -> float:
    categories = _agreed("salesforce")
    values = [value for value, code in categories.items() if code == category]
    return _one(
        db,
        "select avg(case when new_value in " + _sql_list(values) + " then 1.0 else 0 end) "
        f'from salesforce.lead_history as history join salesforce."lead" as lead '
        f"on lead.id = history.lead_id where history.field = '{REASON_FIELD}' "
        f"and history.new_value is not null and {where}",
    )


def test_the_reasons_tell_who_fails_and_why(db: duckdb.DuckDBPyConnection) -> None:
    # Small companies (under 100 employees) against mid-market and enterprise ones.
    smb, larger = "lead.number_of_employees < 100", "lead.number_of_employees >= 100"
    share = _category_share
    assert share(db, smb, "no_budget") > 1.6 * share(db, larger, "no_budget")
    assert share(db, larger, "competitor") > 2.5 * share(db, smb, "competitor")
    # Among disqualifications: sales-sourced leads more often reach the wrong person.
    disqualified = (
        "exists (select 1 from salesforce.lead_history as status where status.field = 'Status' "
        "and status.lead_id = history.lead_id and status.created_date = history.created_date "
        "and status.new_value in ('Disqualified', 'Rejected', 'Unqualified', "
        "'Closed - Not Converted'))"
    )
    outbound = f"lead.lead_source in ('Outbound', 'Partner Referral') and {disqualified}"
    inbound = f"lead.lead_source not in ('Outbound', 'Partner Referral') and {disqualified}"
    assert share(db, outbound, "wrong_contact") > 1.6 * share(db, inbound, "wrong_contact")
    lost = (
        "select avg(case when loss_reason_c = {value} then 1.0 else 0 end) "
        "from salesforce.opportunity as deal join salesforce.account as account "
        "on account.id = deal.account_id where loss_reason_c is not null and {segment}"
    )
    price, competitor = "'Price'", "'Lost to competitor'"
    small, large = "account.number_of_employees < 100", "account.number_of_employees >= 1000"
    assert _one(db, lost.format(value=price, segment=small)) > 2 * _one(
        db, lost.format(value=price, segment=large)
    )
    assert _one(db, lost.format(value=competitor, segment=large)) > 1.5 * _one(
        db, lost.format(value=competitor, segment=small)
    )


def test_sales_accepts_trade_show_and_webinar_mqls_more_than_social_ones(
    db: duckdb.DuckDBPyConnection,
) -> None:
    """By the channel of the program a person first engaged with (form fill or email click)."""
    rates = dict(
        db.execute(
            """
            with touches as (
                select lead_id, activity_date, campaign_id from marketo.activity_fill_out_form
                union all
                select lead_id, activity_date, campaign_id from marketo.activity_click_email
            ),
            first_touch as (
                select lead_id, arg_min(campaign_id, activity_date) as campaign_id
                from touches group by lead_id
            ),
            verdicts as (
                select
                    lead_id,
                    bool_or(new_value in ('Accepted', 'Working - Contacted')) as accepted,
                    bool_or(new_value not in ('Marketing Qualified', 'MQL')) as decided
                from marketo.activity_change_data_value
                where primary_attribute_value = 'Lead Status'
                group by lead_id
            )
            select program.channel, avg(case when verdicts.accepted then 1.0 else 0 end)
            from first_touch
            join verdicts using (lead_id)
            join marketo.campaign on campaign.id = first_touch.campaign_id
            join marketo.program on program.id = campaign.program_id
            where verdicts.decided
            group by program.channel
            """
        ).fetchall()
    )
    assert min(rates["Trade Show"], rates["Webinar"]) > rates["Social"] + 0.1, rates


# ---- the raw gate: unmapped and missing reasons ----------------------------------------------


GateRunner = Callable[..., GateReport]


@pytest.fixture
def gate(warehouse: Path, tmp_path: Path) -> GateRunner:
    """Copy the generated warehouse, apply `fault` (SQL statements), run the reason suites."""

    def run(*fault: str) -> GateReport:
        database = tmp_path / "working.duckdb"
        shutil.copyfile(warehouse, database)
        suites = [suite for suite in load_suites("raw") if suite.name in REASON_SUITES]
        with duckdb.connect(str(database)) as connection:
            for statement in fault:
                connection.execute(statement)
            return run_gate(
                "raw",
                connection,
                "run-reasons",
                AS_OF,
                tmp_path / "docs",
                suites=suites,
                baseline=Baseline(None, reason="none in this test"),
            )

    return run


def _outcome(report: GateReport, table: str, expectation: str) -> ExpectationOutcome:
    (outcome,) = [o for o in report.outcomes if o.table == table and o.expectation == expectation]
    return outcome


def _finding(outcome: ExpectationOutcome) -> str:
    return GateFailure.from_outcome(outcome).line()


def test_clean_reasons_pass_the_reason_suites(gate: GateRunner) -> None:
    report = gate()
    assert [o.expectation for o in report.outcomes if o.status != PASSED] == []


UNMAPPED = "Other - see notes"


def test_an_unmapped_lead_reason_is_a_warning_for_the_agreements_steward(gate: GateRunner) -> None:
    report = gate(
        f"update salesforce.\"lead\" set disqualification_reason_c = '{UNMAPPED}' "
        'where id in (select id from salesforce."lead" where not is_deleted order by id limit 2)',
        "insert into salesforce.lead_history (id, lead_id, field, old_value, new_value, "
        "created_date, is_deleted) "
        f"select '017U' || id, id, '{REASON_FIELD}', null, '{UNMAPPED}', created_date, false "
        'from salesforce."lead" where not is_deleted order by id limit 3',
    )
    lead = _outcome(
        report, "salesforce.lead", "expect_column_values_to_be_in_set(disqualification_reason_c)"
    )
    assert (lead.status, lead.severity, lead.steward_name) == (
        FAILED,
        "warning",
        AGREEMENTS_STEWARD,
    )
    assert lead.unexpected_count == 2
    assert "unmapped" in lead.notes and "no stage count" in lead.notes
    line = _finding(lead)
    assert line.startswith(
        "WARNING expect_column_values_to_be_in_set(disqualification_reason_c) on "
        "salesforce.lead.disqualification_reason_c: 2 of "
    ), line
    assert UNMAPPED in line
    history = _outcome(
        report, "salesforce.lead_history", "expect_column_values_to_be_in_set(reason_value)"
    )
    assert (history.status, history.severity, history.steward_name) == (
        FAILED,
        "warning",
        AGREEMENTS_STEWARD,
    )
    assert history.unexpected_count == 3
    assert _finding(history).startswith(
        "WARNING expect_column_values_to_be_in_set(reason_value) on "
        "salesforce.lead_history.new_value: 3 of "
    )


def test_an_unmapped_loss_reason_is_a_warning_naming_table_column_and_rows(
    gate: GateRunner,
) -> None:
    report = gate(
        "update salesforce.opportunity set loss_reason_c = 'Other' where id in ("
        "select id from salesforce.opportunity where stage_name = 'Closed Lost' "
        "order by id limit 4)"
    )
    outcome = _outcome(
        report, "salesforce.opportunity", "expect_column_values_to_be_in_set(loss_reason_c)"
    )
    assert (outcome.status, outcome.severity, outcome.unexpected_count) == (FAILED, "warning", 4)
    assert outcome.steward_name == AGREEMENTS_STEWARD
    line = _finding(outcome)
    assert "on salesforce.opportunity.loss_reason_c: 4 of " in line, line
    assert '"loss_reason_c": "Other"' in line, line


def test_an_unmapped_mas_reason_counts_only_on_changes_that_end_a_cycle(gate: GateRunner) -> None:
    changes = (
        "update marketo.activity_change_data_value set reason = 'Bounced' where id in ("
        "select id from marketo.activity_change_data_value "
        "where primary_attribute_value = 'Lead Status' and new_value in {statuses} "
        "order by id limit {rows})"
    )
    report = gate(
        changes.format(statuses="('Disqualified', 'Recycled')", rows=3),
        changes.format(statuses="('Marketing Qualified', 'Accepted')", rows=5),
    )
    outcome = _outcome(
        report,
        "marketo.activity_change_data_value",
        "expect_column_values_to_be_in_set(ended_status_reason)",
    )
    assert (outcome.status, outcome.severity, outcome.unexpected_count) == (FAILED, "warning", 3)
    assert outcome.column == "reason" and outcome.steward_name == AGREEMENTS_STEWARD


@pytest.fixture
def org_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    """An org whose lead reason field is `Rejection_Reason__c`."""
    configured = {**contract.project_vars(), "salesforce_lead_reason_field": "Rejection_Reason__c"}
    monkeypatch.setattr(contract, "project_vars", lambda: configured)


def test_the_gate_reads_the_orgs_configured_reason_field(
    org_fields: None, gate: GateRunner
) -> None:
    report = gate(
        'alter table salesforce."lead" rename disqualification_reason_c to rejection_reason_c',
        "update salesforce.lead_history set field = 'Rejection_Reason__c' "
        f"where field = '{REASON_FIELD}'",
        f"update salesforce.\"lead\" set rejection_reason_c = '{UNMAPPED}' "
        'where id in (select id from salesforce."lead" where not is_deleted order by id limit 2)',
        f"update salesforce.lead_history set new_value = '{UNMAPPED}' where id in ("
        "select id from salesforce.lead_history where field = 'Rejection_Reason__c' "
        "and new_value is not null order by id limit 1)",
    )
    lead = _outcome(
        report, "salesforce.lead", "expect_column_values_to_be_in_set(disqualification_reason_c)"
    )
    assert (lead.unexpected_count, lead.column) == (2, "rejection_reason_c")
    assert "on salesforce.lead.rejection_reason_c: 2 of " in _finding(lead)
    history = _outcome(
        report, "salesforce.lead_history", "expect_column_values_to_be_in_set(reason_value)"
    )
    assert history.unexpected_count == 1
    columns = [
        o for o in report.outcomes if o.table == "salesforce.lead" and "match_set" in o.expectation
    ]
    assert all(o.status == PASSED for o in columns), [o.observed_value for o in columns]


def test_a_custom_field_missing_from_the_warehouse_is_named_and_the_frame_still_runs(
    gate: GateRunner,
) -> None:
    report = gate("alter table salesforce.opportunity drop column loss_reason_c")
    (columns,) = [
        o
        for o in report.outcomes
        if o.table == "salesforce.opportunity"
        and o.expectation == "expect_table_columns_to_match_set[warning]"
    ]
    assert columns.status == FAILED
    assert columns.observed_value == (
        "missing columns: loss_reason_c (custom field Loss_Reason__c, set by the "
        "salesforce_opportunity_loss_reason_field var)"
    )
    assert "Every raw-contract column is present" in columns.notes
    reasons = _outcome(
        report, "salesforce.opportunity", "expect_column_values_to_be_in_set(loss_reason_c)"
    )
    assert reasons.status == PASSED and reasons.error_message is None
    assert [o.expectation for o in report.outcomes if o.status not in (PASSED, FAILED)] == []


REASON_FAULTS = ("unmapped_lead_reason", "unmapped_lead_reason_change", "unmapped_loss_reason")


def test_the_reason_faults_are_caught_by_their_named_expectations(tmp_path: Path) -> None:
    database, leads = tmp_path / "faulty.duckdb", 1000
    report = generate(database, leads=leads, seed=11, as_of=AS_OF, faults=True)
    injected = {fault.key: fault.rows for fault in report.faults}
    suites = [suite for suite in load_suites("raw") if suite.name in REASON_SUITES]
    with duckdb.connect(str(database)) as connection:
        gate_report = run_gate(
            "raw",
            connection,
            "run-faults",
            AS_OF,
            tmp_path / "docs",
            suites=suites,
            baseline=Baseline(None, reason="none in this test"),
        )
    for kind in FAULT_KINDS:
        if kind.key not in REASON_FAULTS:
            continue
        (outcome,) = [o for o in gate_report.outcomes if kind.key in o.catches]
        assert (outcome.status, outcome.table, outcome.severity) == (FAILED, kind.table, "warning")
        assert outcome.unexpected_count == injected[kind.key] == kind.count(leads)
        assert outcome.steward_name == AGREEMENTS_STEWARD
