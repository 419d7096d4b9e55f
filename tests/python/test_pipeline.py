"""End to end: generate raw data, run the whole pipeline headless, read what BI would read."""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from project_tools import run_project_tool

from orchestration.cli import main
from orchestration.pipeline import PipelineOutcome, run_pipeline
from orchestration.raw.generator import generate

AS_OF = datetime(2026, 11, 1)
STAGING_MODELS = {
    "stg_salesforce__users",
    "stg_salesforce__user_roles",
    "stg_salesforce__accounts",
    "stg_salesforce__contacts",
    "stg_salesforce__leads",
    "stg_salesforce__lead_history",
    "stg_salesforce__opportunities",
    "stg_salesforce__opportunity_history",
    "stg_salesforce__tasks",
    "stg_salesforce__events",
    "stg_salesforce__campaigns",
    "stg_salesforce__campaign_members",
    "stg_marketo__leads",
    "stg_marketo__activities",
    "stg_marketo__lead_merges",
    "stg_marketo__programs",
    "stg_marketo__campaigns",
}


def _query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_run_succeeds_with_every_dbt_test_passing(built: tuple[Path, PipelineOutcome]) -> None:
    _, outcome = built
    assert outcome.failed_steps == []
    assert outcome.failed_checks == []
    assert outcome.gate_failures == []
    assert outcome.succeeded
    assert outcome.checks_passed >= 50, "the staging layer's dbt tests should run as checks"


def test_the_run_judges_at_its_as_of_and_forgets_it_afterwards(
    built: tuple[Path, PipelineOutcome],
    built_run: tuple[Path, PipelineOutcome, dict[str, str]],
) -> None:
    """The as-of reaches dbt for the run only: open stages and SLA clocks are judged at it, and
    a later run in the same process without one is judged at its own time."""
    database, _ = built
    assert _query(database, "select distinct as_of from marts.fct_lead_cycles") == [(AS_OF,)]
    # The environment of the process that made the run (maybe another xdist worker), right after.
    _, _, environment_after_run = built_run
    assert "FUNNEL_AS_OF" not in environment_after_run
    assert "FUNNEL_AS_OF" not in os.environ


def test_staging_lands_in_the_unprefixed_staging_schema(
    built: tuple[Path, PipelineOutcome],
) -> None:
    database, _ = built
    rows = _query(
        database, "select table_name from information_schema.tables where table_schema = 'staging'"
    )
    assert STAGING_MODELS <= {name for (name,) in rows}


PUBLISHED_MARTS = {
    "dim_person",
    "dim_account",
    "dim_user",
    "dim_campaign",
    "dim_funnel_stage",
    "dim_date",
    "fct_funnel_transitions",
    "fct_lead_cycles",
    "mart_handoff_context",
    "fct_sla_instances",
    "mart_sla_compliance",
    "mart_lead_leakage",
    "mart_attribution",
    "mart_funnel_conversion",
    "mart_lead_score_calibration",
    "fct_opportunities",
    "fct_pipeline_snapshots",
    "mart_shared_kpis",
    "fct_email_sends",
    "mart_email_performance",
    "mart_program_performance",
}
LEAD_CYCLE_COLUMNS = [
    "person_key",
    "cycle_number",
    "crm_lead_id",
    "lead_at",
    "mql_at",
    "sal_at",
    "sql_at",
    "opportunity_id",
    "opportunity_created_at",
    "won_at",
    "lost_at",
    "recycled_at",
    "disqualified_at",
    "current_stage",
    "is_marketing_sourced",
]


def test_published_marts_carry_the_agreed_names(built: tuple[Path, PipelineOutcome]) -> None:
    database = built[0].parent.parent / "funnel.duckdb"
    tables = {
        name
        for (name,) in _query(
            database,
            "select table_name from information_schema.tables where table_schema = 'marts'",
        )
    }
    assert tables >= PUBLISHED_MARTS
    columns = {
        name
        for (name,) in _query(
            database,
            "select column_name from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'fct_lead_cycles'",
        )
    }
    assert set(LEAD_CYCLE_COLUMNS) <= columns


def test_every_generated_person_lands_once_in_dim_person(
    built: tuple[Path, PipelineOutcome],
) -> None:
    database, _ = built
    [(people, distinct_leads, leads)] = _query(
        database,
        "select count(*), count(distinct crm_lead_id), "
        "(select count(*) from staging.stg_salesforce__leads) from marts.dim_person",
    )
    # 1,500 generated people: a few are deleted in Marketo, none is split or doubled.
    assert 1400 <= people <= 1500
    assert distinct_leads == leads


