"""Source systems: the ones the raw contract knows, and the ones that have landed in a warehouse.

A system is one source of the contract (`models/staging/<system>/_<system>__sources.yml`). It is
*landed* when any of its contract tables exists in its raw schema. Only landed systems are
checked: the absent tables of a system that was never loaded are not findings (a warehouse
holding one system has none of the others' tables, and nothing is missing), while the required
tables of a landed system stay required.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import duckdb

from orchestration.raw.contract import contract_tables, load_contract, raw_schemas


def contract_systems() -> tuple[str, ...]:
    """Every system of the raw contract, in contract order."""
    return tuple(load_contract())


def landed_systems_with(exists: Callable[[str, str], bool]) -> tuple[str, ...]:
    """The systems with at least one contract table, through any engine's catalogue lookup
    `exists(schema, table)`."""
    schemas = raw_schemas()
    landed = {
        table.source for table in contract_tables() if exists(schemas[table.source], table.name)
    }
    return tuple(system for system in contract_systems() if system in landed)


def present_tables(connection: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """(schema, table) of every table and view of a DuckDB database, lower case."""
    return {
        (str(schema).lower(), str(name).lower())
        for schema, name in connection.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
    }


def duckdb_landed_systems(connection: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """The systems landed in a DuckDB warehouse."""
    present = present_tables(connection)
    return landed_systems_with(lambda schema, name: (schema.lower(), name.lower()) in present)


def landed_from_counts(counts: Mapping[str, int | None]) -> tuple[str, ...]:
    """The systems landed, from row counts by `system.table` (None: the table is absent)."""
    landed = {name.split(".", 1)[0] for name, count in counts.items() if count is not None}
    return tuple(system for system in contract_systems() if system in landed)


def not_landed(landed: Iterable[str]) -> tuple[str, ...]:
    """The contract systems missing from `landed`, in contract order."""
    landed = set(landed)
    return tuple(system for system in contract_systems() if system not in landed)


def describe_not_landed(system: str) -> str:
    """The one line a run says about a system with no table in the warehouse."""
    tables = load_contract()[system]
    schema = raw_schemas()[system]
    return (
        f"system {system} not landed: none of its {len(tables)} contract tables exists in "
        f"schema {schema}; its tables are not checked"
    )


def system_of(qualified_name: str) -> str:
    """`<system>.<table>` -> `<system>`."""
    return qualified_name.split(".", 1)[0]
