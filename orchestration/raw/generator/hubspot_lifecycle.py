"""HubSpot's record of the lifecycle: contact_property_history.

By HubSpot's rules `lifecyclestage` only moves forward; to send a contact back to marketing a
workflow clears it ('') and sets `lead` again. Sales' status is `hs_lead_status`. As the CRM,
HubSpot records each status change of the simulation at the instant Salesforce would (MQL by a
workflow at the score crossing; acceptance, working, qualification, conversion, recycling and
disqualification by the rep), the reason property as Salesforce records its reason field, and
deal-driven stages (opportunity, customer) by HubSpot's deal automation. As the MAS beside
Salesforce, HubSpot sets the MQL itself and mirrors Salesforce's lead status, a few minutes
late, with source SALESFORCE.

The history also yields each contact's current lifecycle stage, lead status and reason, and its
last change, for the contact table (`hubspot_contacts`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.raw.contract import contract_table
from orchestration.raw.generator import hubspot, hubspot_deals
from orchestration.raw.generator import vocabulary as vocab
from orchestration.raw.generator.columns import SECONDS_PER_DAY, choice_text, sf_ids, timestamps
from orchestration.raw.generator.lifecycle import STATUS_INDEX
from orchestration.raw.generator.reasons import LEAD_REASONS
from orchestration.raw.generator.salesforce import CrmStatusLog, reason_changes
from orchestration.raw.generator.simulation import Simulation

if TYPE_CHECKING:
    from orchestration.raw.generator.hubspot import Directory

LIFECYCLE_STAGES = (
    "subscriber",
    "lead",
    "marketingqualifiedlead",
    "salesqualifiedlead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
)
SUBSCRIBER, LEAD, MQL, SQL, OPPORTUNITY, CUSTOMER, EVANGELIST, OTHER = range(8)
LEAD_STATUSES = (
    "NEW",
    "OPEN",
    "IN_PROGRESS",
    "ATTEMPTED_TO_CONTACT",
    "CONNECTED",
    "OPEN_DEAL",
    "UNQUALIFIED",
    "BAD_TIMING",
)
NEW, OPEN, IN_PROGRESS, ATTEMPTED, CONNECTED, OPEN_DEAL, UNQUALIFIED, BAD_TIMING = range(8)
# One vocabulary for every history value: stages, then lead statuses, reasons, and '' (cleared).
VALUES = (*LIFECYCLE_STAGES, *LEAD_STATUSES, *(text for text, _ in LEAD_REASONS), "")
_STATUS_BASE = len(LIFECYCLE_STAGES)
_REASON_BASE = _STATUS_BASE + len(LEAD_STATUSES)
CLEARED = len(VALUES) - 1
PROPERTIES = ("lifecyclestage", "hs_lead_status", "reason", "hubspot_owner_id")
LIFECYCLE, LEAD_STATUS, REASON, OWNER = range(4)
SOURCES = ("CRM_UI", "WORKFLOWS", "AUTOMATION", "SALESFORCE", "IMPORT", "DEALS")
CRM_UI, WORKFLOWS, AUTOMATION, SALESFORCE, IMPORT, DEALS = range(6)
# Source ids: the user (active_user_id), the workflow, the deal, or Salesforce's user id.
BY_USER, BY_WORKFLOW, BY_DEAL, BY_SF_USER = range(4)
WORKFLOW_MQL, WORKFLOW_ROTATION, WORKFLOW_RECYCLE, WORKFLOW_NO_FOLLOW_UP = (
    9_120_341,
    9_120_342,
    9_120_343,
    9_120_344,
)
WORKFLOW_DISQUALIFIED = 9_120_345
SUBSCRIBER_SHARE = 0.3  # inbound contacts that start as subscribers
OTHER_SHARE = 0.3  # disqualified contacts a workflow moves to lifecycle stage `other`
EVANGELIST_SHARE = 0.08


def reason_property() -> str:
    """The contact property holding sales' reason (var hubspot_contact_reason_property)."""
    column = contract_table("hubspot", "contact").column("property_disqualification_reason")
    return str(column.custom_field)


def reason_column() -> str:
    return (
        contract_table("hubspot", "contact").column("property_disqualification_reason").landed_name
    )


@dataclass
class _Rows:
    """History rows collected chunk by chunk: person, property, value (index into VALUES; for
    owner rows the user number), instant, source and what set it."""

    parts: list[tuple[np.ndarray, ...]]

    def add(self, person, prop, value, at, source, by_kind, by) -> None:
        n = len(person)
        self.parts.append(
            tuple(
                np.broadcast_to(np.asarray(v), n).copy()
                for v in (person, prop, value, at, source, by_kind, by)
            )
        )

    def columns(self) -> tuple[np.ndarray, ...]:
        return tuple(np.concatenate([part[i] for part in self.parts]) for i in range(7))


