"""`funnel load PATH`: connector exports (CSV or Parquet) into the raw schemas, all or nothing.

One folder per source system of the contract (`<system>/`, named like its staging folder), any
subset of them. Accepts what real exports look like: extra columns (kept as text after the
contract's columns), CamelCase or API-style headers, a UTF-8 byte-order mark, the connectors'
timestamp spellings, absent or empty optional tables, and contract columns an instance doesn't sync
(null, with a warning). A custom-field column is read under the configured field (its var), landed
as the connector names it (`Rejection_Reason__c` -> `rejection_reason_c`). Anything that would lose
or invent data is an error naming file, line and column.

All-or-nothing: every file is read and checked in a private in-memory DuckDB first; only when
nothing is wrong is the warehouse attached and every raw table replaced in one transaction (the
tables of a system without a folder are dropped). A
failed load therefore leaves the warehouse exactly as it was (and doesn't create one).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import duckdb

from orchestration.raw.contract import (
    BOOKKEEPING_COLUMNS,
    ContractColumn,
    ContractTable,
    contract_tables,
    create_table_sql,
    raw_schemas,
)
from orchestration.raw.incremental_state import forget_incremental_state
from orchestration.raw.loader.discovery import TableFile, discover, snake_case
from orchestration.raw.loader.problems import LoadError, LoadProblem, LoadReport
from orchestration.raw.loader.reader import (
    MAX_PROBLEMS_PER_FILE,
    RECORD_COLUMN,
    StagedFile,
    quoted,
    sql_string,
    stage_csv,
    stage_parquet,
)
from orchestration.raw.loader.typing_rules import typed_expression, unparsed_condition
from orchestration.raw.systems import contract_systems
from orchestration.settings import duckdb_config

__all__ = ["LoadError", "LoadProblem", "LoadReport", "load_folder", "snake_case"]

WAREHOUSE_ALIAS = "funnel_warehouse"


def load_folder(path: Path, database: Path) -> LoadReport:
    """Load `path/<system>/*` (one folder per system of the contract, any subset) into the raw
    schemas of `database`. Every contract table of a system with files is replaced (its absent
    optional tables become empty); the raw tables of a system without files are removed, so the
    warehouse holds exactly what was loaded. Raises `LoadError` with every problem found, before
    anything is written."""
    started = time.perf_counter()
    path, database = Path(path), Path(database)
    report = LoadReport()
    found, problems, ignored = discover(path)
    report.info += [f"ignored {file}: not a contract table" for file in ignored]
    landed = {qualified.split(".", 1)[0] for qualified in found}
    systems = contract_systems()
    if not landed and path.is_dir() and not problems:
        problems.append(
            LoadProblem(
                str(path),
                "no source system to load: expected a folder per system ("
                + ", ".join(f"{system}/" for system in systems)
                + ") holding its tables as <table>.csv|.csv.gz|.parquet",
            )
        )
    missing = [
        t.qualified_name
        for t in contract_tables()
        if t.source in landed and t.required and t.qualified_name not in found
    ]
    if missing and path.is_dir():
        problems.append(
            LoadProblem(
                str(path),
                "required tables are missing: "
                + ", ".join(missing)
                + " (expected <system>/<table>.csv|.csv.gz|.parquet, e.g. "
                + f"{missing[0].replace('.', '/')}.csv)",
            )
        )
    if problems:
        raise LoadError(problems)
    report.systems = [system for system in systems if system in landed]
    report.info += [
        f"system {system} not landed: no {system}/ folder with its tables; "
        "its raw tables are removed"
        for system in systems
        if system not in landed
    ]

    with _staging_connection(database) as connection:
        selects: dict[str, str] = {}
        for index, table in enumerate(contract_tables()):
            if table.source not in landed:
                continue
            item = found.get(table.qualified_name)
            if item is None:
                report.info.append(f"{table.qualified_name}: no file; loaded as an empty table")
                continue
            try:
                select = _stage(connection, table, item, f"load_{index}", report, problems)
            except duckdb.Error as error:  # e.g. out of memory or disk while reading
                problems.append(LoadProblem(str(item.path), f"could not be read: {_reason(error)}"))
                continue
            if select is not None:
                selects[table.qualified_name] = select
        if problems:
            raise LoadError(problems)
        _replace_all(connection, database, selects, report, landed)
    forget_incremental_state(database)
    report.seconds = time.perf_counter() - started
    return report


def _staging_connection(database: Path) -> duckdb.DuckDBPyConnection:
    config = duckdb_config()
    # Row order must follow the file so record numbers point at the right lines.
    config["preserve_insertion_order"] = "true"
    # Spill space for big files: beside the warehouse (same disk), unless that doesn't exist yet.
    spill_parent = database.parent if database.parent.is_dir() else Path(tempfile.gettempdir())
    config["temp_directory"] = str(spill_parent / f".{database.name}.load.{os.getpid()}.tmp")
    connection = duckdb.connect(":memory:", config=config)
    connection.execute("set TimeZone = 'UTC'")  # timestamps without an offset are UTC
    return connection


def _stage(
    connection: duckdb.DuckDBPyConnection,
    table: ContractTable,
    item: TableFile,
    temp_table: str,
    report: LoadReport,
    problems: list[LoadProblem],
) -> str | None:
    """Read and check one file; the select producing its raw table, or None for an empty file
    (or when there were problems, which are appended)."""
    report.files_read.append(str(item.path))
    staged = (
        stage_parquet(connection, item, temp_table)
        if item.is_parquet
        else stage_csv(connection, item, temp_table)
    )
    if staged.problems:
        problems += staged.problems
        return None
    if staged.rows == 0:
        detail = "has no rows" if staged.columns else "is empty"
        message = f"{table.qualified_name}: {item.path.name} {detail}; loaded as an empty table"
        (report.warnings if table.required else report.info).append(message)
        return None
    present = set(staged.columns)
    missing_keys = [key for key in table.key_columns if key not in present]
    if missing_keys:
        problems += [
            staged.problem(
                f"key column {key!r} is missing from the header (it has: "
                f"{', '.join(staged.columns[:12])}{', ...' if len(staged.columns) > 12 else ''})",
                line=1 if staged.delimiter else None,
                column=key,
            )
            for key in missing_keys
        ]
        return None
    missing = [c for c in table.columns if c.landed_name not in present]
    unsynced = [_described(c) for c in missing if c.name not in BOOKKEEPING_COLUMNS]
    if unsynced:
        report.warnings.append(
            f"{table.qualified_name} ({item.path.name}) lacks contract column(s) "
            f"{', '.join(unsynced)}: loaded as null"
        )
    if len(unsynced) < len(missing):
        report.info.append(
            f"{table.qualified_name}: no connector bookkeeping column(s) "
            f"{', '.join(c.name for c in missing if c.name in BOOKKEEPING_COLUMNS)}; "
            "loaded as null"
        )
    unparsed = _unparsed_values(connection, table, staged)
    if unparsed:
        problems += unparsed
        return None
    contract_names = {column.landed_name for column in table.columns}
    columns = [
        f"{typed_expression(column, quoted(column.landed_name))} as {quoted(column.landed_name)}"
        if column.landed_name in present
        else f"cast(null as {column.duckdb_type}) as {quoted(column.landed_name)}"
        for column in table.columns
    ]
    columns += [
        f"nullif({quoted(name)}, '') as {quoted(name)}"
        for name in staged.columns
        if name not in contract_names
    ]
    return f"select {', '.join(columns)} from temp.main.{temp_table}"


def _described(column: ContractColumn) -> str:
    """A contract column for the user: a custom field names its API name and the var setting it."""
    if not column.custom_field_var:
        return column.landed_name
    return (
        f"{column.landed_name} (custom field {column.custom_field}, set by the "
        f"{column.custom_field_var} var)"
    )


def _unparsed_values(
    connection: duckdb.DuckDBPyConnection, table: ContractTable, staged: StagedFile
) -> list[LoadProblem]:
    """Non-empty values that don't parse as their contract type, first ones first: one scan of
    the file's rows, then a look at the (few) rows it found."""
    checks = [
        (position, column, unparsed_condition(column, quoted(column.landed_name)))
        for position, column in enumerate(table.columns)
        if column.landed_name in staged.columns and column.data_type != "varchar"
    ]
    if not checks:
        return []
    any_unparsed = " or ".join(f"({condition})" for _, _, condition in checks)
    (bad,) = connection.execute(
        f"select count(*) from temp.main.{staged.temp_table} where {any_unparsed}"
    ).fetchone() or (0,)
    if not bad:
        return []
    unions = " union all ".join(
        f"select {RECORD_COLUMN} as record, {position} as position, "
        f"{sql_string(column.landed_name)} as column_name, "
        f"{quoted(column.landed_name)} as value "
        f"from bad_rows where {condition}"
        for position, column, condition in checks
    )
    rows = connection.execute(
        f"""
        with bad_rows as (
            select * from temp.main.{staged.temp_table}
            where {any_unparsed}
        )
        select record, column_name, value, count(*) over () as total
        from ({unions})
        order by record, position
        limit {MAX_PROBLEMS_PER_FILE}
        """
    ).fetchall()
    if not rows:
        return []
    lines = staged.lines(int(row[0]) for row in rows)
    types = {column.landed_name: column.data_type for column in table.columns}
    problems = [
        staged.problem(
            f"not a valid {types[column_name]}",
            line=lines[int(record)],
            column=column_name,
            value=value,
        )
        for record, column_name, value, _ in rows
    ]
    total = int(rows[0][3])
    if total > MAX_PROBLEMS_PER_FILE:
        problems.append(
            staged.problem(f"... and {total - MAX_PROBLEMS_PER_FILE} more unparsable values")
        )
    return problems


