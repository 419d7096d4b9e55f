"""An incremental run after one more day of data gives exactly the marts a full rebuild gives.

Built at as-of D, the day that followed is appended as a connector lands it (new leads, status
changes, activities, opportunities, newer versions of changed CRM and Marketo records), then one
copy of the warehouse runs incrementally and another is rebuilt from scratch; every mart table
(and every incremental model) must hold the same rows, compared as multisets on all columns.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.raw.day_split import append_day, hold_back_last_day
from orchestration.raw.generator import generate
from orchestration.settings import PROJECT_DIR, WORKING_FILE

DAY_START = datetime(2026, 11, 1)
DAY_END = DAY_START + timedelta(days=1)
INCREMENTAL_MODELS = (
    "staging.stg_marketo__activities",
    "intermediate.int_marketo_activities_attributed",
)


def _dbt_build(warehouse: Path, as_of: datetime, *extra: str) -> None:
    environment = {
        **os.environ,
        "FUNNEL_WAREHOUSE_DIR": str(warehouse),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_LOG_PATH": str(warehouse / "logs"),
    }
    command = [
        str(Path(sys.executable).parent / "dbt"),
        "build",
        "--resource-type",
        "model",
        "--resource-type",
        "seed",
        "--target-path",
        str(warehouse / "target"),
        "--vars",
        json.dumps({"as_of": f"{as_of:%Y-%m-%d %H:%M:%S}"}),
        *extra,
    ]
    result = subprocess.run(
        command, cwd=PROJECT_DIR, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-4000:]


def _tables(database: Path, schema: str) -> list[str]:
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "select table_name from information_schema.tables "
            "where table_schema = ? and table_type = 'BASE TABLE' order by 1",
            [schema],
        ).fetchall()
    return [name for (name,) in rows]


def _rows(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def _sync_marketo_leads_to_crm(database: Path, day_leads: Path, count: int = 5) -> None:
    """Add to the day newer versions of Marketo-only leads that now carry a CRM lead id: their
    activities (some landed long before the day) move to another person."""
    synced_at = DAY_START + timedelta(hours=12)
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            f"""
            copy (
                select * from read_parquet('{day_leads}')
                union all by name
                select
                    * replace (
                        crm.lead_id as sfdc_lead_id,
                        timestamp '{synced_at}' as updated_at,
                        timestamp '{synced_at}' as _fivetran_synced
                    )
                from (
                    select
                        mas.*,
                        row_number() over (order by mas.id) as pair_number
                    from marketo.lead as mas
                    inner join intermediate.int_persons_resolved as persons
                        on persons.source_system = 'mas_lead'
                        and persons.source_record_id = cast(mas.id as varchar)
                    where persons.match_rule = 'own_record' and not mas._fivetran_deleted
                    qualify row_number() over (
                        partition by mas.id order by mas._fivetran_synced desc
                    ) = 1
                ) as mas_only
                inner join (
                    select
                        source_record_id as lead_id,
                        row_number() over (order by source_record_id) as pair_number
                    from intermediate.int_persons_resolved
                    where source_system = 'crm_lead' and match_rule = 'own_record'
                ) as crm
                    using (pair_number)
                where pair_number <= {count}
            ) to '{day_leads}.tmp' (format parquet)
            """
        )
    Path(f"{day_leads}.tmp").replace(day_leads)


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """{"held_back": rows per table, "before": D, "incremental" and "full": D+1 both ways}."""
    root = tmp_path_factory.mktemp("incremental")
    incremental, full, day = root / "incremental", root / "full", root / "day"
    incremental.mkdir()
    database = incremental / WORKING_FILE
    generate(database, leads=800, seed=11, as_of=DAY_END)
    held_back = hold_back_last_day(database, DAY_START, day)
    _dbt_build(incremental, DAY_START)
    before = root / "before"
    (before / WORKING_FILE).parent.mkdir(parents=True)
    shutil.copyfile(database, before / WORKING_FILE)
    _sync_marketo_leads_to_crm(database, day / "marketo" / "lead.parquet")
    append_day(database, day)
    (full / WORKING_FILE).parent.mkdir(parents=True)
    shutil.copyfile(database, full / WORKING_FILE)
    _dbt_build(incremental, DAY_END)
    _dbt_build(full, DAY_END, "--full-refresh")
    (root / "held_back.json").write_text(json.dumps(held_back))
    yield {
        "held_back": root / "held_back.json",
        "before": before / WORKING_FILE,
        "incremental": database,
        "incremental_target": incremental / "target",
        "full": full / WORKING_FILE,
    }


def test_the_appended_day_carries_new_and_updated_records(warehouses: dict[str, Path]) -> None:
    held_back = json.loads(warehouses["held_back"].read_text())
    for table in (
        "salesforce.lead",
        "salesforce.lead_history",
        "salesforce.opportunity",
        "marketo.lead",
        "marketo.activity_change_score",
        "marketo.activity_visit_webpage",
    ):
        assert held_back[table] > 0, f"the day should land rows in {table}"
    updated = _rows(
        warehouses["incremental"],
        f"""
        attach '{warehouses["before"]}' as before_day (read_only);
        select count(*)
        from salesforce.lead as now_leads
        inner join before_day.salesforce.lead as then_leads using (id)
        where now_leads._fivetran_synced > then_leads._fivetran_synced
        """,
    )[0][0]
    assert updated > 0, "the day should re-land CRM leads that existed at D with newer versions"


def test_the_second_run_is_incremental(warehouses: dict[str, Path]) -> None:
    results = json.loads((warehouses["incremental_target"] / "run_results.json").read_text())
    compiled = {
        item["unique_id"].split(".")[-1]: item.get("compiled_code") or ""
        for item in results["results"]
    }
    for relation in INCREMENTAL_MODELS:
        model = relation.split(".")[1]
        window = re.search(r"synced(_at)?\s*>=", compiled[model])
        assert window, f"{model} should read only the rows landed since its cutoff"
    before = _rows(warehouses["before"], "select count(*) from staging.stg_marketo__activities")
    after = _rows(warehouses["incremental"], "select count(*) from staging.stg_marketo__activities")
    assert after[0][0] > before[0][0]


def test_the_day_relinks_records_to_other_persons(warehouses: dict[str, Path]) -> None:
    """Identity resolution changes person keys retroactively; the data must exercise that."""
    relinked = _rows(
        warehouses["incremental"],
        f"""
        attach '{warehouses["before"]}' as before_day (read_only);
        select count(*)
        from intermediate.int_persons_resolved as now_persons
        inner join before_day.intermediate.int_persons_resolved as then_persons
            using (source_system, source_record_id)
        where now_persons.source_system = 'mas_lead'
            and now_persons.person_key <> then_persons.person_key
        """,
    )
    assert relinked[0][0] > 0


def test_incremental_marts_equal_a_full_rebuild(warehouses: dict[str, Path]) -> None:
    marts = _tables(warehouses["full"], "marts")
    assert len(marts) >= 15
    assert _tables(warehouses["incremental"], "marts") == marts
    differences: dict[str, tuple[int, int]] = {}
    with duckdb.connect(str(warehouses["incremental"]), read_only=True) as connection:
        connection.execute(f"attach '{warehouses['full']}' as rebuilt (read_only)")
        for relation in [f"marts.{name}" for name in marts] + list(INCREMENTAL_MODELS):
            only_incremental = connection.execute(
                f"select count(*) from (select * from {relation} "
                f"except all select * from rebuilt.{relation})"
            ).fetchone()
            only_rebuilt = connection.execute(
                f"select count(*) from (select * from rebuilt.{relation} "
                f"except all select * from {relation})"
            ).fetchone()
            counts = (
                only_incremental[0] if only_incremental else 0,
                only_rebuilt[0] if only_rebuilt else 0,
            )
            if counts != (0, 0):
                differences[relation] = counts
    assert differences == {}, f"rows only in the incremental / only in the rebuild: {differences}"
