"""The job that builds everything, and its daily schedule."""

from __future__ import annotations

from dagster import AssetSelection, DefaultScheduleStatus, ScheduleDefinition, define_asset_job

from orchestration.freshness import raw_freshness_checks

funnel_pipeline = define_asset_job(
    name="funnel_pipeline",
    # Freshness checks read the event log on their own sensor; they are not steps of a build.
    selection=AssetSelection.all() - AssetSelection.checks(*raw_freshness_checks),
    description="Raw tables, the raw-contract gate, staging, funnel, SLA and KPI models, the "
    "mart gate and the publication, with every dbt test as a check.",
    tags={"funnel/warehouse": "duckdb"},
)

daily_funnel_refresh = ScheduleDefinition(
    name="daily_funnel_refresh",
    job=funnel_pipeline,
    cron_schedule="0 6 * * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.STOPPED,
    tags={"funnel/trigger": "schedule"},
)
