"""Read every table of schema `marts` back from an engine, as Arrow tables."""

from __future__ import annotations

import decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.settings import connect_warehouse

MARTS_SCHEMA = "marts"

# PostgreSQL type oids -> Arrow types (numeric as float64, as the comparison reads it).
POSTGRES_TYPES = {
    16: pa.bool_(),
    20: pa.int64(),
    21: pa.int16(),
    23: pa.int32(),
    700: pa.float32(),
    701: pa.float64(),
    1700: pa.float64(),
    25: pa.string(),
    1043: pa.string(),
    1082: pa.date32(),
    1114: pa.timestamp("us"),
    1184: pa.timestamp("us", tz="UTC"),
}


def duckdb_marts(duckdb_path: Path) -> dict[str, pa.Table]:
    with connect_warehouse(duckdb_path, read_only=True) as connection:
        names = [
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_type = 'BASE TABLE' order by 1",
                [MARTS_SCHEMA],
            ).fetchall()
        ]
        return {
            name: connection.sql(f'select * from "{MARTS_SCHEMA}"."{name}"').to_arrow_table()
            for name in names
        }


def postgres_marts(connection: Any) -> dict[str, pa.Table]:
    """`connection` is a psycopg2 connection. Decimals (PostgreSQL's numeric) become floats."""
    tables = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "select table_name from information_schema.tables "
            "where table_schema = %s and table_type = 'BASE TABLE' order by 1",
            [MARTS_SCHEMA],
        )
        names = [name for (name,) in cursor.fetchall()]
        for name in names:
            cursor.execute(f'select * from "{MARTS_SCHEMA}"."{name}"')
            rows = cursor.fetchall()
            tables[name] = pa.table(
                {
                    column.name: pa.array(
                        [_plain(row[index]) for row in rows],
                        type=POSTGRES_TYPES.get(column.type_code, pa.string()),
                    )
                    for index, column in enumerate(cursor.description)
                }
            )
    return tables


def parquet_marts(export_dir: Path) -> dict[str, pa.Table]:
    """`export_dir/<table>/` directories of parquet files, as Spark's export writes them."""
    return {
        path.name: pq.read_table(path) for path in sorted(export_dir.iterdir()) if path.is_dir()
    }


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, decimal.Decimal) else value
