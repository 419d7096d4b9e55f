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
# Incremental models, with what their compiled SQL reads on an incremental run: the rows landed
# since the cutoff, or only the source records that have no staged events.
INCREMENTAL_MODELS = {
    "staging.stg_marketo__activities": r"synced(_at)?\s*>=",
    "intermediate.int_marketing_activities_attributed": r"synced(_at)?\s*>=",
    "intermediate.int_stage_events_unioned": r"staged_records\.record_key is null",
    "intermediate.int_lifecycle_stage_entries": r"kept\.person_key = stage_events\.person_key",
    "intermediate.int_lead_score_moments": r"kept\.person_key = scored_activities\.person_key",
    "intermediate.int_person_attribute_candidates": r"kept\.person_key = resolved\.person_key",
    "intermediate.int_person_attributes_survived": (
        r"kept\.person_key = attribute_candidates\.person_key"
    ),
    "intermediate.int_handoff_engagement": r"kept\.person_key = lead_cycles\.person_key",
}


def _dbt_build(
    warehouse: Path, as_of: datetime, *extra: str, project_dir: Path = PROJECT_DIR
) -> None:
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
        command, cwd=project_dir, env=environment, capture_output=True, text=True
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


def _add_to_day_file(database: Path, day_file: Path, new_versions_sql: str) -> None:
    """Append to a held-back day's Parquet file the rows of `new_versions_sql`, a query over the
    warehouse as it stands before the day."""
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            f"""
            copy (
                select * from read_parquet('{day_file}')
                union all by name
                {new_versions_sql}
            ) to '{day_file}.tmp' (format parquet)
            """
        )
    Path(f"{day_file}.tmp").replace(day_file)


def _sync_marketo_leads_to_crm(database: Path, day_leads: Path, count: int = 5) -> None:
    """Add to the day newer versions of Marketo-only leads that now carry a CRM lead id: their
    activities (some landed long before the day) move to another person."""
    synced_at = DAY_START + timedelta(hours=12)
    _add_to_day_file(
        database,
        day_leads,
        f"""
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
        """,
    )


RELANDED_PAGE = "https://example.com/relanded"


def _reland_old_marketo_activities(database: Path, day_visits: Path, count: int = 3) -> None:
    """Add to the day new versions of web visits landed long before the incremental window:
    `count` with another page, `count` deleted at the source."""
    synced_at = DAY_START + timedelta(hours=13)
    _add_to_day_file(
        database,
        day_visits,
        f"""
                select
                    * replace (
                        case when pick <= {count} then '{RELANDED_PAGE}'
                            else primary_attribute_value end as primary_attribute_value,
                        pick > {count} as _fivetran_deleted,
                        timestamp '{synced_at}' as _fivetran_synced
                    )
                from (
                    select *, row_number() over (order by id) as pick
                    from marketo.activity_visit_webpage
                    where _fivetran_synced < timestamp '{DAY_START}' - interval 10 day
                ) as old_visits
                where pick <= {2 * count}
        """,
    )


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
    _reland_old_marketo_activities(database, day / "marketo" / "activity_visit_webpage.parquet")
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


def test_old_activities_landed_again_are_replaced_or_removed(
    warehouses: dict[str, Path],
) -> None:
    """Versions of activities landed long before the window replace the attributed rows of
    their old versions, or remove them when deleted at the source."""
    relanded = _rows(
        warehouses["incremental"],
        f"""
        select
            count(*) filter (where attributed.asset_name = '{RELANDED_PAGE}'),
            count(*) filter (where attributed.activity_id is null),
            count(*)
        from (
            select distinct id from marketo.activity_visit_webpage
            where _fivetran_synced = timestamp '{DAY_START + timedelta(hours=13)}'
        ) as landed
        left join intermediate.int_marketing_activities_attributed as attributed
            on
                attributed.source_activity_type = 'visit_webpage'
                and attributed.activity_id = cast(landed.id as varchar)
        """,
    )[0]
    assert relanded == (3, 3, 6), (
        "3 updated visits should carry their new page, 3 deleted ones should be gone, "
        f"with no old version left: {relanded}"
    )


def test_the_second_run_is_incremental(warehouses: dict[str, Path]) -> None:
    results = json.loads((warehouses["incremental_target"] / "run_results.json").read_text())
    compiled = {
        item["unique_id"].split(".")[-1]: item.get("compiled_code") or ""
        for item in results["results"]
    }
    for relation, incremental_read in INCREMENTAL_MODELS.items():
        model = relation.split(".")[1]
        assert re.search(incremental_read, compiled[model]), (
            f"{model} should read only what changed since its last run"
        )
    for relation in INCREMENTAL_MODELS:
        model = relation.split(".")[1]
        if "inputs_fingerprint" in compiled[model]:
            assert re.search(
                r"kept\.person_key = fingerprinted_input\.person_key"
                r"|fingerprinted_input\.person_key in \(select persons(_to_derive)?\.person_key",
                compiled[model],
            ), f"{model} should fingerprint only the persons it derives again"
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


def _differences(database: Path, other: Path, relation: str, columns: str = "*") -> tuple[int, int]:
    """Rows only in `database` and rows only in `other`, of `relation` compared as multisets."""
    counts = _rows(
        database,
        f"""
        attach '{other}' as other (read_only);
        select
            (select count(*) from (select {columns} from {relation} except all
                select {columns} from other.{relation})),
            (select count(*) from (select {columns} from other.{relation} except all
                select {columns} from {relation}))
        """,
    )[0]
    return int(counts[0]), int(counts[1])


