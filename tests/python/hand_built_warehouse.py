"""A warehouse written by hand for the scenario tests: the raw contract's tables of the systems
the rows name, then the given rows (each synced at `synced_at`), run through the whole pipeline
at `as_of`."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.pipeline import PipelineOutcome, run_pipeline
from orchestration.raw.contract import contract_tables, create_table_sql

RawRows = dict[str, list[dict[str, object]]]


def _insert(
    connection: duckdb.DuckDBPyConnection, table: str, row: dict[str, object], synced_at: str
) -> None:
    columns = [*row, "_fivetran_synced"]
    names = ", ".join(f'"{name}"' for name in columns)
    placeholders = ", ".join("?" for _ in columns)
    connection.execute(
        f"insert into {table} ({names}) values ({placeholders})", [*row.values(), synced_at]
    )


def build_hand_built_warehouse(
    directory: Path, rows: RawRows, synced_at: str, as_of: str
) -> tuple[Path, PipelineOutcome]:
    """(working database, outcome) of the pipeline run on exactly `rows`."""
    database = directory / "build" / "funnel_build.duckdb"
    database.parent.mkdir()
    with duckdb.connect(str(database)) as connection:
        # The systems the scenario names land every table of their contract (empty ones too).
        landed = {table.split(".")[0] for table in rows}
        for system in sorted(landed):
            connection.execute(f'create schema "{system}"')
        for contract_table in contract_tables():
            if contract_table.source in landed:
                connection.execute(create_table_sql(contract_table))
        for table, table_rows in rows.items():
            for row in table_rows:
                _insert(connection, table, row, synced_at)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FUNNEL_WAREHOUSE_DIR", str(directory))
        outcome = run_pipeline(as_of=as_of)
    return database, outcome
