"""The dbt project as Dagster sees it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from dagster_dbt import DbtProject
from dagster_dbt.dbt_project import DagsterDbtProjectPreparer

from orchestration.settings import PROJECT_DIR, export_environment

export_environment()


dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)


def dbt_vars_args(as_of: str | None) -> list[str]:
    """`--vars` for a run judged at `as_of` (default $FUNNEL_AS_OF, else none: now)."""
    as_of = as_of or os.environ.get("FUNNEL_AS_OF")
    return ["--vars", json.dumps({"as_of": as_of})] if as_of else []


def prepare_manifest(force: bool = False, as_of: str | None = None) -> Path:
    """Parse the dbt project so the code location can load on a fresh clone (no manifest yet).

    The parse uses the vars of the run to come: dbt's partial parsing is only reused by the run
    when the vars are the same, else the run parses the whole project a second time."""
    if force or not dbt_project.manifest_path.exists():
        preparer = DagsterDbtProjectPreparer(["parse", "--quiet", *dbt_vars_args(as_of)])
        preparer.prepare(dbt_project)
    else:
        dbt_project.prepare_if_dev()
    return dbt_project.manifest_path


prepare_manifest()
