"""Who answers for what: `seeds/data_stewards.csv` (domain, optionally one table -> steward)."""

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
    """The table's own steward when the seed names one, else the domain's."""
    rows = [row for row in _stewards() if row["steward_domain"] == domain]
    for row in rows:
        if row["table_name"] == table:
            return Steward(row["steward_name"], row["steward_contact"])
    for row in rows:
        if not row["table_name"]:
            return Steward(row["steward_name"], row["steward_contact"])
    return UNASSIGNED


def mapped_status_values() -> dict[str, list[str]]:
    """Suite parameters from the status mapping agreement: the values each system may use."""
    values: dict[str, list[str]] = {"crm": [], "mas": [], "crm_opportunity": []}
    with STATUS_MAP_SEED.open(newline="") as handle:
        for row in csv.DictReader(handle):
            values.setdefault(row["system"], []).append(row["status_value"])
    return {
        "crm_status_values": values["crm"],
        "mas_status_values": values["mas"],
        "opportunity_stage_values": values["crm_opportunity"],
    }


def mapped_reason_values() -> dict[str, list[str]]:
    """Suite parameters from the feedback reasons agreement: the reason values each system may
    record (an unmapped one shows as category 'unmapped' until a steward maps it)."""
    values: dict[str, list[str]] = {"crm": [], "mas": [], "crm_opportunity": []}
    with FEEDBACK_REASONS_SEED.open(newline="") as handle:
        for row in csv.DictReader(handle):
            values.setdefault(row["system"], []).append(row["reason_value"])
    return {
        "crm_reason_values": values["crm"],
        "mas_reason_values": values["mas"],
        "opportunity_loss_reason_values": values["crm_opportunity"],
    }


def frame_values() -> dict[str, list[str]]:
    """Values of the agreements a frame may name (`{agreed:name}`): the Lead Status values the
    MAS records when a cycle ends (mapped to a recycled or disqualified stage)."""
    with STATUS_MAP_SEED.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        "mas_ended_statuses": [
            row["status_value"]
            for row in rows
            if row["system"] == "mas" and row["stage_code"] in ENDED_STAGES
        ],
    }
