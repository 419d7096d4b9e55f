"""revenue-funnel: the Dagster code location and the `funnel` command."""
