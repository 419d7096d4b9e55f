"""The Dagster code location: `dagster dev` and `funnel run` both load these definitions."""

from __future__ import annotations

from dagster import Definitions, in_process_executor

from orchestration.assets.dbt import dbt_models
from orchestration.assets.raw import raw_tables
from orchestration.resources import dbt_resource
from orchestration.schedules import daily_funnel_refresh, funnel_pipeline

# DuckDB allows one writer process per file: run every step in one process, one after another.
defs = Definitions(
    assets=[raw_tables, dbt_models],
    jobs=[funnel_pipeline],
    schedules=[daily_funnel_refresh],
    resources={"dbt": dbt_resource()},
    executor=in_process_executor,
)
