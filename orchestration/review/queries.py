"""Small helpers to read the published marts as plain rows (None stays None, never NaN)."""

from __future__ import annotations

from typing import Any

import duckdb

Rows = list[dict[str, Any]]


def rows(connection: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Rows:
    cursor = connection.execute(sql, params or [])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def one(connection: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    found = connection.execute(sql, params or []).fetchone()
    return None if found is None else found[0]


def total_of(found: Rows) -> int:
    """The `count(*) over ()` a limited query carries: how many matched, not how many came."""
    return int(found[0]["total"]) if found else 0
