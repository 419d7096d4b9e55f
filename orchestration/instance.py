"""The project's one Dagster instance, shared by `funnel run` and `dagster dev`.

Without `DAGSTER_HOME`, `dagster dev` keeps its runs in a temporary folder and a headless run in
memory, so neither sees the other's runs. The project keeps one instance in `.dagster_home/`
(git-ignored) whose `dagster.yaml` is the project's own, and writes `DAGSTER_HOME` into the
git-ignored `.env` that `dagster dev` reads from the folder it is started in. Whoever sets
`DAGSTER_HOME` (in the environment or in `.env`) keeps control: both commands then use theirs.
"""

from __future__ import annotations

import os
from pathlib import Path

from dotenv import dotenv_values

from orchestration.settings import PROJECT_DIR

PROJECT_HOME = PROJECT_DIR / ".dagster_home"
ENV_FILE = PROJECT_DIR / ".env"
INSTANCE_SETTINGS = PROJECT_DIR / "dagster.yaml"
MANAGED_COMMENT = "# Written by `funnel`: the project's Dagster instance (README, Dagster instance)"


def _home_in_env_file() -> str | None:
    if not ENV_FILE.exists():
        return None
    return dotenv_values(ENV_FILE).get("DAGSTER_HOME") or None


def _link_settings(home: Path) -> None:
    """`dagster.yaml` in the instance folder is a link to the project's, so edits apply."""
    settings = home / "dagster.yaml"
    if settings.is_symlink() and settings.resolve() == INSTANCE_SETTINGS.resolve():
        return
    settings.unlink(missing_ok=True)
    settings.symlink_to(os.path.relpath(INSTANCE_SETTINGS, home))


def _write_env_file(home: Path) -> None:
    lines = ENV_FILE.read_text().splitlines() if ENV_FILE.exists() else []
    kept = [
        line
        for line in lines
        if line != MANAGED_COMMENT and not line.strip().startswith("DAGSTER_HOME=")
    ]
    ENV_FILE.write_text("\n".join([*kept, MANAGED_COMMENT, f"DAGSTER_HOME={home}"]) + "\n")


def ensure_project_instance() -> Path:
    """The instance folder runs record into, created (with `.env`) when it's the project's.

    Returns `$DAGSTER_HOME` when set, else the `.env` file's when it names another folder, else
    `.dagster_home/` in the project, which is created with the project's settings and written
    to `.env` (again, when the project folder moved)."""
    configured = os.environ.get("DAGSTER_HOME")
    if configured:
        return Path(configured).expanduser()
    from_env_file = _home_in_env_file()
    if from_env_file and Path(from_env_file).name != PROJECT_HOME.name:
        return Path(from_env_file).expanduser()
    PROJECT_HOME.mkdir(exist_ok=True)
    _link_settings(PROJECT_HOME)
    if from_env_file != str(PROJECT_HOME):
        _write_env_file(PROJECT_HOME)
    return PROJECT_HOME


def open_instance():  # -> DagsterInstance; imported late, Dagster is slow to import
    """The Dagster instance `funnel run` records into: the same one `dagster dev` shows."""
    from dagster import DagsterInstance

    home = ensure_project_instance()
    home.mkdir(parents=True, exist_ok=True)
    return DagsterInstance.from_config(str(home))


if __name__ == "__main__":
    print(f"Dagster instance: {ensure_project_instance()}")
