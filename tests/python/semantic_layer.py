"""Asking the semantic layer (MetricFlow's `mf`) what the shared KPIs are, as a BI tool does."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from project_tools import run_project_tool

# The shared KPIs the semantic layer answers per metric_time, and the pipeline-snapshot ones,
# which are asked for one grain's snapshots, as the semantic model says.
SEMANTIC_METRICS = [
    "mqls",
    "lead_to_mql_rate",
    "mql_to_sal_rate",
    "sal_to_sql_rate",
    "sql_to_opportunity_rate",
    "mql_to_won_rate",
    "pipeline_created_amount",
    "marketing_sourced_pipeline_share",
    "bookings_amount",
    "win_rate_count",
    "average_deal_size",
    "customer_retention_rate",
    "new_accounts_acquired",
    "mql_follow_up_compliance_rate",
]
SNAPSHOT_METRICS = [
    "forecast_commit_amount",
    "forecast_bookings_amount",
    "forecast_accuracy",
    "forecast_commit_win_rate",
    "pipeline_past_close_date_share",
]


def snapshots_of(grain: str) -> str:
    """The `--where` that keeps one grain's pipeline snapshots."""
    return f"{{{{ Dimension('pipeline_snapshot__period_grain') }}}} = '{grain}'"


def ask(
    database: Path, metrics: list[str], group_by: str, out: Path, where: str | None = None
) -> pd.DataFrame:
    """`mf query` on the warehouse of `database` (a working database under `build/`)."""
    arguments = ["query", "--metrics", ",".join(metrics), "--group-by", group_by]
    arguments += ["--where", where] if where else []
    result = run_project_tool("mf", [*arguments, "--csv", str(out)], database.parent.parent)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return pd.read_csv(out)
