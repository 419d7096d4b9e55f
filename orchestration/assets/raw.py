"""Raw tables of the source systems as assets.

One asset per contract table, keyed like the dbt sources (`<system>/<table>`),
so the dbt models hang below them in the graph. Materializing them either checks tables already
landed by an ELT connector (the default), generates synthetic data, or loads a folder of files.
Any subset of the systems may be landed; the required tables of a landed system must be there.
"""

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Config,
    Failure,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)
from pydantic import Field

from orchestration.assets.dbt import WAREHOUSE_POOL
from orchestration.publication import remove_scratch_files
from orchestration.raw.contract import ContractTable, contract_tables, raw_schemas
from orchestration.raw.systems import (
    contract_systems,
    describe_not_landed,
    landed_from_counts,
    not_landed,
)
from orchestration.run_lock import acquire_for_step
from orchestration.settings import connect_warehouse, working_path


class RawTablesConfig(Config):
    source: str | None = Field(
        default=None,
        description="landed: use tables an ELT tool already wrote; generate: synthetic data; "
        "files: load the folder in `path`. Default $FUNNEL_RAW_SOURCE, else landed.",
    )
    path: str | None = Field(default=None, description="Folder for source=files.")
    leads: int = Field(default=5000, description="People to generate for source=generate.")
    seed: int = Field(default=42, description="Random seed for source=generate.")
    as_of: str | None = Field(default=None, description="End of generated history (UTC).")
    faults: bool = Field(default=False, description="Inject the documented bad records.")
    systems: str | None = Field(
        default=None,
        description="Systems to generate for source=generate, comma-separated: a CRM and a "
        "marketing automation system, or one system playing both (`funnel generate --help` "
        "lists the combinations). Default: the generator's default combination.",
    )


def raw_asset_key(table: ContractTable) -> AssetKey:
    return AssetKey([table.source, table.name])


def _spec(table: ContractTable) -> AssetSpec:
    return AssetSpec(
        key=raw_asset_key(table),
        description=table.description,
        group_name="raw",
        kinds={"duckdb"},
        metadata={"contract": "required" if table.required else "optional"},
        skippable=True,
    )


def landed_row_counts(database: Path) -> dict[str, int | None]:
    """Row count of every contract table in the warehouse; None where the table is absent."""
    counts: dict[str, int | None] = {}
    schemas = raw_schemas()
    if not database.exists():
        return {table.qualified_name: None for table in contract_tables()}
    with connect_warehouse(database, read_only=True) as connection:
        present = {
            (schema, name)
            for schema, name in connection.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
        for table in contract_tables():
            schema = schemas[table.source]
            if (schema, table.name) in present:
                (count,) = connection.execute(
                    f'select count(*) from "{schema}"."{table.name}"'
                ).fetchone() or (0,)
                counts[table.qualified_name] = int(count)
            else:
                counts[table.qualified_name] = None
    return counts


def _land(
    context: AssetExecutionContext, config: RawTablesConfig, source: str, database: Path
) -> None:
    if source not in ("landed", "generate", "files"):
        raise Failure(f"Unknown raw source {source!r}: use landed, generate or files.")
    if source == "generate":
        from orchestration.raw.generator import generate

        as_of = datetime.fromisoformat(config.as_of) if config.as_of else None
        systems = {"systems": tuple(config.systems.split(","))} if config.systems else {}
        report = generate(
            database,
            leads=config.leads,
            seed=config.seed,
            as_of=as_of,
            faults=config.faults,
            **systems,
        )
        context.log.info(
            f"Generated {report.total_rows:,} raw rows ({report.rows_per_second:,.0f}/s)"
        )
    elif source == "files":
        if not config.path:
            raise Failure(
                "source=files needs `path`: the folder with a folder per source system ("
                + ", ".join(f"{system}/" for system in contract_systems())
                + ")."
            )
        from orchestration.raw.loader import LoadError, load_folder

        try:
            load_report = load_folder(Path(config.path), database)
        except LoadError as error:
            raise Failure(
                f"Loading {config.path} failed; the warehouse is unchanged.\n{error}"
            ) from None
        for warning in load_report.warnings:
            context.log.warning(warning)
        for note in load_report.info:
            if note.startswith("system "):
                context.log.info(note)


@multi_asset(
    specs=[_spec(table) for table in contract_tables()],
    can_subset=True,
    pool=WAREHOUSE_POOL,
    name="raw_tables",
)
def raw_tables(
    context: AssetExecutionContext, config: RawTablesConfig
) -> Iterator[MaterializeResult]:
    acquire_for_step(context)
    for leftover in remove_scratch_files():
        context.log.info(f"Removed {leftover.name}, left by a publish that was stopped.")
    database = working_path()
    source = config.source or os.environ.get("FUNNEL_RAW_SOURCE", "landed")
    _land(context, config, source, database)
    counts = landed_row_counts(database)
    landed = landed_from_counts(counts)
    if not landed:
        required = {
            system: [
                table.qualified_name
                for table in contract_tables()
                if table.source == system and table.required
            ]
            for system in contract_systems()
        }
        raise Failure(
            f"No source system has landed in {database}: none of the contract's tables exists "
            f"(schemas {', '.join(sorted(set(raw_schemas().values())))}). A system lands with its "
            "required tables: "
            + "; ".join(f"{system}: {', '.join(tables)}" for system, tables in required.items())
            + ". Land them with your ELT tool, or run `funnel generate` or `funnel load PATH`.",
            metadata={"systems": MetadataValue.json(list(contract_systems()))},
        )
    for system in not_landed(landed):
        context.log.info(describe_not_landed(system))
    missing_required = [
        table.qualified_name
        for table in contract_tables()
        if table.source in landed and table.required and counts[table.qualified_name] is None
    ]
    if missing_required:
        raise Failure(
            f"Required raw tables are missing from {database}: {', '.join(missing_required)}. "
            "Land them with your ELT tool, or run `funnel generate` or `funnel load PATH`.",
            metadata={"missing_tables": MetadataValue.json(missing_required)},
        )
    selected = context.selected_asset_keys
    for table in contract_tables():
        key = raw_asset_key(table)
        if key not in selected:
            continue
        rows = counts[table.qualified_name]
        yield MaterializeResult(
            asset_key=key,
            metadata={
                "dagster/row_count": MetadataValue.int(rows or 0),
                "present": MetadataValue.bool(rows is not None),
                "source": MetadataValue.text(source),
            },
        )
