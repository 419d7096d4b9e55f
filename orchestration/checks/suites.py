"""Expectation suites kept as reviewable files: `gx/suites/<boundary>/<name>.json` (a GX 1.x
suite: expectation type, kwargs, and `meta.severity` critical|warning|info) beside
`<name>.sql`, the frame the suite validates, computed in the warehouse.

A frame selects only the columns the expectations read, with derived columns where a check
needs a join or a window (a referential check validates `missing_account_id`, null unless the
account doesn't exist). Placeholders: `{<system>}`, one per system of the raw contract (its raw
schema name, orchestration/raw/contract.py), `{marts}`, and
`{live}` / `{live:alias}` (the row is not a deletion, for whichever of `is_deleted` and
`_fivetran_deleted` the table has), `{landed:alias.column}` (a raw-contract column of the suite's
table under the name it is landed as: a custom field's configured name, null when the table
lacks it), `{custom_field:table.column}` (the configured name of a custom-field column, a
system's API or property name, as a SQL string) and `{agreed:name}` (the values
of an agreement, as SQL strings separated by commas: `stewards.frame_values`).

Column names in a raw suite's kwargs are contract names; the gate reads a custom field under its
landed name (`landed_column`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from orchestration.raw.contract import ContractColumn, contract_table
from orchestration.raw.systems import contract_systems, landed_from_counts, system_of
from orchestration.settings import PROJECT_DIR

SUITES_DIR = PROJECT_DIR / "gx" / "suites"
BOUNDARIES = ("raw", "marts")
SEVERITIES = ("critical", "warning", "info")
# Expectations about the table's shape; validated on the table's (zero-row) column list.
_RAW_REFERENCE = re.compile(r'\{(\w+)\}\."(\w+)"')
TABLE_LEVEL_TYPES = frozenset({"expect_table_columns_to_match_set", "expect_column_to_exist"})


class SuiteFileError(ValueError):
    """A suite file that can't be read as the project expects."""


@dataclass(frozen=True)
class ExpectationSpec:
    suite: str
    index: int
    type: str
    kwargs: dict[str, Any]
    severity: str
    meta: dict[str, Any] = field(default_factory=dict)
    table: str = ""  # the suite's table

    @property
    def columns(self) -> tuple[str, ...]:
        if "column" in self.kwargs:
            return (self.kwargs["column"],)
        if "column_A" in self.kwargs:
            return (self.kwargs["column_A"], self.kwargs["column_B"])
        return ()

    @property
    def column(self) -> str | None:
        return ", ".join(self.columns) or None

    @property
    def is_table_level(self) -> bool:
        return self.type in TABLE_LEVEL_TYPES

    @property
    def label(self) -> str:
        """`expect_column_values_to_not_be_null(id)`: unique within a suite."""
        if self.is_table_level:
            return f"{self.type}[{self.severity}]"
        return f"{self.type}({self.column})"

    @property
    def catches(self) -> tuple[str, ...]:
        """Fault kinds of `funnel generate --faults` (generator/faults.py) it catches."""
        return tuple(self.meta.get("catches", ()))


@dataclass(frozen=True)
class Suite:
    name: str
    boundary: str
    table: str
    asset_key: tuple[str, ...]
    steward_domain: str
    key_column: str
    description: str
    expectations: tuple[ExpectationSpec, ...]
    frame_sql: str
    path: Path

    @property
    def table_level(self) -> tuple[ExpectationSpec, ...]:
        """The table-level expectations, their columns under the names they are landed as."""
        return tuple(_landed(e) for e in self.expectations if e.is_table_level)

    @property
    def row_level(self) -> tuple[ExpectationSpec, ...]:
        return tuple(e for e in self.expectations if not e.is_table_level)

    @property
    def raw_tables_read(self) -> tuple[str, ...]:
        """The raw tables the frame reads (`{<system>}."<table>"` -> `<system>.<table>`)."""
        return tuple(f"{system}.{name}" for system, name in _RAW_REFERENCE.findall(self.frame_sql))

    def steward_domain_of(self, expectation: ExpectationSpec) -> str:
        return str(expectation.meta.get("steward_domain", self.steward_domain))


