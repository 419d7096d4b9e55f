"""Published warehouses written by hand for the tests of the review pages: the published tables'
columns copied (empty) from a real publication, so the scenario can't drift from the marts'
schema, then a small scenario whose every displayed number is known.

The scenario is a review at 2026-10-28 12:00 UTC (a Wednesday): the last complete week is
2026-W43 (Mon 19 Oct - Sun 25 Oct) and the last complete month September 2026. What each page
must show is worked out in the comments next to the rows that produce it."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

Row = dict[str, Any]

AS_OF = datetime(2026, 10, 28, 12, 0)
WEEK = "2026-W43"
WEEK_START = date(2026, 10, 19)
MONTH = "2026-09"
RUN_ID = "run-a"
PUBLISHED_AT = datetime(2026, 10, 28, 12, 30)
EARLIER_RUN_ID = "run-0"
BLOCKED_RUN_ID = "run-b"
BLOCKED_AT = datetime(2026, 10, 29, 7, 15)

PUBLISHED_SCHEMAS = ("marts", "governance")

# --- governance ----------------------------------------------------------------------------------

PUBLICATIONS: list[Row] = [
    {
        "run_id": EARLIER_RUN_ID,
        "published_at": datetime(2026, 10, 21, 6, 0),
        "status": "published",
        "marts_run_id": EARLIER_RUN_ID,
        "marts_published_at": datetime(2026, 10, 21, 6, 0),
        "note": "gates passed",
        "as_of": datetime(2026, 10, 21, 5, 0),
    },
    {
        "run_id": RUN_ID,
        "published_at": PUBLISHED_AT,
        "status": "published",
        "marts_run_id": RUN_ID,
        "marts_published_at": PUBLISHED_AT,
        "note": "gates passed",
        "as_of": AS_OF,
    },
]

BLOCKED_PUBLICATION: Row = {
    "run_id": BLOCKED_RUN_ID,
    "published_at": BLOCKED_AT,
    "status": "blocked",
    "marts_run_id": RUN_ID,
    "marts_published_at": PUBLISHED_AT,
    "note": "critical gate failed: fct_lead_cycles unique person_key x cycle_number",
    "as_of": datetime(2026, 10, 29, 7, 0),
}

# --- people --------------------------------------------------------------------------------------

SAM, PRIYA, ALEX = "005000000000001AAA", "005000000000002AAA", "005000000000003AAA"
AMERICAS, EMEA, AE_SMB = "SDR - Americas", "SDR - EMEA", "AE - SMB"

USERS: list[Row] = [
    {"user_id": SAM, "user_name": "Sam Rivera", "team": AMERICAS, "time_zone": "America/New_York"},
    {"user_id": PRIYA, "user_name": "Priya Shah", "team": EMEA, "time_zone": "Europe/London"},
    {"user_id": ALEX, "user_name": "Alex Kim", "team": AE_SMB, "time_zone": "America/Chicago"},
]
for _user in USERS:
    _user.update(user_key=f"uk-{_user['user_id']}", is_active=True)

# (person_key, first name, last name, company, lead source, segment)
_PEOPLE = [
    ("p-ada", "Ada", "Lovelace", "Analytical Engines", "Webinar", "smb"),
    ("p-grace", "Grace", "Hopper", "Navy Labs", "Paid Search", "mid_market"),
    ("p-alan", "Alan", "Turing", "Bletchley Park", "Content", "enterprise"),
    ("p-carol", "Carol", "Shaw", "Activision", "Trade Show", "smb"),
    ("p-dan", "Dan", "Bricklin", "Software Arts", "Webinar", "smb"),
    ("p-linus", "Linus", "Torvalds", "Transmeta", "Social", "smb"),
]
PERSONS: list[Row] = [
    {
        "person_key": key,
        "crm_lead_id": f"00Q-{key}",
        "email": f"{first.lower()}@{company.split()[0].lower()}.example.com",
        "first_name": first,
        "last_name": last,
        "company": company,
        "lead_source": source,
        "segment_code": segment,
    }
    for key, first, last, company, source, segment in _PEOPLE
]
ADA, GRACE, ALAN, CAROL, DAN, LINUS = (f"{p[1]} {p[2]} ({p[3]})" for p in _PEOPLE)

# --- the week's SLA clocks -----------------------------------------------------------------------


def _instance(
    policy: str,
    person: str,
    owner: str,
    team: str,
    started: datetime,
    due: datetime | None,
    satisfied: datetime | None,
    status: str,
    elapsed: float,
    target: float,
) -> Row:
    return {
        "sla_key": f"{policy}-{person}-{started:%m%d%H%M}",
        "policy_key": policy,
        "owning_team": "sales",
        "clock": "business" if target < 10_000 else "calendar",
        "person_key": person,
        "crm_lead_id": f"00Q-{person}",
        "cycle_number": 1,
        "owner_user_id": owner,
        "owner_team": team,
        "started_at": started,
        "due_at": due,
        "satisfied_at": satisfied,
        "satisfied_by": "task" if satisfied else None,
        "status": status,
        "business_minutes_elapsed": elapsed,
        "target_minutes": target,
        "as_of_at": AS_OF,
    }


def _at(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute)


# mql_follow_up in 2026-W43: Ada and Grace met, Alan breached (touched 17 h late), Carol never
# touched (open_breached): compliance 2 met of 4 judged = 50.0% against the 90% target.
# Dan's clock started after the week (Wed 28 Oct) and is still running with an hour left: he is
# "due soon" in the follow-up worklist but belongs to no week's compliance yet. Linus's clock
# started in W42 and breached: he is in W42's compliance, not in W43's worklists.
SLA_INSTANCES: list[Row] = [
    _instance(
        "mql_follow_up",
        "p-ada",
        SAM,
        AMERICAS,
        _at(19, 14),
        _at(19, 18),
        _at(19, 15),
        "met",
        60,
        240,
    ),
    _instance(
        "mql_follow_up",
        "p-grace",
        SAM,
        AMERICAS,
        _at(20, 10),
        _at(20, 14),
        _at(20, 11, 30),
        "met",
        90,
        240,
    ),
    _instance(
        "mql_follow_up",
        "p-alan",
        PRIYA,
        EMEA,
        _at(21, 13),
        _at(21, 17),
        _at(22, 10),
        "breached",
        420,
        240,
    ),
    _instance(
        "mql_follow_up",
        "p-carol",
        SAM,
        AMERICAS,
        _at(22, 10),
        _at(22, 14),
        None,
        "open_breached",
        2280,
        240,
    ),
    _instance(
        "mql_follow_up", "p-dan", SAM, AMERICAS, _at(28, 9), _at(28, 13), None, "open", 180, 240
    ),
    _instance(
        "mql_follow_up",
        "p-linus",
        PRIYA,
        EMEA,
        _at(14, 9),
        _at(14, 13),
        None,
        "open_breached",
        4560,
        240,
    ),
    # mql_acceptance in W43: Ada, Grace and Alan answered in time, Carol never: 3 of 4 (75.0%).
    _instance(
        "mql_acceptance",
        "p-ada",
        SAM,
        AMERICAS,
        _at(19, 14),
        _at(21, 14),
        _at(20, 9),
        "met",
        250,
        960,
    ),
    _instance(
        "mql_acceptance",
        "p-grace",
        SAM,
        AMERICAS,
        _at(20, 10),
        _at(22, 10),
        _at(20, 16),
        "met",
        360,
        960,
    ),
    _instance(
        "mql_acceptance",
        "p-alan",
        PRIYA,
        EMEA,
        _at(21, 13),
        _at(23, 13),
        _at(22, 9),
        "met",
        420,
        960,
    ),
    _instance(
        "mql_acceptance",
        "p-carol",
        SAM,
        AMERICAS,
        _at(22, 10),
        _at(26, 10),
        None,
        "open_breached",
        2280,
        960,
    ),
    # stalled_recycle: Ada's and Grace's SALs of the week, inside their 30 days: not judged.
    _instance(
        "stalled_recycle",
        "p-ada",
        SAM,
        AMERICAS,
        _at(20, 9),
        _at(19, 9, month=11),
        None,
        "open",
        12_000,
        43_200,
    ),
    _instance(
        "stalled_recycle",
        "p-grace",
        SAM,
        AMERICAS,
        _at(20, 16),
        _at(19, 16, month=11),
        None,
        "open",
        11_500,
        43_200,
    ),
]

# Marketing's month agreements for October 2026 (the month of the review week). At the as-of,
# 27.5 of October's 31 days have passed, so the pace is 88.7% of each target.
PACE = 27.5 / 31
MQL_VOLUME = [("smb", 30.0, 40.0), ("mid_market", 12.0, 10.0), ("enterprise", 0.0, 6.0)]
MQL_QUALITY = [
    ("smb", 0.55, 0.6, "open"),
    ("mid_market", 0.75, 0.6, "open"),
    ("enterprise", None, 0.6, "not_measured"),
]
for _segment, _measured, _target in MQL_VOLUME:
    SLA_INSTANCES.append(
        {
            "sla_key": f"mql_volume-{_segment}",
            "policy_key": "mql_volume",
            "owning_team": "marketing",
            "clock": "calendar",
            "started_at": datetime(2026, 10, 1),
            "due_at": datetime(2026, 11, 1),
            "status": "open",
            "period_start_date": date(2026, 10, 1),
            "segment_code": _segment,
            "measured_value": _measured,
            "target_value": _target,
            "as_of_at": AS_OF,
        }
    )
for _segment, _measured, _target, _status in MQL_QUALITY:
    SLA_INSTANCES.append(
        {
            "sla_key": f"mql_quality-{_segment}",
            "policy_key": "mql_quality",
            "owning_team": "marketing",
            "clock": "calendar",
            "started_at": datetime(2026, 10, 1),
            "due_at": datetime(2026, 11, 1),
            "status": _status,
            "period_start_date": date(2026, 10, 1),
            "segment_code": _segment,
            "measured_value": _measured,
            "target_value": _target,
            "as_of_at": AS_OF,
        }
    )

POLICIES = {
    # policy: (description, target duration, unit, compliance target)
    "mql_follow_up": ("First touch within 4 business hours of the MQL.", 4, "business_hours", 0.9),
    "mql_acceptance": ("Accept or reject within 16 business hours.", 16, "business_hours", 0.9),
    "stalled_recycle": ("Opportunity or recycle within 30 days.", 30, "calendar_days", 0.85),
    "stalled_opportunity": ("A deal moves stage within 45 days.", 45, "calendar_days", 0.8),
    "mql_volume": ("The agreed MQLs per segment each month.", 1, "month", 1.0),
    "mql_quality": ("The agreed share of MQLs accepted.", 1, "month", 1.0),
}


def _compliance(
    period_type: str,
    start: date,
    policy: str,
    team: str | None,
    owner: str | None,
    *,
    met: int = 0,
    breached: int = 0,
    open: int = 0,
    open_breached: int = 0,
    not_measured: int = 0,
) -> Row:
    description, duration, unit, target = POLICIES[policy]
    judged = met + breached + open_breached
    rate = met / judged if judged else None
    return {
        "period_type": period_type,
        "period_start_date": start,
        "policy_key": policy,
        "policy_description": description,
        "target_duration": duration,
        "target_unit": unit,
        "compliance_target": target,
        "owning_team": "marketing" if unit == "month" else "sales",
        "owner_team": team,
        "owner_user_id": owner,
        "instances": met + breached + open + open_breached + not_measured,
        "met": met,
        "breached": breached,
        "open": open,
        "open_breached": open_breached,
        "not_measured": not_measured,
        "compliance_rate": rate,
        "is_below_target": None if rate is None else rate < target,
    }


W43, W42, W41, W40 = (WEEK_START - timedelta(days=7 * n) for n in range(4))
SLA_COMPLIANCE: list[Row] = [
    # This week, consistent with SLA_INSTANCES.
    _compliance("week", W43, "mql_follow_up", AMERICAS, SAM, met=2, open_breached=1),
    _compliance("week", W43, "mql_follow_up", EMEA, PRIYA, breached=1),
    _compliance("week", W43, "mql_acceptance", AMERICAS, SAM, met=2, open_breached=1),
    _compliance("week", W43, "mql_acceptance", EMEA, PRIYA, met=1),
    _compliance("week", W43, "stalled_recycle", AMERICAS, SAM, open=2),
    # The trend: W42 60% (3 of 5, Linus among the misses), W41 100%, W40 a stalled deal.
    _compliance("week", W42, "mql_follow_up", AMERICAS, SAM, met=3, breached=1),
    _compliance("week", W42, "mql_follow_up", EMEA, PRIYA, open_breached=1),
    _compliance("week", W41, "mql_follow_up", AMERICAS, SAM, met=2),
    _compliance("week", W40, "stalled_opportunity", AE_SMB, ALEX, breached=1),
    # Marketing's policies exist as month rows only.
    _compliance("month", date(2026, 10, 1), "mql_volume", None, None, open=3),
    _compliance("month", date(2026, 10, 1), "mql_quality", None, None, open=2, not_measured=1),
]

# The week's MQLs (fct_lead_cycles): Ada, Grace, Alan and Carol; Dan's and Linus's fall outside.
LEAD_CYCLES: list[Row] = [
    {
        "lead_cycle_key": f"lc-{person}",
        "person_key": person,
        "cycle_number": 1,
        "crm_lead_id": f"00Q-{person}",
        "lead_at": mql_at - timedelta(days=3),
        "mql_at": mql_at,
        "current_stage": "mql",
        "as_of": AS_OF,
    }
    for person, mql_at in [
        ("p-ada", _at(19, 14)),
        ("p-grace", _at(20, 10)),
        ("p-alan", _at(21, 13)),
        ("p-carol", _at(22, 10)),
        ("p-dan", _at(28, 9)),
        ("p-linus", _at(14, 9)),
    ]
]

RECYCLE_QUEUE: list[Row] = [
    {
        "person_key": "p-mary",
        "cycle_number": 1,
        "crm_lead_id": "00Q-mary",
        "email": "mary@umbrella.example.com",
        "first_name": "Mary",
        "last_name": "Davis",
        "company": "Umbrella Corp",
        "segment_code": "smb",
        "owner_user_id": SAM,
        "owner_team": AMERICAS,
        "current_stage": "sal",
        "stalled_since": datetime(2026, 9, 10, 9, 0),
        "recycle_due_at": datetime(2026, 10, 10, 9, 0),
        "days_stalled": 48.1,
    },
    {
        "person_key": "p-john",
        "cycle_number": 2,
        "crm_lead_id": "00Q-john",
        "email": "john@initech.example.com",
        "first_name": "John",
        "last_name": "Smith",
        "company": "Initech",
        "segment_code": "enterprise",
        "owner_user_id": PRIYA,
        "owner_team": EMEA,
        "current_stage": "sql",
        "stalled_since": datetime(2026, 9, 20, 9, 0),
        "recycle_due_at": datetime(2026, 10, 20, 9, 0),
        "days_stalled": 38.1,
    },
]

STALLED_OPPORTUNITIES: list[Row] = [
    {
        "opportunity_id": "006-pied",
        "opportunity_name": "Pied Piper - Expansion",
        "opportunity_type": "Expansion",
        "account_name": "Pied Piper",
        "owner_user_id": ALEX,
        "owner_name": "Alex Kim",
        "owner_team": AE_SMB,
        "stage_name": "Discovery",
        "amount": 50_000.0,
        "days_in_stage": 50.2,
        "current_close_date": date(2026, 12, 1),
        "stalled_reason": "no_stage_change",
        "as_of_at": AS_OF,
    },
    {
        "opportunity_id": "006-hooli",
        "opportunity_name": "Hooli - New Business",
        "opportunity_type": "New Business",
        "account_name": "Hooli",
        "owner_user_id": ALEX,
        "owner_name": "Alex Kim",
        "owner_team": AE_SMB,
        "stage_name": "Proposal",
        "amount": 120_000.0,
        "days_in_stage": 61.6,
        "current_close_date": date(2026, 10, 15),
        "stalled_reason": "no_stage_change_and_past_close_date",
        "as_of_at": AS_OF,
    },
]

# --- the month (September 2026) ------------------------------------------------------------------

FUNNEL_STAGES: list[Row] = [
    {"stage_code": code, "stage_name": name, "stage_order": order, "definition": f"{name}."}
    for order, (code, name) in enumerate(
        [
            ("lead", "Lead"),
            ("mql", "Marketing Qualified Lead"),
            ("sal", "Sales Accepted Lead"),
            ("sql", "Sales Qualified Lead"),
            ("opportunity", "Opportunity"),
            ("customer", "Customer"),
        ],
        start=1,
    )
]

# Stage entries: stage -> {month: [days in stage of each entry, None while still in it]}.
# September: lead 6 (median of 3, 5, 10, 20 = 7.5 d), MQL 5 (median of 1, 2, 4 = 2.0 d), SAL 3,
# SQL 2, opportunity 1 (not moved on), customer 1. August: 8, 4, 2, 1, 1, 0; August's
# opportunity leaves its stage on 1 September, after 30 days.
STAGE_ENTRIES: dict[str, dict[int, list[float | None]]] = {
    "lead": {9: [3, 5, 10, 20, None, None], 8: [4] * 8},
    "mql": {9: [1, 2, 4, None, None], 8: [3] * 4},
    "sal": {9: [6, 8, None], 8: [5, 5]},
    "sql": {9: [12, None], 8: [9]},
    "opportunity": {9: [None], 8: [30]},
    "customer": {9: [None]},
}
TRANSITIONS: list[Row] = []
for _stage, _months in STAGE_ENTRIES.items():
    for _month, _durations in _months.items():
        for _n, _days in enumerate(_durations):
            _entered = datetime(2026, _month, 2 + _n, 10, 0)
            TRANSITIONS.append(
                {
                    "transition_key": f"t-{_stage}-{_month}-{_n}",
                    "person_key": f"p-{_stage}-{_month}-{_n}",
                    "cycle_number": 1,
                    "stage_code": _stage,
                    "entered_at": _entered,
                    "exited_at": None if _days is None else _entered + timedelta(days=_days),
                }
            )


def _conversion(
    from_stage: str,
    to_stage: str,
    cohort: date,
    segment: str,
    window: int,
    entered: int,
    converted: int,
    still_open: int,
    mature: bool,
) -> Row:
    return {
        "from_stage": from_stage,
        "to_stage": to_stage,
        "cohort_month": cohort,
        "segment_code": segment,
        "lead_source": "Webinar",
        "sourced_by": "marketing",
        "window_days": window,
        "entered": entered,
        "converted": converted,
        "converted_within_window": converted,
        "converted_after_window": 0,
        "still_open": still_open,
        "conversion_rate": converted / entered,
        "open_share": still_open / entered,
        "is_mature": mature,
        "is_immature": not mature,
    }


# MQL -> SAL: September's cohort 3 of 5 (60.0%), maturing with 1 open; the latest mature cohort is
# August's, 2 of 4 (50.0%). Lead -> MQL: September 2 of 6, no mature cohort yet.
FUNNEL_CONVERSION: list[Row] = [
    _conversion("mql", "sal", date(2026, 9, 1), "smb", 30, 3, 2, 1, False),
    _conversion("mql", "sal", date(2026, 9, 1), "enterprise", 30, 2, 1, 0, False),
    _conversion("mql", "sal", date(2026, 8, 1), "smb", 30, 4, 2, 0, True),
    _conversion("mql", "sal", date(2026, 7, 1), "smb", 30, 8, 6, 0, True),
    _conversion("lead", "mql", date(2026, 9, 1), "smb", 90, 6, 2, 4, False),
    _conversion("lead", "mql", date(2026, 8, 1), "smb", 90, 8, 4, 2, False),
]


def _kpi(
    code: str,
    name: str,
    unit: str,
    group: str,
    start: date,
    value: float | None,
    *,
    grain: str = "month",
    breakdown: str = "total",
    breakdown_value: str = "all",
    numerator: float | None = None,
    denominator: float | None = None,
    target: float | None = None,
    mature: bool = True,
    pending: int | None = None,
    team: str = "shared",
    higher_is_better: bool = True,
) -> Row:
    if grain == "month":
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    else:
        end = date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
    return {
        "shared_kpi_key": f"{code}-{grain}-{start}-{breakdown}-{breakdown_value}",
        "period_grain": grain,
        "period_start_date": start,
        "period_end_date": end,
        "is_complete_period": datetime.combine(end, datetime.min.time()) <= AS_OF,
        "is_mature": mature,
        "breakdown": breakdown,
        "breakdown_value": breakdown_value,
        "kpi_code": code,
        "kpi_name": name,
        "owning_team": team,
        "unit": unit,
        "higher_is_better": higher_is_better,
        "measure_group": group,
        "kpi_value": value,
        "numerator": value if numerator is None and unit == "count" else numerator,
        "denominator": denominator,
        "pending_count": pending,
        "target_value": target,
        "formula": f"The agreed formula of {name}.",
    }


SEP, AUG = date(2026, 9, 1), date(2026, 8, 1)
KPIS: list[Row] = [
    # MQLs 5 (Aug 4): +25.0%.
    _kpi("mqls", "Marketing qualified leads", "count", "qualified_leads", SEP, 5, team="marketing"),
    _kpi("mqls", "Marketing qualified leads", "count", "qualified_leads", AUG, 4, team="marketing"),
    # Bookings $250,000 against a $300,000 target (Aug $200,000): +25.0%.
    _kpi(
        "bookings_amount",
        "Bookings (won revenue)",
        "amount",
        "revenue_growth",
        SEP,
        250_000,
        numerator=250_000,
        target=300_000,
    ),
    _kpi(
        "bookings_amount",
        "Bookings (won revenue)",
        "amount",
        "revenue_growth",
        AUG,
        200_000,
        numerator=200_000,
    ),
    # Win rate 50.0% against 30% (Aug 40.0%): +10.0 pts.
    _kpi(
        "win_rate_count",
        "Win rate (deals)",
        "ratio",
        "conversion",
        SEP,
        0.5,
        numerator=1,
        denominator=2,
        target=0.3,
        team="sales",
    ),
    _kpi(
        "win_rate_count",
        "Win rate (deals)",
        "ratio",
        "conversion",
        AUG,
        0.4,
        numerator=2,
        denominator=5,
        team="sales",
    ),
    # MQL -> SAL 60.0%, still maturing with one MQL open.
    _kpi(
        "mql_to_sal_rate",
        "MQL to SAL conversion",
        "ratio",
        "conversion",
        SEP,
        0.6,
        numerator=3,
        denominator=5,
        mature=False,
        pending=1,
    ),
    # Forecast accuracy: nothing to measure in September (no forecastable bookings); August 80.0%.
    _kpi(
        "forecast_accuracy",
        "Forecast accuracy",
        "ratio",
        "forecast_accuracy",
        SEP,
        None,
        numerator=0,
        denominator=0,
        team="sales",
    ),
    _kpi(
        "forecast_accuracy",
        "Forecast accuracy",
        "ratio",
        "forecast_accuracy",
        AUG,
        0.8,
        numerator=80_000,
        denominator=100_000,
        team="sales",
    ),
    # Pipeline created $100,000 (Aug $50,000): +100.0%.
    _kpi(
        "pipeline_created_amount",
        "Pipeline created",
        "amount",
        "pipeline",
        SEP,
        100_000,
        numerator=100_000,
    ),
    _kpi(
        "pipeline_created_amount",
        "Pipeline created",
        "amount",
        "pipeline",
        AUG,
        50_000,
        numerator=50_000,
    ),
    # Pipeline coverage is a quarter KPI: Q3 2026, $300,000 over a $100,000 quota.
    _kpi(
        "pipeline_coverage",
        "Pipeline coverage",
        "multiple",
        "pipeline",
        date(2026, 7, 1),
        3.0,
        grain="quarter",
        numerator=300_000,
        denominator=100_000,
        team="sales",
    ),
    _kpi(
        "pipeline_coverage",
        "Pipeline coverage",
        "multiple",
        "pipeline",
        date(2026, 7, 1),
        1.5,
        grain="quarter",
        breakdown="team",
        breakdown_value=AE_SMB,
        numerator=90_000,
        denominator=60_000,
        team="sales",
    ),
    _kpi(
        "pipeline_coverage",
        "Pipeline coverage",
        "multiple",
        "pipeline",
        date(2026, 7, 1),
        5.25,
        grain="quarter",
        breakdown="team",
        breakdown_value="AE - Mid-Market",
        numerator=210_000,
        denominator=40_000,
        team="sales",
    ),
    # By source, September: marketing 2 deals $60,000 (60.0%), won 1 of 2 deals (50.0%) and
    # $100,000 of $140,000 (71.4%); sales 1 deal $40,000 (40.0%), nothing closed.
    _kpi(
        "pipeline_created_count",
        "Pipeline created (deals)",
        "count",
        "pipeline",
        SEP,
        2,
        breakdown="sourced_by",
        breakdown_value="marketing",
    ),
    _kpi(
        "pipeline_created_amount",
        "Pipeline created",
        "amount",
        "pipeline",
        SEP,
        60_000,
        breakdown="sourced_by",
        breakdown_value="marketing",
    ),
    _kpi(
        "win_rate_count",
        "Win rate (deals)",
        "ratio",
        "conversion",
        SEP,
        0.5,
        numerator=1,
        denominator=2,
        breakdown="sourced_by",
        breakdown_value="marketing",
    ),
    _kpi(
        "win_rate_amount",
        "Win rate (amount)",
        "ratio",
        "conversion",
        SEP,
        100_000 / 140_000,
        numerator=100_000,
        denominator=140_000,
        breakdown="sourced_by",
        breakdown_value="marketing",
    ),
    _kpi(
        "pipeline_created_count",
        "Pipeline created (deals)",
        "count",
        "pipeline",
        SEP,
        1,
        breakdown="sourced_by",
        breakdown_value="sales",
    ),
    _kpi(
        "pipeline_created_amount",
        "Pipeline created",
        "amount",
        "pipeline",
        SEP,
        40_000,
        breakdown="sourced_by",
        breakdown_value="sales",
    ),
    _kpi(
        "win_rate_count",
        "Win rate (deals)",
        "ratio",
        "conversion",
        SEP,
        None,
        numerator=0,
        denominator=0,
        breakdown="sourced_by",
        breakdown_value="sales",
    ),
]

PIPELINE_KPIS = (
    "pipeline_created_amount",
    "pipeline_created_count",
    "pipeline_coverage",
    "win_rate_count",
    "win_rate_amount",
    "bookings_amount",
    "forecast_accuracy",
)

# One won deal in September with two touches, 14 days and 0 days before the opportunity; a lost
# one in September and a won one in October, neither of which counts.
OPPORTUNITIES: list[Row] = [
    {
        "opportunity_key": f"ok-{opportunity_id}",
        "opportunity_id": opportunity_id,
        "opportunity_name": name,
        "opportunity_type": "New Business",
        "is_pipeline": True,
        "is_renewal": False,
        "sourced_by": "marketing",
        "stage_name": stage,
        "amount": amount,
        "is_closed": True,
        "is_won": won,
        "is_lost": not won,
        "won_amount": amount if won else 0.0,
        "created_at": datetime(2026, 7, 1, 10),
        "created_date": date(2026, 7, 1),
        "close_date": closed.date(),
        "closed_at": closed,
    }
    for opportunity_id, name, stage, amount, won, closed in [
        ("006-won", "Globex - New Business", "Closed Won", 100_000.0, True, _at(15, 16, month=9)),
        ("006-lost", "Soylent - New Business", "Closed Lost", 40_000.0, False, _at(10, 9, month=9)),
        ("006-oct", "Umbrella - New Business", "Closed Won", 70_000.0, True, _at(5, 12)),
    ]
]
# Time decay: weights 0.5^(14/7) = 0.25 and 1, normalised: 0.2 and 0.8.
# channel: first, last, linear, U, W, time decay
_TOUCHES = [
    ("006-won", "Paid Search", 1, 14.0, (1.0, 0.0, 0.5, 0.5, 0.5, 0.2)),
    ("006-won", "Webinar", 2, 0.0, (0.0, 1.0, 0.5, 0.5, 0.5, 0.8)),
    ("006-lost", "Content", 1, 3.0, (1.0, 1.0, 1.0, 1.0, 1.0, 1.0)),
    ("006-oct", "Social", 1, 5.0, (1.0, 1.0, 1.0, 1.0, 1.0, 1.0)),
]
CREDIT_COLUMNS = (
    "first_touch_credit",
    "last_touch_credit",
    "linear_credit",
    "u_shaped_credit",
    "w_shaped_credit",
    "time_decay_credit",
)
_OPPORTUNITY_BY_ID = {o["opportunity_id"]: o for o in OPPORTUNITIES}
ATTRIBUTION: list[Row] = [
    {
        "opportunity_id": opportunity_id,
        "opportunity_type": "New Business",
        "amount": _OPPORTUNITY_BY_ID[opportunity_id]["amount"],
        "is_won": _OPPORTUNITY_BY_ID[opportunity_id]["is_won"],
        "won_amount": _OPPORTUNITY_BY_ID[opportunity_id]["won_amount"],
        "touch_id": f"{opportunity_id}-{position}",
        "channel": channel,
        "touch_position": position,
        "touch_count": 2 if opportunity_id == "006-won" else 1,
        "days_before_opportunity": days,
        **dict(zip(CREDIT_COLUMNS, credits, strict=True)),
    }
    for opportunity_id, channel, position, days, credits in _TOUCHES
]

# Score bands: sales-ready from 100. (floor, band, sales-ready, MQLs, SAL, opportunity, win rate)
CALIBRATION: list[Row] = [
    {
        "band_floor": floor,
        "score_band": band,
        "is_sales_ready_band": ready,
        "mqls": mqls,
        "reached_sal": round(mqls * sal),
        "reached_sql": round(mqls * sal),
        "reached_opportunity": round(mqls * opportunity),
        "won": round(mqls * win),
        "sal_rate": sal if mqls else None,
        "opportunity_rate": opportunity if mqls else None,
        "win_rate": win if mqls else None,
    }
    for floor, band, ready, mqls, sal, opportunity, win in [
        (None, "unscored", False, 4, 0.25, 0.25, 0.0),
        (0, "0-49", False, 10, 0.2, 0.1, 0.0),
        (50, "50-99", False, 20, 0.45, 0.2, 0.05),
        (100, "100-149", True, 16, 0.75, 0.5, 0.25),
        (150, "150-199", True, 0, 0.0, 0.0, 0.0),
    ]
]

# --- the closed loop: sales' verdicts, programs, content, who buys -----------------------------

_CATEGORIES = {
    "bad_fit": ("Bad fit", "marketing", True),
    "no_response": ("No response", "sales", True),
    "no_budget": ("No budget", "marketing", True),
    "bad_timing": ("Bad timing", "marketing", True),
    "not_a_buyer": ("Not a buyer", "marketing", True),
}


def _ended(
    person: str,
    verdict: str,
    at: datetime,
    category: str,
    reason: str | None,
    *,
    accepted: bool = True,
) -> Row:
    """An ended cycle of an MQL of August (so no week's or month's MQL count moves); a cycle
    sales worked without recording the acceptance reached SQL only (`accepted=False`)."""
    name, team, can_act = _CATEGORIES.get(category, (None, None, None))
    return {
        "lead_cycle_key": f"lc-{person}-2",
        "person_key": person,
        "cycle_number": 2,
        "mql_at": datetime(2026, 8, 3, 9),
        "sal_at": datetime(2026, 8, 4, 9) if verdict != "rejected" and accepted else None,
        "sql_at": datetime(2026, 8, 5, 9) if verdict != "rejected" and not accepted else None,
        "disqualified_at": at if verdict != "recycled" else None,
        "recycled_at": at if verdict == "recycled" else None,
        "cycle_ended_at": at,
        "current_stage": "recycled" if verdict == "recycled" else "disqualified",
        "end_reason": reason,
        "end_reason_category": category,
        "end_reason_category_name": name,
        "end_reason_owning_team": team,
        "end_reason_marketing_can_act": can_act,
        "as_of": AS_OF,
    }


# Week 2026-W43: six ended cycles. Bad fit twice (rejected), no response twice (recycled after
# acceptance; disqualified after sales took it straight to SQL, so worked, not rejected), an
# unmapped reason (disqualified after acceptance) and one without a reason: 4 of 6 carry an agreed
# reason. The cycle recycled at Monday 26 Oct 00:00 belongs to the next week.
# September 2026: one rejected for no budget, one recycled for bad timing on the month's last
# minute; and the lost Soylent deal (competitor, $40,000).
VERDICT_CYCLES: list[Row] = [
    _ended("p-v1", "rejected", _at(20, 10), "bad_fit", "Not a fit - wrong industry"),
    _ended("p-v2", "rejected", _at(21, 11), "bad_fit", "Not a fit - company too small"),
    _ended("p-v3", "recycled", _at(22, 12), "no_response", "Unresponsive"),
    _ended("p-v4", "disqualified", _at(23, 13), "unmapped", "Other - see notes"),
    _ended("p-v5", "recycled", _at(25, 23, 59), "not_recorded", None),
    _ended("p-v9", "disqualified", _at(24, 9), "no_response", "Unresponsive", accepted=False),
    _ended("p-v6", "recycled", _at(26, 0), "bad_timing", "Project on hold"),
    _ended("p-v7", "rejected", _at(10, 9, month=9), "no_budget", "No budget"),
    _ended("p-v8", "recycled", _at(30, 23, 59, month=9), "bad_timing", "Not ready to buy"),
]
LOST_REASON = {
    "loss_reason": "Lost to competitor",
    "loss_reason_category": "competitor",
    "loss_reason_category_name": "Competitor",
}

_OPPORTUNITY_BY_ID["006-lost"].update(LOST_REASON)
PERSONS[0].update(persona_code="marketing_leader", persona_name="Marketing leader")


def _feedback(
    month: date,
    campaign: str | None,
    outcome: str,
    cycles: int,
    *,
    category: str | None = None,
    accepted: int = 0,
    won: int = 0,
    touch_model: str = "first_touch",
    mature: bool = True,
) -> Row:
    name, channel = {
        "c-web": ("Data Summit webinar", "Webinar"),
        "c-social": ("Social retargeting", "Social"),
        "c-guide": ("Buyer's guide", "Content"),
        "c-old": ("Old trade show", "Trade Show"),
    }.get(campaign or "", ("(no program touch)", None))
    return {
        "lead_feedback_key": f"{month}-{touch_model}-{campaign}-{outcome}-{category}",
        "cohort_month": month,
        "touch_model": touch_model,
        "campaign_key": campaign,
        "campaign_name": name,
        "channel": channel,
        "lead_source": "Web",
        "segment_code": "smb",
        "outcome": outcome,
        "reason_category": category,
        "reason_category_name": _CATEGORIES[category][0] if category in _CATEGORIES else None,
        "cycles": cycles,
        "cycles_accepted_within_window": accepted,
        "cycles_won_within_window": won,
        "acceptance_is_mature": mature,
        "win_is_mature": mature,
    }


JUL = date(2026, 7, 1)
# Channels (MQL cohorts July - September 2026, first touch):
#   Webinar: 40 MQLs, 30 accepted (75.0%), 6 won (15.0%), 8 ended (20.0%), bad fit 5 of 8 (62%);
#   Social: 36 MQLs, 10 accepted (27.8%), none won, 26 ended (72.2%), not a buyer 15 of 26 (58%);
#   Content: 5 MQLs (Sept, still maturing), 4 accepted; no program touch: 3 MQLs, 1 accepted.
# Programs (MQL cohorts October 2025 - September 2026) with 30 or more MQLs: the webinar and the
# social program only; the old trade show's June 2025 cohort is outside both windows, and the
# last-touch rows count for neither.
LEAD_FEEDBACK: list[Row] = [
    _feedback(AUG, "c-web", "accepted", 24, accepted=24),
    _feedback(AUG, "c-web", "won", 6, accepted=6, won=6),
    _feedback(AUG, "c-web", "rejected", 5, category="bad_fit"),
    _feedback(AUG, "c-web", "recycled", 3, category="bad_timing"),
    _feedback(AUG, "c-web", "awaiting_acceptance", 2),
    _feedback(JUL, "c-social", "accepted", 10, accepted=10),
    _feedback(JUL, "c-social", "rejected", 15, category="not_a_buyer"),
    _feedback(JUL, "c-social", "rejected", 5, category="not_recorded"),
    _feedback(JUL, "c-social", "recycled", 6, category="no_response"),
    _feedback(SEP, "c-guide", "accepted", 4, accepted=4, mature=False),
    _feedback(SEP, "c-guide", "rejected", 1, category="bad_fit", mature=False),
    _feedback(SEP, None, "accepted", 1, accepted=1),
    _feedback(SEP, None, "awaiting_acceptance", 2),
    _feedback(date(2025, 6, 1), "c-old", "accepted", 50, accepted=50),
    _feedback(AUG, "c-web", "rejected", 100, category="bad_fit", touch_model="last_touch"),
]


def _content(asset: str, name: str, lift: float, engaged: int, sufficient: bool) -> Row:
    return {
        "asset_type": "form",
        "asset_id": asset,
        "asset_name": name,
        "from_stage": "mql",
        "to_stage": "sal",
        "engaged_decided": engaged,
        "engaged_converted": round(engaged * (0.5 + lift)),
        "engaged_conversion_rate": 0.5 + lift,
        "not_engaged_decided": 200,
        "not_engaged_converted": 100,
        "not_engaged_conversion_rate": 0.5,
        "conversion_lift_points": lift,
        "is_sample_sufficient": sufficient,
    }


# The demo request form lifts MQL->SAL by 20 points, the newsletter form by 5; the pricing form's
# 40 points rest on 12 engaged cycles, too few to list.
CONTENT: list[Row] = [
    _content("f-demo", "Demo request", 0.2, 60, True),
    _content("f-news", "Newsletter sign-up", 0.05, 80, True),
    _content("f-pricing", "Pricing calculator", 0.4, 12, False),
]

# Who buys (October 2025 - September 2026): Software won 15 of 40 closed deals (37.5%), with 40
# MQLs of which 20 accepted (50.0%); Retail won 1 of 4 (too few to judge); a Software month of
# 2025 lies outside the year. 100-249 employees: 9 of 30 (30.0%). Marketing leaders: 5 of 10.
ICP_KPIS: list[Row] = [
    _kpi(code, name, "ratio", "conversion", start, None, breakdown=breakdown,
         breakdown_value=value, numerator=numerator, denominator=denominator)
    for code, name in [("win_rate_count", "Win rate"), ("mql_to_sal_rate", "MQL to SAL rate")]
    for breakdown, value, start, numerator, denominator in {
        "win_rate_count": [
            ("industry", "Software", SEP, 12.0, 30.0),
            ("industry", "Software", AUG, 3.0, 10.0),
            ("industry", "Software", date(2025, 9, 1), 100.0, 100.0),
            ("industry", "Retail", SEP, 1.0, 4.0),
            ("company_size", "size_100_249", SEP, 9.0, 30.0),
            ("persona", "marketing_leader", SEP, 5.0, 10.0),
        ],
        "mql_to_sal_rate": [("industry", "Software", SEP, 20.0, 40.0)],
    }[code]
]  # fmt: skip

SCENARIO: dict[str, list[Row]] = {
    "governance.publications": PUBLICATIONS,
    "marts.dim_user": USERS,
    "marts.dim_person": PERSONS,
    "marts.dim_funnel_stage": FUNNEL_STAGES,
    "marts.fct_sla_instances": SLA_INSTANCES,
    "marts.mart_sla_compliance": SLA_COMPLIANCE,
    "marts.fct_lead_cycles": LEAD_CYCLES + VERDICT_CYCLES,
    "marts.mart_recycle_queue": RECYCLE_QUEUE,
    "marts.mart_stalled_opportunities": STALLED_OPPORTUNITIES,
    "marts.fct_funnel_transitions": TRANSITIONS,
    "marts.mart_funnel_conversion": FUNNEL_CONVERSION,
    "marts.mart_shared_kpis": KPIS + ICP_KPIS,
    "marts.fct_opportunities": OPPORTUNITIES,
    "marts.mart_attribution": ATTRIBUTION,
    "marts.mart_lead_score_calibration": CALIBRATION,
    "marts.mart_lead_feedback": LEAD_FEEDBACK,
    "marts.mart_content_effectiveness": CONTENT,
}


# --- writing -------------------------------------------------------------------------------------


def create_empty_publication(source: Path, target: Path) -> list[str]:
    """Every table of the published schemas of `source`, with its columns and types, empty, in a
    new database `target`; returns their names (schema.table)."""
    names = []
    with duckdb.connect(str(target)) as connection:
        connection.execute(f"attach '{source}' as source (read_only)")
        found = connection.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = 'source' and table_schema in ('marts', 'governance') "
            "order by 1, 2"
        ).fetchall()
        for schema in PUBLISHED_SCHEMAS:
            connection.execute(f"create schema {schema}")
        for schema, table in found:
            connection.execute(
                f"create table {schema}.{table} as select * from source.{schema}.{table} limit 0"
            )
            names.append(f"{schema}.{table}")
        connection.execute("detach source")
    return names


def insert(connection: duckdb.DuckDBPyConnection, table: str, rows: list[Row]) -> None:
    """Insert `rows` (column -> value; columns left out are null) into `table`."""
    for row in rows:
        names = ", ".join(f'"{name}"' for name in row)
        placeholders = ", ".join("?" for _ in row)
        connection.execute(
            f"insert into {table} ({names}) values ({placeholders})", list(row.values())
        )


def copy_publication(template: Path, target: Path) -> Path:
    shutil.copyfile(template, target)
    return target


def write_scenario(template: Path, target: Path) -> Path:
    """A copy of the empty publication `template` at `target`, holding the whole scenario."""
    copy_publication(template, target)
    with duckdb.connect(str(target)) as connection:
        for table, rows in SCENARIO.items():
            insert(connection, table, rows)
    return target
