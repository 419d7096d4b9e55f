"""The dbt project as Dagster sees it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dagster_dbt import DbtProject
from dagster_dbt.dbt_project import DagsterDbtProjectPreparer

from orchestration.settings import PROJECT_DIR, export_environment

export_environment()


dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)


@contextmanager
def as_of_environment(as_of: str | None) -> Iterator[None]:
    """FUNNEL_AS_OF, which dbt's `as_of_timestamp()` reads, set to `as_of` while dbt runs.

    An environment variable, not a dbt var: dbt re-parses the whole project whenever its vars
    change (every daily run), but only the files that read a changed environment variable. The
    previous value comes back afterwards, so one run's as-of never leaks into the next."""
    previous = os.environ.get("FUNNEL_AS_OF")
    if as_of:
        os.environ["FUNNEL_AS_OF"] = as_of
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("FUNNEL_AS_OF", None)
        else:
            os.environ["FUNNEL_AS_OF"] = previous


def prepare_manifest(force: bool = False, as_of: str | None = None) -> Path:
    """Parse the dbt project so the code location can load on a fresh clone (no manifest yet).

    The parse sees the as-of of the run to come, so the run's dbt invocations find nothing left
    to re-parse."""
    with as_of_environment(as_of):
        if force or not dbt_project.manifest_path.exists():
            DagsterDbtProjectPreparer(["parse", "--quiet"]).prepare(dbt_project)
        else:
            dbt_project.prepare_if_dev()
    return dbt_project.manifest_path


prepare_manifest()
