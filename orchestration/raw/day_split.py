"""Split generated raw data into the state at day D and the day that followed, to exercise
incremental runs the way a daily connector sync does.

`hold_back_last_day` takes a warehouse generated with history ending at D + 1 day and moves out
every row the connector landed after D (`_fivetran_synced > D`) into Parquet files: new records,
new events (including events that happened before D but landed late) and the newer versions of
records that changed during the day. Changed records keep an earlier version in the warehouse,
as they were at D: synced before D, and for CRM leads, Marketo leads and opportunities with the
status or stage they had at D (taken from the status history), so the day carries real updates
of the same ids. `append_day` then lands the held-back rows as a connector syncing in its
default (non-history) mode does: a newer version replaces the row with the same key.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from orchestration.raw.contract import ContractTable, contract_tables, raw_schemas
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
        _roll_back_statuses(connection, cutoff, {table.qualified_name for table in landed})
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
    """A Marketo lead that activities landed by the cutoff already name existed then, whatever
    its `created_at` says (a merge survivor's can be later than the merge)."""
    if table.qualified_name != "marketo.lead":
        return ""
    schema = raw_schemas()["marketo"]
    activity_leads = " union all ".join(
        f'select lead_id from "{schema}"."{other.name}" where _fivetran_synced <= {cutoff}'
        for other in contract_tables()
        if other.source == "marketo" and other.name.startswith("activity_")
    )
    return f" and id not in ({activity_leads})"


def _roll_back_statuses(connection: object, cutoff: str, landed: set[str]) -> None:
    """Statuses and stages as they were at the cutoff, from the history the day added; for each
    system whose tables are landed."""
    schemas = raw_schemas()
    execute = connection.execute  # type: ignore[attr-defined]
    if {"salesforce.lead", "salesforce.lead_history"} <= landed:
        crm = f'"{schemas["salesforce"]}"'
        execute(
            f"""
            update {crm}.lead set status = first_change.old_value
            from (
                select lead_id, arg_min(old_value, created_date) as old_value
                from {crm}.lead_history
                where field = 'Status' and created_date > {cutoff}
                group by lead_id
            ) as first_change
            where lead.id = first_change.lead_id and first_change.old_value is not null
            """
        )
    if {"marketo.lead", "marketo.activity_change_data_value"} <= landed:
        mas = f'"{schemas["marketo"]}"'
        execute(
            f"""
            update {mas}.lead set lead_status = first_change.old_value
            from (
                select lead_id, arg_min(old_value, activity_date) as old_value
                from {mas}.activity_change_data_value
                where primary_attribute_value = 'Lead Status' and activity_date > {cutoff}
                group by lead_id
            ) as first_change
            where lead.id = first_change.lead_id and first_change.old_value is not null
            """
        )
    if {"salesforce.opportunity", "salesforce.opportunity_history"} <= landed:
        crm = f'"{schemas["salesforce"]}"'
        execute(
            f"""
            update {crm}.opportunity set stage_name = stage_at_cutoff.stage_name
            from (
                select opportunity_id, arg_max(stage_name, created_date) as stage_name
                from {crm}.opportunity_history
                where created_date <= {cutoff}
                group by opportunity_id
            ) as stage_at_cutoff
            where opportunity.id = stage_at_cutoff.opportunity_id
            """
        )
    if {"hubspot.contact", "hubspot.contact_property_history"} <= landed:
        _roll_back_hubspot_properties(
            connection,
            cutoff,
            f'"{schemas["hubspot"]}"',
            "contact",
            "id",
            "contact_id",
            {
                "lifecyclestage": "property_lifecyclestage",
                "hs_lead_status": "property_hs_lead_status",
            },
        )
    if {"hubspot.deal", "hubspot.deal_property_history"} <= landed:
        _roll_back_hubspot_properties(
            connection,
            cutoff,
            f'"{schemas["hubspot"]}"',
            "deal",
            "deal_id",
            "deal_id",
            {"dealstage": "deal_pipeline_stage_id"},
        )


def _roll_back_hubspot_properties(
    connection: object,
    cutoff: str,
    schema: str,
    table: str,
    key: str,
    history_key: str,
    properties: dict[str, str],
) -> None:
    """HubSpot's property history has no old value: a record whose property changed after the
    cutoff gets its last value set by then ('' when it was cleared, null when it had none)."""
    execute = connection.execute  # type: ignore[attr-defined]
    for name, column in properties.items():
        execute(
            f"""
            update {schema}."{table}" set "{column}" = at_cutoff.value
            from (
                select
                    "{history_key}" as record_id,
                    arg_max(value, "timestamp") filter (where "timestamp" <= {cutoff}) as value
                from {schema}."{table}_property_history"
                where name = '{name}'
                group by "{history_key}"
                having max("timestamp") > {cutoff}
            ) as at_cutoff
            where "{table}"."{key}" = at_cutoff.record_id
            """
        )


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
