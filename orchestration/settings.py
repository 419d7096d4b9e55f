"""Where things live. Everything machine-specific comes from the environment."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
WAREHOUSE_FILE_NAME = "funnel.duckdb"


def warehouse_dir() -> Path:
    """`$FUNNEL_WAREHOUSE_DIR`, default `warehouse/` in the project, as an absolute path."""
    configured = os.environ.get("FUNNEL_WAREHOUSE_DIR")
    path = Path(configured) if configured else PROJECT_DIR / "warehouse"
    if not path.is_absolute():
        path = Path.cwd() / path
    return path


def warehouse_path() -> Path:
    return warehouse_dir() / WAREHOUSE_FILE_NAME


def duckdb_config() -> dict[str, str]:
    """Settings for DuckDB connections opened from Python; same knobs as profiles.example.yml."""
    return {
        "memory_limit": os.environ.get("FUNNEL_DUCKDB_MEMORY_LIMIT", "8GB"),
        "threads": os.environ.get("FUNNEL_DUCKDB_THREADS", "2"),
        "TimeZone": "UTC",
        "preserve_insertion_order": "false",
    }


def ensure_profiles() -> Path:
    """Copy profiles.example.yml to profiles.yml on first use; never overwrite the user's copy."""
    profiles = PROJECT_DIR / "profiles.yml"
    if not profiles.exists():
        shutil.copyfile(PROJECT_DIR / "profiles.example.yml", profiles)
    return profiles


def export_environment() -> None:
    """Make dbt (run as a subprocess) see the same absolute warehouse dir and profiles as Python."""
    ensure_profiles()
    os.environ["FUNNEL_WAREHOUSE_DIR"] = str(warehouse_dir())
    os.environ.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    warehouse_dir().mkdir(parents=True, exist_ok=True)