@dataclass
class ContactHistory:
    table: pa.Table
    last_change: np.ndarray  # per person, NaN = none
    _current: dict[str, pa.Array]  # per property name: the value per person at as-of

    def current(self, name: str, person: np.ndarray) -> pa.Array:
        return self._current[name].take(pa.array(person))


def _lead_status_of(rng: np.random.Generator, status: np.ndarray) -> np.ndarray:
    """hs_lead_status for each simulated status (-1 where the status is no lead status)."""
    mapped = np.full(len(status), -1)
    mapped[status == STATUS_INDEX["Open - Not Contacted"]] = OPEN
    mapped[status == STATUS_INDEX["New"]] = NEW
    mapped[status == STATUS_INDEX["Accepted"]] = IN_PROGRESS
    working = status == STATUS_INDEX["Working - Contacted"]
    mapped[working] = np.where(rng.random(int(working.sum())) < 0.5, ATTEMPTED, CONNECTED)
    mapped[status == STATUS_INDEX[vocab.CONVERTED_STATUS]] = OPEN_DEAL
    mapped[np.isin(status, _indices(vocab.RECYCLED_STATUSES))] = BAD_TIMING
    mapped[np.isin(status, _indices(vocab.DISQUALIFIED_STATUSES))] = UNQUALIFIED
    return mapped


def _indices(statuses: tuple[str, ...]) -> list[int]:
    return [STATUS_INDEX[s] for s in statuses]


