"""Split generated raw data into the state at day D and the day that followed, to exercise
incremental runs the way a daily connector sync does.

`hold_back_last_day` takes a warehouse generated with history ending at D + 1 day and moves out
every row the connector landed after D (`_fivetran_synced > D`) into Parquet files: new records,
new events (including events that happened before D but landed late) and the newer versions of
records that changed during the day. Changed records keep an earlier version in the warehouse, as
they were at D: synced before D, and with the status or stage they had at D where the system keeps
a status history (the system's own rule, `orchestration/raw/generator/day_state.py`, beside the
generator that renders its tables), so the day carries real updates of the same ids. `append_day`
then lands the held-back rows as a connector syncing in its default (non-history) mode does: a
newer version replaces the row with the same key.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from orchestration.raw.contract import ContractTable, contract_tables, raw_schemas
from orchestration.raw.generator.day_state import existing_by_reference, roll_back_statuses
from orchestration.raw.systems import present_tables
from orchestration.settings import connect_warehouse

# The last-modified and created columns of mutable records, as each system's connector names them.
MUTABLE_MARKERS = (
    "last_modified_date",
    "updated_at",
    "property_lastmodifieddate",
    "property_hs_lastmodifieddate",
    "last_updated",
    "updatedat",
)
CREATED_COLUMNS = ("created_date", "created_at", "property_createdate", "createdat")


def _column_names(table: ContractTable) -> set[str]:
    return {column.name for column in table.columns}


def _is_mutable(table: ContractTable) -> bool:
    """Records whose columns change over time (as opposed to append-only events)."""
    return bool(_column_names(table) & set(MUTABLE_MARKERS))


def _created_column(table: ContractTable) -> str:
    return next(name for name in CREATED_COLUMNS if name in _column_names(table))


def _timestamp(value: datetime) -> str:
    return f"timestamp '{value:%Y-%m-%d %H:%M:%S}'"


def _relation(table: ContractTable) -> str:
    return f'"{raw_schemas()[table.source]}"."{table.name}"'


def _landed_tables(connection: object) -> list[ContractTable]:
    """The contract tables the warehouse has (the systems generated or loaded into it)."""
    present = present_tables(connection)  # type: ignore[arg-type]
    schemas = raw_schemas()
    return [
        table
        for table in contract_tables()
        if (schemas[table.source].lower(), table.name.lower()) in present
    ]


def hold_back_last_day(database: Path, day_start: datetime, folder: Path) -> dict[str, int]:
    """Move rows synced after `day_start` from `database` to `folder/<source>/<table>.parquet`;
    changed records keep their version as of `day_start`. Returns held-back rows per table."""
    cutoff = _timestamp(day_start)
    held_back: dict[str, int] = {}
    with connect_warehouse(database) as connection:
        landed = _landed_tables(connection)
        for table in landed:
            relation = _relation(table)
            (count,) = connection.execute(
                f"select count(*) from {relation} where _fivetran_synced > {cutoff}"
            ).fetchone() or (0,)
            held_back[table.qualified_name] = int(count)
            if not count:
                continue
            target = folder / table.source / f"{table.name}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            connection.execute(
                f"copy (select * from {relation} where _fivetran_synced > {cutoff}) "
                f"to '{target}' (format parquet)"
            )
            if _is_mutable(table):
                _roll_back_changed_records(connection, table, cutoff)
            else:
                connection.execute(f"delete from {relation} where _fivetran_synced > {cutoff}")
        roll_back_statuses(connection.execute, cutoff, {table.qualified_name for table in landed})
    return held_back


def _roll_back_changed_records(connection: object, table: ContractTable, cutoff: str) -> None:
    """Records created after the cutoff go; older ones changed later get an earlier sync."""
    relation = _relation(table)
    created = _created_column(table)
    modified = next(name for name in MUTABLE_MARKERS if name in _column_names(table))
    earlier = f"greatest({created}, {cutoff} - interval 1 hour)"
    execute = connection.execute  # type: ignore[attr-defined]
    execute(
        f"delete from {relation} where _fivetran_synced > {cutoff} "
        f"and ({created} is null or {created} > {cutoff}){_unreferenced(table, cutoff)}"
    )
    execute(
        f"update {relation} set _fivetran_synced = {earlier}, {modified} = {earlier} "
        f"where _fivetran_synced > {cutoff}"
    )


def _unreferenced(table: ContractTable, cutoff: str) -> str:
    """Keeps records that rows landed by the cutoff already name (the system's rule, if any)."""
    referenced = existing_by_reference(table.qualified_name, cutoff)
    return f" and not ({referenced})" if referenced else ""


def append_day(database: Path, folder: Path) -> dict[str, int]:
    """Land the held-back rows in `folder` in the raw tables, as a daily sync does: rows with a
    key already present replace it (updated records), the others are added."""
    appended: dict[str, int] = {}
    with connect_warehouse(database) as connection:
        for table in contract_tables():
            source = folder / table.source / f"{table.name}.parquet"
            if not source.exists():
                continue
            columns = ", ".join(f'"{column.name}"' for column in table.columns)
            keys = " and ".join(
                f'landed."{key}" = {_relation(table)}."{key}"' for key in table.key_columns
            )
            connection.execute(
                f"delete from {_relation(table)} where exists "
                f"(select 1 from read_parquet('{source}') as landed where {keys})"
            )
            connection.execute(
                f"insert into {_relation(table)} ({columns}) "
                f"select {columns} from read_parquet('{source}')"
            )
            (count,) = connection.execute(
                f"select count(*) from read_parquet('{source}')"
            ).fetchone() or (0,)
            appended[table.qualified_name] = int(count)
    return appended
