"""The system-neutral simulation every renderer draws its tables from: users, accounts and
people, marketing engagement and the score, the lifecycle (MQL, SAL, SQL, conversion,
recycling), deals, sales' verdicts and program memberships. Computed once per generation.

`Simulation.rng` is the main random stream, positioned after the simulation: the Salesforce and
Marketo renderers continue it in the order they always have, so the default output never shifts.
Other renderers draw from streams of their own (`Simulation.stream`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow.compute as pc

from orchestration.raw.generator import engagement, lifecycle, reasons, workhours
from orchestration.raw.generator.columns import SECONDS_PER_DAY
from orchestration.raw.generator.opportunities import LOST_INDEX, Opportunities, make_opportunities
from orchestration.raw.generator.people import (
    Accounts,
    People,
    Users,
    make_accounts,
    make_people,
    make_users,
    segment_index,
)

HISTORY_DAYS = 730


@dataclass
class Memberships:
    """Program successes of people known to the CRM, the first per person and program:
    `contact` is the CRM contact number when the person had converted by then, else 0."""

    person: np.ndarray
    program: np.ndarray
    at: np.ndarray
    contact: np.ndarray


@dataclass
class Simulation:
    leads: int
    seed: int
    as_of: float
    rng: np.random.Generator
    verdict_rng: np.random.Generator
    users: Users
    accounts: Accounts
    people: People
    programs: int
    program_created: np.ndarray
    channel_index: np.ndarray  # by program number - 1
    first_mql: np.ndarray  # per person, NaN = never
    life: lifecycle.Lifecycle
    triggers: engagement.Triggers  # every cycle's scoring engagement, up to a recycle
    scores: engagement.ScoreLog
    verdicts: reasons.Verdicts
    opportunities: Opportunities
    converted_person: np.ndarray  # per conversion, the person and when
    conversion_at: np.ndarray
    converted_at: np.ndarray  # per person, NaN = never converted
    contact_number: np.ndarray  # per person, the CRM contact number (0 = none)
    opportunity_number: np.ndarray  # per person, the new-business deal number (0 = none)
    customer: np.ndarray  # per account
    memberships: Memberships
    campaign_of_person: np.ndarray

    def stream(self, name: str) -> np.random.Generator:
        """A random stream of the renderer `name`, independent of every other stream."""
        key = int.from_bytes(name.encode()[:8].ljust(8, b"\0"), "little") % (2**31)
        return np.random.default_rng([self.seed, 3, key])


def simulate(leads: int, seed: int, as_of: float) -> Simulation:
    rng = np.random.default_rng(seed)
    start = as_of - HISTORY_DAYS * SECONDS_PER_DAY
    users = make_users(rng, leads, start)
    accounts = make_accounts(rng, leads, start, users)
    people = make_people(rng, leads, start, HISTORY_DAYS - 1, accounts, users)
    programs = int(np.clip(leads // 150, 12, 500))
    program_created = start - rng.uniform(10, 90, programs) * SECONDS_PER_DAY
    channel_index = rng.integers(0, 6, programs)

    # Marketing engagement and the score crossing decide the first MQL of inbound people.
    inbound = np.flatnonzero(~people.is_outbound)
    triggers = engagement.first_cycle_triggers(rng, inbound, people.created_at, as_of, programs)
    legacy = engagement.legacy_points(rng, inbound, people.created_at, as_of)
    no_resets = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    first_scores = engagement.score_log(triggers, legacy, no_resets, as_of)
    crossing = engagement.threshold_crossings(first_scores, leads)
    first_mql = np.full(leads, np.nan)
    by_score = ~np.isnan(crossing) & (rng.random(leads) < 0.92)
    first_mql[by_score] = crossing[by_score] + rng.uniform(60, 900, by_score.sum())
    best_score = np.zeros(leads)
    np.maximum.at(best_score, first_scores.person, first_scores.score)
    manual = np.isnan(crossing) & (best_score >= 40) & (rng.random(leads) < 0.08)
    manual &= ~people.is_outbound
    first_mql[manual] = (
        people.created_at[manual] + rng.uniform(5, 60, manual.sum()) * SECONDS_PER_DAY
    )
    first_mql[first_mql > as_of] = np.nan
    # The more a person engaged by the MQL, the likelier sales accepts, qualifies and wins them.
    mql_person = np.flatnonzero(~np.isnan(first_mql))
    lift = np.ones(leads)
    lift[mql_person] = engagement.conversion_lift(
        first_scores.score_at(mql_person, np.ones(len(mql_person), np.int64), first_mql[mql_person])
    )
    lift[mql_person] /= lift[mql_person].mean() if len(mql_person) else 1
    life = lifecycle.simulate(
        rng,
        as_of,
        people.created_at,
        people.is_outbound,
        first_mql,
        people.sdr,
        accounts.owner[people.account],
        users.integration_user,
        workhours.UTC_OFFSET_HOURS[users.time_zone_of],
        lift,
    )
    # Sales' verdicts draw from their own stream, so the rest of the data doesn't shift with them.
    verdict_rng = np.random.default_rng([seed, 2])
    ev = life.status_events
    accepted, decided = reasons.first_verdicts(ev, ~np.isnan(first_mql))
    reasons.assign_first_programs(
        verdict_rng,
        triggers,
        channel_index,
        accepted,
        decided,
        accepted.sum() / max(decided.sum(), 1),
    )
    channel = reasons.first_channels(triggers, channel_index, leads)
    segment = segment_index(accounts.employees[people.account])
    source_kind = np.where(
        people.is_outbound,
        2,
        pc.equal(people.lead_source, "Content Syndication").to_numpy(zero_copy_only=False),
    ).astype(np.int64)
    touches = life.first_touches
    cleared = reasons.cleared_on_requalification(
        verdict_rng,
        touches.get("person").astype(np.int64),
        touches.get("cycle").astype(np.int64),
        touches.get("at"),
        touches.get("owner").astype(np.int64),
    )

    # Re-qualifying engagement for later cycles; cycle-1 engagement stops at the recycle.
    recycled = life.recycles
    r_person = recycled.get("person").astype(np.int64)
    r_cycle = recycled.get("cycle").astype(np.int64)
    r_at = recycled.get("at")
    rq = life.requalifications
    later = engagement.requalifying_triggers(
        rng,
        rq.get("person").astype(np.int64),
        rq.get("cycle").astype(np.int64),
        rq.get("recycled_at"),
        rq.get("at"),
        programs,
    )
    all_triggers = engagement.Triggers.concat([triggers, later])
    recycle_key = r_person * 8 + r_cycle
    order = np.argsort(recycle_key)
    trigger_key = all_triggers.person * 8 + all_triggers.cycle
    found = np.searchsorted(recycle_key[order], trigger_key)
    found = np.minimum(found, max(len(order) - 1, 0))
    has_recycle = len(order) > 0
    matched = (
        has_recycle & (recycle_key[order][found] == trigger_key)
        if has_recycle
        else np.zeros(len(trigger_key), bool)
    )
    after_recycle = matched & (all_triggers.at > np.where(matched, r_at[order][found], np.inf))
    keep = ~after_recycle
    all_triggers = engagement.Triggers(
        *(getattr(all_triggers, f)[keep] for f in engagement.Triggers.__annotations__)
    )
    # The MAS resets the score on recycle (a second after it learns of it).
    scores = engagement.score_log(all_triggers, legacy, (r_person, r_cycle, r_at + 1), as_of)

    # Conversions: a contact and (usually) a new-business opportunity.
    conversions = life.conversions
    c_person = conversions.get("person").astype(np.int64)
    c_at = conversions.get("at")
    converted_at = np.full(leads, np.nan)
    converted_at[c_person] = c_at
    contact_number = np.zeros(leads, dtype=np.int64)
    contact_number[c_person] = np.arange(1, len(c_person) + 1)
    opportunities = make_opportunities(
        rng,
        as_of,
        c_person,
        c_at,
        people.account,
        accounts.employees,
        accounts.owner,
        conversions.get("lift"),
    )
    opportunity_number = np.zeros(leads, dtype=np.int64)
    new_business = opportunities.person >= 0
    opportunity_number[opportunities.person[new_business]] = np.flatnonzero(new_business) + 1
    opportunity_lift = np.where(
        opportunities.person >= 0, lift[np.maximum(opportunities.person, 0)], 1.0
    )
    verdicts = reasons.Verdicts(
        reasons.lead_reasons(
            verdict_rng,
            ev.get("status").astype(np.int64),
            ev.get("actor").astype(np.int64),
            ev.get("person").astype(np.int64),
            users.integration_user,
            segment,
            lift,
            channel,
            source_kind,
        ),
        *cleared,
        reasons.loss_reasons(
            verdict_rng,
            opportunities.stage == LOST_INDEX,
            segment_index(accounts.employees[opportunities.account]),
            opportunity_lift,
        ),
    )
    customer = np.zeros(accounts.count, dtype=bool)
    customer[opportunities.account[opportunities.stage == 8]] = True

    # Campaign memberships from program successes of people known to the CRM.
    crm_created = life.crm_created_at
    program_touch = all_triggers.kind == engagement.PROGRAM
    m_person = all_triggers.person[program_touch]
    m_program = all_triggers.program[program_touch]
    m_at = np.fmax(all_triggers.at[program_touch], crm_created[m_person] + 60)
    in_crm = ~np.isnan(crm_created[m_person]) & (m_at <= as_of)
    m_person, m_program, m_at = m_person[in_crm], m_program[in_crm], m_at[in_crm]
    _, first_membership = np.unique(m_person * (programs + 1) + m_program, return_index=True)
    m_person, m_program, m_at = (
        m_person[first_membership],
        m_program[first_membership],
        m_at[first_membership],
    )
    as_contact = m_at > np.nan_to_num(converted_at[m_person], nan=np.inf)
    m_contact = np.where(as_contact, contact_number[m_person], 0)
    # An opportunity's primary campaign: the latest one its person responded to as a lead.
    campaign_of_person = np.zeros(leads, dtype=np.int64)
    as_lead = ~as_contact
    touch_order = np.argsort(m_at[as_lead])
    campaign_of_person[m_person[as_lead][touch_order]] = m_program[as_lead][touch_order]

    return Simulation(
        leads=leads,
        seed=seed,
        as_of=as_of,
        rng=rng,
        verdict_rng=verdict_rng,
        users=users,
        accounts=accounts,
        people=people,
        programs=programs,
        program_created=program_created,
        channel_index=channel_index,
        first_mql=first_mql,
        life=life,
        triggers=all_triggers,
        scores=scores,
        verdicts=verdicts,
        opportunities=opportunities,
        converted_person=c_person,
        conversion_at=c_at,
        converted_at=converted_at,
        contact_number=contact_number,
        opportunity_number=opportunity_number,
        customer=customer,
        memberships=Memberships(m_person, m_program, m_at, m_contact),
        campaign_of_person=campaign_of_person,
    )
