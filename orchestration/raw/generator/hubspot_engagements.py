"""HubSpot's sales activities: engagements (calls, emails, tasks, meetings, and notes about some
meetings) from the simulation's sales touches, their call, email, task, meeting and note
details, and their associations with the contact touched and, for an AE's meetings with a
buyer, the buyer's new-business deal."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from orchestration.raw.generator import hubspot, hubspot_deals
from orchestration.raw.generator.columns import SECONDS_PER_DAY, choice_text, timestamps
from orchestration.raw.generator.simulation import Simulation

if TYPE_CHECKING:
    from orchestration.raw.generator.hubspot import Directory

ENGAGEMENT_BASE = 31_000_000_000
TYPES = ("CALL", "EMAIL", "TASK", "MEETING", "NOTE")
CALL, EMAIL, TASK, MEETING, NOTE = range(5)
# HubSpot's default call dispositions: connected, left voicemail, no answer, busy.
DISPOSITIONS = (
    "f240bbac-87c9-4f6e-bf70-924b57d47db7",
    "b2cf5968-551e-4856-9783-52b3da59a7d0",
    "73a0d17f-1163-4015-bdd5-ec830791da20",
    "9d9162e7-6cf3-4944-bf63-4dff82258764",
)
DISPOSITION_STATUS = ("COMPLETED", "COMPLETED", "NO_ANSWER", "BUSY")
NOTE_SHARE = 0.3  # meetings a rep writes a note about
ARCHIVED_SHARE = 0.006  # engagements archived on their own


def engagements(
    sim: Simulation, rng: np.random.Generator, directory: Directory
) -> dict[str, pa.Table]:
    """The simulation's sales touches: completed calls and emails, open tasks, meetings (and notes
    about some), each associated with its contact, and AE meetings with the buyer's deal."""
    t = sim.life.touches
    as_of = sim.as_of
    person = t.get("person").astype(np.int64)
    at, owner = t.get("at"), t.get("owner").astype(np.int64)
    meeting = t.get("is_meeting").astype(bool)
    completed = t.get("is_completed").astype(bool)
    n = len(person)
    kind = np.where(
        meeting, MEETING, np.where(~completed, TASK, np.where(rng.random(n) < 0.45, EMAIL, CALL))
    )
    noted = np.flatnonzero(meeting & (rng.random(n) < NOTE_SHARE))
    note_at = at[noted] + 1800 + rng.uniform(300, 3600, len(noted))
    ok = note_at <= as_of
    noted, note_at = noted[ok], note_at[ok]
    person = np.concatenate([person, person[noted]])
    e_at = np.concatenate([at, note_at])
    owner = np.concatenate([owner, owner[noted]])
    kind = np.concatenate([kind, np.full(len(noted), NOTE)])
    m = len(person)
    ids = ENGAGEMENT_BASE + np.arange(1, m + 1)
    created = np.where(kind == MEETING, e_at - rng.uniform(600, 2 * SECONDS_PER_DAY, m), e_at)
    created = np.where(kind == TASK, e_at - rng.uniform(3600, 3 * SECONDS_PER_DAY, m), created)
    created = np.where((kind == CALL) | (kind == EMAIL), e_at + rng.uniform(0, 120, m), created)
    created = np.minimum(created, as_of)
    archived = directory.deleted[person] | (rng.random(m) < ARCHIVED_SHARE)
    updated = np.fmax(created, np.minimum(e_at, as_of))
    out = {
        "hubspot.engagement": hubspot.contract_shaped(
            "engagement",
            {
                "id": pa.array(ids),
                "type": choice_text(TYPES, kind),
                "owner_id": pa.array(hubspot.owner_ids(owner)),
                "timestamp": timestamps(e_at),
                "created_at": timestamps(created),
                "last_updated": timestamps(updated),
                "active": pa.array(~archived),
                "portal_id": hubspot.portal_ids(m),
                "_fivetran_synced": hubspot.synced(rng, updated, as_of),
            },
        ),
        "hubspot.engagement_contact": hubspot.contract_shaped(
            "engagement_contact",
            {
                "engagement_id": pa.array(ids),
                "contact_id": pa.array(hubspot.contact_ids(person)),
                "_fivetran_synced": hubspot.synced(rng, created, as_of),
            },
        ),
    }
    # AE meetings (and their notes) of a buyer, associated with the buyer's new-business deal.
    _, _, deal_of = hubspot_deals.new_business_deals(sim)
    ae = sim.accounts.owner[sim.people.account[person]]
    on_deal = ((kind == MEETING) | (kind == NOTE)) & (owner == ae) & (deal_of[person] > 0)
    out["hubspot.engagement_deal"] = hubspot.contract_shaped(
        "engagement_deal",
        {
            "engagement_id": pa.array(ids[on_deal]),
            "deal_id": pa.array(deal_of[person[on_deal]]),
            "_fivetran_synced": hubspot.synced(rng, created[on_deal], as_of),
        },
    )

    def details(which: int) -> tuple[np.ndarray, dict[str, pa.Array]]:
        rows = np.flatnonzero(kind == which)
        return rows, {
            "engagement_id": pa.array(ids[rows]),
            "property_hs_timestamp": timestamps(e_at[rows]),
            "property_hs_createdate": timestamps(created[rows]),
            "property_hubspot_owner_id": pa.array(hubspot.owner_ids(owner[rows])),
            "_fivetran_synced": hubspot.synced(rng, created[rows], as_of),
        }

    rows, call = details(CALL)
    disposition = rng.choice(len(DISPOSITIONS), len(rows), p=[0.45, 0.3, 0.2, 0.05])
    call["property_hs_call_status"] = choice_text(DISPOSITION_STATUS, disposition)
    call["property_hs_call_disposition"] = choice_text(DISPOSITIONS, disposition)
    call["property_hs_call_duration"] = pa.array(
        np.where(
            disposition == 0, rng.uniform(60, 1800, len(rows)), rng.uniform(5, 60, len(rows))
        ).astype(np.int64)
        * 1000
    )
    out["hubspot.engagement_call"] = hubspot.contract_shaped("engagement_call", call)
    rows, email = details(EMAIL)
    email["property_hs_email_direction"] = hubspot.repeated_text(len(rows), "EMAIL")
    out["hubspot.engagement_email"] = hubspot.contract_shaped("engagement_email", email)
    rows, task = details(TASK)
    task_kind = (rng.random(len(rows)) < 0.45).astype(int)
    task["property_hs_task_status"] = hubspot.repeated_text(len(rows), "NOT_STARTED")
    task["property_hs_task_type"] = choice_text(("CALL", "EMAIL"), task_kind)
    task["property_hs_task_completion_date"] = pa.nulls(len(rows), pa.timestamp("us"))
    out["hubspot.engagement_task"] = hubspot.contract_shaped("engagement_task", task)
    rows, meet = details(MEETING)
    meet["property_hs_meeting_start_time"] = timestamps(e_at[rows])
    meet["property_hs_meeting_end_time"] = timestamps(e_at[rows] + 1800)
    meet["property_hs_meeting_outcome"] = hubspot.repeated_text(len(rows), "COMPLETED")
    out["hubspot.engagement_meeting"] = hubspot.contract_shaped("engagement_meeting", meet)
    _, note = details(NOTE)
    out["hubspot.engagement_note"] = hubspot.contract_shaped("engagement_note", note)
    return out
