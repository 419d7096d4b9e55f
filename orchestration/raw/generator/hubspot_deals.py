"""HubSpot's deals: the default pipeline and its stages, a deal per opportunity of the
simulation, deal_property_history, and the deals' associations with contacts and companies.

Deals walk the default pipeline; deal_property_history holds every stage, amount, close date,
forecast category, owner and lost reason change. New business is associated with its buyer,
renewals and expansions with the account's first buyer; every deal with its company."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.raw.generator import hubspot
from orchestration.raw.generator.columns import (
    SECONDS_PER_DAY,
    choice_text,
    concat_text,
    timestamps,
)
from orchestration.raw.generator.opportunities import FORECAST_CATEGORIES, LOST_INDEX, WON_INDEX
from orchestration.raw.generator.reasons import LOSS_REASONS
from orchestration.raw.generator.simulation import Simulation

if TYPE_CHECKING:
    from orchestration.raw.generator.hubspot import Directory

DEAL_BASE = 7_200_000_000
HS_STAGES = (
    "appointmentscheduled",
    "qualifiedtobuy",
    "presentationscheduled",
    "decisionmakerboughtin",
    "contractsent",
    "closedwon",
    "closedlost",
)
HS_STAGE_LABELS = (
    "Appointment Scheduled",
    "Qualified To Buy",
    "Presentation Scheduled",
    "Decision Maker Bought-In",
    "Contract Sent",
    "Closed Won",
    "Closed Lost",
)
HS_STAGE_PROBABILITY = (0.2, 0.4, 0.6, 0.8, 0.9, 1.0, 0.0)
# The simulation's stages (opportunities.STAGE_NAMES) in HubSpot's default pipeline.
HS_STAGE_OF = np.array([0, 1, 1, 2, 3, 3, 4, 4, 5, 6])
assert HS_STAGE_OF[WON_INDEX] == 5 and HS_STAGE_OF[LOST_INDEX] == 6
HS_FORECAST = ("PIPELINE", "BEST_CASE", "COMMIT", "CLOSED", "OMIT")
assert len(HS_FORECAST) == len(FORECAST_CATEGORIES)
DEAL_CONTACT_TYPE, DEAL_COMPANY_TYPE = 3, 5
LOSS_TEXTS = tuple(text for text, _ in LOSS_REASONS)


def deal_ids(opportunity: np.ndarray) -> np.ndarray:
    return DEAL_BASE + np.asarray(opportunity, dtype=np.int64) + 1


def _starts(keys: np.ndarray) -> np.ndarray:
    """Whether each row starts a run of equal keys (rows grouped by key)."""
    return np.concatenate([[True], keys[1:] != keys[:-1]])


def new_business_deals(sim: Simulation) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per person: when their new-business deal was created and won (NaN: never), its id."""
    o = sim.opportunities
    created = np.full(sim.leads, np.nan)
    won = np.full(sim.leads, np.nan)
    deal = np.zeros(sim.leads, dtype=np.int64)
    nb = np.flatnonzero(o.person >= 0)
    created[o.person[nb]] = o.created_at[nb]
    is_won = o.stage[nb] == WON_INDEX
    won[o.person[nb][is_won]] = o.closed_at[nb][is_won]
    deal[o.person[nb]] = deal_ids(nb)
    return created, won, deal


def deals(sim: Simulation, rng: np.random.Generator, directory: Directory) -> dict[str, pa.Table]:
    """Deals in the default pipeline, their property history and associations."""
    o, as_of, people = sim.opportunities, sim.as_of, sim.people
    n = o.count
    deal_id = deal_ids(np.arange(n))
    stage = HS_STAGE_OF[o.stage]
    from_lead = o.person >= 0
    person = np.where(from_lead, o.person, 0)
    lead_source = people.lead_source.take(pa.array(person))
    source = pc.if_else(
        pa.array(from_lead),
        hubspot.analytics_sources(rng, lead_source),
        pa.scalar("OFFLINE_SOURCES"),
    )
    lost_reason = pc.if_else(
        pa.array(sim.verdicts.loss >= 0),
        choice_text(LOSS_TEXTS, np.maximum(sim.verdicts.loss, 0)),
        pa.scalar(None, pa.string()),
    )
    deal = hubspot.contract_shaped(
        "deal",
        {
            "deal_id": pa.array(deal_id),
            "is_deleted": hubspot.flags(n),
            "_fivetran_deleted": hubspot.flags(n),
            "portal_id": hubspot.portal_ids(n),
            "deal_pipeline_id": hubspot.repeated_text(n, "default"),
            "deal_pipeline_stage_id": choice_text(HS_STAGES, stage),
            "owner_id": pa.array(hubspot.owner_ids(o.owner)),
            "property_dealname": concat_text(
                sim.accounts.name.take(pa.array(o.account)),
                " - ",
                choice_text(("New Business", "Expansion", "Renewal"), o.type_index),
            ),
            "property_amount": pa.array(o.amount),
            "property_closedate": timestamps(o.expected_close_at),
            "property_createdate": timestamps(o.created_at),
            "property_dealtype": choice_text(
                ("newbusiness", "existingbusiness"), (o.type_index > 0).astype(int)
            ),
            "property_hs_forecast_category": choice_text(HS_FORECAST, o.category),
            "property_closed_lost_reason": lost_reason,
            "property_hs_lastmodifieddate": timestamps(o.last_modified_at),
            "property_hs_analytics_source": source,
            "_fivetran_synced": hubspot.synced(rng, o.last_modified_at, as_of),
        },
    )
    out = {"hubspot.deal": deal}
    out.update(_pipeline(as_of))
    out["hubspot.deal_property_history"] = _deal_history(sim, rng, deal_id)
    # Associations: new business with its buyer, renewals and expansions with the account's
    # first buyer; every deal with its company.
    buyer = np.full(sim.accounts.count, -1, dtype=np.int64)
    nb = np.flatnonzero(from_lead)[::-1]
    buyer[o.account[nb]] = o.person[nb]  # reversed: the first deal's buyer wins
    contact_person = np.where(from_lead, o.person, buyer[o.account])
    has = contact_person >= 0
    has &= ~np.isnan(directory.created_at[np.maximum(contact_person, 0)])
    out["hubspot.deal_contact"] = hubspot.contract_shaped(
        "deal_contact",
        {
            "deal_id": pa.array(deal_id[has]),
            "contact_id": pa.array(hubspot.contact_ids(contact_person[has])),
            "type_id": pa.array(np.full(int(has.sum()), DEAL_CONTACT_TYPE, dtype=np.int32)),
            "_fivetran_synced": hubspot.synced(rng, o.created_at[has], as_of),
        },
    )
    out["hubspot.deal_company"] = hubspot.contract_shaped(
        "deal_company",
        {
            "deal_id": pa.array(deal_id),
            "company_id": pa.array(hubspot.company_ids(o.account)),
            "type_id": pa.array(np.full(n, DEAL_COMPANY_TYPE, dtype=np.int32)),
            "_fivetran_synced": hubspot.synced(rng, o.created_at, as_of),
        },
    )
    return out