@pytest.mark.parametrize(
    ("seed", "agreed_row", "edited_row", "model"),
    [
        pytest.param(
            "status_stage_map",
            "salesforce,Status,Nurture,recycled",
            "salesforce,Status,Nurture,lead",
            "int_stage_events_unioned",
            id="a CRM status mapped to another stage restages every event",
        ),
        pytest.param(
            "funnel_stages",
            "lost,Lost,7,sales,false,false",
            "lost,Lost,7,sales,false,true",
            "int_lifecycle_stage_entries",
            id="a stage that now ends the cycle re-derives every person's entries",
        ),
        pytest.param(
            "survivorship_rules",
            "company,salesforce,1,most_recent_non_null",
            "company,salesforce,4,most_recent_non_null",
            "int_person_attributes_survived",
            id="another system owning an attribute re-derives every person's values",
        ),
    ],
)
def test_an_edited_agreement_reprocesses_every_row(
    warehouses: dict[str, Path],
    tmp_path: Path,
    seed: str,
    agreed_row: str,
    edited_row: str,
    model: str,
) -> None:
    """A steward edits an agreement: the next incremental run must derive every row with the new
    agreement, exactly as a rebuild does, not only the rows whose inputs changed."""
    project = tmp_path / "project"
    shutil.copytree(
        PROJECT_DIR,
        project,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "target", "logs", "warehouse", "dbt_packages", "gx", "benchmarks"
        ),
    )
    seed_file = project / "seeds" / f"{seed}.csv"
    agreed = seed_file.read_text()
    edited = agreed.replace(agreed_row, edited_row)
    assert edited != agreed
    seed_file.write_text(edited)
    relation = f"intermediate.{model}"
    runs = {}
    for name, extra in (("incremental", ()), ("rebuilt", ("--full-refresh",))):
        (tmp_path / name / WORKING_FILE).parent.mkdir(parents=True)
        shutil.copyfile(warehouses["incremental"], tmp_path / name / WORKING_FILE)
        _dbt_build(
            tmp_path / name,
            DAY_END,
            "--select",
            f"{seed} {model}",
            *extra,
            project_dir=project,
        )
        runs[name] = tmp_path / name / WORKING_FILE
    unversioned = "* exclude (agreements_version)"
    assert _differences(runs["rebuilt"], warehouses["incremental"], relation, unversioned)[0] > 0, (
        "the edit should change some rows"
    )
    assert _differences(runs["incremental"], runs["rebuilt"], relation) == (0, 0)


def test_an_agreement_that_gains_a_column_loads_into_an_existing_warehouse(
    warehouses: dict[str, Path], tmp_path: Path
) -> None:
    """An upgrade or a steward adds a column to a seed: the next run on a warehouse built before
    reloads the agreement with it, instead of failing against the old table's columns."""
    project = tmp_path / "project"
    shutil.copytree(
        PROJECT_DIR,
        project,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "target", "logs", "warehouse", "dbt_packages", "gx", "benchmarks"
        ),
    )
    seed_file = project / "seeds" / "sla_floors.csv"
    lines = seed_file.read_text().splitlines()
    widened = [f"{lines[0]},agreed_on", *(f"{line},2026-11-02" for line in lines[1:])]
    seed_file.write_text("\n".join(widened) + "\n")
    (tmp_path / WORKING_FILE).parent.mkdir(parents=True)
    shutil.copyfile(warehouses["incremental"], tmp_path / WORKING_FILE)
    _dbt_build(tmp_path, DAY_END, "--select", "sla_floors", project_dir=project)
    with duckdb.connect(str(tmp_path / WORKING_FILE), read_only=True) as connection:
        loaded = connection.execute("select distinct agreed_on from seeds.sla_floors").fetchall()
    assert [str(value) for (value,) in loaded] == ["2026-11-02"]


def test_a_renamed_program_rewrites_every_handoff_that_names_it(
    warehouses: dict[str, Path], tmp_path: Path
) -> None:
    """Program names are reference data, not a person's input: renaming one in Marketo must reach
    every handoff that lists it on the next incremental run (the conformed campaigns rebuilt with
    it), exactly as a rebuild does."""
    relation = "intermediate.int_handoff_engagement"
    runs = {}
    for name, extra in (("incremental", ()), ("rebuilt", ("--full-refresh",))):
        database = tmp_path / name / WORKING_FILE
        database.parent.mkdir(parents=True)
        shutil.copyfile(warehouses["incremental"], database)
        with duckdb.connect(str(database)) as connection:
            renamed = connection.execute(
                "update marketo.program set name = name || ' (renamed)' where id in ("
                "  select id from marketo.program order by id limit 3)"
            ).fetchone()
        assert renamed is not None and renamed[0] == 3
        _dbt_build(
            tmp_path / name,
            DAY_END,
            "--select",
            "+int_campaign_records",
            "int_handoff_engagement",
            *extra,
        )
        runs[name] = database
    mentions = _rows(
        runs["incremental"],
        f"select count(*) from {relation} where programs_engaged like '%(renamed)%'",
    )[0][0]
    assert mentions > 0, "the renamed programs should appear in some handoffs"
    assert _differences(runs["incremental"], runs["rebuilt"], relation) == (0, 0)
