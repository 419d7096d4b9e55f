"""A hand-built email program on the people of the funnel scenario (test_funnel_scenario.py: a
CRM of record with a MAS), whose per-send and per-template figures are known exactly.

Program 70 "Spring Launch" sends through two batch campaigns: 701 sends email 900 ("Launch
Email", edited on March 15th into version 2) in three runs, 702 sends email 901 ("Webinar
Invite") in one run.

- Run 4001, Jan 20 (S0): to Eve's duplicate MAS lead (6), merged into Eve's lead (5) on Feb 2;
  delivered to lead 6, opened on Feb 5, logged on lead 5: it follows its survivor.
- Run 5001, Mar 10: to Alice (S1): delivered, opened, clicked three times (a repeated click),
  plus a fourth click the connector saw deleted; opened again on Mar 21, after run 5003's send
  of the same email (S6), and still S1's open (it names run 5001). To Dana (S2): hard bounce.
  To Eve (S3): soft bounce.
- Run 5003, Mar 20 (S6): Alice again, the same email from the same campaign (version 2 now):
  delivered, nothing else.
- Run 5002, Apr 1: email 901 to Alice (S4): delivered, opened, and she unsubscribes on Apr 2
  (no send after). To Eve (S5): delivered, clicked with images blocked (no open logged).
"""

from __future__ import annotations

from test_funnel_scenario import AS_OF, RAW_ROWS, SYNC

__all__ = ["AS_OF", "EMAIL_ROWS", "SYNC"]

EMAIL_ROWS: dict[str, list[dict[str, object]]] = {
    key: [dict(row) for row in rows] for key, rows in RAW_ROWS.items()
}
# Alice unsubscribes on Apr 2: her MAS record says so.
for _lead in EMAIL_ROWS["marketo.lead"]:
    if _lead["id"] == 1:
        _lead["unsubscribed"] = True

_TEMPLATE_NAMES = {900: "Launch Email", 901: "Webinar Invite"}
_CAMPAIGN_OF_RUN = {4001: 701, 5001: 701, 5003: 701, 5002: 702}


def _email(activity_id: int, lead_id: int, template: int, run: int, at: str) -> dict[str, object]:
    return {
        "id": activity_id,
        "lead_id": lead_id,
        "activity_date": at,
        "primary_attribute_value": _TEMPLATE_NAMES[template],
        "primary_attribute_value_id": template,
        "email_template_id": template,
        "campaign_id": _CAMPAIGN_OF_RUN[run],
        "campaign_run_id": run,
    }


EMAIL_ROWS |= {
    "marketo.program": [
        {
            "id": 70,
            "name": "Spring Launch",
            "type": "Email",
            "channel": "Email Send",
            "status": "On",
            "created_at": "2026-01-02 00:00:00",
            "updated_at": "2026-01-02 00:00:00",
        },
    ],
    "marketo.campaign": [
        {"id": 701, "name": "Launch batch", "type": "batch", "program_id": 70, "active": True},
        {"id": 702, "name": "Invite batch", "type": "batch", "program_id": 70, "active": True},
    ],
    "marketo.email_template_history": [
        {
            "id": 900,
            "name": "Launch Email",
            "subject": "Meet the new release",
            "program_id": 70,
            "status": "approved",
            "version": 1,
            "created_at": "2026-01-01 00:00:00",
            "updated_at": "2026-01-01 00:00:00",
        },
        {
            "id": 900,
            "name": "Launch Email (v2)",
            "subject": "The new release is here",
            "program_id": 70,
            "status": "approved",
            "version": 2,
            "created_at": "2026-01-01 00:00:00",
            "updated_at": "2026-03-15 00:00:00",
        },
        {
            "id": 901,
            "name": "Webinar Invite",
            "subject": "Join us live",
            "program_id": 70,
            "status": "approved",
            "version": 1,
            "created_at": "2026-03-25 00:00:00",
            "updated_at": "2026-03-25 00:00:00",
        },
    ],
    "marketo.activity_send_email": [
        _email(2000, 6, 900, 4001, "2026-01-20 09:00:00"),  # S0
        _email(2001, 1, 900, 5001, "2026-03-10 09:00:00"),  # S1
        _email(2002, 4, 900, 5001, "2026-03-10 09:00:00"),  # S2
        _email(2003, 5, 900, 5001, "2026-03-10 09:00:00"),  # S3
        _email(2006, 1, 900, 5003, "2026-03-20 09:00:00"),  # S6
        _email(2004, 1, 901, 5002, "2026-04-01 09:00:00"),  # S4
        _email(2005, 5, 901, 5002, "2026-04-01 09:00:00"),  # S5
    ],
    "marketo.activity_email_delivered": [
        _email(2100, 6, 900, 4001, "2026-01-20 09:01:00"),
        _email(2101, 1, 900, 5001, "2026-03-10 09:01:00"),
        _email(2106, 1, 900, 5003, "2026-03-20 09:01:00"),
        _email(2104, 1, 901, 5002, "2026-04-01 09:01:00"),
        _email(2105, 5, 901, 5002, "2026-04-01 09:01:00"),
    ],
    "marketo.activity_email_bounced": [
        {
            **_email(2202, 4, 900, 5001, "2026-03-10 09:01:00"),
            "category": "1",
            "subcategory": "1003",
            "details": "550 5.1.1 user unknown",
            "email": "dana@d.com",
        },
    ],
    "marketo.activity_email_bounced_soft": [
        {
            **_email(2203, 5, 900, 5001, "2026-03-10 09:02:00"),
            "category": "3",
            "subcategory": "2001",
            "details": "452 4.2.2 mailbox full",
            "email": "eve@e.com",
        },
    ],
    "marketo.activity_open_email": [
        _email(2300, 5, 900, 4001, "2026-02-05 10:00:00"),  # S0, on the survivor
        _email(2301, 1, 900, 5001, "2026-03-10 10:00:00"),  # S1
        _email(2302, 1, 900, 5001, "2026-03-21 08:00:00"),  # S1, after S6's send
        _email(2304, 1, 901, 5002, "2026-04-01 12:00:00"),  # S4
    ],
    "marketo.activity_click_email": [
        {**_email(2401, 1, 900, 5001, "2026-03-10 10:01:00"), "link": "https://x.com/launch"},
        {**_email(2402, 1, 900, 5001, "2026-03-10 10:02:00"), "link": "https://x.com/launch"},
        {**_email(2403, 1, 900, 5001, "2026-03-11 09:00:00"), "link": "https://x.com/pricing"},
        {
            **_email(2404, 1, 900, 5001, "2026-03-11 09:30:00"),
            "link": "https://x.com/pricing",
            "_fivetran_deleted": True,
        },
        {**_email(2405, 5, 901, 5002, "2026-04-01 15:00:00"), "link": "https://x.com/webinar"},
    ],
    "marketo.activity_unsubscribe_email": [
        {**_email(2504, 1, 901, 5002, "2026-04-02 08:00:00"), "webform_id": 12},
    ],
}

# The MAS lead each person is known by in dim_person (Alice by her CRM lead).
EMAIL_WHO = {"alice": "00QA", "dana": "4", "eve": "5"}