def test_business_clocks_cover_every_rep_time_zone(built: tuple[Path, PipelineOutcome]) -> None:
    """The hand-computed business-time checks run for each zone that has a clock."""
    database, _ = built
    zones = {
        zone
        for (zone,) in _query(
            database, "select distinct time_zone from intermediate.int_sla_clock_days"
        )
    }
    assert {"America/New_York", "Europe/London", "Asia/Kolkata"} <= zones


def test_staging_drops_deletions_and_keeps_one_row_per_id(
    built: tuple[Path, PipelineOutcome],
) -> None:
    database, _ = built
    [(expected,)] = _query(
        database,
        "select count(distinct id) from salesforce.lead "
        "where not coalesce(is_deleted, false) and not coalesce(_fivetran_deleted, false)",
    )
    [(staged, distinct)] = _query(
        database, "select count(*), count(distinct lead_id) from staging.stg_salesforce__leads"
    )
    assert staged == distinct == expected


def test_emails_are_normalised_for_identity_matching(built: tuple[Path, PipelineOutcome]) -> None:
    database, _ = built
    [(raw_messy,)] = _query(
        database, "select count(*) from marketo.lead where email <> lower(trim(email))"
    )
    [(staged_messy,)] = _query(
        database,
        "select count(*) from staging.stg_marketo__leads where email <> lower(trim(email))",
    )
    assert raw_messy > 0, "generated data should carry case/whitespace differences"
    assert staged_messy == 0


def test_every_activity_table_feeds_the_unioned_activities(
    built: tuple[Path, PipelineOutcome],
) -> None:
    database, _ = built
    types = {
        activity_type
        for (activity_type,) in _query(
            database, "select distinct activity_type from staging.stg_marketo__activities"
        )
    }
    assert {
        "change_score",
        "change_data_value",
        "fill_out_form",
        "visit_webpage",
        "send_email",
        "open_email",
        "click_email",
        "change_status_in_progression",
        "merge_leads",
    } <= types


def test_dbt_unit_tests_pass_on_the_generated_warehouse(
    built: tuple[Path, PipelineOutcome],
) -> None:
    database, _ = built
    result = run_project_tool("dbt", ["test", "--select", "test_type:unit"], database.parent.parent)
    assert result.returncode == 0, result.stdout[-3000:]
    passed = re.search(r"PASS=(\d+)", result.stdout)
    assert passed and int(passed.group(1)) >= 5, result.stdout[-2000:]


def test_every_column_bi_reads_is_described(
    built: tuple[Path, PipelineOutcome], tmp_path: Path
) -> None:
    database, _ = built
    target = tmp_path / "docs"
    result = run_project_tool(
        "dbt", ["docs", "generate", "--target-path", str(target)], database.parent.parent
    )
    assert result.returncode == 0, result.stdout[-3000:]
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    undocumented = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model" or node["schema"] != "marts":
            continue
        if not node.get("description"):
            undocumented.append(node["name"])
        for column in catalog["nodes"][unique_id]["columns"]:
            if not node["columns"].get(column.lower(), {}).get("description"):
                undocumented.append(f"{node['name']}.{column}")
    assert undocumented == []


def test_run_without_required_raw_tables_fails_naming_them(
    warehouse_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code = main(["run"])
    output = capsys.readouterr().out
    assert exit_code == 1
    assert "salesforce.lead" in output
    assert "funnel generate" in output


def test_absent_optional_tables_and_columns_do_not_break_the_build(
    warehouse_dir: Path,
) -> None:
    database = warehouse_dir / "build" / "funnel_build.duckdb"
    generate(database, leads=300, seed=3, as_of=AS_OF)
    with duckdb.connect(str(database)) as connection:
        connection.execute('drop table salesforce."event"')
        connection.execute("drop table salesforce.campaign_member")
        connection.execute("drop table marketo.activity_click_email")
        connection.execute("alter table marketo.lead drop column lead_score")
        # A landing that keeps timestamps as text, in the connector's `... UTC` spelling.
        expected_created = connection.execute(
            'select id, created_date from salesforce."lead" order by id limit 1'
        ).fetchone()
        connection.execute(
            'alter table salesforce."lead" alter created_date type varchar '
            "using strftime(created_date, '%Y-%m-%d %H:%M:%S.%f UTC')"
        )
    outcome = run_pipeline(as_of=AS_OF.isoformat(sep=" "))
    assert outcome.succeeded, outcome.summary()
    [(events, members)] = _query(
        database,
        "select (select count(*) from staging.stg_salesforce__events), "
        "(select count(*) from staging.stg_salesforce__campaign_members)",
    )
    assert (events, members) == (0, 0)
    [(scores,)] = _query(database, "select count(lead_score) from staging.stg_marketo__leads")
    assert scores == 0
    assert expected_created is not None
    [(staged_created,)] = _query(
        database,
        "select created_at from staging.stg_salesforce__leads "
        f"where lead_id = '{expected_created[0]}'",
    )
    assert staged_created == expected_created[1]
