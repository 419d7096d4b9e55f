"""The work of an expectation pushed down to DuckDB: the SQL predicate that is true for a row
the expectation would flag, so only those rows (and counts) leave the warehouse.

GX then validates the rows found here and must agree with the counts (see `validate.py`): the
SQL finds, GX judges.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from orchestration.checks.stewards import frame_values
from orchestration.checks.suites import ExpectationSpec, Suite, contract_column

_LIVE = re.compile(r"\{live(?::(\w+))?\}")
_LANDED = re.compile(r"\{landed:(\w+)\.(\w+)\}")
_CUSTOM_FIELD = re.compile(r"\{custom_field:(\w+)\.(\w+)\}")
_AGREED = re.compile(r"\{agreed:(\w+)\}")
# Contract types as both DuckDB and PostgreSQL spell them (for a column the table lacks).
_NULL_TYPES = {"double": "double precision"}
DELETION_COLUMNS = ("is_deleted", "_fivetran_deleted")


class UnsupportedExpectation(ValueError):
    """An expectation type the gate has no pushdown for: reported as a gate error."""


def literal(value: Any) -> str:
    """A SQL literal for a kwarg or parameter value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        return f"timestamp '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"date '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, Sequence):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    raise UnsupportedExpectation(f"no SQL literal for {value!r}")


def resolve(value: Any, parameters: Mapping[str, Any]) -> Any:
    """A kwarg value with GX's `{"$PARAMETER": name}` replaced by the run's parameter."""
    if isinstance(value, dict) and "$PARAMETER" in value:
        name = value["$PARAMETER"]
        if name not in parameters:
            raise UnsupportedExpectation(f"suite parameter {name!r} is not provided by the gate")
        return parameters[name]
    return value


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def render_frame(
    suite: Suite, schemas: Mapping[str, str], table_columns: Sequence[str] | None
) -> str:
    """The suite's frame SQL with schema names and the deletion filter filled in.

    The same text runs on DuckDB and PostgreSQL: conversions go through the `funnel_*` helpers
    of `conversions.py`.
    """
    present = set(table_columns or ())

    def live(match: re.Match[str]) -> str:
        alias = match.group(1)
        prefix = f"{quote(alias)}." if alias else ""
        terms = [
            f"not coalesce(funnel_bool({prefix}{column}), false)"
            for column in DELETION_COLUMNS
            if column in present
        ]
        return " and ".join(terms) or "true"

    def landed(match: re.Match[str]) -> str:
        alias, name = match.groups()
        column = contract_column(suite.table, name)
        if column is None:
            raise UnsupportedExpectation(f"{suite.table} has no contract column {name!r}")
        if column.landed_name in present:
            return f"{quote(alias)}.{quote(column.landed_name)}"
        return f"cast(null as {_NULL_TYPES.get(column.data_type, column.data_type)})"

    def custom_field(match: re.Match[str]) -> str:
        table, name = match.groups()
        source = suite.table.split(".", 1)[0]
        column = contract_column(f"{source}.{table}", name)
        if column is None or column.custom_field is None:
            raise UnsupportedExpectation(f"{source}.{table}.{name} is not a custom-field column")
        return literal(column.custom_field)

    def agreed(match: re.Match[str]) -> str:
        return ", ".join(literal(value) for value in frame_values()[match.group(1)])

    sql = _LIVE.sub(live, suite.frame_sql)
    sql = _LANDED.sub(landed, sql)
    sql = _CUSTOM_FIELD.sub(custom_field, sql)
    sql = _AGREED.sub(agreed, sql)
    for source, schema in schemas.items():
        sql = sql.replace("{" + source + "}", quote(schema))
    return sql


def failing_predicate(expectation: ExpectationSpec, parameters: Mapping[str, Any]) -> str:
    """SQL over the frame `frame`: true for a row the expectation counts as unexpected."""
    kwargs = {key: resolve(value, parameters) for key, value in expectation.kwargs.items()}
    kind = expectation.type
    if kind in ("expect_column_pair_values_a_to_be_greater_than_b",):
        a, b = quote(kwargs["column_A"]), quote(kwargs["column_B"])
        comparison = ">=" if kwargs.get("or_equal") else ">"
        return f"{a} is not null and {b} is not null and not ({a} {comparison} {b})"
    if kind == "expect_column_pair_values_to_be_equal":
        a, b = quote(kwargs["column_A"]), quote(kwargs["column_B"])
        return f"{a} is not null and {b} is not null and {a} <> {b}"
    column = quote(kwargs["column"])
    if kind == "expect_column_values_to_not_be_null":
        return f"{column} is null"
    if kind == "expect_column_values_to_be_null":
        return f"{column} is not null"
    if kind == "expect_column_values_to_be_unique":
        return (
            f"{column} in (select {column} from frame where {column} is not null "
            f"group by {column} having count(*) > 1)"
        )
    if kind == "expect_column_values_to_be_in_set":
        return (
            f"{column} is not null and not list_contains({literal(list(kwargs['value_set']))}, "
            f"{column})"
        )
    if kind == "expect_column_values_to_match_regex":
        return (
            f"{column} is not null and not regexp_matches(cast({column} as varchar), "
            f"{literal(kwargs['regex'])})"
        )
    if kind == "expect_column_values_to_be_between":
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        below = "<=" if kwargs.get("strict_min") else "<"
        above = ">=" if kwargs.get("strict_max") else ">"
        terms = []
        if low is not None:
            terms.append(f"{column} {below} {literal(low)}")
        if high is not None:
            terms.append(f"{column} {above} {literal(high)}")
        if not terms:
            raise UnsupportedExpectation(f"{expectation.label}: between needs a bound")
        return f"{column} is not null and ({' or '.join(terms)})"
    raise UnsupportedExpectation(f"{expectation.label}: no pushdown for {kind}")


def quick_check(expectation: ExpectationSpec, parameters: Mapping[str, Any]) -> str:
    """An aggregate over `frame`, > 0 when the expectation may fail; one scan for all of them.

    Uniqueness is the only one that needs a second look: duplicated rows minus values here,
    the rows that share a value afterwards.
    """
    if expectation.type == "expect_column_values_to_be_unique":
        column = quote(expectation.kwargs["column"])
        return f"count({column}) - count(distinct {column})"
    return f"count(*) filter (where {failing_predicate(expectation, parameters)})"
