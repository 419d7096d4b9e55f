"""mart_program_performance: a hand-built scenario whose every number is known, and the generated
warehouse against an independent recomputation from the raw rows (recompute/email_program.py),
which also checks mart_email_performance per template and per program and month."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hand_built_warehouse import build_hand_built_warehouse
from recompute.email_program import EMAIL_COUNTS, EmailProgram
from recompute.raw import RawTables
from semantic_layer import ask

from orchestration.pipeline import PipelineOutcome

Built = tuple[Path, PipelineOutcome]
SCENARIO_AS_OF = "2026-06-01 00:00:00"
SYNC = "2026-05-31 00:00:00"
WEBINAR, NURTURE = "10", "20"
MARCH, APRIL = pd.Timestamp("2026-03-01"), pd.Timestamp("2026-04-01")


def _status(history_id: str, status: str, at: str) -> dict[str, object]:
    return {
        "id": history_id,
        "lead_id": "00QA",
        "field": "Status",
        "new_value": status,
        "created_date": at,
    }


def _email(
    activity_id: int, lead_id: int, at: str, program: str, **fields: object
) -> dict[str, object]:
    """An email activity of the program's send campaign (1<program>), template <program>01, run
    <program>0."""
    return {
        "id": activity_id,
        "lead_id": lead_id,
        "activity_date": at,
        "primary_attribute_value": f"Email {program}01",
        "primary_attribute_value_id": int(f"{program}01"),
        "campaign_id": int(f"1{program}"),
        "campaign_run_id": int(f"{program}0"),
        "email_template_id": int(f"{program}01"),
        **fields,
    }


# A (CRM lead 00QA, MAS lead 1) becomes an MQL on 10 March and is converted into deal 006A
# (New Business, 10,000) on 20 March; B (00QB, MAS lead 2) and C (MAS lead 3 only) never
# qualify.
# Program 10, "Spring Webinar" (CRM campaign " spring webinar" costs 3,000 of a 5,000 budget):
# on 1 March its run 100 sends email 1001 to A, B and C; B's bounces (hard), A opens twice and
# clicks twice, C unsubscribes. A fills out the program's form on 5 March.
# Program 20, "Product Nurture" (no CRM campaign): A changes program status in it on 15 March
# (after the MQL, before the deal); on 2 April its run 200 sends email 2001 to A (opened) and
# B (clicked with images blocked: no open); a send to C was deleted at the source.
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
            "email": "a@x.com",
            "created_date": "2026-03-20 16:00:00",
        },
    ],
    'salesforce."lead"': [
        {
            "id": "00QA",
            "email": "a@x.com",
            "owner_id": "005U1",
            "created_date": "2026-01-01 09:00:00",
            "status": "Closed - Converted",
            "is_converted": True,
            "converted_date": "2026-03-20",
            "converted_contact_id": "003A",
            "converted_account_id": "001X",
            "converted_opportunity_id": "006A",
        },
        {
            "id": "00QB",
            "email": "b@b.com",
            "owner_id": "005U1",
            "created_date": "2026-01-01 09:00:00",
            "status": "Open - Not Contacted",
        },
    ],
    "salesforce.lead_history": [
        _status("017A1", "Marketing Qualified", "2026-03-10 10:00:00"),
        _status("017A2", "Working - Contacted", "2026-03-12 10:00:00"),
        _status("017A3", "Sales Qualified", "2026-03-18 10:00:00"),
        _status("017A4", "Closed - Converted", "2026-03-20 16:00:00"),
    ],
    "salesforce.opportunity": [
        {
            "id": "006A",
            "account_id": "001X",
            "type": "New Business",
            "stage_name": "Prospecting",
            "amount": 10000,
            "is_closed": False,
            "is_won": False,
            "owner_id": "005U1",
            "close_date": "2026-07-01",
            "created_date": "2026-03-20 16:05:00",
        },
    ],
    "salesforce.opportunity_history": [
        {
            "id": "008A1",
            "opportunity_id": "006A",
            "stage_name": "Prospecting",
            "amount": 10000,
            "close_date": "2026-07-01",
            "created_date": "2026-03-20 16:05:00",
        },
    ],
    "salesforce.campaign": [
        {
            "id": "701W",
            "name": " spring WEBINAR",
            "type": "Webinar",
            "status": "Completed",
            "actual_cost": 3000.0,
            "budgeted_cost": 5000.0,
            "created_date": "2026-02-01 09:00:00",
        },
        {
            "id": "701T",
            "name": "Trade show",
            "type": "Event",
            "status": "Completed",
            "actual_cost": 9000.0,
            "budgeted_cost": 9000.0,
            "created_date": "2026-02-01 09:00:00",
        },
    ],
    "salesforce.task": [
        {
            "id": "00TA",
            "who_id": "00QA",
            "owner_id": "005U1",
            "type": "Call",
            "status": "Completed",
            "activity_date": "2026-03-11",
            "created_date": "2026-03-11 10:00:00",
            "completed_date_time": "2026-03-11 10:00:00",
            "is_closed": True,
        },
    ],
    "marketo.lead": [
        {
            "id": number,
            "email": email,
            "sfdc_lead_id": crm_lead,
            "lead_status": "New",
            "created_at": "2026-01-01 00:00:00",
        }
        for number, email, crm_lead in (
            (1, "a@x.com", "00QA"),
            (2, "b@b.com", "00QB"),
            (3, "c@c.com", None),
        )
    ],
    "marketo.program": [
        {
            "id": 10,
            "name": "Spring Webinar",
            "type": "Event",
            "channel": "Webinar",
            "status": "on",
            "created_at": "2026-02-01 00:00:00",
        },
        {
            "id": 20,
            "name": "Product Nurture",
            "type": "Nurture",
            "channel": "Email Nurture",
            "status": "on",
            "created_at": "2026-02-01 00:00:00",
        },
    ],
    "marketo.campaign": [
        {"id": 110, "name": "Spring Webinar - Send", "type": "batch", "program_id": 10},
        {"id": 120, "name": "Product Nurture - Send", "type": "batch", "program_id": 20},
    ],
    "marketo.activity_send_email": [
        _email(1, 1, "2026-03-01 09:00:00", WEBINAR),
        _email(2, 2, "2026-03-01 09:00:00", WEBINAR),
        _email(3, 3, "2026-03-01 09:00:00", WEBINAR),
        _email(4, 1, "2026-04-02 09:00:00", NURTURE),
        _email(5, 2, "2026-04-02 09:00:00", NURTURE),
        _email(6, 3, "2026-04-02 09:00:00", NURTURE, _fivetran_deleted=True),
    ],
    "marketo.activity_email_delivered": [
        _email(11, 1, "2026-03-01 09:01:00", WEBINAR),
        _email(13, 3, "2026-03-01 09:01:00", WEBINAR),
        _email(14, 1, "2026-04-02 09:01:00", NURTURE),
        _email(15, 2, "2026-04-02 09:01:00", NURTURE),
    ],
    "marketo.activity_email_bounced": [
        _email(12, 2, "2026-03-01 09:01:00", WEBINAR, category="1", details="550 no such user"),
    ],
    "marketo.activity_open_email": [
        _email(21, 1, "2026-03-01 10:00:00", WEBINAR),
        _email(22, 1, "2026-03-02 10:00:00", WEBINAR),
        _email(23, 1, "2026-04-02 11:00:00", NURTURE),
    ],
    "marketo.activity_click_email": [
        _email(31, 1, "2026-03-01 10:05:00", WEBINAR, link="https://x.com/webinar"),
        _email(32, 1, "2026-03-03 10:05:00", WEBINAR, link="https://x.com/webinar"),
        _email(33, 2, "2026-04-03 10:05:00", NURTURE, link="https://x.com/nurture"),
    ],
    "marketo.activity_unsubscribe_email": [
        _email(41, 3, "2026-03-01 12:00:00", WEBINAR),
    ],
    "marketo.activity_fill_out_form": [
        {
            "id": 51,
            "lead_id": 1,
            "activity_date": "2026-03-05 10:00:00",
            "primary_attribute_value": "Webinar Registration",
            "primary_attribute_value_id": 501,
            "campaign_id": 110,
        },
    ],
    "marketo.activity_change_status_in_progression": [
        {
            "id": 61,
            "lead_id": 1,
            "activity_date": "2026-03-15 10:00:00",
            "program_id": 20,
            "old_status": "Member",
            "new_status": "Engaged",
            "success": False,
        },
    ],
    # Required tables are never empty in a real sync: a title change of C and five score points
    # for B (a call on A above), none of which moves a number below.
    "marketo.activity_change_data_value": [
        {
            "id": 81,
            "lead_id": 3,
            "activity_date": "2026-01-06 00:00:00",
            "primary_attribute_value": "Job Title",
            "old_value": "Analyst",
            "new_value": "Manager",
        },
    ],
    "marketo.activity_change_score": [
        {
            "id": 71,
            "lead_id": 2,
            "activity_date": "2026-01-06 00:00:00",
            "primary_attribute_value": "Lead Score",
            "change_value": "+5",
            "old_value": "0",
            "new_value": "5",
        },
    ],
}

PERFORMANCE = [
    "persons_touched",
    "mqls_influenced",
    "opportunities_influenced",
    "influenced_pipeline_amount",
    "attributed_pipeline_amount",
    "sends",
    "delivered",
    "unique_opens",
    "unique_clicks",
    "unsubscribes",
    "open_rate",
    "click_rate",
    "actual_cost",
    "budgeted_cost",
    "cost_per_mql",
]
# (program, month or None for all time): the columns of PERFORMANCE, None for null.
# Deal 006A has four touches in the year before it: A's two clicks and form fill in program 10
# and the status change in program 20 (linear credit 0.25 each): 7,500 and 2,500 of its 10,000.
# A's MQL (10 March) follows program 10's touches; program 20's came after it.
EXPECTED = {
    (WEBINAR, MARCH): (3, 1, 1, 10000, 7500, 3, 2, 1, 1, 1, 0.5, 0.5, None, None, None),
    (WEBINAR, None): (3, 1, 1, 10000, 7500, 3, 2, 1, 1, 1, 0.5, 0.5, 3000, 5000, 3000),
    (NURTURE, MARCH): (1, 0, 1, 10000, 2500, 0, 0, 0, 0, 0, None, None, None, None, None),
    (NURTURE, APRIL): (2, 0, 0, 0, 0, 2, 2, 2, 1, 0, 1.0, 0.5, None, None, None),
    (NURTURE, None): (2, 0, 1, 10000, 2500, 2, 2, 2, 1, 0, 1.0, 0.5, None, None, None),
}


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_hand_built_warehouse(
        tmp_path_factory.mktemp("program_performance"), RAW_ROWS, SYNC, SCENARIO_AS_OF
    )


def _query(database: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).df()


def _performance(database: Path) -> pd.DataFrame:
    frame = _query(database, "select * from marts.mart_program_performance")
    return frame.assign(
        program_id=frame["program_id"].astype(str),
        month_start=pd.to_datetime(frame["month_start"]),
    )


def _same(actual: object, expected: float | None) -> bool:
    if expected is None:
        return actual is None or bool(pd.isna(actual))  # type: ignore[arg-type]
    return actual is not None and math.isclose(float(actual), expected, abs_tol=1e-9)  # type: ignore[arg-type]


def test_the_scenario_builds_and_passes_the_gates(scenario: Built) -> None:
    assert scenario[1].succeeded, scenario[1].summary()


def test_scenario_program_figures_are_known_exactly(scenario: Built) -> None:
    mart = _performance(scenario[0])
    actual = {
        (row["program_id"], None if pd.isna(row["month_start"]) else row["month_start"]): row
        for row in mart.to_dict("records")
    }
    assert set(actual) == set(EXPECTED)
    names = {row["program_id"]: row["program_name"] for row in actual.values()}
    assert names == {WEBINAR: "Spring Webinar", NURTURE: "Product Nurture"}
    wrong = {
        (key, column): (actual[key][column], value)
        for key, expected in EXPECTED.items()
        for column, value in zip(PERFORMANCE, expected, strict=True)
        if not _same(actual[key][column], value)
    }
    assert not wrong, wrong
    grains = {key: actual[key]["period_grain"] for key in actual}
    assert {key for key, grain in grains.items() if grain == "all_time"} == {
        (WEBINAR, None),
        (NURTURE, None),
    }


def test_scenario_email_columns_agree_with_email_performance(scenario: Built) -> None:
    """The program rows of mart_email_performance count the same sends, and count every open
    and click besides (A opened program 10's email twice and clicked it twice)."""
    email = _query(
        scenario[0],
        "select rollup_id, month_start, sends, delivered, unique_opens, opens, unique_clicks, "
        "clicks, unsubscribes from marts.mart_email_performance where rollup_level = 'program'",
    )
    rows = {
        (row["rollup_id"], pd.Timestamp(row["month_start"])): tuple(
            int(row[c]) for c in (*EMAIL_COUNTS, "opens", "clicks")
        )
        for row in email.to_dict("records")
    }
    assert rows == {
        (WEBINAR, MARCH): (3, 2, 1, 1, 1, 2, 2),
        (NURTURE, APRIL): (2, 2, 2, 1, 0, 1, 1),
    }


def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """Indexed by the frame's index with months as text ('all time' for none)."""
    names = list(frame.index.names)
    flat = frame.reset_index()
    flat["month_start"] = pd.to_datetime(flat["month_start"]).dt.strftime("%Y-%m-%d")
    flat["month_start"] = flat["month_start"].fillna("all time")
    return flat.set_index(names)


def _compare(mart: pd.DataFrame, mine: pd.DataFrame, columns: list[str]) -> list[str]:
    """Rows of either side, missing ones as zero counts: each difference as a line."""
    joined = _keyed(mart)[columns].join(
        _keyed(mine)[columns].add_suffix("_recomputed"), how="outer"
    )
    problems = []
    for column in columns:
        theirs = joined[column].fillna(0).astype(float)
        ours = joined[f"{column}_recomputed"].fillna(0).astype(float)
        differs = (theirs - ours).abs() > 1e-6
        problems += [
            f"{column} {key}: mart {theirs[key]}, recomputed {ours[key]}"
            for key in joined.index[differs]
        ]
    return problems


@pytest.fixture(scope="module")
def recomputed(built: Built) -> EmailProgram:
    database, outcome = built
    assert outcome.succeeded, outcome.summary()
    return EmailProgram(RawTables(database))


@pytest.mark.parametrize("level", ["template", "program"])
def test_email_performance_equals_its_recomputation_from_raw(
    built: Built, recomputed: EmailProgram, level: str
) -> None:
    mart = _query(
        built[0], f"select * from marts.mart_email_performance where rollup_level = '{level}'"
    )
    mart = mart.assign(month_start=pd.to_datetime(mart["month_start"])).set_index(
        ["rollup_id", "month_start"]
    )
    mine = recomputed.email_performance(level)
    mine.index = mine.index.set_names(["rollup_id", "month_start"])
    assert len(mine) > 20, "the generated warehouse sends many emails"
    assert mine["unique_clicks"].sum() > 0 and mine["bounces"].sum() > 0
    columns = [*EMAIL_COUNTS, "bounces", "opens", "clicks"]
    problems = _compare(mart, mine, columns)
    assert not problems, "\n".join(problems[:20])


def test_program_performance_equals_its_recomputation_from_raw(
    built: Built, recomputed: EmailProgram
) -> None:
    mart = _performance(built[0]).set_index(["program_id", "period_grain", "month_start"])
    mine = recomputed.program_performance()
    assert mine["mqls_influenced"].sum() > 0 and mine["sends"].sum() > 0
    problems = _compare(
        mart, mine, ["persons_touched", "mqls_influenced", *EMAIL_COUNTS, "actual_cost"]
    )
    problems += _compare(mart, mine, ["budgeted_cost"])
    assert not problems, "\n".join(problems[:20])
    all_time = mart.xs("all_time", level="period_grain")
    assert (all_time["actual_cost"].notna()).all(), "every generated program has a CRM campaign"
    costed = all_time[all_time["mqls_influenced"] > 0]
    assert (
        costed["cost_per_mql"] - costed["actual_cost"] / costed["mqls_influenced"]
    ).abs().max() < 1e-9


def test_semantic_layer_answers_the_program_months(built: Built, tmp_path: Path) -> None:
    """The program metrics, asked by program as a BI tool does, sum the mart's month rows."""
    database, _ = built
    metrics = [
        "program_mqls_influenced",
        "program_opportunities_influenced",
        "program_influenced_pipeline",
        "program_attributed_pipeline",
    ]
    asked = ask(
        database, metrics, "program_performance__program_name", tmp_path / "programs.csv"
    ).set_index("program_performance__program_name")
    mart = _query(
        database,
        "select program_name, sum(mqls_influenced) as program_mqls_influenced, "
        "sum(opportunities_influenced) as program_opportunities_influenced, "
        "sum(influenced_pipeline_amount) as program_influenced_pipeline, "
        "sum(attributed_pipeline_amount) as program_attributed_pipeline "
        "from marts.mart_program_performance where period_grain = 'month' group by 1",
    ).set_index("program_name")
    assert len(mart) > 10 and mart["program_mqls_influenced"].sum() > 0
    pd.testing.assert_frame_equal(
        asked[metrics].sort_index(),
        mart[metrics].sort_index(),
        check_dtype=False,
        check_names=False,
    )
