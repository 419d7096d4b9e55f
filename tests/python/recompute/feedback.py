"""Sales' verdicts rebuilt from the raw tables: the reasons recorded on people, the reason each
ended lifecycle cycle ended with, and each lost deal's loss reason category.

Reasons (DESIGN / issue "Closed loop"): the CRM lead reason custom field (its API name is the
dbt var `salesforce_lead_reason_field`, landed in snake case) as recorded in lead field history,
or the lead's current value at its last modification when that field has no history at all;
the reason of a Marketo `Lead Status` change into a status the status_stage_map seed maps to
recycled or disqualified. Values are trimmed; blank is no reason. The feedback_reasons seed
gives the category; a value it lacks is 'unmapped'; `not_a_reason` is no verdict.

An ended cycle's reason: of the verdicts recorded from the cycle's start (its first stage entry)
up to the next cycle's start, the CRM's before the MAS's, then the latest (ties: the larger
record id); none is 'not_recorded'. A lost deal without a loss reason is 'not_recorded'.
"""

from __future__ import annotations

import pandas as pd

from orchestration.raw.contract import connector_column_name, project_vars
from recompute.lifecycle import lead_cycles, resolve_people
from recompute.raw import RawTables, seed, timestamps


def _trimmed(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def _categorised(reasons: pd.DataFrame, system_of: pd.Series, applies_to: str) -> pd.DataFrame:
    """The agreed category of each reason_value: the feedback_reasons row of the reason's
    system that applies to `applies_to` (person verdicts or opportunity loss reasons)."""
    agreed = seed("feedback_reasons")
    category = {
        (row.system, row.applies_to, row.reason_value): row.category_code
        for row in agreed.itertuples()
    }
    reasons = reasons.copy()
    reasons["category_code"] = [
        category.get((system, applies_to, value), "unmapped")
        for system, value in zip(system_of, reasons["reason_value"], strict=True)
    ]
    return reasons


def reason_events(raw: RawTables) -> pd.DataFrame:
    """person, reason_at, source_system, source_record_id, reason_value, category_code,
    is_verdict: one row per reason recorded."""
    people = resolve_people(raw)
    person_of_crm_lead = dict(zip(people.crm_leads["id"], people.crm_leads["anchor"], strict=True))
    mas = people.mas_leads
    person_of_mas_lead = dict(zip(mas["id"].astype(int), mas["anchor"], strict=True))
    field = project_vars()["salesforce_lead_reason_field"]
    frames = []

    history = raw.table("salesforce.lead_history")
    reason_history = history[history["field"] == field]
    recorded = reason_history.assign(value=_trimmed(reason_history["new_value"]))
    recorded = recorded[recorded["value"].notna() & recorded["lead_id"].isin(person_of_crm_lead)]
    frames.append(
        pd.DataFrame(
            {
                "person": recorded["lead_id"].map(person_of_crm_lead),
                "reason_at": timestamps(recorded["created_date"]),
                "source_system": "salesforce",
                "source_record_id": recorded["id"].astype(str),
                "reason_value": recorded["value"],
            }
        )
    )

    leads = raw.table("salesforce.lead")
    column = connector_column_name(field)
    if column in leads.columns:
        current = leads.assign(value=_trimmed(leads[column]))
        current = current[
            current["value"].notna()
            & ~current["id"].isin(reason_history["lead_id"])
            & current["id"].isin(person_of_crm_lead)
        ]
        frames.append(
            pd.DataFrame(
                {
                    "person": current["id"].map(person_of_crm_lead),
                    "reason_at": timestamps(current["last_modified_date"]),
                    "source_system": "salesforce",
                    "source_record_id": current["id"].astype(str),
                    "reason_value": current["value"],
                }
            )
        )

    status_map = seed("status_stage_map")
    ending = set(
        status_map.loc[
            (status_map.system == "marketo")
            & status_map.stage_code.isin(["recycled", "disqualified"]),
            "status_value",
        ]
    )
    changes = raw.table("marketo.activity_change_data_value")
    if not changes.empty and "reason" in changes.columns:
        changes = changes.assign(value=_trimmed(changes["reason"]))
        changes = changes[
            (changes["primary_attribute_value"] == "Lead Status")
            & changes["new_value"].isin(ending)
            & changes["value"].notna()
            & changes["lead_id"].isin(person_of_mas_lead)
        ]
        frames.append(
            pd.DataFrame(
                {
                    "person": changes["lead_id"].astype(int).map(person_of_mas_lead),
                    "reason_at": timestamps(changes["activity_date"]),
                    "source_system": "marketo",
                    "source_record_id": changes["id"].astype(int).astype(str),
                    "reason_value": changes["value"],
                }
            )
        )
    reasons = pd.concat(frames, ignore_index=True)
    reasons = _categorised(reasons, reasons["source_system"], "person")
    reasons["is_verdict"] = reasons["category_code"] != "not_a_reason"
    return reasons


def cycle_end_reasons(raw: RawTables) -> pd.DataFrame:
    """One row per person x cycle: person, cycle_number, has_ended, end_reason,
    end_reason_category (null on a cycle that didn't end)."""
    cycles = lead_cycles(raw)
    cycles["started_at"] = cycles[
        [column for column in cycles.columns if column.endswith("_at")]
    ].min(axis=1)
    cycles = cycles.sort_values(["person", "cycle_number"], kind="stable")
    cycles["next_started_at"] = cycles.groupby("person")["started_at"].shift(-1)
    cycles["has_ended"] = cycles["recycled_at"].notna() | cycles["disqualified_at"].notna()
    verdicts = reason_events(raw)
    verdicts = verdicts[verdicts["is_verdict"]]
    candidates = cycles[["person", "cycle_number", "started_at", "next_started_at"]].merge(
        verdicts, on="person"
    )
    candidates = candidates[
        (candidates["reason_at"] >= candidates["started_at"])
        & (
            candidates["next_started_at"].isna()
            | (candidates["reason_at"] < candidates["next_started_at"])
        )
    ]
    candidates = candidates.assign(
        system_rank=(candidates["source_system"] != "salesforce").astype(int)
    ).sort_values(
        ["person", "cycle_number", "system_rank", "reason_at", "source_record_id"],
        ascending=[True, True, True, False, False],
        kind="stable",
    )
    chosen = candidates.drop_duplicates(["person", "cycle_number"]).set_index(
        ["person", "cycle_number"]
    )
    result = cycles.set_index(["person", "cycle_number"])[["has_ended", "mql_at"]].join(
        chosen[["reason_value", "category_code"]]
    )
    ended = result["has_ended"]
    result["end_reason"] = result["reason_value"].where(ended)
    result["end_reason_category"] = (
        result["category_code"].where(ended).fillna("not_recorded").where(ended)
    )
    return result.reset_index()[
        ["person", "cycle_number", "has_ended", "mql_at", "end_reason", "end_reason_category"]
    ]


def loss_reasons(raw: RawTables) -> pd.DataFrame:
    """One row per live opportunity: opportunity_id, is_lost, loss_reason_category (null unless
    lost)."""
    column = connector_column_name(project_vars()["salesforce_opportunity_loss_reason_field"])
    frame = raw.table("salesforce.opportunity")
    value = _trimmed(frame[column]) if column in frame.columns else pd.Series(pd.NA, frame.index)
    is_lost = frame["is_closed"].fillna(False).astype(bool) & ~frame["is_won"].fillna(False).astype(
        bool
    )
    result = pd.DataFrame(
        {"opportunity_id": frame["id"], "is_lost": is_lost, "reason_value": value}
    )
    result = _categorised(result, pd.Series("salesforce", index=result.index), "opportunity")
    result["loss_reason_category"] = (
        result["category_code"]
        .where(result["reason_value"].notna(), "not_recorded")
        .where(result["is_lost"])
    )
    return result[["opportunity_id", "is_lost", "loss_reason_category"]]
