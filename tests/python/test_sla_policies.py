"""The sla_policies seed drives the SLA instances it describes: every row yields instances on
generated data, a row naming an event outside the vocabulary stops the build with the row named,
and the owners of marketing's period SLAs are the org's marketing users."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.pipeline import PipelineOutcome
from orchestration.settings import PROJECT_DIR

Built = tuple[Path, PipelineOutcome]
SEEDS = PROJECT_DIR / "seeds"


def _rows(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def _seed(name: str) -> list[dict[str, str]]:
    with (SEEDS / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_policy_in_the_seed_has_instances(built: Built) -> None:
    database, outcome = built
    assert outcome.succeeded, outcome.summary()
    counts = dict(
        _rows(database, "select policy_key, count(*) from marts.fct_sla_instances group by 1")
    )
    missing = [
        row["policy_key"] for row in _seed("sla_policies") if not counts.get(row["policy_key"])
    ]
    assert missing == [], f"policies with no instances on generated data: {missing}"


def test_compliance_rows_carry_their_policys_agreement(built: Built) -> None:
    """mart_sla_compliance repeats each policy's seed row (description, target, compliance
    target), and is_below_target is compliance_rate < compliance_target, null while nothing is
    judged."""
    database, _ = built
    policies = {row["policy_key"]: row for row in _seed("sla_policies")}
    rows = _rows(
        database,
        "select policy_key, policy_description, target_duration, target_unit, "
        "compliance_target, compliance_rate, is_below_target from marts.mart_sla_compliance",
    )
    assert {row[0] for row in rows} == set(policies)
    wrong = []
    below = 0
    for key, description, duration, unit, target, rate, is_below in rows:
        policy = policies[key]
        agreed = (policy["description"], float(policy["target_duration"]), policy["target_unit"])
        if (description, float(duration), unit) != agreed:
            wrong.append((key, "agreement", description, duration, unit))
        if target != pytest.approx(float(policy["compliance_target"])):
            wrong.append((key, "compliance_target", target))
        if is_below != (None if rate is None else rate < float(policy["compliance_target"])):
            wrong.append((key, "is_below_target", rate, is_below))
        below += bool(is_below)
    assert wrong == []
    # Generated data falls short somewhere and meets the target somewhere: not vacuous.
    assert 0 < below < len(rows)


def test_stalled_opportunities_are_per_stage_of_open_pipeline_deals(built: Built) -> None:
    database, _ = built
    wrong_deals = _rows(
        database,
        "select instances.opportunity_id from marts.fct_sla_instances as instances "
        "inner join marts.fct_opportunities as deals "
        "on instances.opportunity_id = deals.opportunity_id "
        "where instances.policy_key = 'stalled_opportunity' and not deals.is_pipeline",
    )
    assert wrong_deals == [], "renewals have no stalled_opportunity instances"
    # The worklist is every open deal whose current stage is past due, and nothing else.
    worklist = {
        row[0]: row[1:]
        for row in _rows(
            database,
            "select opportunity_id, stalled_reason, days_in_stage "
            "from marts.mart_stalled_opportunities",
        )
    }
    stalled = {
        row[0]
        for row in _rows(
            database,
            "select distinct instances.opportunity_id from marts.fct_sla_instances as instances "
            "inner join marts.fct_opportunities as deals "
            "on instances.opportunity_id = deals.opportunity_id "
            "where instances.policy_key = 'stalled_opportunity' "
            "and instances.status = 'open_breached' and not deals.is_closed",
        )
    }
    assert worklist and set(worklist) == stalled
    for reason, days_in_stage in worklist.values():
        if reason == "no_stage_change":
            assert days_in_stage >= 45


def test_marketing_period_slas_are_owned_by_marketing_users(built: Built) -> None:
    database, _ = built
    owners = {row["owner_user_id"] for row in _seed("sla_owners")}
    marketing = {
        row[0]
        for row in _rows(database, "select id from salesforce.user where department = 'Marketing'")
    }
    assert owners <= marketing, f"owners who are not marketing users: {owners - marketing}"
    unowned = _rows(
        database,
        "select policy_key, segment_code, count(*) from marts.fct_sla_instances "
        "where policy_key in ('mql_volume', 'mql_quality') and owner_user_id is null "
        "group by 1, 2",
    )
    assert unowned == []


def test_a_quality_month_without_mqls_is_not_measured(built: Built) -> None:
    database, _ = built
    judged_without_rate = _rows(
        database,
        "select period_start_date, segment_code, status from marts.fct_sla_instances "
        "where policy_key = 'mql_quality' and measured_value is null "
        "and status not in ('open', 'not_measured')",
    )
    assert judged_without_rate == []
    # The generated data has segment-months without MQLs: the rule is exercised, not vacuous.
    not_measured = _rows(
        database,
        "select count(*) from marts.fct_sla_instances "
        "where policy_key = 'mql_quality' and status = 'not_measured'",
    )
    assert not_measured[0][0] > 0


def _dbt_in_copy(
    project: Path, args: list[str], warehouse_dir: Path
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *args, "--profiles-dir", str(project)],
        cwd=project,
        env={**os.environ, "FUNNEL_WAREHOUSE_DIR": str(warehouse_dir)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The dbt project copied, so its seed can be edited without touching the real one."""
    project = tmp_path / "project"
    shutil.copytree(
        PROJECT_DIR,
        project,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "logs",
            "target",
            "warehouse",
            "dbt_packages",
            "benchmarks",
            "uncommitted",
            "tests",
        ),
    )
    (project / "tests").mkdir()
    shutil.copytree(PROJECT_DIR / "tests" / "sla", project / "tests" / "sla")
    shutil.copytree(PROJECT_DIR / "tests" / "generic", project / "tests" / "generic")
    if not (project / "profiles.yml").exists():
        shutil.copy(project / "profiles.example.yml", project / "profiles.yml")
    return project


