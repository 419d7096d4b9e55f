"""The Dagster code location that `dagster dev` and `funnel run` load."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from dagster import AssetKey, Definitions

from orchestration.definitions import defs
from orchestration.raw.contract import contract_tables
from orchestration.settings import PROJECT_DIR


def _graph(definitions: Definitions):
    return definitions.resolve_asset_graph()


def test_every_contract_table_is_a_raw_asset_in_the_raw_group() -> None:
    graph = _graph(defs)
    for table in contract_tables():
        key = AssetKey([table.source, table.name])
        assert graph.has(key), f"{table.qualified_name} is not an asset"
        assert graph.get(key).group_name == "raw"


def test_staging_models_hang_below_their_raw_tables() -> None:
    graph = _graph(defs)
    leads = AssetKey(["staging", "stg_salesforce__leads"])
    activities = AssetKey(["staging", "stg_marketo__activities"])
    assert AssetKey(["salesforce", "lead"]) in graph.get(leads).parent_keys
    assert {
        AssetKey(["marketo", "activity_change_score"]),
        AssetKey(["marketo", "activity_visit_webpage"]),
    } <= set(graph.get(activities).parent_keys)


def test_models_are_grouped_by_layer_and_domain_with_owners() -> None:
    graph = _graph(defs)
    leads = graph.get(AssetKey(["staging", "stg_salesforce__leads"]))
    mas_leads = graph.get(AssetKey(["staging", "stg_marketo__leads"]))
    assert leads.group_name == "staging"
    assert mas_leads.group_name == "staging"
    assert leads.owners, "dbt meta.owner should surface as the asset owner"


def test_dbt_tests_are_asset_checks() -> None:
    check_keys = {key for key in _graph(defs).asset_check_keys}
    checked_assets = {key.asset_key for key in check_keys}
    assert AssetKey(["staging", "stg_salesforce__leads"]) in checked_assets
    names = {key.name for key in check_keys if key.asset_key.path[-1] == "stg_salesforce__leads"}
    assert any(name.startswith("unique_") for name in names)
    assert any(name.startswith("not_null_") for name in names)


def test_one_job_builds_everything_in_one_process() -> None:
    job = defs.resolve_job_def("funnel_pipeline")
    selected = job.asset_layer.selected_asset_keys
    assert selected == set(_graph(defs).get_all_asset_keys())
    # DuckDB has a single writer: steps must not run in parallel processes.
    assert job.executor_def.name == "in_process"


def test_plain_dagster_command_finds_the_code_location(warehouse_dir: Path) -> None:
    """`dagster dev` and friends find the code location through [tool.dagster] in pyproject."""
    dagster = Path(sys.executable).parent / "dagster"
    result = subprocess.run(
        [str(dagster), "definitions", "validate"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Validation successful for code location revenue_funnel" in result.stdout + result.stderr


def test_the_ui_shows_the_layer_and_domain_groups() -> None:
    graph = _graph(defs)
    groups = {graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert {"raw", "staging", "funnel", "sla", "kpi", "governance"} <= groups
    assert graph.get(AssetKey(["marts", "fct_sla_instances"])).group_name == "sla"
    assert graph.get(AssetKey(["marts", "mart_attribution"])).group_name == "kpi"
    assert graph.get(AssetKey(["seeds", "data_stewards"])).group_name == "governance"
    published = graph.get(AssetKey(["governance", "published_warehouse"]))
    assert published.group_name == "governance"
    assert published.owners
    review = graph.get(AssetKey(["reviews", "joint_revenue_review"]))
    assert review.group_name == "reviews"
    # Every publication refreshes the review pages: they are downstream of it, in the same job.
    assert review.parent_keys == {published.key}


def test_gates_are_blocking_checks_at_both_boundaries() -> None:
    specs = {
        (spec.asset_key, spec.name): spec
        for checks in defs.asset_checks or []
        for spec in checks.check_specs  # type: ignore[union-attr]
    }
    raw = specs[(AssetKey(["salesforce", "lead"]), "raw_salesforce__lead")]
    marts = specs[(AssetKey(["marts", "fct_lead_cycles"]), "marts_funnel_cohorts")]
    assert raw.blocking and marts.blocking
    for table in contract_tables():
        if table.required:
            assert any(key == AssetKey([table.source, table.name]) for key, _ in specs)


def test_dbt_is_split_at_the_gate_boundaries() -> None:
    graph = _graph(defs)
    staging = graph.get(AssetKey(["staging", "stg_salesforce__leads"]))
    marts = graph.get(AssetKey(["marts", "fct_lead_cycles"]))
    assert staging.assets_def.node_def.name == "dbt_staging"
    assert marts.assets_def.node_def.name == "dbt_marts"
    published = graph.get(AssetKey(["governance", "published_warehouse"]))
    assert AssetKey(["marts", "fct_lead_cycles"]) in published.parent_keys


def test_every_step_that_writes_the_warehouse_shares_one_pool() -> None:
    graph = _graph(defs)
    nodes = {graph.get(key).assets_def.node_def for key in graph.get_all_asset_keys()}
    nodes |= {
        checks.node_def
        for checks in defs.asset_checks or []
        if checks.node_def.name in ("raw_contract_gate", "mart_gate")  # type: ignore[union-attr]
    }
    pools = {node.name: node.pools for node in nodes}  # type: ignore[union-attr]
    assert all(pool == {"warehouse"} for pool in pools.values()), pools


def test_schedule_sensors_and_freshness_checks_are_defined() -> None:
    assert {schedule.name for schedule in defs.schedules or []} == {"daily_funnel_refresh"}
    assert {sensor.name for sensor in defs.sensors or []} == {
        "landing_files_sensor",
        "raw_freshness_sensor",
    }
    check_names = {
        spec.name
        for checks in defs.asset_checks or []
        for spec in checks.check_specs  # type: ignore[union-attr]
    }
    assert any("freshness" in name for name in check_names)
    # Freshness checks run from their sensor, not as steps of a build.
    steps = {node.name for node in defs.resolve_job_def("funnel_pipeline").graph.nodes}
    assert steps == {
        "raw_tables",
        "raw_contract_gate",
        "dbt_staging",
        "dbt_marts",
        "mart_gate",
        "governance__published_warehouse",
        "reviews__joint_revenue_review",
    }


def test_dbt_steps_run_the_dbt_installed_beside_dagster_and_know_its_version(
    monkeypatch,
) -> None:
    """A `dbt` or `dbtf` earlier on PATH must not be the one the pipeline runs; and knowing the
    version costs no `dbt --version` subprocess."""
    from importlib.metadata import version

    import dagster_dbt.core.resource as dagster_dbt_resource

    import orchestration.resources as resources

    dbt = defs.resources["dbt"]
    assert Path(dbt.dbt_executable) == Path(sys.executable).parent / "dbt"
    assert Path(dbt.dbt_executable).exists()

    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"a subprocess was started: {args}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_subprocess)
    fresh = resources.dbt_resource()
    assert str(fresh._cli_version) == version("dbt-core")
