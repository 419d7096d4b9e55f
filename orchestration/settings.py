"""Where things live. Everything machine-specific comes from the environment."""

from __future__ import annotations

import os
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import jinja2
import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
# What BI reads: marts and governance only, replaced atomically when the mart gates pass.
PUBLISHED_FILE_NAME = "funnel.duckdb"
# Where a run builds: raw schemas, staging, intermediate, marts (never read by BI).
WORKING_FILE = Path("build") / "funnel_build.duckdb"


class DbtParseError(RuntimeError):
    """dbt could not parse the project: a model, test or YAML file is broken."""


def warehouse_dir() -> Path:
    """`$FUNNEL_WAREHOUSE_DIR`, default `warehouse/` in the project, as an absolute path."""
    configured = os.environ.get("FUNNEL_WAREHOUSE_DIR")
    path = Path(configured) if configured else PROJECT_DIR / "warehouse"
    if not path.is_absolute():
        path = Path.cwd() / path
    return path


def working_path() -> Path:
    """The working database runs build into: `$FUNNEL_WAREHOUSE_DIR/build/funnel_build.duckdb`.

    `funnel generate` and `funnel load` write the raw schemas here; dbt and the gates read and
    write it; BI never opens it.
    """
    return warehouse_dir() / WORKING_FILE


def published_path() -> Path:
    """The published database BI reads: `$FUNNEL_WAREHOUSE_DIR/funnel.duckdb`."""
    return warehouse_dir() / PUBLISHED_FILE_NAME


def landing_dir() -> Path:
    """Folder the landing sensor watches (`$FUNNEL_LANDING_DIR`, default `<warehouse>/landing`)."""
    configured = os.environ.get("FUNNEL_LANDING_DIR")
    return Path(configured).absolute() if configured else warehouse_dir() / "landing"


def data_docs_dir() -> Path:
    """Where GX Data Docs are built (`$FUNNEL_GX_DOCS_DIR`, default `gx/uncommitted/data_docs`)."""
    configured = os.environ.get("FUNNEL_GX_DOCS_DIR")
    if configured:
        return Path(configured).absolute()
    return PROJECT_DIR / "gx" / "uncommitted" / "data_docs"


def duckdb_config() -> dict[str, str | bool | int | float | list[str]]:
    """Settings for DuckDB connections opened from Python; same knobs as profiles.example.yml.

    TimeZone is not among them: it can only be SET after connecting (see `connect_warehouse`).
    """
    return {
        "memory_limit": os.environ.get("FUNNEL_DUCKDB_MEMORY_LIMIT", "6GB"),
        "threads": os.environ.get("FUNNEL_DUCKDB_THREADS", "2"),
        "preserve_insertion_order": "false",
    }


def connect_warehouse(database: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the project's settings, reading and writing timestamps as UTC."""
    if not read_only:
        database.parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect(str(database), read_only=read_only, config=duckdb_config())
    connection.execute("set TimeZone = 'UTC'")
    return connection


def sql_string(text: str | Path) -> str:
    """`text` as a SQL string literal, quotes doubled: for file paths in `attach`, `copy ... to`,
    `read_parquet(...)`, which take no bound parameters."""
    return "'" + str(text).replace("'", "''") + "'"


def ensure_profiles() -> Path:
    """Copy profiles.example.yml to profiles.yml on first use; never overwrite the user's copy."""
    profiles = PROJECT_DIR / "profiles.yml"
    if not profiles.exists():
        shutil.copyfile(PROJECT_DIR / "profiles.example.yml", profiles)
    return profiles


def stale_profile_problem() -> str | None:
    """Why dbt would build somewhere other than the working database, or None.

    profiles.yml is the user's copy and is never overwritten; one copied before runs moved into
    `build/` points dbt at the published file, where the gates would find no marts.
    """
    if os.environ.get("FUNNEL_DBT_TARGET", "duckdb") != "duckdb":
        return None
    profiles = yaml.safe_load(ensure_profiles().read_text()) or {}
    output = profiles.get("revenue_funnel", {}).get("outputs", {}).get("duckdb", {})
    configured = str(output.get("path", ""))
    rendered = jinja2.Template(configured).render(
        env_var=lambda name, default="": os.environ.get(name, default)
    )
    target = Path(rendered) if Path(rendered).is_absolute() else PROJECT_DIR / rendered
    if not configured or target.resolve() == working_path().resolve():
        return None
    return (
        f"profiles.yml points the duckdb target at {target}, but runs build into "
        f"{working_path()} and BI reads {published_path()}. Set its path as in "
        "profiles.example.yml: \"{{ env_var('FUNNEL_WAREHOUSE_DIR', 'warehouse') }}"
        '/build/funnel_build.duckdb" (or delete profiles.yml to have it copied again).'
    )


def export_environment() -> None:
    """Make dbt (run as a subprocess) see the same absolute warehouse dir and profiles as Python."""
    ensure_profiles()
    os.environ["FUNNEL_WAREHOUSE_DIR"] = str(warehouse_dir())
    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    # dagster-dbt runs `dbt` from PATH: make it the one installed beside this interpreter.
    interpreter_bin = str(Path(sys.executable).parent)
    if interpreter_bin not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = interpreter_bin + os.pathsep + os.environ.get("PATH", "")
    warehouse_dir().mkdir(parents=True, exist_ok=True)


def as_of_text(moment: datetime) -> str:
    """An instant as the as-of text dbt and the gates read: UTC, to the second."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat(sep=" ")
