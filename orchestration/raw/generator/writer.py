"""Write generated tables into the raw schemas in one transaction."""

from __future__ import annotations

from collections.abc import Collection, MutableMapping
from pathlib import Path

import pyarrow as pa

from orchestration.raw.contract import contract_tables, create_table_sql, raw_schemas
from orchestration.settings import connect_warehouse


def write_tables(
    database: Path,
    tables: MutableMapping[str, list[pa.Table]],
    systems: Collection[str] = ("salesforce", "marketo"),
) -> dict[str, int]:
    """Replace every contract table of `systems` with the generated chunks and drop the contract
    tables of the other systems (so exactly `systems` are landed); all or nothing. Chunks are
    taken out of `tables` as they are written, so their memory is freed table by table."""
    schemas = raw_schemas()
    rows: dict[str, int] = {}
    connection = connect_warehouse(database)
    try:
        connection.execute("begin transaction")
        for schema in sorted({schemas[system] for system in systems}):
            connection.execute(f'create schema if not exists "{schema}"')
        for table in contract_tables():
            if table.source not in systems:
                connection.execute(f'drop table if exists "{schemas[table.source]}"."{table.name}"')
                continue
            connection.execute(create_table_sql(table))
            count = 0
            chunks = tables.pop(table.qualified_name, [])
            index = 0
            while chunks:
                chunk = chunks.pop(0)
                view = f"generated_{table.source}_{table.name}_{index}"
                connection.register(view, chunk)
                connection.execute(
                    f'insert into "{schemas[table.source]}"."{table.name}" by name '
                    f"select * from {view}"
                )
                connection.unregister(view)
                count += chunk.num_rows
                index += 1
                del chunk
            rows[table.qualified_name] = count
        unknown = sorted(name for name, chunks in tables.items() if chunks)
        if unknown:
            raise ValueError(f"generated tables the raw contract doesn't know: {unknown}")
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise
    finally:
        connection.close()
    return rows