def _add_policy(project: Path, row: list[str]) -> None:
    seed = project / "seeds" / "sla_policies.csv"
    text = seed.read_text(encoding="utf-8")
    with seed.open("a", newline="", encoding="utf-8") as handle:
        if not text.endswith("\n"):
            handle.write("\n")
        csv.writer(handle, lineterminator="\n").writerow(row)


# The seed, the model that reads it against the vocabulary, and the test; not the seeds and
# models that only relate to it.
SEED_CHECK = [
    "build",
    "--select",
    "sla_policies",
    "int_sla_policy_events",
    "--exclude",
    "sla_owners",
    "sla_floors",
    "fct_sla_instances",
]


def test_a_policy_with_known_events_needs_no_sql_and_an_unknown_event_stops_the_build(
    project_copy: Path, tmp_path: Path
) -> None:
    warehouse = tmp_path / "warehouse"
    (warehouse / "build").mkdir(parents=True)
    # A steward's new policy from known events passes the seed's checks as it is.
    _add_policy(
        project_copy,
        [
            "demo_follow_up",
            "sales",
            "sal_or_sql",
            "event,opportunity",
            "5",
            "calendar_days",
            "calendar",
            "0.90",
            "A meeting or an opportunity within 5 days of acceptance.",
        ],
    )
    known = _dbt_in_copy(project_copy, SEED_CHECK, warehouse)
    assert known.returncode == 0, known.stdout + known.stderr
    # An event outside the vocabulary fails the build, and the log names the row and the event.
    _add_policy(
        project_copy,
        [
            "demo_booked",
            "sales",
            "mql",
            "task,meeting_booked",
            "2",
            "business_hours",
            "business",
            "0.90",
            "A demo is booked within 2 business hours.",
        ],
    )
    _add_policy(
        project_copy,
        [
            "weekly_mqls",
            "marketing",
            "week",
            "mql_count",
            "1",
            "month",
            "calendar",
            "1.00",
            "Weekly.",
        ],
    )
    unknown = _dbt_in_copy(project_copy, SEED_CHECK, warehouse)
    assert unknown.returncode != 0
    assert "assert_sla_policies_name_known_events" in unknown.stdout
    assert (
        "sla_policies row 'demo_booked', satisfy_events 'meeting_booked': "
        "not a satisfy event of the lead grain"
    ) in unknown.stdout, unknown.stdout
    assert "sla_policies row 'weekly_mqls', start_event 'week'" in unknown.stdout
    assert "demo_follow_up" not in unknown.stdout
