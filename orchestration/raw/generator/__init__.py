"""`funnel generate`: realistic synthetic Salesforce and Marketo raw tables.

Deterministic for (leads, seed, as_of, faults). Vectorised with numpy and Arrow; the only Python
loops run over tables and lifecycle cycles, never over rows. All event timestamps are <= as_of
(an open deal's planned `close_date` may lie ahead); `_fivetran_synced` <= as_of.

Modules: `vocabulary` (status, stage, channel and name values), `columns` (ids, timestamps, text
in bulk), `people` (users, accounts, people), `engagement` (scoring triggers, threshold
crossings), `lifecycle` (MQL -> SAL -> SQL -> conversion, recycling, cycles), `workhours` (reps'
local working day), `opportunities` (deals and their history), `salesforce` and `marketo` (the
tables), `deletions` (connector deletions), `faults` (`--faults`), `writer` (one transaction).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.raw.contract import contract_table
from orchestration.raw.generator import (
    deletions,
    engagement,
    lifecycle,
    marketo,
    reasons,
    salesforce,
    workhours,
)
from orchestration.raw.generator import faults as fault_injection
from orchestration.raw.generator.columns import SECONDS_PER_DAY
from orchestration.raw.generator.faults import FAULT_KINDS, InjectedFault
from orchestration.raw.generator.opportunities import LOST_INDEX, make_opportunities
from orchestration.raw.generator.people import make_accounts, make_people, make_users, segment_index
from orchestration.raw.generator.writer import write_tables
from orchestration.raw.incremental_state import forget_incremental_state

HISTORY_DAYS = 730

__all__ = ["FAULT_KINDS", "GenerationReport", "InjectedFault", "generate"]


@dataclass
class GenerationReport:
    leads: int
    seed: int
    as_of: datetime
    seconds: float
    rows_per_table: dict[str, int]
    faults: list[InjectedFault] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows_per_table.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else float(self.total_rows)


def default_as_of() -> datetime:
    now = datetime.now(UTC)
    return datetime(now.year, now.month, now.day)


def generate(
    database: Path,
    leads: int = 5000,
    seed: int = 42,
    as_of: datetime | None = None,
    faults: bool = False,
) -> GenerationReport:
    started = time.perf_counter()
    as_of = as_of or default_as_of()
    if as_of.tzinfo is not None:
        as_of = as_of.astimezone(UTC).replace(tzinfo=None)
    as_of_epoch = _naive_epoch(as_of)
    tables = build_tables(leads, seed, as_of_epoch)
    injected: list[InjectedFault] = []
    if faults:
        injected = fault_injection.inject(
            np.random.default_rng([seed, 1]), tables, leads, as_of_epoch
        )
    chunks = {name: [tables.pop(name)] for name in list(tables)}
    rows = write_tables(Path(database), chunks)
    forget_incremental_state(Path(database))
    return GenerationReport(
        leads=leads,
        seed=seed,
        as_of=as_of,
        seconds=time.perf_counter() - started,
        rows_per_table=rows,
        faults=injected,
    )


def _naive_epoch(moment: datetime) -> float:
    """Naive datetimes are UTC; aware ones are converted."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def build_tables(leads: int, seed: int, as_of: float) -> dict[str, pa.Table]:
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

    out: dict[str, pa.Table] = {"salesforce.user": users.table, "salesforce.user_role": users.roles}
    out["salesforce.account"] = salesforce.accounts_table(rng, accounts, customer, as_of)
    lead_person, crm_status, last_change, history, crm_log = salesforce.leads_and_history(
        rng, people, life, users, as_of
    )
    reason_column = contract_table("salesforce", "lead").column("disqualification_reason_c")
    lead_reasons = salesforce.reason_history(
        verdict_rng,
        crm_log,
        verdicts,
        leads,
        history.num_rows + 1,
        str(reason_column.custom_field),
        as_of,
    )
    out["salesforce.lead"] = salesforce.leads_table(
        rng,
        people,
        accounts,
        life,
        lead_person,
        crm_status,
        last_change,
        converted_at,
        contact_number,
        opportunity_number,
        as_of,
        lead_reasons,
        reason_column.landed_name,
    )
    out["salesforce.lead_history"] = pa.concat_tables([history, lead_reasons.history])
    out["salesforce.contact"] = salesforce.contacts_table(
        rng, people, c_person, c_at, contact_number, as_of
    )
    out["salesforce.opportunity"], out["salesforce.opportunity_history"] = (
        salesforce.opportunity_tables(
            rng,
            opportunities,
            people,
            campaign_of_person,
            as_of,
            verdicts.loss,
            contract_table("salesforce", "opportunity").column("loss_reason_c").landed_name,
        )
    )
    out["salesforce.task"], out["salesforce.event"] = salesforce.activity_tables(
        rng, life, people, as_of
    )
    out["salesforce.campaign"], out["salesforce.campaign_member"] = salesforce.campaign_tables(
        rng, programs, program_created, channel_index, (m_person, m_program, m_at, m_contact), as_of
    )

    # MAS: people, the activity log, merges and deletions.
    mas_person = np.flatnonzero(life.in_mas)
    mas_created = people.created_at[mas_person].copy()
    outbound_in_mas = people.is_outbound[mas_person]
    mas_created[outbound_in_mas] = np.minimum(
        mas_created[outbound_in_mas] + rng.uniform(1, 30, outbound_in_mas.sum()) * SECONDS_PER_DAY,
        as_of - 60,
    )
    person_mas_created = np.full(leads, np.nan)
    person_mas_created[mas_person] = mas_created
    log = marketo.ActivityLog(tables={}, as_of=as_of)
    in_mas_trigger = life.in_mas[all_triggers.person]
    mas_triggers = engagement.Triggers(
        *(getattr(all_triggers, f)[in_mas_trigger] for f in engagement.Triggers.__annotations__)
    )
    marketo.trigger_activities(
        rng, log, mas_triggers, channel_index, np.nan_to_num(person_mas_created, nan=0.0)
    )
    marketo.score_changes(log, scores, life.in_mas[scores.person])
    marketo.noise_activities(rng, log, mas_person, mas_created, programs, as_of)

    ev_person = ev.get("person").astype(np.int64)
    ev_at = ev.get("at")
    ev_status = ev.get("status").astype(np.int64)
    from_sync = ev.get("actor").astype(np.int64) != users.integration_user
    mas_at = ev_at + np.where(from_sync, rng.uniform(60, 600, len(ev_at)), 0)
    visible = (
        life.in_mas[ev_person]
        & (mas_at <= as_of)
        & (mas_at >= np.nan_to_num(person_mas_created[ev_person], nan=np.inf))
    )
    mas_initial = np.full(leads, lifecycle.STATUS_INDEX["New"])
    ev_person, mas_at, ev_status, from_sync, previous = lifecycle.status_log(
        ev_person, mas_at, ev_status, from_sync, visible, mas_initial
    )
    marketo.status_changes(rng, log, ev_person, mas_at, ev_status, previous, from_sync)
    mas_status = salesforce.last_status(ev_person, mas_at, ev_status, leads, mas_initial)

    # The score log is in time order per person: its last change holds the current score.
    score = np.zeros(leads)
    score[scores.person] = scores.score
    last_scored = np.zeros(leads)
    last_scored[scores.person] = np.minimum(scores.at + 1, as_of)
    updated = np.fmax(last_scored, np.nan_to_num(last_change, nan=0))

    survivors = mas_person[rng.random(len(mas_person)) < 0.025]
    losers = marketo.merges(rng, log, survivors, people.created_at[survivors], leads + 1, as_of)
    crm_visible = ~np.isnan(crm_created) & ~people.is_outbound & (rng.random(leads) > 0.05)
    converted = ~np.isnan(converted_at)
    out["marketo.lead"] = marketo.lead_table(
        rng,
        people,
        accounts,
        mas_person,
        mas_created,
        crm_visible,
        contact_number,
        converted,
        mas_status,
        score,
        updated,
        losers,
        as_of,
    )
    mas_only = mas_person[np.isnan(crm_created[mas_person])]
    deleted = mas_only[rng.random(len(mas_only)) < 0.003]
    log.add(
        "activity_delete_lead",
        deleted + 1,
        np.minimum(people.created_at[deleted] + 200 * SECONDS_PER_DAY, as_of - 60),
    )
    out.update({f"marketo.{name}": table for name, table in log.tables.items()})
    out["marketo.program"], out["marketo.campaign"] = marketo.program_tables(
        rng, programs, program_created, channel_index, as_of
    )
    deletions.apply(rng, out)
    return {name: _synced_by(table, as_of) for name, table in out.items()}


def _synced_by(table: pa.Table, as_of: float) -> pa.Table:
    """The connector cannot have synced a row after the as-of moment."""
    if "_fivetran_synced" not in table.column_names:
        return table
    index = table.schema.get_field_index("_fivetran_synced")
    limit = pa.scalar(round(as_of * 1e6), pa.timestamp("us"))
    clamped = pc.min_element_wise(table.column(index), limit)
    return table.set_column(index, "_fivetran_synced", clamped)