def _pipeline(as_of: float) -> dict[str, pa.Table]:
    k = len(HS_STAGES)
    at = timestamps(np.full(k, as_of - 400 * SECONDS_PER_DAY))
    return {
        "hubspot.deal_pipeline": hubspot.contract_shaped(
            "deal_pipeline",
            {
                "pipeline_id": pa.array(["default"]),
                "label": pa.array(["Sales Pipeline"]),
                "active": pa.array([True]),
                "display_order": pa.array([0], pa.int32()),
                "_fivetran_deleted": pa.array([False]),
                "_fivetran_synced": at.slice(0, 1),
            },
        ),
        "hubspot.deal_pipeline_stage": hubspot.contract_shaped(
            "deal_pipeline_stage",
            {
                "stage_id": pa.array(HS_STAGES),
                "pipeline_id": hubspot.repeated_text(k, "default"),
                "label": pa.array(HS_STAGE_LABELS),
                "probability": pa.array(HS_STAGE_PROBABILITY),
                "display_order": pa.array(np.arange(k, dtype=np.int32)),
                "closed_won": pa.array([s == "closedwon" for s in HS_STAGES]),
                "active": hubspot.flags(k, True),
                "_fivetran_deleted": hubspot.flags(k),
                "_fivetran_synced": at,
            },
        ),
    }


def _deal_history(sim: Simulation, rng: np.random.Generator, deal_id: np.ndarray) -> pa.Table:
    """One row per property change of a deal (its first row sets every property)."""
    o = sim.opportunities
    deal = o.history_opportunity.astype(np.int64)
    at = o.history_at
    first = _starts(deal)
    stage = HS_STAGE_OF[o.history_stage]
    values = {
        "dealstage": choice_text(HS_STAGES, stage),
        "amount": pa.array(np.round(o.history_amount).astype(np.int64).astype(str)),
        "closedate": pa.array(np.round(o.history_close_at * 1000).astype(np.int64).astype(str)),
        "hs_forecast_category": choice_text(HS_FORECAST, o.history_category),
    }
    raw = {
        "dealstage": stage,
        "amount": o.history_amount,
        "closedate": o.history_close_at,
        "hs_forecast_category": o.history_category,
    }
    names, rows, texts = [], [], []
    for name, column in raw.items():
        changed = first | (column != np.roll(column, 1))
        picked = np.flatnonzero(changed)
        names.append(np.full(len(picked), name))
        rows.append(picked)
        texts.append(values[name].take(pa.array(picked)))
    owner_rows = np.flatnonzero(first)
    names.append(np.full(len(owner_rows), "hubspot_owner_id"))
    rows.append(owner_rows)
    texts.append(pa.array(hubspot.owner_ids(o.owner[deal[owner_rows]]).astype(str)))
    lost_rows = np.flatnonzero((o.history_stage == LOST_INDEX) & (sim.verdicts.loss[deal] >= 0))
    lost_rows = lost_rows[_starts(deal[lost_rows])] if len(lost_rows) else lost_rows
    names.append(np.full(len(lost_rows), "closed_lost_reason"))
    rows.append(lost_rows)
    texts.append(choice_text(LOSS_TEXTS, sim.verdicts.loss[deal[lost_rows]]))
    row = np.concatenate(rows)
    h = len(row)
    return hubspot.contract_shaped(
        "deal_property_history",
        {
            "deal_id": pa.array(deal_id[deal[row]]),
            "name": pa.array(np.concatenate(names)).cast(pa.string()),
            "value": pa.concat_arrays([t.cast(pa.string()) for t in texts]),
            "timestamp": timestamps(at[row]),
            "source": hubspot.repeated_text(h, "CRM_UI"),
            "source_id": pa.array(hubspot.user_ids(o.owner[deal[row]]).astype(str)),
            "_fivetran_synced": hubspot.synced(rng, at[row], sim.as_of),
        },
    )