def contact_history(
    sim: Simulation, rng: np.random.Generator, directory: Directory
) -> ContactHistory:
    """contact_property_history of the contacts in `directory`."""
    people, life, users, as_of = sim.people, sim.life, sim.users, sim.as_of
    created = directory.created_at
    has_contact = ~np.isnan(created)
    crm_created = life.crm_created_at
    in_crm = has_contact & ~np.isnan(crm_created)
    rows = _Rows([])
    inbound = has_contact & ~people.is_outbound
    subscriber = inbound & (rng.random(sim.leads) < SUBSCRIBER_SHARE)
    p = np.flatnonzero(has_contact)
    imported = rng.random(len(p)) < 0.4
    outbound = people.is_outbound[p]
    # The first lifecycle stage, when the contact is created.
    rows.add(
        p,
        LIFECYCLE,
        np.where(subscriber[p], SUBSCRIBER, LEAD),
        created[p],
        np.where(
            outbound,
            np.where(directory.crm, np.where(imported, IMPORT, CRM_UI), SALESFORCE),
            AUTOMATION,
        ),
        np.where(outbound & directory.crm & ~imported, BY_USER, BY_WORKFLOW),
        np.where(outbound & directory.crm & ~imported, people.sdr[p], WORKFLOW_ROTATION),
    )
    ev = life.status_events
    ev_person = ev.get("person").astype(np.int64)
    ev_status = ev.get("status").astype(np.int64)
    ev_actor = ev.get("actor").astype(np.int64)
    by_mas = ev_actor == users.integration_user
    # Salesforce records a rep's change no earlier than a second after the lead exists.
    ev_at = np.where(by_mas, ev.get("at"), np.maximum(ev.get("at"), crm_created[ev_person] + 1))
    is_mql = np.isin(ev_status, _indices(vocab.MQL_STATUSES))
    is_sql = np.isin(ev_status, _indices(vocab.SQL_STATUSES))
    recycled = np.isin(ev_status, _indices(vocab.RECYCLED_STATUSES))
    disqualified = np.isin(ev_status, _indices(vocab.DISQUALIFIED_STATUSES))
    lead_status = _lead_status_of(rng, ev_status)
    deal_created, deal_won, deal_id = hubspot_deals.new_business_deals(sim)

    if directory.crm:
        sales_at = crm_created  # HubSpot is the CRM: sales sees the contact when it lands
        delay = np.zeros(len(ev_at))
        sync_source, sync_kind = CRM_UI, BY_USER
    else:
        # Salesforce's changes reach HubSpot through the integration, minutes later.
        sales_at = crm_created + rng.uniform(60, 600, sim.leads)
        sales_at = np.fmax(sales_at, created + 1)
        delay = np.where(by_mas, 0, rng.uniform(60, 600, len(ev_at)))
        sync_source, sync_kind = SALESFORCE, BY_SF_USER
    sync_by = ev_actor
    at = ev_at + delay
    seen = (
        has_contact[ev_person]
        & (at <= as_of)
        & (at >= np.nan_to_num(created[ev_person], nan=np.inf))
    )
    # Sales' first look: lead status, owner (and, for subscribers who land early, `lead`).
    s = np.flatnonzero(in_crm & (sales_at <= as_of))
    first_status = _lead_status_of(rng, life.crm_initial_status[s])
    sales_source = np.where(people.is_outbound[s] & directory.crm, CRM_UI, WORKFLOWS)
    if not directory.crm:
        sales_source = np.full(len(s), SALESFORCE)
    sales_kind = np.where(
        sales_source == CRM_UI,
        BY_USER,
        np.where(sales_source == SALESFORCE, BY_SF_USER, BY_WORKFLOW),
    )
    sales_by = np.where(sales_kind == BY_WORKFLOW, WORKFLOW_ROTATION, people.sdr[s])
    rows.add(
        s, LEAD_STATUS, _STATUS_BASE + first_status, sales_at[s], sales_source, sales_kind, sales_by
    )
    rows.add(
        s,
        OWNER,
        people.sdr[s],
        sales_at[s] + 5 * (sales_source == WORKFLOWS),
        sales_source,
        sales_kind,
        sales_by,
    )
    early = s[subscriber[s] & (sales_at[s] < np.nan_to_num(sim.first_mql[s], nan=np.inf))]
    rows.add(early, LIFECYCLE, LEAD, sales_at[early] + 1, WORKFLOWS, BY_WORKFLOW, WORKFLOW_ROTATION)

    # The MQL: HubSpot's own, by a workflow at the score crossing.
    mql = seen & is_mql
    rows.add(ev_person[mql], LIFECYCLE, MQL, at[mql], WORKFLOWS, BY_WORKFLOW, WORKFLOW_MQL)
    # Sales' statuses.
    sales = seen & ~by_mas & (lead_status >= 0)
    rows.add(
        ev_person[sales],
        LEAD_STATUS,
        _STATUS_BASE + lead_status[sales],
        at[sales],
        sync_source,
        sync_kind,
        sync_by[sales],
    )
    qualified = seen & is_sql
    if not directory.crm:  # Salesforce's qualified status arrives as an open deal
        rows.add(
            ev_person[qualified],
            LEAD_STATUS,
            _STATUS_BASE + OPEN_DEAL,
            at[qualified],
            SALESFORCE,
            BY_SF_USER,
            ev_actor[qualified],
        )
    rows.add(
        ev_person[qualified],
        LIFECYCLE,
        SQL,
        at[qualified] + (0 if directory.crm else 1),
        sync_source,
        sync_kind,
        sync_by[qualified],
    )
    # Marketing's recycle of a lead sales never followed up.
    leaked = seen & by_mas & recycled
    rows.add(
        ev_person[leaked],
        LEAD_STATUS,
        _STATUS_BASE + BAD_TIMING,
        at[leaked],
        WORKFLOWS,
        BY_WORKFLOW,
        WORKFLOW_NO_FOLLOW_UP,
    )
    # Back to marketing: a workflow clears the lifecycle stage, then sets `lead`, and clears
    # the lead status for sales' next look.
    back = seen & recycled
    cleared_at = at[back] + rng.uniform(20, 120, int(back.sum()))
    recycle = (WORKFLOWS, BY_WORKFLOW, WORKFLOW_RECYCLE)
    rows.add(ev_person[back], LIFECYCLE, CLEARED, cleared_at, *recycle)
    rows.add(ev_person[back], LIFECYCLE, LEAD, cleared_at + 1, *recycle)
    rows.add(ev_person[back], LEAD_STATUS, CLEARED, cleared_at + 2, *recycle)
    other = seen & disqualified & (rng.random(len(at)) < OTHER_SHARE)
    rows.add(
        ev_person[other],
        LIFECYCLE,
        OTHER,
        at[other] + rng.uniform(60, 300, int(other.sum())),
        WORKFLOWS,
        BY_WORKFLOW,
        WORKFLOW_DISQUALIFIED,
    )
    # Deal-driven stages: opportunity when the deal is created, customer when it is won.
    d_person = np.flatnonzero(~np.isnan(deal_created) & has_contact)
    d_delay = 0 if directory.crm else rng.uniform(60, 600, len(d_person))
    d_source = DEALS if directory.crm else SALESFORCE
    d_kind = BY_DEAL if directory.crm else BY_SF_USER
    ae = sim.accounts.owner[people.account[d_person]]
    d_by = deal_id[d_person] if directory.crm else ae
    opp_at = deal_created[d_person] + d_delay
    ok = opp_at <= as_of
    rows.add(d_person[ok], LIFECYCLE, OPPORTUNITY, opp_at[ok], d_source, d_kind, d_by[ok])
    won_at = deal_won[d_person] + d_delay
    ok = won_at <= as_of
    rows.add(d_person[ok], LIFECYCLE, CUSTOMER, won_at[ok], d_source, d_kind, d_by[ok])
    fan_at = deal_won[d_person] + rng.uniform(30, 300, len(d_person)) * SECONDS_PER_DAY
    fan = (fan_at <= as_of) & (rng.random(len(d_person)) < EVANGELIST_SHARE) & directory.crm
    rows.add(d_person[fan], LIFECYCLE, EVANGELIST, fan_at[fan], CRM_UI, BY_USER, ae[fan])
    if directory.crm:
        log = CrmStatusLog(ev_person, ev_at, np.arange(len(ev_at)), ev_actor)
        r_person, r_at, r_value, r_actor, _ = reason_changes(log, sim.verdicts, as_of)
        ok = has_contact[r_person] & (r_at <= as_of)
        rows.add(
            r_person[ok],
            REASON,
            np.where(r_value[ok] >= 0, _REASON_BASE + r_value[ok], CLEARED),
            r_at[ok],
            CRM_UI,
            BY_USER,
            r_actor[ok],
        )
    return _history_table(sim, rng, rows, created)


