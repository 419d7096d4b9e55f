"""Resources shared by the assets and checks."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

from dagster import ConfigurableResource, InitResourceContext
from dagster_dbt import DbtCliResource
from packaging.version import Version
from pydantic import Field, PrivateAttr

from orchestration.project import dbt_project
from orchestration.settings import as_of_text


class FunnelDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource, running the `dbt` installed beside this interpreter (not
    whatever `dbt` or `dbtf` comes first on PATH), without two start-up costs that buy this
    project nothing, about 3 s per run: a `dbt --version` subprocess, although that `dbt` is the
    dbt-core installed here, and a dbt adapter opened in Dagster's own process on every dbt
    step, which only column-metadata fetching uses, and the assets fetch none."""

    @property
    def _cli_version(self) -> Version:  # type: ignore[override]
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None


def dbt_resource() -> DbtCliResource:
    return FunnelDbtCliResource(
        # DbtCliResource.__init__ takes a DbtProject; the typing plugin sees only the str field.
        project_dir=dbt_project,  # type: ignore[arg-type]
        dbt_executable=str(Path(sys.executable).parent / "dbt"),
    )


class RunSettings(ConfigurableResource):
    """What one run is judged against; shared by the dbt steps and the gates.

    Asking it for the as-of also takes the warehouse's run lock for the run (see
    `orchestration.run_lock`): every step that reads the as-of works on the warehouse, so a
    step that a run worker starts with (a gate run on its own, say) holds the lock before it
    opens the working database, and fails with a `dagster.Failure` naming the run that holds
    it when another run does."""

    as_of: str | None = Field(
        default=None,
        description="Instant (UTC) that SLA statuses and open stages are judged at, and that raw "
        "timestamps may not pass (plus a tolerance); default $FUNNEL_AS_OF, else now. A fixed "
        "value makes a rebuild reproducible.",
    )

    _run: Any = PrivateAttr(default=None)
    _instance: Any = PrivateAttr(default=None)
    _log: Any = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        self._run, self._instance, self._log = context.run, context.instance, context.log

    def hold_warehouse(self) -> None:
        """Take the run lock for this run (re-entrant; nothing outside a run)."""
        if self._run is None:
            return
        from orchestration.run_lock import acquire_for_run

        acquire_for_run(self._run, self._instance, self._log)

    def as_of_text(self) -> str | None:
        """The run's one as-of: the configured one, else $FUNNEL_AS_OF, else the instant the run
        was created. Every step of a run resolves the same instant, so no model, gate or SLA
        clock takes its own `now()` (None only outside a run)."""
        self.hold_warehouse()
        return self.as_of or os.environ.get("FUNNEL_AS_OF") or self._run_created_at()

    def _run_created_at(self) -> str | None:
        if self._run is None or self._instance is None:
            return None
        record = self._instance.get_run_record_by_id(self._run.run_id)
        if record is None:
            return None
        return as_of_text(record.create_timestamp)

    def as_of_datetime(self) -> datetime | None:
        text = self.as_of_text()
        if not text:
            return None
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        return parsed
