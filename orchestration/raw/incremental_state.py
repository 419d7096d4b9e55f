"""Replacing the raw tables wholesale (`funnel generate`, `funnel load`) replaces history: rows can
vanish without a deletion flag and reappear with old sync times, which incremental models only
see within their lookback. Dropping those models makes the next run rebuild them from scratch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from orchestration.settings import PROJECT_DIR, connect_warehouse

MODELS_DIR = PROJECT_DIR / "models"
INCREMENTAL_MARKER = 'materialized="incremental"'


def incremental_models() -> Iterator[tuple[str, str]]:
    """(schema, model) of every incremental model; the top folder names the schema."""
    for path in sorted(MODELS_DIR.rglob("*.sql")):
        if INCREMENTAL_MARKER in path.read_text():
            yield path.relative_to(MODELS_DIR).parts[0], path.stem


def forget_incremental_state(database: Path) -> None:
    """Drop the incremental models' tables in `database`, so the next run builds them in full."""
    if not database.exists():
        return
    with connect_warehouse(database) as connection:
        for schema, model in incremental_models():
            connection.execute(f'drop table if exists "{schema}"."{model}"')
