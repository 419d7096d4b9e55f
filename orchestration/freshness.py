"""Freshness checks on the required raw tables, and the sensor that evaluates them."""

from __future__ import annotations

import warnings
from datetime import timedelta

from dagster import (
    SupersessionWarning,
    build_last_update_freshness_checks,
    build_sensor_for_freshness_checks,
)

from orchestration.assets.raw import raw_asset_key
from orchestration.raw.contract import contract_tables

# A required raw table not refreshed for a day and a bit is stale (a connector stopped syncing).
RAW_FRESHNESS_WINDOW = timedelta(hours=26)

# Dagster 1.13 marks these builders superseded by FreshnessPolicy; they are kept because they
# show as asset checks in the UI, next to the gates, and run headless from their sensor.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", category=SupersessionWarning)
    raw_freshness_checks = build_last_update_freshness_checks(
        assets=[raw_asset_key(table) for table in contract_tables() if table.required],
        lower_bound_delta=RAW_FRESHNESS_WINDOW,
    )
    raw_freshness_sensor = build_sensor_for_freshness_checks(
        freshness_checks=raw_freshness_checks, name="raw_freshness_sensor"
    )
