"""Resources shared by the assets and checks."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from dagster import ConfigurableResource
from dagster_dbt import DbtCliResource
from pydantic import Field

from orchestration.project import dbt_project


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project)


class RunSettings(ConfigurableResource):
    """What one run is judged against; shared by the dbt steps and the gates."""

    as_of: str | None = Field(
        default=None,
        description="Instant (UTC) that SLA statuses and open stages are judged at, and that raw "
        "timestamps may not pass (plus a tolerance); default $FUNNEL_AS_OF, else now. A fixed "
        "value makes a rebuild reproducible.",
    )

    def as_of_text(self) -> str | None:
        return self.as_of or os.environ.get("FUNNEL_AS_OF") or None

    def as_of_datetime(self) -> datetime | None:
        text = self.as_of_text()
        if not text:
            return None
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        return parsed