def _history_table(
    sim: Simulation, rng: np.random.Generator, rows: _Rows, created: np.ndarray
) -> ContactHistory:
    """The rows between each contact's creation and as-of, changes only, in time order."""
    person, prop, value, at, source, by_kind, by = rows.columns()
    person, prop, value = person.astype(np.int64), prop.astype(np.int64), value.astype(np.int64)
    keep = (at <= sim.as_of) & (at >= created[person])
    person, prop, value, at, source, by_kind, by = (
        c[keep] for c in (person, prop, value, at, source, by_kind, by)
    )
    order = np.lexsort((at, prop, person))
    person, prop, value, at, source, by_kind, by = (
        c[order] for c in (person, prop, value, at, source, by_kind, by)
    )
    same = np.concatenate([[False], (person[1:] == person[:-1]) & (prop[1:] == prop[:-1])])
    # Property history records changes: setting the value a property already holds is none.
    changed = ~same | (value != np.roll(value, 1))
    person, prop, value, at, source, by_kind, by = (
        c[changed] for c in (person, prop, value, at, source, by_kind, by)
    )
    by = by.astype(np.int64)
    is_owner = prop == OWNER
    names = (*PROPERTIES[:REASON], reason_property(), *PROPERTIES[REASON + 1 :])
    value_text = pc.if_else(
        pa.array(is_owner),
        pa.array(hubspot.owner_ids(np.where(is_owner, value, 0)).astype(str)),
        choice_text(VALUES, np.where(is_owner, 0, value)),
    )
    source_id = _source_ids(by_kind, by)
    n = len(person)
    table = hubspot.contract_shaped(
        "contact_property_history",
        {
            "contact_id": pa.array(hubspot.contact_ids(person)),
            "name": choice_text(names, prop),
            "value": value_text,
            "timestamp": timestamps(at),
            "source": choice_text(SOURCES, source.astype(np.int64)),
            "source_id": source_id,
            "_fivetran_synced": hubspot.synced(rng, at, sim.as_of),
        },
    )
    last_change = np.full(sim.leads, np.nan)
    np.fmax.at(last_change, person, at)
    current: dict[str, pa.Array] = {}
    for index, name in enumerate(names):
        rows_of = np.flatnonzero(prop == index)
        last = np.full(sim.leads, -1, dtype=np.int64)
        last[person[rows_of]] = rows_of  # in time order per person: the last change wins
        has = last >= 0
        if index != OWNER:
            has[has] = value[last[has]] != CLEARED  # a cleared property is empty
        current[name] = (
            pc.if_else(
                pa.array(has),
                value_text.take(pa.array(np.maximum(last, 0))),
                pa.scalar(None, pa.string()),
            )
            if n
            else pa.nulls(sim.leads, pa.string())
        )
    return ContactHistory(table, last_change, current)


def _source_ids(by_kind: np.ndarray, by: np.ndarray) -> pa.Array:
    text = pa.array(by.astype(str))
    user = pa.array(hubspot.user_ids(by).astype(str))
    sf_user = sf_ids("005", by)
    kind = pa.array(by_kind.astype(np.int64))
    out = pc.if_else(pc.equal(kind, BY_USER), user, text)  # workflows and deals: their ids
    return pc.if_else(pc.equal(kind, BY_SF_USER), sf_user, out)
