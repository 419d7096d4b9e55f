"""HubSpot's staging and conformed models on a hand-written HubSpot raw warehouse.

Three contacts with a known lifecycle:
- Alice (101): lead -> MQL (workflow) -> SAL (lead status IN_PROGRESS by her rep) -> SQL ->
  a deal won. An import later writes `lead` over her lifecycle stage without clearing it: HubSpot
  keeps lifecycle stages moving forward, so that is no change.
- Bob (102): lead -> MQL -> SAL (ATTEMPTED_TO_CONTACT) -> recycled (BAD_TIMING, with a reason),
  his lifecycle stage cleared and set back to lead by a workflow, then MQL again.
- Carol (103) survived a merge: contact 104 (gone from the contact table, deleted) was merged into
  her; 104's history, call and form submission still name 104.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from project_tools import run_project_tool

from orchestration.raw.contract import contract_tables, create_table_sql

SYNCED = "2026-03-01 00:00:00"
CLOSE_MS = str(int(datetime(2026, 1, 20).timestamp() * 1000) + 0)


def _history(contact_id: int, name: str, value: str, at: str, source: str, by: str | None):
    return {
        "contact_id": contact_id,
        "name": name,
        "value": value,
        "timestamp": at,
        "source": source,
        "source_id": by,
    }


RAW: dict[str, list[dict[str, object]]] = {
    "contact": [
        {
            "id": 101,
            "property_email": " Alice@Acme.com ",
            "property_firstname": "Alice",
            "property_lifecyclestage": "customer",
            "property_hs_lead_status": "OPEN_DEAL",
            "property_hubspot_owner_id": 501,
            "property_associatedcompanyid": 301,
            "property_createdate": "2026-01-05 09:00:00",
            "property_hs_email_optout": False,
        },
        {
            "id": 102,
            "property_email": "bob@beta.io",
            "property_lifecyclestage": "marketingqualifiedlead",
            "property_hs_lead_status": "BAD_TIMING",
            "property_disqualification_reason": "Timing",
            "property_hubspot_owner_id": 502,
            "property_createdate": "2026-01-05 10:00:00",
            "property_hs_email_optout": True,
        },
        {
            "id": 103,
            "property_email": "carol@gamma.org",
            "property_lifecyclestage": "marketingqualifiedlead",
            "property_hubspot_owner_id": 501,
            "property_createdate": "2026-01-02 08:00:00",
            "property_hs_calculated_merged_vids": "104:1767513600000",
            "property_salesforceleadid": "00Q000000000103AAA",
        },
        # The merged-away contact, seen deleted by the connector.
        {"id": 104, "_fivetran_deleted": True, "property_email": "carol@gamma.org"},
    ],
    "contact_property_history": [
        _history(101, "lifecyclestage", "lead", "2026-01-05 09:00:00", "FORM", None),
        _history(
            101,
            "lifecyclestage",
            "marketingqualifiedlead",
            "2026-01-06 10:00:00",
            "WORKFLOWS",
            "77",
        ),
        _history(101, "hs_lead_status", "IN_PROGRESS", "2026-01-06 11:00:00", "CRM_UI", "9001"),
        _history(
            101, "lifecyclestage", "salesqualifiedlead", "2026-01-07 10:00:00", "CRM_UI", "9001"
        ),
        _history(101, "hs_lead_status", "OPEN_DEAL", "2026-01-08 09:00:00", "CRM_UI", "9001"),
        _history(101, "lifecyclestage", "opportunity", "2026-01-08 09:00:00", "DEALS", None),
        _history(101, "lifecyclestage", "lead", "2026-01-12 03:00:00", "IMPORT", None),
        _history(101, "lifecyclestage", "customer", "2026-01-20 12:00:00", "DEALS", None),
        _history(102, "lifecyclestage", "lead", "2026-01-05 10:00:00", "FORM", None),
        _history(
            102,
            "lifecyclestage",
            "marketingqualifiedlead",
            "2026-01-06 10:00:00",
            "WORKFLOWS",
            "77",
        ),
        _history(
            102, "hs_lead_status", "ATTEMPTED_TO_CONTACT", "2026-01-06 12:00:00", "CRM_UI", "9002"
        ),
        _history(102, "hs_lead_status", "BAD_TIMING", "2026-01-09 10:00:00", "CRM_UI", "9002"),
        _history(102, "disqualification_reason", "Timing", "2026-01-09 10:00:00", "CRM_UI", "9002"),
        _history(102, "lifecyclestage", "", "2026-01-09 10:01:00", "WORKFLOWS", "78"),
        _history(102, "lifecyclestage", "lead", "2026-01-09 10:02:00", "WORKFLOWS", "78"),
        _history(
            102,
            "lifecyclestage",
            "marketingqualifiedlead",
            "2026-02-01 10:00:00",
            "WORKFLOWS",
            "77",
        ),
        _history(103, "lifecyclestage", "lead", "2026-01-02 08:00:00", "FORM", None),
        _history(104, "lifecyclestage", "lead", "2026-01-03 08:00:00", "FORM", None),
        _history(
            104,
            "lifecyclestage",
            "marketingqualifiedlead",
            "2026-01-04 08:00:00",
            "WORKFLOWS",
            "77",
        ),
    ],
    "company": [{"id": 301, "property_name": "Acme", "property_numberofemployees": 250}],
    "deal": [
        {
            "deal_id": 7001,
            "deal_pipeline_id": "default",
            "deal_pipeline_stage_id": "closedwon",
            "owner_id": 501,
            "property_dealname": "Acme - new",
            "property_amount": 12000.0,
            "property_dealtype": "newbusiness",
            "property_closedate": "2026-01-20 00:00:00",
            "property_createdate": "2026-01-08 09:00:00",
        }
    ],
    "deal_pipeline_stage": [
        {"stage_id": stage, "pipeline_id": "default", "probability": p, "closed_won": won}
        for stage, p, won in (
            ("appointmentscheduled", 0.2, False),
            ("qualifiedtobuy", 0.4, False),
            ("closedwon", 1.0, True),
            ("closedlost", 0.0, False),
        )
    ],
    "deal_property_history": [
        {"deal_id": 7001, "name": "amount", "value": "10000", "timestamp": "2026-01-08 09:00:00"},
        {
            "deal_id": 7001,
            "name": "closedate",
            "value": CLOSE_MS,
            "timestamp": "2026-01-08 09:00:00",
        },
        {
            "deal_id": 7001,
            "name": "dealstage",
            "value": "appointmentscheduled",
            "timestamp": "2026-01-08 09:00:00",
            "source": "CRM_UI",
            "source_id": "9001",
        },
        {"deal_id": 7001, "name": "amount", "value": "12000", "timestamp": "2026-01-15 09:00:00"},
        {
            "deal_id": 7001,
            "name": "dealstage",
            "value": "closedwon",
            "timestamp": "2026-01-20 12:00:00",
            "source": "CRM_UI",
            "source_id": "9001",
        },
    ],
    "deal_contact": [{"deal_id": 7001, "contact_id": 101}],
    "deal_company": [{"deal_id": 7001, "company_id": 301}],
    "engagement": [
        {"id": 8001, "type": "CALL", "active": True},
        {"id": 8002, "type": "TASK", "active": True},
        {"id": 8003, "type": "MEETING", "active": True},
        {"id": 8004, "type": "EMAIL", "active": False},
    ],
    "engagement_call": [
        {
            "engagement_id": 8001,
            "property_hs_timestamp": "2026-01-04 15:00:00",
            "property_hubspot_owner_id": 501,
            "property_hs_call_status": "COMPLETED",
        }
    ],
    "engagement_task": [
        {
            "engagement_id": 8002,
            "property_hs_timestamp": "2026-01-06 17:00:00",
            "property_hubspot_owner_id": 502,
            "property_hs_task_status": "COMPLETED",
            "property_hs_task_type": "EMAIL",
            "property_hs_task_completion_date": "2026-01-06 13:00:00",
        }
    ],
    "engagement_meeting": [
        {
            "engagement_id": 8003,
            "property_hs_timestamp": "2026-01-07 09:00:00",
            "property_hubspot_owner_id": 501,
            "property_hs_meeting_start_time": "2026-01-07 09:00:00",
            "property_hs_meeting_outcome": "COMPLETED",
        }
    ],
    "engagement_contact": [
        {"engagement_id": 8001, "contact_id": 104},
        {"engagement_id": 8002, "contact_id": 102},
        {"engagement_id": 8003, "contact_id": 101},
        {"engagement_id": 8004, "contact_id": 101},
    ],
    "engagement_deal": [{"engagement_id": 8003, "deal_id": 7001}],
    "email_campaign": [{"id": 6001, "name": "January newsletter", "content_id": 88}],
    "email_event": [
        {
            "id": "e1",
            "type": "SENT",
            "recipient": "alice@acme.com",
            "email_campaign_id": 6001,
            "created": "2026-01-05 12:00:00",
            "filtered_event": False,
        },
        {
            "id": "e2",
            "type": "OPEN",
            "recipient": "ALICE@acme.com",
            "email_campaign_id": 6001,
            "created": "2026-01-05 12:05:00",
            "filtered_event": True,
        },
        {
            "id": "e3",
            "type": "STATUSCHANGE",
            "recipient": "bob@beta.io",
            "email_campaign_id": 6001,
            "created": "2026-01-10 12:00:00",
            "filtered_event": False,
        },
    ],
    "form": [{"guid": "form-demo", "name": "Demo request"}],
    "contact_form_submission": [
        {
            "conversion_id": "c1",
            "contact_id": "104",
            "form_id": "form-demo",
            "page_url": "https://gamma.org/demo",
            "timestamp": "2026-01-03 08:00:00",
        },
    ],
    "owner": [
        {
            "owner_id": 501,
            "active_user_id": 9001,
            "first_name": "Ann",
            "last_name": "Rep",
            "email": "ann@seller.example.com",
            "type": "PERSON",
            "is_active": True,
        },
        {
            "owner_id": 502,
            "active_user_id": 9002,
            "first_name": "Sam",
            "last_name": "Dev",
            "email": "sam@seller.example.com",
            "type": "PERSON",
            "is_active": True,
        },
    ],
    "team": [{"id": 1, "name": "AE - Enterprise (Europe/London)"}],
    "team_user": [{"team_id": 1, "user_id": 9001, "is_primary": True}],
}


@pytest.fixture(scope="module")
def hubspot_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The raw HubSpot tables above, built through HubSpot's staging and conformed models."""
    directory = tmp_path_factory.mktemp("hubspot_warehouse")
    database = directory / "build" / "funnel_build.duckdb"
    database.parent.mkdir()
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema hubspot")
        for table in contract_tables():
            if table.source == "hubspot":
                connection.execute(create_table_sql(table))
        for table_name, rows in RAW.items():
            for row in rows:
                columns = [*row, "_fivetran_synced"]
                connection.execute(
                    f'insert into hubspot."{table_name}" ({", ".join(columns)}) '
                    f"values ({', '.join('?' for _ in columns)})",
                    [*row.values(), SYNCED],
                )
    result = run_project_tool(
        "dbt",
        [
            "build",
            "--select",
            "path:models/staging/hubspot",
            "path:models/intermediate/conformed/hubspot",
            "status_stage_map",
            "funnel_stages",
            "team_time_zones",
            "--exclude",
            "test_type:unit",
            "--indirect-selection",
            "cautious",
            "--target-path",
            str(directory / "target"),
            "--log-path",
            str(directory / "logs"),
        ],
        directory,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    return database


def _rows(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_lifecycle_moves_forward_unless_cleared(hubspot_warehouse: Path) -> None:
    mapped = _rows(
        hubspot_warehouse,
        """
        select count(*) from seeds.status_stage_map
        where system = 'hubspot' and field = 'lifecyclestage'
        """,
    )
    assert mapped[0][0] > 0, (
        "seeds/status_stage_map.csv maps no hubspot lifecyclestage values: the lifecycle order "
        "(forward-only moves) comes from those rows"
    )
    changes = _rows(
        hubspot_warehouse,
        """
        select record_id, strftime(changed_at, '%m-%d %H:%M'), old_value, new_value
        from intermediate.int_hubspot__status_changes
        where status_field = 'lifecyclestage' and record_id in ('101', '102')
        order by record_id, changed_at
        """,
    )
    assert changes == [
        ("101", "01-05 09:00", None, "lead"),
        ("101", "01-06 10:00", "lead", "marketingqualifiedlead"),
        ("101", "01-07 10:00", "marketingqualifiedlead", "salesqualifiedlead"),
        ("101", "01-08 09:00", "salesqualifiedlead", "opportunity"),
        # The import's `lead` of 01-12 is no move: the stage goes on from opportunity.
        ("101", "01-20 12:00", "opportunity", "customer"),
        ("102", "01-05 10:00", None, "lead"),
        ("102", "01-06 10:00", "lead", "marketingqualifiedlead"),
        ("102", "01-09 10:01", "marketingqualifiedlead", None),
        ("102", "01-09 10:02", None, "lead"),
        ("102", "02-01 10:00", "lead", "marketingqualifiedlead"),
    ]


def test_lead_status_and_reason_changes_name_the_rep(hubspot_warehouse: Path) -> None:
    changes = _rows(
        hubspot_warehouse,
        """
        select status_field, old_value, new_value, is_reason_change, changed_by_user_id,
            is_system_change
        from intermediate.int_hubspot__status_changes
        where record_id = '102' and status_field <> 'lifecyclestage'
        order by changed_at, status_field
        """,
    )
    assert changes == [
        ("hs_lead_status", None, "ATTEMPTED_TO_CONTACT", False, "502", False),
        ("disqualification_reason", None, "Timing", True, "502", False),
        ("hs_lead_status", "ATTEMPTED_TO_CONTACT", "BAD_TIMING", False, "502", False),
    ]


def test_merged_contact_references_follow_the_survivor(hubspot_warehouse: Path) -> None:
    people = _rows(
        hubspot_warehouse,
        """
        select record_id, email, linked_lead_id, merged_into_record_id, is_merged_away,
            is_unsubscribed, current_reason
        from intermediate.int_hubspot__person_records order by record_id
        """,
    )
    assert people == [
        ("101", "alice@acme.com", None, None, False, False, None),
        ("102", "bob@beta.io", None, None, False, True, "Timing"),
        ("103", "carol@gamma.org", "00Q000000000103AAA", None, False, False, None),
        ("104", None, None, "103", True, None, None),
    ]
    # 104's history, call and form fill keep naming 104, which the identity models resolve.
    assert _rows(
        hubspot_warehouse,
        """
        select count(*) from intermediate.int_hubspot__status_changes where record_id = '104'
        """,
    ) == [(2,)]
    assert _rows(
        hubspot_warehouse,
        """
        select touch_kind, record_id, owner_id, occurred_at
        from intermediate.int_hubspot__sales_touches where touch_id = '8001'
        """,
    ) == [("call", "104", "501", datetime(2026, 1, 4, 15))]


def test_engagements_become_touches(hubspot_warehouse: Path) -> None:
    touches = _rows(
        hubspot_warehouse,
        """
        select touch_id, touch_kind, record_id, opportunity_id, account_id, is_completed,
            occurred_at
        from intermediate.int_hubspot__sales_touches order by touch_id
        """,
    )
    assert touches == [
        ("8001", "call", "104", None, None, True, datetime(2026, 1, 4, 15)),
        ("8002", "email", "102", None, None, True, datetime(2026, 1, 6, 13)),
        ("8003", "meeting", "101", "7001", "301", True, datetime(2026, 1, 7, 9)),
    ]


def test_deal_won_with_its_stage_history(hubspot_warehouse: Path) -> None:
    assert _rows(
        hubspot_warehouse,
        """
        select opportunity_id, stage_name, is_closed, is_won, probability, amount,
            opportunity_type, account_id, primary_record_type, primary_record_id
        from intermediate.int_hubspot__opportunities
        """,
    ) == [
        ("7001", "closedwon", True, True, 100.0, 12000.0, "New Business", "301", "contact", "101")
    ]
    assert _rows(
        hubspot_warehouse,
        """
        select stage_name, amount, close_date, probability, changed_by_user_id
        from intermediate.int_hubspot__opportunity_stage_changes order by changed_at
        """,
    ) == [
        ("appointmentscheduled", 10000.0, datetime(2026, 1, 20).date(), 20.0, "501"),
        ("closedwon", 12000.0, datetime(2026, 1, 20).date(), 100.0, "501"),
    ]


def test_marketing_activities_and_campaigns(hubspot_warehouse: Path) -> None:
    assert _rows(
        hubspot_warehouse,
        """
        select activity_id, record_id, activity_type, campaign_id, asset_name
        from intermediate.int_hubspot__marketing_activities order by activity_at
        """,
    ) == [
        ("c1", "104", "form_fill", "form-demo", "Demo request"),
        ("e1", "101", "email_send", "6001", "January newsletter"),
        ("e3", "102", "unsubscribe", "6001", "January newsletter"),
    ]
    assert _rows(
        hubspot_warehouse,
        "select campaign_id, channel from intermediate.int_hubspot__campaigns order by 1",
    ) == [("6001", "Email"), ("form-demo", "Form")]


def test_owners_time_zones(hubspot_warehouse: Path) -> None:
    assert _rows(
        hubspot_warehouse,
        """
        select user_id, user_name, team_name, time_zone
        from intermediate.int_hubspot__users order by user_id
        """,
    ) == [
        ("501", "Ann Rep", "AE - Enterprise (Europe/London)", "Europe/London"),
        ("502", "Sam Dev", None, "America/New_York"),
    ]
