"""Parse text values into the contract's types, and find the values that don't parse."""

from __future__ import annotations

from orchestration.raw.contract import ContractColumn

_TRUE = "('true', 't', '1', 'yes', 'y')"
_FALSE = "('false', 'f', '0', 'no', 'n')"


def typed_expression(column: ContractColumn, text: str) -> str:
    """SQL turning the text column into the contract type; NULL where it doesn't parse."""
    value = f"nullif(trim({text}), '')"
    kind = column.data_type
    if kind == "varchar":
        return f"nullif({text}, '')"
    if kind == "timestamp":
        return _utc_timestamp(value)
    if kind == "date":
        return f"coalesce(try_cast({value} as date), cast({_utc_timestamp(value)} as date))"
    if kind == "boolean":
        return (
            f"case when lower({value}) in {_TRUE} then true "
            f"when lower({value}) in {_FALSE} then false end"
        )
    if kind in ("integer", "bigint"):
        sql_type = column.duckdb_type
        return (
            f"coalesce(try_cast({value} as {sql_type}), "
            f"case when try_cast({value} as double) = floor(try_cast({value} as double)) "
            f"then try_cast(try_cast({value} as double) as {sql_type}) end)"
        )
    return f"try_cast({value} as {column.duckdb_type})"


def unparsed_condition(column: ContractColumn, text: str) -> str:
    """True for rows whose non-empty value did not parse."""
    if column.data_type == "varchar":
        return "false"
    return f"nullif(trim({text}), '') is not null and ({typed_expression(column, text)}) is null"


def _utc_timestamp(value: str) -> str:
    """Naive UTC from any spelling DuckDB reads as timestamptz (`... UTC`, `T...Z`, offsets, zone
    names; no zone = UTC), plus a space before a numeric offset (`23:43:24.000 +0000`); the
    fallback only runs for values the plain cast rejects."""
    spaced_offset = rf"regexp_replace({value}, '\s+([+-]\d{{2}}:?\d{{2}})$', '\1')"
    return (
        f"timezone('UTC', coalesce(try_cast({value} as timestamptz), "
        f"try_cast({spaced_offset} as timestamptz)))"
    )