def _replace_all(
    connection: duckdb.DuckDBPyConnection,
    database: Path,
    selects: dict[str, str],
    report: LoadReport,
    landed: set[str],
) -> None:
    """Attach the warehouse and, in one transaction, replace every raw table of the `landed`
    systems and drop those of the others."""
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        connection.execute(f"attach {sql_string(str(database))} as {WAREHOUSE_ALIAS}")
    except duckdb.Error as error:
        raise LoadError(
            [LoadProblem(str(database), f"cannot open the warehouse for writing: {_reason(error)}")]
        ) from None
    connection.execute(f"use {WAREHOUSE_ALIAS}")
    schemas = raw_schemas()
    connection.execute("begin transaction")
    try:
        for schema in sorted(set(schemas.values())):
            connection.execute(f"create schema if not exists {quoted(schema)}")
        for table in contract_tables():
            target = f"{quoted(schemas[table.source])}.{quoted(table.name)}"
            if table.source not in landed:
                connection.execute(f"drop table if exists {target}")
                continue
            select = selects.get(table.qualified_name)
            if select is None:
                connection.execute(create_table_sql(table, schemas[table.source]))
            else:
                connection.execute(f"create or replace table {target} as {select}")
            (rows,) = connection.execute(f"select count(*) from {target}").fetchone() or (0,)
            report.rows_per_table[table.qualified_name] = int(rows)
        connection.execute("commit")
    except duckdb.Error as error:  # e.g. the disk filled up: nothing was committed
        connection.execute("rollback")
        raise LoadError(
            [LoadProblem(str(database), f"writing the raw tables failed: {_reason(error)}")]
        ) from None
    except BaseException:
        connection.execute("rollback")
        raise
    finally:
        connection.execute("use memory")
        connection.execute(f"detach {WAREHOUSE_ALIAS}")


def _reason(error: duckdb.Error) -> str:
    return str(error).strip().splitlines()[0]
