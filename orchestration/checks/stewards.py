"""Who answers for what: `seeds/data_stewards.csv` (domain, optionally one table -> steward).

A row whose `table_name` is a source system (`<system>`) covers every raw table of that system,
and its domain is the system's steward domain (`system_domain`): adding a system adds its row.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from orchestration.settings import PROJECT_DIR

STEWARDS_SEED = PROJECT_DIR / "seeds" / "data_stewards.csv"
STATUS_MAP_SEED = PROJECT_DIR / "seeds" / "status_stage_map.csv"
FEEDBACK_REASONS_SEED = PROJECT_DIR / "seeds" / "feedback_reasons.csv"
# Stages a cycle ends in when sales (or the MAS) gives up on it: their changes carry a reason.
ENDED_STAGES = ("recycled", "disqualified")


@dataclass(frozen=True)
class Steward:
    name: str
    contact: str


UNASSIGNED = Steward("unassigned", "add the domain to seeds/data_stewards.csv")


@cache
def _stewards() -> tuple[dict[str, str], ...]:
    with STEWARDS_SEED.open(newline="") as handle:
        return tuple(csv.DictReader(handle))


def steward_for(domain: str, table: str) -> Steward:
    """The table's own steward when the seed names one, else its system's, else the domain's."""
    rows = [row for row in _stewards() if row["steward_domain"] == domain]
    system = table.split(".", 1)[0] if "." in table else None
    for wanted in (table, system, ""):
        for row in rows:
            if wanted is not None and (row["table_name"] or "") == wanted:
                return Steward(row["steward_name"], row["steward_contact"])
    return UNASSIGNED


def system_domain(system: str) -> str:
    """The steward domain of a source system's raw tables: the domain of the seed row naming the
    system in `table_name`; the system's own name when no row does (its steward is then
    `unassigned`, telling whoever reads the outcome to add the row)."""
    for row in _stewards():
        if (row["table_name"] or "") == system:
            return row["steward_domain"]
    return system


def _field_key(field: str) -> str:
    """`Lead Status` -> `lead_status`, `StageName` -> `stage_name`, `lifecyclestage` as is."""
    from orchestration.raw.contract import connector_column_name

    return connector_column_name(field)


def _status_rows() -> list[tuple[str, str, str, str]]:
    """(system, field key, status value, stage code) of every status mapping row; the stage code
    is '' for a value agreed to mean no stage (it is still a mapped value)."""
    with STATUS_MAP_SEED.open(newline="") as handle:
        return [
            (row["system"], _field_key(row["field"]), row["status_value"], row["stage_code"] or "")
            for row in csv.DictReader(handle)
        ]


def mapped_status_values() -> dict[str, list[str]]:
    """Suite parameters from the status mapping agreement: the values each system may use in each
    field, as `<system>_<field>_values` (field `Lead Status` -> `<system>_lead_status_values`),
    for every system the seed names."""
    values: dict[str, list[str]] = {}
    for system, field, value, _ in _status_rows():
        values.setdefault(f"{system}_{field}_values", []).append(value)
    return values


def mapped_reason_values() -> dict[str, list[str]]:
    """Suite parameters from the feedback reasons agreement: the reason values each system may
    record (an unmapped one shows as category 'unmapped' until a steward maps it):
    `<system>_reason_values` for verdicts on person records and `<system>_loss_reason_values` for
    opportunity loss reasons, for every system the seed names."""
    values: dict[str, list[str]] = {}
    with FEEDBACK_REASONS_SEED.open(newline="") as handle:
        for row in csv.DictReader(handle):
            kind = "loss_reason" if row["applies_to"] == "opportunity" else "reason"
            values.setdefault(f"{row['system']}_{kind}_values", []).append(row["reason_value"])
    return values


def frame_values() -> dict[str, list[str]]:
    """Values of the agreements a frame may name (`{agreed:name}`): per system and status field,
    `<system>_<field>_ended_values`, the values a system records when a cycle ends (mapped to a
    recycled or disqualified stage), for every system and field the status mapping maps to one."""
    values: dict[str, list[str]] = {}
    for system, field, value, stage in _status_rows():
        if stage in ENDED_STAGES:
            values.setdefault(f"{system}_{field}_ended_values", []).append(value)
    return values
