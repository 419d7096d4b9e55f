"""The scenario of test_funnel_scenario.py as a HubSpot portal lands it: HubSpot is the CRM and
the MAS. The same five people, the same instants: lifecycle stages and lead statuses in the
contact property history (a recycle clears the lifecycle stage, then sets it back to lead), the
deal and its stage history, a merged duplicate, and one call."""

from __future__ import annotations

# Each person's contact id, and Alice's deal.
HUBSPOT_WHO = {
    "alice": "1",
    "bob": "2",
    "cleo": "3",
    "dana": "4",
    "eve": "5",
    "alice's deal": "31",
}

HUBSPOT_ROWS: dict[str, list[dict[str, object]]] = {
    "hubspot.owner": [
        {
            "owner_id": 11,
            "email": "sam@ours.com",
            "first_name": "Sam",
            "last_name": "Rep",
            "type": "PERSON",
            "active_user_id": 911,
            "is_active": True,
            "created_at": "2025-01-01 00:00:00",
        },
    ],
    "hubspot.company": [
        {
            "id": 21,
            "property_name": "X Corp",
            "property_numberofemployees": 250,
            "property_hubspot_owner_id": 11,
            "property_createdate": "2026-01-01 09:00:00",
        },
    ],
    "hubspot.contact": [
        # Alice: inbound, MQL first, accepted, qualified, a deal won.
        {
            "id": 1,
            "property_email": " Alice@X.com",
            "property_company": "X Corp",
            "property_lifecyclestage": "customer",
            "property_hs_lead_status": "OPEN_DEAL",
            "property_hubspot_owner_id": 11,
            "property_associatedcompanyid": 21,
            "property_hs_analytics_source": "ORGANIC_SEARCH",
            "property_createdate": "2026-01-01 10:00:00",
        },
        # Bob: recycled (cleared, back to lead), qualified again and accepted.
        {
            "id": 2,
            "property_email": "bob@b.com",
            "property_lifecyclestage": "marketingqualifiedlead",
            "property_hs_lead_status": "IN_PROGRESS",
            "property_hubspot_owner_id": 11,
            "property_createdate": "2026-02-01 09:00:00",
        },
        # Cleo: sales-sourced, straight to SQL, never an MQL.
        {
            "id": 3,
            "property_email": "cleo@c.com",
            "property_lifecyclestage": "salesqualifiedlead",
            "property_hs_lead_status": "OPEN_DEAL",
            "property_hubspot_owner_id": 11,
            "property_hs_analytics_source": "OFFLINE_SOURCES",
            "property_createdate": "2026-03-01 08:00:00",
        },
        {
            "id": 4,
            "property_email": "dana@d.com",
            "property_lifecyclestage": "lead",
            "property_createdate": "2026-01-05 00:00:00",
        },
        # Eve: contact 6 (created first) was merged into 5; HubSpot keeps the earliest createdate.
        {
            "id": 5,
            "property_email": "eve@e.com",
            "property_lifecyclestage": "lead",
            "property_hs_calculated_merged_vids": "6:1770076800000",
            "property_createdate": "2026-01-15 00:00:00",
        },
    ],
    "hubspot.contact_merge_audit": [
        {
            "contact_id": 5,
            "canonical_vid": 5,
            "vid_to_merge": 6,
            "timestamp": "2026-02-03 00:00:00",
        },
    ],
    "hubspot.contact_property_history": [
        *[
            {"contact_id": c, "name": n, "value": v, "timestamp": ts, "source": s}
            for c, n, v, ts, s in [
                (1, "lifecyclestage", "lead", "2026-01-01 10:00:00", "FORM"),
                (1, "lifecyclestage", "marketingqualifiedlead", "2026-01-10 14:00:00", "WORKFLOWS"),
                (1, "hs_lead_status", "IN_PROGRESS", "2026-01-11 09:30:00", "CRM_UI"),
                (1, "lifecyclestage", "salesqualifiedlead", "2026-01-15 12:00:00", "CRM_UI"),
                (1, "hs_lead_status", "OPEN_DEAL", "2026-01-15 12:00:00", "CRM_UI"),
                (1, "lifecyclestage", "opportunity", "2026-01-20 16:05:00", "DEALS"),
                (1, "lifecyclestage", "customer", "2026-03-01 11:00:00", "DEALS"),
                (2, "lifecyclestage", "lead", "2026-02-01 09:00:00", "CRM_UI"),
                (2, "lifecyclestage", "marketingqualifiedlead", "2026-02-02 10:00:00", "WORKFLOWS"),
                (2, "hs_lead_status", "BAD_TIMING", "2026-02-20 10:00:00", "CRM_UI"),
                (2, "lifecyclestage", "", "2026-02-20 10:00:01", "WORKFLOWS"),
                (2, "lifecyclestage", "lead", "2026-02-20 10:00:02", "WORKFLOWS"),
                (2, "lifecyclestage", "marketingqualifiedlead", "2026-04-01 10:00:00", "WORKFLOWS"),
                (2, "hs_lead_status", "IN_PROGRESS", "2026-04-02 10:00:00", "CRM_UI"),
                (3, "lifecyclestage", "lead", "2026-03-01 08:00:00", "CRM_UI"),
                (3, "lifecyclestage", "salesqualifiedlead", "2026-03-03 08:00:00", "CRM_UI"),
                (4, "lifecyclestage", "lead", "2026-01-05 00:00:00", "IMPORT"),
                (5, "lifecyclestage", "lead", "2026-01-15 00:00:00", "FORM"),
            ]
        ],
    ],
    "hubspot.deal_pipeline": [
        {"pipeline_id": "default", "label": "Sales Pipeline", "active": True, "display_order": 0},
    ],
    "hubspot.deal_pipeline_stage": [
        {
            "stage_id": s,
            "pipeline_id": "default",
            "label": label,
            "probability": p,
            "display_order": i,
            "closed_won": s == "closedwon",
            "active": True,
        }
        for i, (s, label, p) in enumerate(
            [
                ("appointmentscheduled", "Appointment Scheduled", 0.2),
                ("qualifiedtobuy", "Qualified To Buy", 0.4),
                ("presentationscheduled", "Presentation Scheduled", 0.6),
                ("decisionmakerboughtin", "Decision Maker Bought-In", 0.8),
                ("contractsent", "Contract Sent", 0.9),
                ("closedwon", "Closed Won", 1.0),
                ("closedlost", "Closed Lost", 0.0),
            ]
        )
    ],
    "hubspot.deal": [
        {
            "deal_id": 31,
            "deal_pipeline_id": "default",
            "deal_pipeline_stage_id": "closedwon",
            "owner_id": 11,
            "property_dealname": "X Corp - new",
            "property_amount": 50000,
            "property_dealtype": "newbusiness",
            "property_closedate": "2026-03-01 11:00:00",
            "property_createdate": "2026-01-20 16:05:00",
        },
    ],
    "hubspot.deal_contact": [{"deal_id": 31, "contact_id": 1}],
    "hubspot.deal_company": [{"deal_id": 31, "company_id": 21}],
    "hubspot.deal_property_history": [
        {
            "deal_id": 31,
            "name": "dealstage",
            "value": "appointmentscheduled",
            "timestamp": "2026-01-20 16:05:00",
            "source": "CRM_UI",
        },
        {
            "deal_id": 31,
            "name": "dealstage",
            "value": "closedwon",
            "timestamp": "2026-03-01 11:00:00",
            "source": "CRM_UI",
        },
    ],
    # One call on Cleo after her SQL (she has no follow-up SLA).
    "hubspot.engagement": [
        {
            "id": 41,
            "type": "CALL",
            "owner_id": 11,
            "timestamp": "2026-03-04 10:00:00",
            "created_at": "2026-03-04 10:00:00",
            "active": True,
        }
    ],
    "hubspot.engagement_contact": [{"engagement_id": 41, "contact_id": 3}],
    "hubspot.engagement_call": [
        {
            "engagement_id": 41,
            "property_hs_timestamp": "2026-03-04 10:00:00",
            "property_hs_createdate": "2026-03-04 10:00:00",
            "property_hubspot_owner_id": 11,
            "property_hs_call_status": "COMPLETED",
        },
    ],
}
