"""The dbt project as Dagster sees it."""

from __future__ import annotations

from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.settings import PROJECT_DIR, export_environment

export_environment()


dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)


def prepare_manifest(force: bool = False) -> Path:
    """Parse the dbt project so the code location can load on a fresh clone (no manifest yet)."""
    if force or not dbt_project.manifest_path.exists():
        dbt_project.preparer.prepare(dbt_project)
    else:
        dbt_project.prepare_if_dev()
    return dbt_project.manifest_path


prepare_manifest()
