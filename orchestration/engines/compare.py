"""Compare the marts that several engines built from the same raw data.

Every table of schema `marts` is fingerprinted, column by column, inside one DuckDB session
(so the comparison itself speaks one SQL dialect, whatever engine built the table):

- numbers (any integer, decimal or float type): non-null count, sum, min, max;
- timestamps and dates: non-null count, distinct count, and sum, min and max of microseconds
  since the epoch (UTC), exact integers;
- booleans: non-null count and count of true;
- text: non-null count, distinct count, and a checksum of the values (sum of their hashes), so
  the same multiset of strings on both sides is required, not just as many.

Numbers agree within a relative `RELATIVE_TOLERANCE` (1e-9; absolute near zero): engines add
floating-point numbers in different orders, and PostgreSQL and Spark compute some ratios in
decimal arithmetic where DuckDB uses doubles, which differ in the last digits only. Counts,
timestamps, text checksums and booleans must be identical.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

RELATIVE_TOLERANCE = 1e-9
NUMERIC_PREFIXES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "FLOAT",
    "DOUBLE",
    "DECIMAL",
    "REAL",
)
TEMPORAL_PREFIXES = ("TIMESTAMP", "DATE")

Value = float | int | None


@dataclass(frozen=True)
class ColumnFingerprint:
    family: str
    measures: Mapping[str, Value]


@dataclass(frozen=True)
class TableFingerprint:
    rows: int
    columns: Mapping[str, ColumnFingerprint]


@dataclass(frozen=True)
class Mismatch:
    table: str
    column: str | None
    engine: str
    detail: str


@dataclass
class Comparison:
    reference: str
    fingerprints: dict[str, dict[str, TableFingerprint]]
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return not self.mismatches


def _family(duckdb_type: str) -> str:
    upper = duckdb_type.upper()
    if upper.startswith(NUMERIC_PREFIXES):
        return "number"
    if upper.startswith(TEMPORAL_PREFIXES):
        return "time"
    if upper == "BOOLEAN":
        return "boolean"
    return "text"


def _measures_sql(column: str, family: str) -> list[tuple[str, str]]:
    quoted = '"' + column.replace('"', '""') + '"'
    count = ("non_null", f"count({quoted})")
    if family == "number":
        value = f"cast({quoted} as double)"
        return [count, ("sum", f"sum({value})"), ("min", f"min({value})"), ("max", f"max({value})")]
    if family == "time":
        # Dates and timestamps, with or without a zone (the session is UTC): microseconds since
        # the epoch, summed as exact integers.
        epoch = f"epoch_us(cast({quoted} as timestamp))"
        return [
            count,
            ("distinct", f"count(distinct {quoted})"),
            ("sum", f"sum({epoch})"),
            ("min", f"min({epoch})"),
            ("max", f"max({epoch})"),
        ]
    if family == "boolean":
        return [count, ("true", f"count(*) filter (where {quoted})")]
    text = f"cast({quoted} as varchar)"
    return [
        count,
        ("distinct", f"count(distinct {text})"),
        ("checksum", f"sum(cast(hash({text}) as hugeint)) filter (where {quoted} is not null)"),
    ]


def fingerprint_table(table: pa.Table) -> TableFingerprint:
    """The fingerprint of one table's rows."""
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        connection.register("subject", table)
        described = connection.execute("describe subject").fetchall()
        families = {name: _family(data_type) for name, data_type, *_ in described}
        selects = ["count(*)"]
        keys: list[tuple[str, str]] = []
        for name, family in families.items():
            for measure, expression in _measures_sql(name, family):
                selects.append(expression)
                keys.append((name, measure))
        row = connection.execute(f"select {', '.join(selects)} from subject").fetchone()
    assert row is not None
    measures: dict[str, dict[str, Value]] = {name: {} for name in families}
    for (name, measure), value in zip(keys, row[1:], strict=True):
        measures[name][measure] = (
            float(value)
            if isinstance(value, float)
            else (int(value) if value is not None else None)
        )
    return TableFingerprint(
        rows=int(row[0]),
        columns={name: ColumnFingerprint(families[name], measures[name]) for name in families},
    )


