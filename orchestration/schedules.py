"""The job that builds everything, and its daily schedule."""

from __future__ import annotations

from dagster import AssetSelection, DefaultScheduleStatus, ScheduleDefinition, define_asset_job

funnel_pipeline = define_asset_job(
    name="funnel_pipeline",
    selection=AssetSelection.all(),
    description="Raw tables, staging, funnel, SLA and KPI models, with every check.",
)

daily_funnel_refresh = ScheduleDefinition(
    name="daily_funnel_refresh",
    job=funnel_pipeline,
    cron_schedule="0 6 * * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.STOPPED,
)
