"""Expectation suites kept as reviewable files: `gx/suites/<boundary>/<name>.json` (a GX 1.x
suite: expectation type, kwargs, and `meta.severity` critical|warning|info) beside
`<name>.sql`, the frame the suite validates, computed in the warehouse.

A frame selects only the columns the expectations read, with derived columns where a check
needs a join or a window (a referential check validates `missing_account_id`, null unless the
account doesn't exist). Placeholders: `{salesforce}`, `{marketo}`, `{marts}` (schema names) and
`{live}` / `{live:alias}` (the row is not a deletion, for whichever of `is_deleted` and
`_fivetran_deleted` the table has).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from orchestration.settings import PROJECT_DIR

SUITES_DIR = PROJECT_DIR / "gx" / "suites"
BOUNDARIES = ("raw", "marts")
SEVERITIES = ("critical", "warning", "info")
# Expectations about the table's shape; validated on the table's (zero-row) column list.
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
        return tuple(e for e in self.expectations if e.is_table_level)

    @property
    def row_level(self) -> tuple[ExpectationSpec, ...]:
        return tuple(e for e in self.expectations if not e.is_table_level)

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


def all_suites() -> tuple[Suite, ...]:
    return tuple(suite for boundary in BOUNDARIES for suite in load_suites(boundary))
