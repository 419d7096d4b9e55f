"""`funnel load PATH`: connector exports (CSV or Parquet) into the raw schemas, all or nothing.

Accepts what real exports look like: extra columns (kept as text after the contract's columns),
CamelCase or API-style headers, a UTF-8 byte-order mark, the connectors' timestamp spellings,
absent or empty optional tables, and contract columns an instance doesn't sync (null, with a
warning). Anything that would lose or invent data is an error naming file, line and column, and
the warehouse is left exactly as it was.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from orchestration.raw.contract import ContractTable, contract_tables, create_table_sql, raw_schemas
from orchestration.raw.loader.discovery import TableFile, discover
from orchestration.raw.loader.problems import LoadError, LoadProblem, LoadReport
from orchestration.raw.loader.reader import (
    LINE_COLUMN,
    MAX_PROBLEMS_PER_FILE,
    StagedFile,
    stage_csv,
    stage_parquet,
)
from orchestration.raw.loader.typing_rules import typed_expression, unparsed_condition
from orchestration.settings import connect_warehouse

__all__ = ["LoadError", "LoadProblem", "LoadReport", "load_folder"]


def load_folder(path: Path, database: Path) -> LoadReport:
    started = time.perf_counter()
    report = LoadReport()
    found, problems, ignored = discover(Path(path))
    report.info += [f"ignored {file}: not a contract table" for file in ignored]
    missing = [
        t.qualified_name for t in contract_tables() if t.required and t.qualified_name not in found
    ]
    if missing:
        problems.append(
            LoadProblem(
                str(path),
                "required tables are missing: "
                + ", ".join(missing)
                + " (expected salesforce/<table>.csv|.parquet and marketo/<table>.csv|.parquet)",
            )
        )
    if problems:
        raise LoadError(problems)

    connection = connect_warehouse(Path(database))
    try:
        connection.execute("set preserve_insertion_order = true")
        selects: dict[str, str] = {}
        for index, table in enumerate(contract_tables()):
            item = found.get(table.qualified_name)
            if item is None:
                report.info.append(f"{table.qualified_name}: no file; loaded as an empty table")
                continue
            select, file_problems = _stage(connection, table, item, f"load_{index}", report)
            problems += file_problems
            if select is not None:
                selects[table.qualified_name] = select
        if problems:
            raise LoadError(problems)
        _replace_all(connection, selects, report)
    finally:
        connection.close()
    report.seconds = time.perf_counter() - started
    return report


def _stage(
    connection: duckdb.DuckDBPyConnection,
    table: ContractTable,
    item: TableFile,
    temp_table: str,
    report: LoadReport,
) -> tuple[str | None, list[LoadProblem]]:
    file = str(item.path)
    report.files_read.append(file)
    staged: StagedFile = (
        stage_parquet(connection, item, temp_table)
        if item.is_parquet
        else stage_csv(connection, item, temp_table)
    )
    if staged.problems:
        return None, staged.problems
    if not staged.columns:
        report.info.append(f"{table.qualified_name}: {item.path.name} is empty")
        return None, []
    present = set(staged.columns)
    missing_keys = [key for key in table.key_columns if key not in present]
    if missing_keys:
        return None, [
            LoadProblem(file, f"key column {key!r} is missing from the header", line=1, column=key)
            for key in missing_keys
        ]
    missing = [c.name for c in table.columns if c.name not in present]
    if missing:
        report.warnings.append(
            f"{table.qualified_name} ({item.path.name}) lacks contract column(s) "
            f"{', '.join(missing)}: loaded as null"
        )
    problems = _unparsed_values(connection, table, staged, file)
    if problems:
        return None, problems
    contract_names = set(table.column_names)
    columns = [
        f'{typed_expression(column, _quoted(column.name))} as "{column.name}"'
        if column.name in present
        else f'cast(null as {column.duckdb_type}) as "{column.name}"'
        for column in table.columns
    ]
    columns += [_quoted(name) for name in staged.columns if name not in contract_names]
    return f"select {', '.join(columns)} from {temp_table}", []


def _unparsed_values(
    connection: duckdb.DuckDBPyConnection, table: ContractTable, staged: StagedFile, file: str
) -> list[LoadProblem]:
    checks = [c for c in table.columns if c.name in staged.columns and c.data_type != "varchar"]
    if not checks:
        return []
    unions = " union all ".join(
        f"select {LINE_COLUMN} as line, '{column.name}' as column_name, "
        f"{_quoted(column.name)} as value from {staged.temp_table} "
        f"where {unparsed_condition(column, _quoted(column.name))}"
        for column in checks
    )
    rows = connection.execute(
        f"select line, column_name, value, count(*) over () as total from ({unions}) "
        f"order by line, column_name limit {MAX_PROBLEMS_PER_FILE}"
    ).fetchall()
    problems = []
    for line, column_name, value, _ in rows:
        expected = table.column(column_name).data_type
        problems.append(
            LoadProblem(
                file, f"not a valid {expected}", line=int(line), column=column_name, value=value
            )
        )
    if rows and rows[0][3] > MAX_PROBLEMS_PER_FILE:
        problems.append(
            LoadProblem(file, f"and {rows[0][3] - MAX_PROBLEMS_PER_FILE} more unparsable values")
        )
    return problems


def _replace_all(
    connection: duckdb.DuckDBPyConnection, selects: dict[str, str], report: LoadReport
) -> None:
    schemas = raw_schemas()
    connection.execute("begin transaction")
    try:
        for schema in sorted(set(schemas.values())):
            connection.execute(f'create schema if not exists "{schema}"')
        for table in contract_tables():
            target = f'"{schemas[table.source]}"."{table.name}"'
            select = selects.get(table.qualified_name)
            if select is None:
                connection.execute(create_table_sql(table))
            else:
                connection.execute(f"create or replace table {target} as {select}")
            (rows,) = connection.execute(f"select count(*) from {target}").fetchone() or (0,)
            report.rows_per_table[table.qualified_name] = int(rows)
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
