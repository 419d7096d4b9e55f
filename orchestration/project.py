"""The dbt project as Dagster sees it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dagster_dbt import DbtProject
from dagster_dbt.dbt_project import using_dagster_dev

from orchestration.settings import PROJECT_DIR, DbtParseError, export_environment

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


PARSED_IN_MARKER = ".parsed_in"


def _forget_partial_parse_from_elsewhere() -> None:
    """dbt's partial-parse state records the absolute paths of the seeds; a project copied or
    moved elsewhere starts from a full parse instead of reading seeds from the old place."""
    target = dbt_project.target_path
    marker = target / PARSED_IN_MARKER
    here = str(dbt_project.project_dir.resolve())
    if marker.exists() and marker.read_text() != here:
        (target / "partial_parse.msgpack").unlink(missing_ok=True)
    target.mkdir(parents=True, exist_ok=True)
    marker.write_text(here)


def parse_project(as_of: str | None = None) -> Path:
    """`dbt parse` in this process: a second or so when little changed, where a dbt subprocess
    costs several seconds of start-up on every run."""
    from dbt.cli.main import dbtRunner

    _forget_partial_parse_from_elsewhere()
    arguments = [
        "parse",
        "--quiet",
        "--project-dir",
        str(dbt_project.project_dir),
        "--profiles-dir",
        str(dbt_project.profiles_dir),
        "--target-path",
        str(dbt_project.target_path),
    ]
    with as_of_environment(as_of):
        result = dbtRunner().invoke(arguments)
    if not result.success:
        raise DbtParseError(f"dbt could not parse the project: {result.exception}")
    return dbt_project.manifest_path


def prepare_manifest(force: bool = False, as_of: str | None = None) -> Path:
    """Parse the dbt project so the code location can load on a fresh clone (no manifest yet).

    The parse sees the as-of of the run to come, so the run's dbt invocations find nothing left
    to re-parse. Under `dagster dev` every load of the code location parses, so edits show."""
    if force or using_dagster_dev() or not dbt_project.manifest_path.exists():
        return parse_project(as_of)
    return dbt_project.manifest_path


prepare_manifest()