def _close(expected: Value, actual: Value, family: str, measure: str) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if family != "number" or measure == "non_null":
        return expected == actual
    return math.isclose(
        float(expected), float(actual), rel_tol=RELATIVE_TOLERANCE, abs_tol=RELATIVE_TOLERANCE
    )


def compare(fingerprints: dict[str, dict[str, TableFingerprint]], reference: str) -> Comparison:
    """Every engine's marts against the reference engine's: same tables, same rows, same
    columns of the same family, same fingerprints."""
    comparison = Comparison(reference, fingerprints)
    expected_tables = fingerprints[reference]
    for engine, tables in fingerprints.items():
        if engine == reference:
            continue
        for name in sorted(set(expected_tables) | set(tables)):
            if name not in tables or name not in expected_tables:
                where = engine if name not in tables else reference
                comparison.mismatches.append(Mismatch(name, None, engine, f"missing on {where}"))
                continue
            comparison.mismatches += _compare_table(
                name, engine, expected_tables[name], tables[name]
            )
    return comparison


def _compare_table(
    name: str, engine: str, expected: TableFingerprint, actual: TableFingerprint
) -> list[Mismatch]:
    found: list[Mismatch] = []
    if expected.rows != actual.rows:
        found.append(Mismatch(name, None, engine, f"rows {actual.rows} != {expected.rows}"))
    for column in sorted(set(expected.columns) | set(actual.columns)):
        want, got = expected.columns.get(column), actual.columns.get(column)
        if want is None or got is None:
            found.append(Mismatch(name, column, engine, "column missing on one side"))
            continue
        if want.family != got.family:
            found.append(Mismatch(name, column, engine, f"{got.family} != {want.family}"))
            continue
        for measure, value in want.measures.items():
            other = got.measures.get(measure)
            if not _close(value, other, want.family, measure):
                found.append(Mismatch(name, column, engine, f"{measure} {other} != {value}"))
    return found


def kpi_totals(
    fingerprints: dict[str, dict[str, TableFingerprint]], kpis: Mapping[str, Sequence[str]]
) -> list[tuple[str, dict[str, Value]]]:
    """(table.column, {engine: sum}) for each key KPI column; a missing one is an error."""
    totals = []
    for table, columns in kpis.items():
        for column in columns:
            per_engine: dict[str, Value] = {}
            for engine, tables in fingerprints.items():
                if table not in tables or column not in tables[table].columns:
                    raise KeyError(f"KPI {table}.{column} was not built on {engine}")
                per_engine[engine] = tables[table].columns[column].measures.get("sum")
            totals.append((f"{table}.{column}", per_engine))
    return totals


def render(comparison: Comparison, kpis: Mapping[str, Sequence[str]]) -> str:
    """Row counts per mart and the key KPI totals per engine, then every mismatch."""
    engines = list(comparison.fingerprints)
    names = sorted(set().union(*(tables.keys() for tables in comparison.fingerprints.values())))
    bad_tables = {mismatch.table for mismatch in comparison.mismatches}
    width = max(len(name) for name in names) + 2
    lines = ["rows per mart".ljust(width) + "".join(e.rjust(12) for e in engines) + "  agrees"]
    for name in names:
        counts = [
            str(comparison.fingerprints[e][name].rows)
            if name in comparison.fingerprints[e]
            else "-"
            for e in engines
        ]
        mark = "NO" if name in bad_tables else "yes"
        lines.append(name.ljust(width) + "".join(c.rjust(12) for c in counts) + f"  {mark}")
    totals = kpi_totals(comparison.fingerprints, kpis)
    kpi_width = max([len(label) for label, _ in totals] + [width]) + 2
    lines += ["", "key KPI (sum)".ljust(kpi_width) + "".join(e.rjust(16) for e in engines)]
    for label, per_engine in totals:
        cells = ["-" if per_engine[e] is None else f"{per_engine[e]:.4f}" for e in engines]
        lines.append(label.ljust(kpi_width) + "".join(c.rjust(16) for c in cells))
    if comparison.mismatches:
        lines += ["", f"{len(comparison.mismatches)} difference(s) from {comparison.reference}:"]
        lines += [
            f"  {m.engine}: {m.table}{'.' + m.column if m.column else ''}: {m.detail}"
            for m in comparison.mismatches
        ]
    return "\n".join(lines)
