"""A hand-built closed-loop scenario: six people, two CRM campaigns, each outcome once, whose
mart_lead_feedback numbers are known exactly. Built from raw rows with only the models
mart_lead_feedback and its gates need (seeds, then `dbt run` of them), no full run."""

from __future__ import annotations

from pathlib import Path

import duckdb
from project_tools import run_project_tool

from orchestration.raw.contract import contract_tables, create_table_sql

AS_OF = "2026-06-01 00:00:00"
SYNC = "2026-05-31 00:00:00"
REASON_FIELD = "Disqualification_Reason__c"


def _lead(lead_id: str, email: str, created: str, **more: object) -> dict[str, object]:
    return {
        "id": lead_id,
        "email": email,
        "owner_id": "005U1",
        "lead_source": "Web",
        "created_date": created,
        "last_modified_date": created,
        **more,
    }


def _history(history_id: str, lead_id: str, field: str, value: str, at: str) -> dict[str, object]:
    return {
        "id": history_id,
        "lead_id": lead_id,
        "field": field,
        "new_value": value,
        "created_date": at,
    }


def _status(history_id: str, lead_id: str, value: str, at: str) -> dict[str, object]:
    return _history(history_id, lead_id, "Status", value, at)


def _reason(history_id: str, lead_id: str, value: str, at: str) -> dict[str, object]:
    return _history(history_id, lead_id, REASON_FIELD, value, at)


def _member(member_id: str, campaign_id: str, lead_id: str, at: str) -> dict[str, object]:
    return {"id": member_id, "campaign_id": campaign_id, "lead_id": lead_id, "created_date": at}


