"""Email performance on a hand-built email program (email_scenario.py) run through the whole
pipeline: exact per-send figures in fct_email_sends, exact per-template, campaign, program and
total figures and rates in mart_email_performance, the semantic layer's email metrics, and the
mart gate's email suites (passing on the scenario, failing on broken copies of it)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from email_scenario import AS_OF, EMAIL_ROWS, EMAIL_WHO, SYNC
from hand_built_warehouse import build_hand_built_warehouse
from semantic_layer import ask

from orchestration.checks.outcomes import ExpectationOutcome
from orchestration.checks.suites import load_suites
from orchestration.checks.validate import run_gate
from orchestration.pipeline import PipelineOutcome

Built = tuple[Path, PipelineOutcome]
WHO = "coalesce(p.crm_lead_id, cast(p.mas_lead_id as varchar))"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_hand_built_warehouse(tmp_path_factory.mktemp("email"), EMAIL_ROWS, SYNC, AS_OF)


def _rows(database: Path, sql: str) -> list[dict[str, object]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        cursor = connection.execute(sql)
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_the_scenario_builds_cleanly(built: Built) -> None:
    _, outcome = built
    assert outcome.succeeded, outcome.summary()


def test_each_send_with_what_became_of_it(built: Built) -> None:
    database, _ = built
    names = {record_id: name for name, record_id in EMAIL_WHO.items()}
    rows = _rows(
        database,
        f"select {WHO} as who, s.* from marts.fct_email_sends as s "
        "join marts.dim_person as p using (person_key)",
    )
    sends = {row["send_activity_id"]: {**row, "who": names[str(row["who"])]} for row in rows}
    columns = [
        "who", "campaign_id", "campaign_run_id", "email_template_id", "email_template_version",
        "email_template_name", "sent_at", "is_delivered", "is_bounced", "bounce_category",
        "open_count", "click_count", "is_opened", "is_clicked", "first_opened_at",
        "first_clicked_at", "is_unsubscribed", "unsubscribed_at",
    ]  # fmt: skip
    measured = {send: tuple(row[c] for c in columns) for send, row in sends.items()}
    launch, launch_v2, invite = "Launch Email", "Launch Email (v2)", "Webinar Invite"
    assert measured == {
        # S0: sent to Eve's duplicate, opened on Eve's surviving record after the merge.
        "2000": ("eve", "701", "4001", "900", 1, launch, t("2026-01-20 09:00:00"),
                 True, False, None, 1, 0, True, False, t("2026-02-05 10:00:00"), None,
                 False, None),
        # S1: two opens (the second after S6's send, naming S1's run), three clicks (the
        # deleted fourth left out).
        "2001": ("alice", "701", "5001", "900", 1, launch, t("2026-03-10 09:00:00"),
                 True, False, None, 2, 3, True, True, t("2026-03-10 10:00:00"),
                 t("2026-03-10 10:01:00"), False, None),
        "2002": ("dana", "701", "5001", "900", 1, launch, t("2026-03-10 09:00:00"),
                 False, True, "hard", 0, 0, False, False, None, None, False, None),
        "2003": ("eve", "701", "5001", "900", 1, launch, t("2026-03-10 09:00:00"),
                 False, True, "soft", 0, 0, False, False, None, None, False, None),
        # S6: the same email from the same campaign in a later run, version 2 by then.
        "2006": ("alice", "701", "5003", "900", 2, launch_v2, t("2026-03-20 09:00:00"),
                 True, False, None, 0, 0, False, False, None, None, False, None),
        "2004": ("alice", "702", "5002", "901", 1, invite, t("2026-04-01 09:00:00"),
                 True, False, None, 1, 0, True, False, t("2026-04-01 12:00:00"), None,
                 True, t("2026-04-02 08:00:00")),
        # S5: clicked with images blocked: opened at the click.
        "2005": ("eve", "702", "5002", "901", 1, invite, t("2026-04-01 09:00:00"),
                 True, False, None, 0, 1, True, True, t("2026-04-01 15:00:00"),
                 t("2026-04-01 15:00:00"), False, None),
    }  # fmt: skip
    assert {row["source_system"] for row in rows} == {"mas"}
    assert {row["program_id"] for row in rows} == {"70"}
    keys = _rows(
        database,
        "select distinct s.campaign_key, c.campaign_name from marts.fct_email_sends as s "
        "join marts.dim_campaign as c using (campaign_key)",
    )
    assert keys == [{"campaign_key": keys[0]["campaign_key"], "campaign_name": "Spring Launch"}]
    assert {str(row["sent_month"]) for row in rows} == {"2026-01-01", "2026-03-01", "2026-04-01"}


PERFORMANCE_COLUMNS = [
    "rollup_name", "sends", "delivered", "bounces", "hard_bounces", "opens", "unique_opens",
    "clicks", "unique_clicks", "unsubscribes", "persons_sent", "delivery_rate", "bounce_rate",
    "open_rate", "click_rate", "click_to_open_rate", "unsubscribe_rate",
]  # fmt: skip


def _performance(database: Path) -> dict[tuple[str, str, str], tuple[object, ...]]:
    rows = _rows(database, "select * from marts.mart_email_performance")
    return {
        (str(row["rollup_level"]), str(row["rollup_id"]), str(row["month_start"])): tuple(
            row[c] for c in PERFORMANCE_COLUMNS
        )
        for row in rows
    }


def test_per_template_campaign_program_and_month(built: Built) -> None:
    database, _ = built
    launch = "Launch Email (v2)"  # named as in its latest send
    # January: S0, delivered and opened. March: S1, S6 delivered (S1 opened twice, clicked
    # three times), S2 hard and S3 soft bounce; Alice, Dana, Eve. April: S4 opened and
    # unsubscribed, S5 clicked without an open; Alice and Eve.
    january = (1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0)
    march = (4, 2, 2, 1, 2, 1, 3, 1, 0, 3, 0.5, 0.5, 0.5, 0.5, 1.0, 0.0)
    april = (2, 2, 0, 0, 1, 2, 1, 1, 1, 2, 1.0, 0.0, 1.0, 0.5, 0.5, 0.5)
    program = "Spring Launch"
    assert _performance(database) == {
        ("template", "900", "2026-01-01"): (launch, *january),
        ("template", "900", "2026-03-01"): (launch, *march),
        ("template", "901", "2026-04-01"): ("Webinar Invite", *april),
        ("campaign", "701", "2026-01-01"): (f"{program} / campaign 701", *january),
        ("campaign", "701", "2026-03-01"): (f"{program} / campaign 701", *march),
        ("campaign", "702", "2026-04-01"): (f"{program} / campaign 702", *april),
        ("program", "70", "2026-01-01"): (program, *january),
        ("program", "70", "2026-03-01"): (program, *march),
        ("program", "70", "2026-04-01"): (program, *april),
        ("total", "all", "2026-01-01"): ("All email sends", *january),
        ("total", "all", "2026-03-01"): ("All email sends", *march),
        ("total", "all", "2026-04-01"): ("All email sends", *april),
    }


def test_the_semantic_layer_gives_the_mart_rates(built: Built, tmp_path: Path) -> None:
    database, _ = built
    metrics = [
        "email_sends", "emails_delivered", "delivery_rate", "bounce_rate", "open_rate",
        "click_rate", "click_to_open_rate", "unsubscribe_rate",
    ]  # fmt: skip
    by_template = ask(
        database, metrics, "email_send__email_template_id", tmp_path / "t.csv"
    ).set_index("email_send__email_template_id")
    measured = {
        str(template): tuple(round(float(row[m]), 6) for m in metrics)
        for template, row in by_template.iterrows()
    }
    # Email 900 over both months: 5 sends, 3 delivered, 2 opened, 1 clicked, none unsubscribed.
    assert measured == {
        "900": (5, 3, 0.6, 0.4, round(2 / 3, 6), round(1 / 3, 6), 0.5, 0.0),
        "901": (2, 2, 1.0, 0.0, 1.0, 0.5, 0.5, 0.5),
    }


def _email_gate(database: Path, tmp_path: Path) -> dict[str, ExpectationOutcome]:
    suites = [suite for suite in load_suites("marts") if suite.name.startswith("marts_email")]
    assert {suite.name for suite in suites} == {
        "marts_email_performance",
        "marts_email_performance_reconciles",
        "marts_email_sends",
    }
    with duckdb.connect(str(database)) as connection:
        report = run_gate("marts", connection, "test", None, tmp_path / "docs", suites=suites)
    return {f"{outcome.suite}.{outcome.expectation}": outcome for outcome in report.outcomes}


def test_the_email_gate_passes_on_the_scenario(built: Built, tmp_path: Path) -> None:
    database, _ = built
    copy = tmp_path / "copy.duckdb"
    shutil.copy(database, copy)
    outcomes = _email_gate(copy, tmp_path)
    assert len(outcomes) == 18
    assert all(outcome.passed for outcome in outcomes.values()), [
        name for name, outcome in outcomes.items() if not outcome.passed
    ]


def test_the_email_gate_finds_impossible_rates_and_counts(built: Built, tmp_path: Path) -> None:
    database, _ = built
    copy = tmp_path / "copy.duckdb"
    shutil.copy(database, copy)
    with duckdb.connect(str(copy)) as connection:
        # More unique clicks than opens, and an open rate above 1, on April's template row.
        connection.execute(
            "update marts.mart_email_performance set unique_clicks = 3, open_rate = 1.5 "
            "where rollup_level = 'template' and rollup_id = '901'"
        )
        # A send counted twice in the fact: the mart no longer reconciles with it.
        connection.execute(
            "insert into marts.fct_email_sends select * from marts.fct_email_sends "
            "where send_activity_id = '2005'"
        )
        # A click without an open, and an open before its send.
        connection.execute(
            "update marts.fct_email_sends set is_opened = false, "
            "first_opened_at = timestamp '2026-01-01 00:00:00' where send_activity_id = '2001'"
        )
    outcomes = _email_gate(copy, tmp_path)
    failed = {name for name, outcome in outcomes.items() if not outcome.passed}
    assert failed == {
        "marts_email_performance.expect_column_values_to_be_between(open_rate)",
        "marts_email_performance.expect_column_pair_values_a_to_be_greater_than_b"
        "(unique_opens, unique_clicks)",
        "marts_email_performance_reconciles.expect_column_pair_values_to_be_equal"
        "(mart_sends, fact_sends)",
        "marts_email_performance_reconciles.expect_column_pair_values_to_be_equal"
        "(mart_delivered, fact_delivered)",
        "marts_email_performance_reconciles.expect_column_pair_values_to_be_equal"
        "(mart_unique_opens, fact_unique_opens)",
        "marts_email_performance_reconciles.expect_column_pair_values_to_be_equal"
        "(mart_unique_clicks, fact_unique_clicks)",
        "marts_email_sends.expect_column_values_to_be_between(clicked_not_opened)",
        "marts_email_sends.expect_column_values_to_be_between(events_before_send)",
    }
    assert all(outcomes[name].severity == "critical" for name in failed)


PUBLISHED_COLUMNS = {
    "fct_email_sends": [
        "email_send_key", "person_key", "source_system", "send_activity_id", "campaign_key",
        "program_id", "campaign_id", "campaign_run_id", "email_template_id",
        "email_template_name", "email_template_version", "sent_at", "sent_month",
        "is_delivered", "is_bounced", "bounce_category", "delivered_at", "open_count",
        "click_count", "is_opened", "is_clicked", "first_opened_at", "first_clicked_at",
        "is_unsubscribed", "unsubscribed_at",
    ],
    "mart_email_performance": [
        "rollup_level", "rollup_id", "rollup_name", "month_start", "sends", "delivered",
        "bounces", "hard_bounces", "opens", "unique_opens", "clicks", "unique_clicks",
        "unsubscribes", "persons_sent", "delivery_rate", "bounce_rate", "open_rate",
        "click_rate", "click_to_open_rate", "unsubscribe_rate",
    ],
}  # fmt: skip


def test_the_email_marts_are_published_with_the_agreed_columns(built: Built) -> None:
    database, _ = built
    published = database.parent.parent / "funnel.duckdb"
    for table, columns in PUBLISHED_COLUMNS.items():
        rows = _rows(
            published,
            "select column_name from information_schema.columns "
            f"where table_schema = 'marts' and table_name = '{table}' order by ordinal_position",
        )
        assert [row["column_name"] for row in rows] == columns, table
