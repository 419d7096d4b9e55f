"""Copy the raw tables (the raw schema of every source system of the contract in a DuckDB
warehouse, as `funnel generate` or `funnel load` leave them) into another engine, column types
kept. Only the landed systems' tables exist in the copy: a contract table the DuckDB warehouse
lacks is dropped from the target, so a system that isn't landed there isn't landed in the copy."""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from orchestration.raw.contract import contract_tables, raw_schemas
from orchestration.settings import connect_warehouse

# DuckDB type -> (PostgreSQL type, Spark type).
TYPE_MAP = {
    "VARCHAR": ("text", "string"),
    "INTEGER": ("integer", "int"),
    "BIGINT": ("bigint", "bigint"),
    "DOUBLE": ("double precision", "double"),
    "BOOLEAN": ("boolean", "boolean"),
    "TIMESTAMP": ("timestamp", "timestamp"),
    "DATE": ("date", "date"),
}


@dataclass(frozen=True)
class RawColumn:
    name: str
    duckdb_type: str

    @property
    def postgres_type(self) -> str:
        return TYPE_MAP[self.duckdb_type][0]

    @property
    def spark_type(self) -> str:
        return TYPE_MAP[self.duckdb_type][1]


@dataclass(frozen=True)
class RawTable:
    schema: str
    name: str
    columns: tuple[RawColumn, ...]


def landed_raw_tables(duckdb_path: Path) -> list[RawTable]:
    """Every table in the raw schemas, with its columns in order."""
    schemas = sorted(raw_schemas().values())
    placeholders = ", ".join("?" for _ in schemas)
    with connect_warehouse(duckdb_path, read_only=True) as connection:
        rows = connection.execute(
            f"""
            select table_schema, table_name, column_name, data_type
            from information_schema.columns
            where table_schema in ({placeholders})
            order by table_schema, table_name, ordinal_position
            """,
            schemas,
        ).fetchall()
    columns: dict[tuple[str, str], list[RawColumn]] = {}
    for schema, table, column, data_type in rows:
        if data_type not in TYPE_MAP:
            raise ValueError(f"{schema}.{table}.{column}: no mapping for DuckDB type {data_type}")
        columns.setdefault((schema, table), []).append(RawColumn(column, data_type))
    return [RawTable(schema, table, tuple(cols)) for (schema, table), cols in columns.items()]


def absent_contract_tables(tables: list[RawTable]) -> list[tuple[str, str]]:
    """(schema, table) of every contract table not among `tables`."""
    schemas = raw_schemas()
    landed = {(table.schema, table.name) for table in tables}
    return [
        (schemas[table.source], table.name)
        for table in contract_tables()
        if (schemas[table.source], table.name) not in landed
    ]


def copy_raw_to_postgres(duckdb_path: Path, connection: Any) -> list[RawTable]:
    """Recreate every raw table in PostgreSQL (same schema and names) and COPY its rows in;
    drop the contract tables the DuckDB warehouse doesn't have (left by an earlier copy).

    `connection` is a psycopg2 connection; the copy commits once, at the end.
    """
    tables = landed_raw_tables(duckdb_path)
    with tempfile.TemporaryDirectory(prefix="funnel-raw-") as scratch:
        with connect_warehouse(duckdb_path, read_only=True) as warehouse:
            for table in tables:
                path = Path(scratch) / f"{table.schema}.{table.name}.csv"
                # Empty strings are written quoted and nulls as nothing: COPY ... csv keeps them
                # apart the same way.
                warehouse.execute(
                    f'copy "{table.schema}"."{table.name}" to \'{path}\' '
                    "(format csv, header false, force_quote *, null '')"
                )
        with connection.cursor() as cursor:
            for schema, name in absent_contract_tables(tables):
                cursor.execute(f'drop table if exists "{schema}"."{name}"')
            for table in tables:
                definition = ", ".join(f'"{c.name}" {c.postgres_type}' for c in table.columns)
                cursor.execute(f'create schema if not exists "{table.schema}"')
                cursor.execute(f'drop table if exists "{table.schema}"."{table.name}"')
                cursor.execute(f'create table "{table.schema}"."{table.name}" ({definition})')
                path = Path(scratch) / f"{table.schema}.{table.name}.csv"
                with path.open() as rows:
                    cursor.copy_expert(
                        f'copy "{table.schema}"."{table.name}" from stdin (format csv, null \'\')',
                        rows,
                    )
        connection.commit()
    return tables


MANIFEST_NAME = "tables.json"


def export_raw_to_parquet(duckdb_path: Path, directory: Path) -> list[RawTable]:
    """One parquet file per raw table, `directory/<schema>.<table>.parquet`, and a manifest of
    the tables and their landed column types (`tables.json`, see `read_manifest`)."""
    tables = landed_raw_tables(duckdb_path)
    directory.mkdir(parents=True, exist_ok=True)
    with connect_warehouse(duckdb_path, read_only=True) as warehouse:
        for table in tables:
            path = directory / f"{table.schema}.{table.name}.parquet"
            warehouse.execute(
                f'copy "{table.schema}"."{table.name}" to \'{path}\' (format parquet)'
            )
    manifest = [asdict(table) for table in tables]
    (directory / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1))
    return tables


def read_manifest(directory: Path) -> list[RawTable]:
    entries = json.loads((directory / MANIFEST_NAME).read_text())
    return [
        RawTable(
            entry["schema"],
            entry["name"],
            tuple(RawColumn(column["name"], column["duckdb_type"]) for column in entry["columns"]),
        )
        for entry in entries
    ]
