"""mart_content_effectiveness: a hand-built scenario whose every number is known, and the
generated warehouse against an independent recomputation from the raw rows
(recompute/content.py)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import AS_OF
from hand_built_warehouse import build_hand_built_warehouse
from recompute.content import content_effectiveness
from recompute.raw import RawTables

from orchestration.pipeline import PipelineOutcome

SCENARIO_AS_OF = "2026-06-01 00:00:00"
SYNC = "2026-05-31 00:00:00"
KEY = ["asset_type", "asset_id", "from_stage", "to_stage"]
COUNTS = [
    "engaged_reached",
    "engaged_decided",
    "engaged_converted",
    "not_engaged_decided",
    "not_engaged_converted",
]
RECENT = ["closed_deals_engaged_recently", "won_deals_engaged_recently"]


def _lead(lead_id: str, email: str, **fields: object) -> dict[str, object]:
    return {
        "id": lead_id,
        "email": email,
        "owner_id": "005U1",
        "created_date": "2026-01-01 09:00:00",
        **fields,
    }


def _status(history_id: str, lead_id: str, status: str, at: str) -> dict[str, object]:
    return {
        "id": history_id,
        "lead_id": lead_id,
        "field": "Status",
        "new_value": status,
        "created_date": at,
    }


def _converted(lead_id: str, contact_id: str, opportunity_id: str) -> dict[str, object]:
    return {
        "status": "Closed - Converted",
        "is_converted": True,
        "converted_date": "2026-01-20",
        "converted_contact_id": contact_id,
        "converted_account_id": "001X",
        "converted_opportunity_id": opportunity_id,
    }


def _stages(lead_id: str, mql_at: str, accepted: bool) -> list[dict[str, object]]:
    rows = [_status(f"{lead_id}-1", lead_id, "Marketing Qualified", mql_at)]
    if accepted:
        rows += [
            _status(f"{lead_id}-2", lead_id, "Working - Contacted", "2026-01-12 10:00:00"),
            _status(f"{lead_id}-3", lead_id, "Sales Qualified", "2026-01-15 10:00:00"),
            _status(f"{lead_id}-4", lead_id, "Closed - Converted", "2026-01-20 16:00:00"),
        ]
    return rows


def _history(who: str, stage: str, closed: str) -> tuple[dict[str, object], dict[str, object]]:
    return (
        {
            "id": f"008{who}1",
            "opportunity_id": f"006{who}",
            "stage_name": "Prospecting",
            "created_date": "2026-01-20 16:05:00",
        },
        {
            "id": f"008{who}2",
            "opportunity_id": f"006{who}",
            "stage_name": stage,
            "created_date": closed,
        },
    )


def _form(activity_id: int, lead_id: int, at: str) -> dict[str, object]:
    return {
        "id": activity_id,
        "lead_id": lead_id,
        "activity_date": at,
        "primary_attribute_value": "Demo Request",
        "primary_attribute_value_id": 501,
    }


def _click(activity_id: int, lead_id: int, at: str) -> dict[str, object]:
    return {
        "id": activity_id,
        "lead_id": lead_id,
        "activity_date": at,
        "primary_attribute_value": "Case Study",
        "primary_attribute_value_id": 1001,
    }


def _send_before(click: dict[str, object]) -> dict[str, object]:
    """The send a click follows (the raw gate finds a click without one): an hour earlier, its id
    1000 higher (Marketo activity ids are unique across types). A send is no engagement."""
    sent_at = datetime.fromisoformat(str(click["activity_date"])) - timedelta(hours=1)
    return {**click, "id": int(str(click["id"])) + 1000, "activity_date": str(sent_at)}


CLICKS = [
    _click(301, 2, "2026-01-02 10:00:00"),
    _click(302, 2, "2026-04-20 10:00:00"),
    _click(303, 1, "2026-02-20 10:00:00"),
]

# Four MQLs on 10 January (D's in May; C's recorded by the MAS), as of 1 June. A and B are
# accepted (12 Jan), qualified (15 Jan) and converted into deals (20 Jan): A's is won on 1 March,
# B's lost on 30 April. C is never accepted (its 30-day window has passed), D's window is still
# open.
# Form 501: A filled it before the MQL, B after its MQL but before its SAL, C before its MQL,
# D before its MQL. Email 1001: B clicked before everything (and again ten days before its deal
# was lost), A only after its deal was created (nine days before the win).
RAW_ROWS: dict[str, list[dict[str, object]]] = {
    'salesforce."user"': [
        {"id": "005U1", "name": "Sam Rep", "time_zone_sid_key": "America/New_York"},
    ],
    "salesforce.account": [
        {"id": "001X", "name": "X Corp", "number_of_employees": 250, "owner_id": "005U1"},
    ],
    "salesforce.contact": [
        {
            "id": f"003{who}",
            "account_id": "001X",
            "email": f"{who.lower()}@x.com",
            "created_date": "2026-01-20 16:00:00",
        }
        for who in ("A", "B")
    ],
    'salesforce."lead"': [
        _lead("00QA", "a@x.com", **_converted("00QA", "003A", "006A")),
        _lead("00QB", "b@x.com", **_converted("00QB", "003B", "006B")),
        _lead("00QC", "c@c.com", status="Marketing Qualified"),
        _lead("00QD", "d@d.com", status="Marketing Qualified"),
    ],
    "salesforce.lead_history": [
        *_stages("00QA", "2026-01-10 10:00:00", accepted=True),
        *_stages("00QB", "2026-01-10 10:00:00", accepted=True),
        *_stages("00QD", "2026-05-20 10:00:00", accepted=False),
    ],
    "salesforce.opportunity": [
        {
            "id": f"006{who}",
            "account_id": "001X",
            "type": "New Business",
            "stage_name": stage,
            "amount": 10000,
            "is_closed": True,
            "is_won": stage == "Closed Won",
            "owner_id": "005U1",
            "close_date": closed[:10],
            "created_date": "2026-01-20 16:05:00",
        }
        for who, stage, closed in (
            ("A", "Closed Won", "2026-03-01 11:00:00"),
            ("B", "Closed Lost", "2026-04-30 11:00:00"),
        )
    ],
    "salesforce.opportunity_history": [
        *_history("A", "Closed Won", "2026-03-01 11:00:00"),
        *_history("B", "Closed Lost", "2026-04-30 11:00:00"),
    ],
    "marketo.lead": [
        {
            "id": number,
            "email": f"{who.lower()}@{'x' if who in 'AB' else who.lower()}.com",
            "sfdc_lead_id": f"00Q{who}",
            "lead_status": "New",
            "created_at": "2025-12-01 00:00:00",
        }
        for number, who in enumerate("ABCD", start=1)
    ],
    # C's MQL is recorded by the MAS.
    "marketo.activity_change_data_value": [
        {
            "id": 101,
            "lead_id": 3,
            "activity_date": "2026-01-10 10:00:00",
            "primary_attribute_value": "Lead Status",
            "old_value": "New",
            "new_value": "Marketing Qualified",
        },
    ],
    "marketo.activity_fill_out_form": [
        _form(201, 1, "2026-01-05 10:00:00"),
        _form(202, 2, "2026-01-11 10:00:00"),
        _form(203, 3, "2026-01-01 10:00:00"),
        _form(204, 4, "2026-05-01 10:00:00"),
        _form(205, 1, "2026-02-01 10:00:00"),
    ],
    "marketo.activity_click_email": CLICKS,
    "marketo.activity_send_email": [_send_before(click) for click in CLICKS],
    # Required tables are never empty in a real sync: a call on C and five score points for D,
    # neither of which moves a number below.
    "salesforce.task": [
        {
            "id": "00TC",
            "who_id": "00QC",
            "owner_id": "005U1",
            "type": "Call",
            "status": "Completed",
            "activity_date": "2026-01-11",
            "created_date": "2026-01-11 10:00:00",
            "completed_date_time": "2026-01-11 10:00:00",
            "is_closed": True,
        },
    ],
    "marketo.activity_change_score": [
        {
            "id": 401,
            "lead_id": 4,
            "activity_date": "2026-01-06 00:00:00",
            "primary_attribute_value": "Lead Score",
            "change_value": "+5",
            "old_value": "0",
            "new_value": "5",
        },
    ],
}

# (asset_type, asset_id, from, to): engaged reached / decided / converted, not engaged decided /
# converted.
EXPECTED_COUNTS = {
    # Form: A, C, D engaged before their MQL (D still open); B filled it after its MQL.
    ("form", "501", "mql", "sal"): (3, 2, 1, 1, 1),
    ("form", "501", "sal", "sql"): (2, 2, 2, 0, 0),
    ("form", "501", "sql", "opportunity"): (2, 2, 2, 0, 0),
    # B's lost deal is not decided: its 180-day window is still open.
    ("form", "501", "opportunity", "customer"): (2, 1, 1, 0, 0),
    # Email: only B engaged before any stage.
    ("email", "1001", "mql", "sal"): (1, 1, 1, 2, 1),
    ("email", "1001", "sal", "sql"): (1, 1, 1, 1, 1),
    ("email", "1001", "sql", "opportunity"): (1, 1, 1, 1, 1),
    ("email", "1001", "opportunity", "customer"): (1, 0, 0, 1, 1),
}
EXPECTED_RATES = {
    ("form", "501", "mql", "sal"): (0.5, 1.0, -0.5, 0.5),
    ("form", "501", "sal", "sql"): (1.0, None, None, None),
    ("email", "1001", "mql", "sal"): (1.0, 0.5, 0.5, 2.0),
    ("email", "1001", "sal", "sql"): (1.0, 1.0, 0.0, 1.0),
    ("email", "1001", "opportunity", "customer"): (None, 1.0, None, None),
}
# Deals closed with the asset consumed in the 90 days before: the form only by A (won; B's fill
# was 109 days before its loss), the email by A (won) and B (lost, 10 days before).
EXPECTED_RECENT = {"form": (1, 1, 1.0), "email": (2, 1, 0.5)}


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PipelineOutcome]:
    return build_hand_built_warehouse(
        tmp_path_factory.mktemp("content"), RAW_ROWS, SYNC, SCENARIO_AS_OF
    )


def _mart(database: Path) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as connection:
        frame = connection.execute("select * from marts.mart_content_effectiveness").df()
    return frame.assign(asset_id=frame["asset_id"].astype(str)).set_index(KEY)


def _same(actual: object, expected: float | None) -> bool:
    if expected is None:
        return actual is None or bool(pd.isna(actual))
    return isinstance(actual, float) and math.isclose(actual, expected, abs_tol=1e-9)


def test_the_scenario_builds_cleanly(scenario: tuple[Path, PipelineOutcome]) -> None:
    assert scenario[1].succeeded, scenario[1].summary()


def test_scenario_counts_are_known_exactly(scenario: tuple[Path, PipelineOutcome]) -> None:
    mart = _mart(scenario[0])
    assert set(mart.index) == set(EXPECTED_COUNTS)
    actual = {key: tuple(int(row[c]) for c in COUNTS) for key, row in mart.iterrows()}
    assert actual == EXPECTED_COUNTS


def test_scenario_rates_and_lift(scenario: tuple[Path, PipelineOutcome]) -> None:
    mart = _mart(scenario[0])
    columns = [
        "engaged_conversion_rate",
        "not_engaged_conversion_rate",
        "conversion_lift_points",
        "conversion_lift_ratio",
    ]
    for key, expected in EXPECTED_RATES.items():
        row = mart.loc[key]
        assert all(_same(row[c], e) for c, e in zip(columns, expected, strict=True)), (
            key,
            row[columns].to_dict(),
        )
    assert not mart["is_sample_sufficient"].any(), "a handful of cycles is no sample"


def test_scenario_content_before_won_and_lost_deals(
    scenario: tuple[Path, PipelineOutcome],
) -> None:
    mart = _mart(scenario[0]).reset_index()
    closing = mart[mart["to_stage"] == "customer"].set_index("asset_type")
    for asset_type, (closed, won, rate) in EXPECTED_RECENT.items():
        row = closing.loc[asset_type]
        assert (row["lookback_days"], *(int(row[c]) for c in RECENT)) == (90, closed, won)
        assert _same(row["recent_engagement_win_rate"], rate)
    others = mart[mart["to_stage"] != "customer"]
    assert others[["lookback_days", *RECENT, "recent_engagement_win_rate"]].isna().all().all()


def test_content_effectiveness_equals_its_recomputation_from_raw(
    built: tuple[Path, PipelineOutcome],
) -> None:
    database, _ = built
    mart = _mart(database)
    mine = content_effectiveness(RawTables(database), pd.Timestamp(AS_OF))
    assert len(mart) > 50, "the generated warehouse engages with many assets"
    assert set(mart.index) == set(mine.index)
    mismatches = []
    for column in COUNTS + RECENT:
        joined = mart[[column]].join(mine[[column]].add_suffix("_recomputed"))
        differs = joined[column].fillna(-1) != joined[f"{column}_recomputed"].fillna(-1)
        mismatches += [f"{column} {key}: {tuple(row)}" for key, row in joined[differs].iterrows()]
    assert not mismatches, "\n".join(mismatches[:20])


def test_rates_follow_from_the_counts(built: tuple[Path, PipelineOutcome]) -> None:
    mart = _mart(built[0])
    engaged = mart["engaged_converted"] / mart["engaged_decided"].where(mart["engaged_decided"] > 0)
    others = mart["not_engaged_converted"] / mart["not_engaged_decided"].where(
        mart["not_engaged_decided"] > 0
    )
    pd.testing.assert_series_equal(
        mart["engaged_conversion_rate"], engaged, check_names=False, check_dtype=False
    )
    pd.testing.assert_series_equal(
        mart["not_engaged_conversion_rate"], others, check_names=False, check_dtype=False
    )
    pd.testing.assert_series_equal(
        mart["conversion_lift_points"], engaged - others, check_names=False, check_dtype=False
    )
    sufficient = (mart["engaged_decided"] >= 30) & (mart["not_engaged_decided"] >= 30)
    assert (mart["is_sample_sufficient"] == sufficient).all()
    assert mart["is_sample_sufficient"].any(), "some assets have samples worth comparing"
