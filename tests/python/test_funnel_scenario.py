"""A hand-computed scenario: five people whose stage timestamps are known exactly, built from raw
rows and run through the whole pipeline. The same people are landed twice: by a Salesforce org
with Marketo, and by a HubSpot portal (HubSpot as CRM and MAS, hubspot_scenario.py); both give
the same cycles, stage times and SLA outcomes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from hand_built_warehouse import build_hand_built_warehouse
from hubspot_scenario import HUBSPOT_ROWS, HUBSPOT_WHO

from orchestration.pipeline import PipelineOutcome

AS_OF = "2026-06-01 00:00:00"
SYNC = "2026-05-31 00:00:00"

RAW_ROWS: dict[str, list[dict[str, object]]] = {
    'salesforce."user"': [
        {"id": "005U1", "name": "Sam Rep", "time_zone_sid_key": "America/New_York"},
    ],
    "salesforce.account": [
        {"id": "001X", "name": "X Corp", "number_of_employees": 250, "owner_id": "005U1"},
    ],
    "salesforce.contact": [
        {
            "id": "003A",
            "account_id": "001X",
            "email": "alice@x.com",
            "created_date": "2026-01-20 16:00:00",
        },
    ],
    'salesforce."lead"': [
        # Alice: inbound, MQL in the MAS first, synced, accepted, qualified, converted, won.
        {
            "id": "00QA",
            "email": "alice@x.com",
            "company": "X Corp",
            "status": "Closed - Converted",
            "owner_id": "005U1",
            "is_converted": True,
            "converted_date": "2026-01-20",
            "converted_contact_id": "003A",
            "converted_account_id": "001X",
            "converted_opportunity_id": "006O",
            "created_date": "2026-01-10 14:02:00",
        },
        # Bob: recycled, then qualified again (cycle 2) and accepted.
        {
            "id": "00QB",
            "email": "bob@b.com",
            "status": "Accepted",
            "owner_id": "005U1",
            "created_date": "2026-02-01 09:00:00",
        },
        # Cleo: sales-sourced, straight to SQL, never an MQL.
        {
            "id": "00QC",
            "email": "cleo@c.com",
            "status": "Qualified",
            "owner_id": "005U1",
            "lead_source": "Outbound",
            "created_date": "2026-03-01 08:00:00",
        },
    ],
    "salesforce.lead_history": [
        {
            "id": "017-1",
            "lead_id": "00QA",
            "field": "Status",
            "old_value": "Open - Not Contacted",
            "new_value": "Marketing Qualified",
            "created_date": "2026-01-10 14:02:00",
        },
        {
            "id": "017-2",
            "lead_id": "00QA",
            "field": "Status",
            "new_value": "Working - Contacted",
            "created_date": "2026-01-11 09:30:00",
        },
        {
            "id": "017-3",
            "lead_id": "00QA",
            "field": "Status",
            "new_value": "Sales Qualified",
            "created_date": "2026-01-15 12:00:00",
        },
        {
            "id": "017-4",
            "lead_id": "00QA",
            "field": "Status",
            "new_value": "Closed - Converted",
            "created_date": "2026-01-20 16:00:00",
        },
        {
            "id": "017-5",
            "lead_id": "00QB",
            "field": "Status",
            "new_value": "MQL",
            "created_date": "2026-02-02 10:00:00",
        },
        {
            "id": "017-6",
            "lead_id": "00QB",
            "field": "Status",
            "new_value": "Recycled",
            "created_date": "2026-02-20 10:00:00",
        },
        {
            "id": "017-7",
            "lead_id": "00QB",
            "field": "Status",
            "new_value": "Marketing Qualified",
            "created_date": "2026-04-01 10:00:00",
        },
        {
            "id": "017-8",
            "lead_id": "00QB",
            "field": "Status",
            "new_value": "Accepted",
            "created_date": "2026-04-02 10:00:00",
        },
        {
            "id": "017-9",
            "lead_id": "00QC",
            "field": "Status",
            "new_value": "Qualified",
            "created_date": "2026-03-03 08:00:00",
        },
    ],
    "salesforce.opportunity": [
        {
            "id": "006O",
            "account_id": "001X",
            "type": "New Business",
            "stage_name": "Closed Won",
            "amount": 50000,
            "is_closed": True,
            "is_won": True,
            "owner_id": "005U1",
            "created_date": "2026-01-20 16:05:00",
        },
    ],
    "salesforce.opportunity_history": [
        {
            "id": "008-1",
            "opportunity_id": "006O",
            "stage_name": "Prospecting",
            "created_date": "2026-01-20 16:05:00",
        },
        {
            "id": "008-2",
            "opportunity_id": "006O",
            "stage_name": "Closed Won",
            "created_date": "2026-03-01 11:00:00",
        },
    ],
    "marketo.lead": [
        {
            "id": 1,
            "email": " Alice@X.com",
            "sfdc_lead_id": "00QA",
            "lead_status": "Closed - Converted",
            "created_at": "2026-01-01 10:00:00",
        },
        {"id": 4, "email": "dana@d.com", "lead_status": "New", "created_at": "2026-01-05 00:00:00"},
        {"id": 5, "email": "eve@e.com", "lead_status": "New", "created_at": "2026-02-01 00:00:00"},
        {"id": 6, "email": "EVE@E.COM", "lead_status": "New", "created_at": "2026-01-15 00:00:00"},
    ],
    "marketo.activity_change_data_value": [
        {
            "id": 101,
            "lead_id": 1,
            "activity_date": "2026-01-10 14:00:00",
            "primary_attribute_value": "Lead Status",
            "old_value": "New",
            "new_value": "MQL",
        },
    ],
    "marketo.activity_merge_leads": [
        {"id": 102, "lead_id": 5, "activity_date": "2026-02-02 00:00:00", "merge_ids": "[6]"},
    ],
    # Required tables are never empty in a real sync (the raw gate blocks an empty one): one call
    # on Cleo after her SQL (she has no follow-up SLA) and five points for Dana (far below the
    # threshold), neither of which moves a number the tests compute by hand.
    "salesforce.task": [
        {
            "id": "00TC",
            "who_id": "00QC",
            "owner_id": "005U1",
            "type": "Call",
            "status": "Completed",
            "activity_date": "2026-03-04",
            "created_date": "2026-03-04 10:00:00",
            "completed_date_time": "2026-03-04 10:00:00",
            "is_closed": True,
        },
    ],
    "marketo.activity_change_score": [
        {
            "id": 103,
            "lead_id": 4,
            "activity_date": "2026-01-06 00:00:00",
            "primary_attribute_value": "Lead Score",
            "change_value": "+5",
            "old_value": "0",
            "new_value": "5",
        },
    ],
}


# Each person's record id in each landing (the CRM lead, else the MAS lead; the HubSpot
# contact), and Alice's deal.
SALESFORCE_WHO = {
    "alice": "00QA",
    "bob": "00QB",
    "cleo": "00QC",
    "dana": "4",
    "eve": "5",
    "alice's deal": "006O",
}
LANDINGS = {
    "salesforce_marketo": (RAW_ROWS, SALESFORCE_WHO),
    "hubspot": (HUBSPOT_ROWS, HUBSPOT_WHO),
}
WHO = "coalesce(p.crm_lead_id, p.crm_contact_id, cast(p.mas_lead_id as varchar))"


@pytest.fixture(scope="module", params=list(LANDINGS))
def scenario(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    rows, who = LANDINGS[request.param]
    database, outcome = build_hand_built_warehouse(
        tmp_path_factory.mktemp(request.param), rows, SYNC, AS_OF
    )
    names = {record_id: name for name, record_id in who.items()}
    return database, outcome, names


def _by_person(database: Path, names: dict[str, str], sql: str) -> list[dict[str, object]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        cursor = connection.execute(sql)
        columns = [d[0] for d in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        for column in ("who", "opportunity_id"):
            if column in row:
                row[column] = names.get(str(row[column]), row[column])
    return rows


def _cycles(scenario) -> dict[tuple[str, int], dict[str, object]]:
    database, _, names = scenario
    rows = _by_person(
        database,
        names,
        f"select {WHO} as who, c.* "
        "from marts.fct_lead_cycles as c join marts.dim_person as p using (person_key)",
    )
    return {(row["who"], row["cycle_number"]): row for row in rows}


def t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_the_scenario_builds_cleanly(scenario: tuple[Path, PipelineOutcome, dict]) -> None:
    _, outcome, _ = scenario
    assert outcome.succeeded, outcome.summary()


def test_five_people_across_both_systems(scenario: tuple[Path, PipelineOutcome, dict]) -> None:
    database, _, _ = scenario
    with duckdb.connect(str(database), read_only=True) as connection:
        (people,) = connection.execute("select count(*) from marts.dim_person").fetchone()  # type: ignore[misc]
    assert people == 5


def test_inbound_lead_to_customer(scenario: tuple[Path, PipelineOutcome, dict]) -> None:
    alice = _cycles(scenario)[("alice", 1)]
    assert alice["lead_at"] == t("2026-01-01 10:00:00"), "the MAS record came first"
    assert alice["mql_at"] == t("2026-01-10 14:00:00"), "MQL moment: the MAS change, before sync"
    assert alice["sal_at"] == t("2026-01-11 09:30:00")
    assert alice["sql_at"] == t("2026-01-15 12:00:00")
    assert alice["opportunity_id"] == "alice's deal"
    assert alice["opportunity_created_at"] == t("2026-01-20 16:05:00")
    assert alice["won_at"] == t("2026-03-01 11:00:00")
    assert alice["current_stage"] == "customer"
    assert alice["is_marketing_sourced"] is True


def test_recycled_lead_starts_a_second_cycle(scenario: tuple[Path, PipelineOutcome, dict]) -> None:
    cycles = _cycles(scenario)
    first, second = cycles[("bob", 1)], cycles[("bob", 2)]
    assert (first["lead_at"], first["mql_at"], first["recycled_at"]) == (
        t("2026-02-01 09:00:00"),
        t("2026-02-02 10:00:00"),
        t("2026-02-20 10:00:00"),
    )
    assert first["current_stage"] == "recycled"
    assert (second["mql_at"], second["sal_at"]) == (
        t("2026-04-01 10:00:00"),
        t("2026-04-02 10:00:00"),
    )
    assert second["lead_at"] is None
    assert second["current_stage"] == "sal"
    assert ("bob", 3) not in cycles


def test_sales_sourced_lead_skips_to_sql_without_counting_as_mql(
    scenario: tuple[Path, PipelineOutcome, dict],
) -> None:
    cleo = _cycles(scenario)[("cleo", 1)]
    assert cleo["lead_at"] == t("2026-03-01 08:00:00")
    assert cleo["mql_at"] is None
    assert cleo["sal_at"] is None
    assert cleo["sql_at"] == t("2026-03-03 08:00:00")
    assert cleo["is_marketing_sourced"] is False


def test_mas_only_people_and_merged_duplicates(
    scenario: tuple[Path, PipelineOutcome, dict],
) -> None:
    cycles = _cycles(scenario)
    assert cycles[("dana", 1)]["current_stage"] == "lead"
    eve = cycles[("eve", 1)]
    assert eve["lead_at"] == t("2026-01-15 00:00:00"), "the merged-away duplicate came first"


def _sla(scenario) -> dict[tuple[str, str, int], dict[str, object]]:
    database, _, names = scenario
    rows = _by_person(
        database,
        names,
        f"select {WHO} as who, s.policy_key, s.cycle_number, s.started_at, s.due_at, "
        "s.satisfied_at, s.satisfied_by, s.status, s.business_minutes_elapsed "
        "from marts.fct_sla_instances as s join marts.dim_person as p using (person_key)",
    )
    return {(row["who"], row["policy_key"], row["cycle_number"]): row for row in rows}


def test_follow_up_clock_starts_at_the_next_business_minute(
    scenario: tuple[Path, PipelineOutcome, dict],
) -> None:
    # Alice became an MQL on Saturday 09:00 New York time and was accepted on Sunday: the
    # 4-business-hour clock had not started, so the SLA is met with 0 business minutes.
    alice = _sla(scenario)[("alice", "mql_follow_up", 1)]
    assert alice["due_at"] == t("2026-01-12 18:00:00"), "Monday 13:00 in New York"
    assert (alice["status"], alice["satisfied_by"]) == ("met", "sal")
    assert alice["business_minutes_elapsed"] == 0


def test_a_leaked_mql_is_open_breached_with_exact_business_minutes(
    scenario: tuple[Path, PipelineOutcome, dict],
) -> None:
    sla = _sla(scenario)
    follow_up = sla[("bob", "mql_follow_up", 1)]
    assert follow_up["status"] == "open_breached"
    assert follow_up["due_at"] == t("2026-02-02 18:00:00")
    # Mon 2 Feb 09:00 EST to as-of (Sun 31 May): 85 weekdays less Presidents' and Memorial Day.
    assert follow_up["business_minutes_elapsed"] == 83 * 480
    acceptance = sla[("bob", "mql_acceptance", 1)]
    assert (acceptance["status"], acceptance["satisfied_by"]) == ("breached", "recycled")
    assert acceptance["due_at"] == t("2026-02-03 22:00:00"), "two business days: Tue 17:00 EST"
    assert acceptance["business_minutes_elapsed"] == 13 * 480


def test_stalled_sql_runs_on_a_calendar_clock(scenario: tuple[Path, PipelineOutcome, dict]) -> None:
    stalled = _sla(scenario)[("cleo", "stalled_recycle", 1)]
    assert stalled["due_at"] == t("2026-04-02 08:00:00")
    assert stalled["status"] == "open_breached"
    assert stalled["business_minutes_elapsed"] == 89 * 1440 + 16 * 60
