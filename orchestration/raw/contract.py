"""The raw-data contract, read from the dbt source definitions.

`models/staging/*/_*__sources.yml` is the single description of the raw tables: the generator,
the loader and dbt all read it, so they cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from orchestration.settings import PROJECT_DIR

STAGING_DIR = PROJECT_DIR / "models" / "staging"


def discover_source_files(staging_dir: Path = STAGING_DIR) -> dict[str, Path]:
    """System -> its source definitions: every `<system>/_<system>__sources.yml` under the
    staging folder, in name order. Adding a system's staging folder adds it to the contract."""
    return {
        path.parent.name: path
        for path in sorted(staging_dir.glob("*/_*__sources.yml"))
        if path.name == f"_{path.parent.name}__sources.yml"
    }


SOURCE_FILES = discover_source_files()

# Contract type names -> DuckDB types.
DUCKDB_TYPES = {
    "varchar": "VARCHAR",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
}

BOOKKEEPING_COLUMNS = ("_fivetran_synced", "_fivetran_deleted")
_VAR_DEFAULT = re.compile(r"var\(\s*'[^']+'\s*,\s*'([^']+)'\s*\)")


@dataclass(frozen=True)
class ContractColumn:
    name: str
    data_type: str
    description: str
    custom_field_var: str | None = None  # a per-org custom field/property, named by this var
    custom_field_prefix: str = ""  # how the connector prefixes it, e.g. `property_<name>`
    custom_field_default: str | None = None  # the var's value when dbt_project.yml doesn't set it

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.data_type]

    @property
    def custom_field(self) -> str | None:
        """The API name configured for a custom-field column, e.g. a CRM field `Loss_Reason__c`
        or a property `disqualification_reason`."""
        if not self.custom_field_var:
            return None
        configured = project_vars().get(self.custom_field_var, self.custom_field_default)
        if configured is None:
            raise KeyError(f"var {self.custom_field_var!r} is not set in dbt_project.yml")
        return configured

    @property
    def landed_name(self) -> str:
        """The column the connector lands it as: its own name, or a custom field's snake case
        under the connector's prefix (`Loss_Reason__c` -> `loss_reason_c`; property
        `disqualification_reason` under `property_` -> `property_disqualification_reason`), as
        macros/staging/contract_source.sql reads it."""
        if not self.custom_field:
            return self.name
        return self.custom_field_prefix + connector_column_name(self.custom_field)


@dataclass(frozen=True)
class ContractTable:
    source: str
    name: str
    required: bool
    key_columns: tuple[str, ...]
    columns: tuple[ContractColumn, ...]
    description: str

    @property
    def qualified_name(self) -> str:
        return f"{self.source}.{self.name}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> ContractColumn:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.qualified_name} has no contract column {name!r}")


_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def connector_column_name(name: str) -> str:
    """`LastModifiedDate` -> `last_modified_date`, `Foo__c` -> `foo_c`, ` Id ` -> `id`;
    connector bookkeeping keeps its leading underscore (`_fivetran_synced`)."""
    name = name.strip()
    prefix = "_" if name.startswith("_") else ""
    name = _CAMEL_BOUNDARY.sub("_", name)
    name = re.sub(r"[^0-9a-zA-Z]+", "_", name)
    return prefix + name.strip("_").lower()


@cache
def project_vars() -> dict:
    """The vars of dbt_project.yml: the configuration the CLI, the generator and dbt share."""
    document = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return document.get("vars") or {}


def _default_of(templated: str) -> str:
    """`{{ var('<system>_schema', '<system>') }}` -> `<system>`."""
    match = _VAR_DEFAULT.search(templated)
    return match.group(1) if match else templated


def _column(column: dict) -> ContractColumn:
    meta = column.get("config", {}).get("meta", {})
    return ContractColumn(
        column["name"],
        column["data_type"],
        column.get("description", ""),
        meta.get("custom_field_var"),
        meta.get("custom_field_prefix", ""),
        meta.get("custom_field_default"),
    )


@cache
def load_contract() -> dict[str, tuple[ContractTable, ...]]:
    """Source name -> its contract tables, in declaration order."""
    contract: dict[str, tuple[ContractTable, ...]] = {}
    for source_name, path in SOURCE_FILES.items():
        document = yaml.safe_load(Path(path).read_text())
        (source,) = [s for s in document["sources"] if s["name"] == source_name]
        tables = []
        for table in source["tables"]:
            meta = table.get("config", {}).get("meta", {})
            tables.append(
                ContractTable(
                    source=source_name,
                    name=table["name"],
                    required=meta.get("contract") == "required",
                    key_columns=tuple(meta.get("key_columns", ["id"])),
                    columns=tuple(_column(c) for c in table["columns"]),
                    description=table.get("description", ""),
                )
            )
        contract[source_name] = tuple(tables)
    return contract


def contract_tables() -> list[ContractTable]:
    return [table for tables in load_contract().values() for table in tables]


def contract_table(source: str, name: str) -> ContractTable:
    for table in load_contract()[source]:
        if table.name == name:
            return table
    raise KeyError(f"{source}.{name} is not a contract table")


@cache
def raw_schemas() -> dict[str, str]:
    """Source name -> raw schema name (the var default; the CLI writes there)."""
    schemas = {}
    for source_name, path in SOURCE_FILES.items():
        document = yaml.safe_load(Path(path).read_text())
        (source,) = [s for s in document["sources"] if s["name"] == source_name]
        schemas[source_name] = _default_of(source.get("schema", source_name))
    return schemas


def create_table_sql(table: ContractTable, schema: str | None = None) -> str:
    """DDL for an empty raw table with exactly the contract's columns, as landed (a custom field
    under its configured name)."""
    target_schema = schema or raw_schemas()[table.source]
    columns = ",\n    ".join(f'"{c.landed_name}" {c.duckdb_type}' for c in table.columns)
    return f'create or replace table "{target_schema}"."{table.name}" (\n    {columns}\n)'
