"""The Dagster code location: `dagster dev` and `funnel run` both load these definitions."""

from __future__ import annotations

from dagster import Definitions, in_process_executor

from orchestration.assets.dbt import WAREHOUSE_POOL, dbt_marts, dbt_staging
from orchestration.assets.publish import published_warehouse
from orchestration.assets.raw import raw_tables
from orchestration.assets.review import joint_revenue_review
from orchestration.checks.gates import mart_gate, raw_contract_gate
from orchestration.freshness import raw_freshness_checks, raw_freshness_sensor
from orchestration.resources import RunSettings, dbt_resource
from orchestration.schedules import daily_funnel_refresh, funnel_pipeline
from orchestration.sensors import landing_files_sensor

# DuckDB allows one writer process per file: every step that touches the working database is in
# the `warehouse` pool (limit 1, set in dagster.yaml for `dagster dev`), and the in-process
# executor runs a run's steps one after another.
defs = Definitions(
    assets=[raw_tables, dbt_staging, dbt_marts, published_warehouse, joint_revenue_review],
    asset_checks=[raw_contract_gate, mart_gate, *raw_freshness_checks],
    jobs=[funnel_pipeline],
    schedules=[daily_funnel_refresh],
    sensors=[landing_files_sensor, raw_freshness_sensor],
    resources={"dbt": dbt_resource(), "run_settings": RunSettings()},
    executor=in_process_executor,
)

__all__ = ["WAREHOUSE_POOL", "defs"]
