"""The named conversions a suite's frame may call, so that one frame text runs on DuckDB and on
PostgreSQL. Each returns null for a value that doesn't convert, whatever type the raw column was
landed with (typed by `funnel generate`, text from some loaders):

- `funnel_ts(v)`: a UTC timestamp from a timestamp, or from text such as `2026-11-01 09:00:00`,
  `2026-11-01T09:00:00Z` or `2026-11-01 09:00:00 UTC`;
- `funnel_double(v)`, `funnel_bigint(v)`: numbers;
- `funnel_bool(v)`: a boolean (the deletion flags of `{live}`);
- `funnel_non_finite(v)`: the value as text when it is a number that isn't finite (`NaN`,
  `Infinity`, `-Infinity`: both engines accept them as doubles, and they pass a `between`
  check), else null.

DuckDB: temporary macros over `try_cast`, created on the gate's connection. PostgreSQL 15 has no
`try_cast`: the gate creates functions in a schema of its own (`funnel_gates`), one overload per
input type family, and its connections put that schema on their search path. A typed value
passes straight through (plain SQL functions, inlined by the planner); only text goes through a
plpgsql function that catches the failed cast, as the project's dbt macros do
(macros/cross_database/safe_cast.sql). Text without a zone is read as UTC on both engines: the
gate's connections run with `TimeZone=UTC`.
"""

from __future__ import annotations

DUCKDB_MACROS = {
    "funnel_ts": (
        "cast(try_cast(replace(cast(v as varchar), ' UTC', '+00') as timestamptz) as timestamp)"
    ),
    "funnel_double": "try_cast(v as double)",
    "funnel_bigint": "try_cast(v as bigint)",
    "funnel_bool": "try_cast(v as boolean)",
    "funnel_non_finite": (
        "case when not isfinite(try_cast(v as double)) "
        "then cast(try_cast(v as double) as varchar) end"
    ),
}

POSTGRES_SCHEMA = "funnel_gates"

# (name, argument type, return type, body): `v` is the argument. Bodies with a cast that can fail
# run in plpgsql with an exception handler; the others are plain SQL.
_POSTGRES_FUNCTIONS = (
    (
        "funnel_ts",
        "text",
        "timestamp",
        "cast(replace(v, ' UTC', '+00') as timestamptz) at time zone 'UTC'",
    ),
    ("funnel_ts", "timestamp", "timestamp", None),
    ("funnel_ts", "timestamptz", "timestamp", "v at time zone 'UTC'"),
    ("funnel_double", "text", "double precision", "cast(v as double precision)"),
    ("funnel_double", "double precision", "double precision", None),
    ("funnel_bigint", "text", "bigint", "cast(cast(v as numeric) as bigint)"),
    ("funnel_bigint", "bigint", "bigint", None),
    ("funnel_bigint", "double precision", "bigint", "cast(v as bigint)"),
    ("funnel_bool", "text", "boolean", "cast(v as boolean)"),
    (
        "funnel_non_finite",
        "text",
        "text",
        "case when cast(v as double precision) in ('NaN', 'Infinity', '-Infinity') then v end",
    ),
    (
        "funnel_non_finite",
        "double precision",
        "text",
        "case when v in ('NaN', 'Infinity', '-Infinity') then cast(v as text) end",
    ),
    ("funnel_bool", "boolean", "boolean", None),
)


def duckdb_statements() -> list[str]:
    return [
        f"create or replace temp macro {name}(v) as {body}" for name, body in DUCKDB_MACROS.items()
    ]


def postgres_statements(schema: str = POSTGRES_SCHEMA) -> list[str]:
    """DDL for the PostgreSQL functions; safe to run again (create or replace)."""
    statements = [f'create schema if not exists "{schema}"']
    for name, argument, returns, body in _POSTGRES_FUNCTIONS:
        signature = f'"{schema}".{name}(v {argument}) returns {returns}'
        if body is None:
            statements.append(
                f"create or replace function {signature} language sql immutable as 'select v'"
            )
        elif argument == "text" or returns == "bigint":
            statements.append(
                f"create or replace function {signature} language plpgsql stable as $$\n"
                f"begin\n    return {body};\nexception when others then\n    return null;\nend\n$$"
            )
        else:
            statements.append(
                f"create or replace function {signature} language sql stable as $$ select {body} $$"
            )
    return statements