def _read_suite(path: Path) -> Suite:
    try:
        document = json.loads(path.read_text())
        meta = document["meta"]
        name = document["name"]
        frame = path.with_suffix(".sql")
        expectations = []
        for index, raw in enumerate(document["expectations"]):
            severity = raw.get("meta", {}).get("severity")
            if severity not in SEVERITIES:
                raise SuiteFileError(
                    f"expectation {index} ({raw.get('type')}) has severity {severity!r}; "
                    f"use one of {', '.join(SEVERITIES)}"
                )
            expectations.append(
                ExpectationSpec(
                    suite=name,
                    index=index,
                    type=raw["type"],
                    kwargs=dict(raw.get("kwargs", {})),
                    severity=severity,
                    meta=dict(raw.get("meta", {})),
                    table=meta["table"],
                )
            )
        return Suite(
            name=name,
            boundary=meta["boundary"],
            table=meta["table"],
            asset_key=tuple(meta["asset"]),
            steward_domain=meta["steward_domain"],
            key_column=meta["key_column"],
            description=meta.get("description", ""),
            expectations=tuple(expectations),
            frame_sql=frame.read_text(),
            path=path,
        )
    except SuiteFileError as error:
        raise SuiteFileError(f"{path}: {error}") from None
    except (KeyError, json.JSONDecodeError, FileNotFoundError) as error:
        raise SuiteFileError(f"{path}: not a valid suite file ({error!r})") from None


@cache
def load_suites(boundary: str) -> tuple[Suite, ...]:
    """Every suite of a boundary (`raw` or `marts`), in file-name order."""
    if boundary not in BOUNDARIES:
        raise ValueError(f"unknown gate boundary {boundary!r}")
    return tuple(_read_suite(path) for path in sorted((SUITES_DIR / boundary).glob("*.json")))


def _optional_and_absent(qualified_name: str, counts: Mapping[str, int | None]) -> bool:
    system, _, name = qualified_name.partition(".")
    try:
        table = contract_table(system, name)
    except KeyError:
        return False
    return not table.required and counts.get(qualified_name) is None


def landed_suites(suites: tuple[Suite, ...], counts: Mapping[str, int | None]) -> tuple[Suite, ...]:
    """The suites a gate runs on a warehouse whose raw tables have `counts` (None: absent): a raw
    suite of a system that has not landed is skipped (its tables are absent by design, not
    missing), and so is a suite whose frame reads an optional table that is absent (absent means
    empty: there is nothing to check, and its volume outcome says the table is absent)."""
    systems = set(contract_systems())
    landed = set(landed_from_counts(counts))
    kept = []
    for suite in suites:
        system = system_of(suite.table)
        if suite.boundary == "raw" and system in systems:
            if system not in landed:
                continue
            read = {suite.table, *suite.raw_tables_read}
            if any(_optional_and_absent(name, counts) for name in read):
                continue
        kept.append(suite)
    return tuple(kept)


def all_suites() -> tuple[Suite, ...]:
    return tuple(suite for boundary in BOUNDARIES for suite in load_suites(boundary))


def contract_column(table: str, column: str) -> ContractColumn | None:
    """The raw-contract column `column` of `table` (`<system>.<table>`), None when it is none."""
    source, _, name = table.partition(".")
    try:
        return contract_table(source, name).column(column)
    except KeyError:
        return None


def landed_column(table: str, column: str) -> str:
    """The name a contract column of `table` is landed as (a custom field's configured name);
    any other name as it is."""
    contract = contract_column(table, column)
    return contract.landed_name if contract else column


def describe_landed(table: str, landed: str) -> str:
    """A landed column for a steward: a custom field names its API name and the var setting it."""
    source, _, name = table.partition(".")
    try:
        columns = contract_table(source, name).columns
    except KeyError:
        return landed
    for column in columns:
        if column.custom_field_var and column.landed_name == landed:
            return (
                f"{landed} (custom field {column.custom_field}, set by the "
                f"{column.custom_field_var} var)"
            )
    return landed


def _landed(expectation: ExpectationSpec) -> ExpectationSpec:
    kwargs = dict(expectation.kwargs)
    if isinstance(kwargs.get("column_set"), list):
        kwargs["column_set"] = [landed_column(expectation.table, c) for c in kwargs["column_set"]]
    if isinstance(kwargs.get("column"), str):
        kwargs["column"] = landed_column(expectation.table, kwargs["column"])
    return replace(expectation, kwargs=kwargs)