# Ann: touched the Webinar then the Trade show, MQL, accepted, converted, won (first touch
# Webinar, last touch Trade show). Ben: Webinar, MQL, rejected as a student. Fay: Webinar, MQL,
# accepted, then disqualified with a reason the agreement lacks (unmapped). Dan: no program
# touch, MQL, accepted, converted, lost to a competitor. Eve: Trade show, MQL, still waiting.
# Cara: Trade show, MQL in February, accepted, recycled as not ready to buy; MQL again in April
# (cycle 2) and accepted.
RAW_ROWS: dict[str, list[dict[str, object]]] = {
    'salesforce."user"': [{"id": "005U1", "name": "Sam Rep"}],
    "salesforce.account": [{"id": "001A", "name": "A Corp", "owner_id": "005U1"}],
    "salesforce.contact": [
        {"id": "003A", "account_id": "001A", "email": "ann@a.com", "created_date": "2026-01-08"},
        {"id": "003D", "account_id": "001A", "email": "dan@a.com", "created_date": "2026-01-18"},
    ],
    "salesforce.campaign": [
        {"id": "701W", "name": "Webinar", "type": "Webinar", "created_date": "2025-12-01"},
        {"id": "701T", "name": "Trade show", "type": "Trade Show", "created_date": "2025-12-01"},
    ],
    "salesforce.campaign_member": [
        _member("00vA1", "701W", "00QA", "2026-01-02 09:00:00"),
        _member("00vA2", "701T", "00QA", "2026-01-04 09:00:00"),
        _member("00vB1", "701W", "00QB", "2026-01-03 09:00:00"),
        _member("00vF1", "701W", "00QF", "2026-01-08 09:00:00"),
        _member("00vE1", "701T", "00QE", "2026-01-20 09:00:00"),
        _member("00vC1", "701T", "00QC", "2026-02-01 09:00:00"),
    ],
    'salesforce."lead"': [
        _lead(
            "00QA",
            "ann@a.com",
            "2026-01-01 09:00:00",
            status="Closed - Converted",
            is_converted=True,
            converted_date="2026-01-08",
            converted_contact_id="003A",
            converted_account_id="001A",
            converted_opportunity_id="006A",
        ),
        _lead("00QB", "ben@b.com", "2026-01-02 09:00:00", status="Rejected"),
        _lead("00QF", "fay@f.com", "2026-01-07 09:00:00", status="Disqualified"),
        _lead(
            "00QD",
            "dan@a.com",
            "2026-01-14 09:00:00",
            status="Closed - Converted",
            is_converted=True,
            converted_date="2026-01-18",
            converted_contact_id="003D",
            converted_account_id="001A",
            converted_opportunity_id="006D",
        ),
        _lead("00QE", "eve@e.com", "2026-01-19 09:00:00", status="Marketing Qualified"),
        _lead("00QC", "cara@c.com", "2026-01-31 09:00:00", status="Accepted"),
    ],
    "salesforce.lead_history": [
        _status("017A1", "00QA", "Marketing Qualified", "2026-01-05 09:00:00"),
        _status("017A2", "00QA", "Accepted", "2026-01-06 09:00:00"),
        _status("017A3", "00QA", "Sales Qualified", "2026-01-07 09:00:00"),
        _status("017A4", "00QA", "Closed - Converted", "2026-01-08 09:00:00"),
        _status("017B1", "00QB", "Marketing Qualified", "2026-01-10 09:00:00"),
        _status("017B2", "00QB", "Rejected", "2026-01-12 09:00:00"),
        _reason("017B3", "00QB", "Student / job seeker", "2026-01-12 09:00:00"),
        _status("017F1", "00QF", "Marketing Qualified", "2026-01-09 09:00:00"),
        _status("017F2", "00QF", "Accepted", "2026-01-10 09:00:00"),
        _status("017F3", "00QF", "Disqualified", "2026-01-25 09:00:00"),
        _reason("017F4", "00QF", "Moved to the moon", "2026-01-25 09:00:00"),
        _status("017D1", "00QD", "Marketing Qualified", "2026-01-15 09:00:00"),
        _status("017D2", "00QD", "Accepted", "2026-01-16 09:00:00"),
        _status("017D3", "00QD", "Closed - Converted", "2026-01-18 09:00:00"),
        _status("017E1", "00QE", "Marketing Qualified", "2026-01-21 09:00:00"),
        _status("017C1", "00QC", "Marketing Qualified", "2026-02-03 09:00:00"),
        _status("017C2", "00QC", "Accepted", "2026-02-04 09:00:00"),
        _status("017C3", "00QC", "Recycled", "2026-02-20 09:00:00"),
        _reason("017C4", "00QC", "Not ready to buy", "2026-02-20 09:05:00"),
        _reason("017C5", "00QC", "", "2026-03-31 09:00:00"),
        _status("017C6", "00QC", "Marketing Qualified", "2026-04-01 09:00:00"),
        _status("017C7", "00QC", "Accepted", "2026-04-02 09:00:00"),
    ],
    "salesforce.opportunity": [
        {
            "id": "006A",
            "account_id": "001A",
            "type": "New Business",
            "stage_name": "Closed Won",
            "amount": 50000,
            "is_closed": True,
            "is_won": True,
            "owner_id": "005U1",
            "created_date": "2026-01-08 09:05:00",
        },
        {
            "id": "006D",
            "account_id": "001A",
            "type": "New Business",
            "stage_name": "Closed Lost",
            "amount": 20000,
            "is_closed": True,
            "is_won": False,
            "loss_reason_c": "Lost to competitor",
            "owner_id": "005U1",
            "created_date": "2026-01-18 09:05:00",
        },
    ],
    "salesforce.opportunity_history": [
        {
            "id": "008A1",
            "opportunity_id": "006A",
            "stage_name": "Closed Won",
            "created_date": "2026-03-01 09:00:00",
        },
        {
            "id": "008D1",
            "opportunity_id": "006D",
            "stage_name": "Closed Lost",
            "created_date": "2026-03-01 09:00:00",
        },
    ],
}


def build_feedback_scenario(directory: Path) -> Path:
    """The working database with the raw rows and every model up to mart_lead_feedback."""
    database = directory / "build" / "funnel_build.duckdb"
    database.parent.mkdir(parents=True)
    with duckdb.connect(str(database)) as connection:
        # Salesforce and Marketo land every table of their contract (Marketo's empty); HubSpot
        # does not land.
        landed = {"salesforce", "marketo"}
        for system in sorted(landed):
            connection.execute(f'create schema "{system}"')
        for contract_table in contract_tables():
            if contract_table.source in landed:
                connection.execute(create_table_sql(contract_table))
        for table, rows in RAW_ROWS.items():
            for row in rows:
                columns = [*row, "_fivetran_synced"]
                names = ", ".join(f'"{name}"' for name in columns)
                placeholders = ", ".join("?" for _ in columns)
                connection.execute(
                    f"insert into {table} ({names}) values ({placeholders})", [*row.values(), SYNC]
                )
    common = ["--target-path", str(directory / "target"), "--log-path", str(directory / "logs")]
    for args in (
        ["seed", *common],
        [
            "run",
            "--select",
            "+mart_lead_feedback",
            "mart_funnel_conversion",
            "--vars",
            f"{{as_of: '{AS_OF}'}}",
            *common,
        ],
    ):
        result = run_project_tool("dbt", args, directory)
        assert result.returncode == 0, result.stdout[-4000:]
    return database
