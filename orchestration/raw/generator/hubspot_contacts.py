"""HubSpot's contacts: a contact row per person HubSpot knows, with its current lifecycle stage,
lead status and reason (from `hubspot_lifecycle`), and the merges: duplicates merged into
survivors (property_hs_calculated_merged_vids and contact_merge_audit), the merged-away contact
gone from the connector's table or still held as a deleted row."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.raw.contract import contract_table
from orchestration.raw.generator import hubspot, hubspot_lifecycle
from orchestration.raw.generator import vocabulary as vocab
from orchestration.raw.generator.columns import (
    SECONDS_PER_DAY,
    choice_text,
    concat_text,
    sf_ids_or_null,
    timestamps,
)
from orchestration.raw.generator.simulation import Simulation

if TYPE_CHECKING:
    from orchestration.raw.generator.hubspot import Directory

MERGED_SHARE = 0.025  # contacts that absorbed a duplicate
PURGED_LOSER_SHARE = 0.3  # merged-away contacts the connector still holds, as deleted rows


def contacts(
    sim: Simulation,
    rng: np.random.Generator,
    directory: Directory,
    lifecycle: hubspot_lifecycle.ContactHistory,
) -> tuple[pa.Table, pa.Table]:
    """The contact rows and the merge audit: duplicates merged into survivors (the merged-away
    contact gone, or still held as a deleted row), junk contacts deleted."""
    people, accounts, as_of = sim.people, sim.accounts, sim.as_of
    p = directory.person
    n = len(p)
    take = pa.array(p)
    account = people.account[p]
    created = directory.created_at[p]
    # Merges: a duplicate created before the survivor's last weeks, merged in later.
    survivor = p[(rng.random(n) < MERGED_SHARE) & ~directory.deleted[p]]
    losers_per = 1 + (rng.random(len(survivor)) < 0.1)
    loser_survivor = np.repeat(survivor, losers_per)
    loser_id = hubspot.CONTACT_BASE + sim.leads + 1 + np.arange(len(loser_survivor))
    loser_created = (
        directory.created_at[loser_survivor]
        - rng.uniform(1, 120, len(loser_survivor)) * SECONDS_PER_DAY
    )
    low = directory.created_at[loser_survivor] + 3600
    merged_at = low + rng.random(len(low)) * np.maximum(as_of - 60 - low, 0)
    merged_vids = _merged_vids(sim.leads, loser_survivor, loser_id, merged_at)
    score = np.zeros(sim.leads)
    score[sim.scores.person] = sim.scores.score  # in time order: the last change wins
    last_scored = np.zeros(sim.leads)
    last_scored[sim.scores.person] = np.minimum(sim.scores.at + 1, as_of)
    merged_last = np.zeros(sim.leads)
    np.fmax.at(merged_last, loser_survivor, merged_at)
    modified = np.fmax.reduce(
        [created, lifecycle.last_change[p], last_scored[p], merged_last[p]], axis=0
    )
    modified = np.minimum(np.fmax(modified, created), as_of)
    crm_lead = ~np.isnan(sim.life.crm_created_at[p]) & ~people.is_outbound[p]
    crm_lead &= rng.random(n) > 0.05  # the integration never linked a few (identity by email)
    converted = sim.contact_number[p] > 0
    linked = not directory.crm
    owner = directory.owner[p]
    contact = hubspot.contract_shaped(
        "contact",
        {
            "id": hubspot.ints(hubspot.contact_ids(p)),
            "_fivetran_deleted": pa.array(directory.deleted[p]),
            "property_email": directory.email.take(take),
            "property_firstname": people.first_name.take(take),
            "property_lastname": people.last_name.take(take),
            "property_company": accounts.name.take(pa.array(account)),
            "property_jobtitle": choice_text(vocab.TITLES, people.title_index[p]),
            "property_phone": concat_text("+1-555-", pa.array((p % 10_000).astype(str))),
            "property_country": choice_text(vocab.COUNTRIES, people.country_index[p]),
            "property_industry": choice_text(vocab.INDUSTRIES, accounts.industry_index[account]),
            "property_numemployees": hubspot.employee_bands(accounts.employees[account]),
            "property_lifecyclestage": lifecycle.current("lifecyclestage", p),
            "property_hs_lead_status": lifecycle.current("hs_lead_status", p),
            "property_hubspot_owner_id": hubspot.ints(hubspot.owner_ids(owner), mask=owner == 0),
            "property_associatedcompanyid": hubspot.ints(hubspot.company_ids(account)),
            "property_createdate": timestamps(created),
            "property_lastmodifieddate": timestamps(modified),
            "property_hs_analytics_source": hubspot.analytics_sources(
                rng, people.lead_source.take(take)
            ),
            "property_hubspotscore": pa.array(score[p].astype(np.int32)),
            "property_hs_email_optout": pa.array(hubspot.directory_optout(sim)[p]),
            "property_hs_calculated_merged_vids": merged_vids.take(take),
            "property_salesforceleadid": _sf_ids("00Q", p + 1, linked & crm_lead),
            "property_salesforcecontactid": _sf_ids(
                "003", sim.contact_number[p], linked & converted
            ),
            hubspot_lifecycle.reason_column(): lifecycle.current(
                hubspot_lifecycle.reason_property(), p
            ),
            "_fivetran_synced": hubspot.synced(rng, modified, as_of),
        },
    )
    # Merged-away contacts: most are gone from the connector's table, some remain as deleted.
    held = rng.random(len(loser_id)) < PURGED_LOSER_SHARE
    if held.any():
        ltake = pa.array(loser_survivor[held])
        nulls = {
            column.landed_name: pa.nulls(int(held.sum()))
            for column in contract_table("hubspot", "contact").columns
        }
        nulls.update(
            {
                "id": hubspot.ints(loser_id[held]),
                "_fivetran_deleted": hubspot.flags(int(held.sum()), True),
                "property_email": pc.utf8_lower(people.email.take(ltake)),
                "property_firstname": people.first_name.take(ltake),
                "property_lastname": people.last_name.take(ltake),
                "property_createdate": timestamps(loser_created[held]),
                "property_lastmodifieddate": timestamps(merged_at[held]),
                "_fivetran_synced": hubspot.synced(rng, merged_at[held], as_of),
            }
        )
        contact = pa.concat_tables([contact, hubspot.contract_shaped("contact", nulls)])
    m = len(loser_id)
    marketing_user = 2 + rng.integers(0, 4, m)  # user numbers 2-5 are marketing's
    audit = hubspot.contract_shaped(
        "contact_merge_audit",
        {
            "contact_id": hubspot.ints(hubspot.contact_ids(loser_survivor)),
            "canonical_vid": hubspot.ints(hubspot.contact_ids(loser_survivor)),
            "vid_to_merge": hubspot.ints(loser_id),
            "timestamp": timestamps(merged_at),
            "entity_id": pa.array(hubspot.user_ids(marketing_user).astype(str)),
            "user_id": hubspot.ints(hubspot.user_ids(marketing_user)),
            "num_properties_moved": pa.array(rng.integers(2, 25, m).astype(np.int32)),
            "first_name": people.first_name.take(pa.array(loser_survivor)),
            "last_name": people.last_name.take(pa.array(loser_survivor)),
            "_fivetran_synced": hubspot.synced(rng, merged_at, as_of),
        },
    )
    return contact, audit


def _merged_vids(
    people: int, survivor: np.ndarray, loser: np.ndarray, merged_at: np.ndarray
) -> pa.Array:
    """Per person, `<merged id>:<merged at, epoch ms>` pairs joined by ';' (null for none)."""
    order = np.lexsort((merged_at, survivor))
    survivor, loser, merged_at = survivor[order], loser[order], merged_at[order]
    pair = concat_text(
        pa.array(loser.astype(str)),
        ":",
        pa.array(np.round(merged_at * 1000).astype(np.int64).astype(str)),
    )
    counts = np.bincount(survivor, minlength=people)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    lists = pa.ListArray.from_arrays(pa.array(offsets), pair)
    joined = pc.binary_join(lists, ";")
    return pc.if_else(pa.array(counts > 0), joined, pa.scalar(None, pa.string()))


def _sf_ids(prefix: str, numbers: np.ndarray, valid: np.ndarray | bool) -> pa.Array:
    return sf_ids_or_null(prefix, numbers, np.broadcast_to(valid, len(numbers)))
