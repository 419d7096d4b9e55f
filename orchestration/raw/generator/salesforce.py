"""The CRM tables: accounts, leads and their status history, contacts, opportunities and their
history, tasks, events, campaigns and campaign members."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.raw.contract import contract_table
from orchestration.raw.generator import vocabulary as vocab
from orchestration.raw.generator.columns import (
    SECONDS_PER_DAY,
    choice_text,
    concat_text,
    dates,
    sf_ids,
    sf_ids_or_null,
    timestamps,
)
from orchestration.raw.generator.lifecycle import STATUSES, Lifecycle, status_log
from orchestration.raw.generator.opportunities import (
    FORECAST_CATEGORIES,
    FORECAST_CATEGORY_API_VALUES,
    N_OPEN,
    OPPORTUNITY_TYPES,
    STAGE_NAMES,
    WON_INDEX,
    Opportunities,
)
from orchestration.raw.generator.people import Accounts, People
from orchestration.raw.generator.reasons import LEAD_REASONS, LOSS_REASONS, Verdicts
from orchestration.raw.generator.simulation import Simulation


@dataclass
class CrmRecord:
    """What the MAS renderers need from the CRM's tables: each person's last status change."""

    last_change: np.ndarray


def render(sim: Simulation) -> tuple[dict[str, pa.Table], CrmRecord]:
    """The Salesforce tables of the simulation, drawn from its main stream."""
    rng, verdict_rng, as_of = sim.rng, sim.verdict_rng, sim.as_of
    people, accounts, users, life = sim.people, sim.accounts, sim.users, sim.life
    out: dict[str, pa.Table] = {"salesforce.user": users.table, "salesforce.user_role": users.roles}
    out["salesforce.account"] = accounts_table(rng, accounts, sim.customer, as_of)
    lead_person, crm_status, last_change, history, crm_log = leads_and_history(
        rng, people, life, users, as_of
    )
    reason_column = contract_table("salesforce", "lead").column("disqualification_reason_c")
    lead_reasons = reason_history(
        verdict_rng,
        crm_log,
        sim.verdicts,
        sim.leads,
        history.num_rows + 1,
        str(reason_column.custom_field),
        as_of,
    )
    out["salesforce.lead"] = leads_table(
        rng,
        people,
        accounts,
        life,
        lead_person,
        crm_status,
        last_change,
        sim.converted_at,
        sim.contact_number,
        sim.opportunity_number,
        as_of,
        lead_reasons,
        reason_column.landed_name,
    )
    out["salesforce.lead_history"] = pa.concat_tables([history, lead_reasons.history])
    out["salesforce.contact"] = contacts_table(
        rng,
        people,
        sim.converted_person,
        sim.conversion_at,
        sim.contact_number,
        as_of,
    )
    out["salesforce.opportunity"], out["salesforce.opportunity_history"] = opportunity_tables(
        rng,
        sim.opportunities,
        people,
        sim.campaign_of_person,
        as_of,
        sim.verdicts.loss,
        contract_table("salesforce", "opportunity").column("loss_reason_c").landed_name,
    )
    out["salesforce.task"], out["salesforce.event"] = activity_tables(rng, life, people, as_of)
    m = sim.memberships
    out["salesforce.campaign"], out["salesforce.campaign_member"] = campaign_tables(
        rng,
        sim.programs,
        sim.program_created,
        sim.channel_index,
        (m.person, m.program, m.at, m.contact),
        as_of,
    )
    return out, CrmRecord(last_change)


def _flags(n: int, value: bool = False) -> pa.Array:
    return pa.array(np.full(n, value, dtype=bool))


def _synced(rng: np.random.Generator, changed_at: np.ndarray, as_of: float) -> pa.Array:
    return timestamps(np.minimum(changed_at + rng.uniform(60, 6 * 3600, len(changed_at)), as_of))


def last_status(events_person, events_at, events_status, people: int, default: np.ndarray):
    """Each person's status at as_of: the last status event, else `default`."""
    order = np.lexsort((events_at, events_person))
    current = default.copy()
    current[events_person[order]] = events_status[order]  # later events overwrite earlier ones
    return current


def accounts_table(rng, accounts: Accounts, customer: np.ndarray, as_of: float) -> pa.Table:
    n = accounts.count
    numbers = np.arange(1, n + 1)
    created = np.minimum(accounts.created_at, as_of - 3600)
    modified = np.minimum(created + rng.uniform(0, 200, n) * SECONDS_PER_DAY, as_of)
    return pa.table(
        {
            "id": sf_ids("001", numbers),
            "name": accounts.name,
            "industry": choice_text(vocab.INDUSTRIES, accounts.industry_index),
            "number_of_employees": pa.array(accounts.employees.astype(np.int32)),
            "annual_revenue": pa.array(
                np.round(accounts.employees * rng.uniform(80_000, 250_000, n), -3)
            ),
            "billing_country": choice_text(vocab.COUNTRIES, accounts.country_index),
            "billing_state": accounts.state,
            "type": choice_text(("Prospect", "Customer"), customer.astype(int)),
            "owner_id": sf_ids("005", accounts.owner),
            "parent_id": sf_ids_or_null("001", accounts.parent + 1, accounts.parent >= 0),
            "created_date": timestamps(created),
            "last_modified_date": timestamps(modified),
            "is_deleted": _flags(n),
            "_fivetran_synced": _synced(rng, modified, as_of),
            "_fivetran_deleted": _flags(n),
        }
    )


def leads_and_history(rng, people: People, life: Lifecycle, users, as_of: float):
    has_lead = ~np.isnan(life.crm_created_at)
    lead_person = np.flatnonzero(has_lead)
    events = life.status_events
    ev_person, ev_at = events.get("person").astype(np.int64), events.get("at")
    ev_status, ev_actor = (
        events.get("status").astype(np.int64),
        events.get("actor").astype(np.int64),
    )
    # The CRM records the MAS-originated MQL when the sync arrives, a minute or two later.
    is_mql_sync = ev_actor == users.integration_user
    crm_at = ev_at + np.where(is_mql_sync, rng.uniform(60, 180, len(ev_at)), 0)
    crm_at = np.maximum(crm_at, life.crm_created_at[ev_person] + 1)
    ev_person, crm_at, ev_status, ev_index, previous = status_log(
        ev_person,
        crm_at,
        ev_status,
        np.arange(len(ev_at)),
        crm_at <= as_of,
        life.crm_initial_status,
    )
    ev_actor = ev_actor[ev_index]
    history_count = len(ev_person)
    # Owner assignment from the integration queue to the SDR when the lead lands.
    owner_person = lead_person
    owner_at = life.crm_created_at[owner_person] + 5
    history = pa.table(
        {
            "id": sf_ids("017", np.arange(1, history_count + len(owner_person) + 1)),
            "lead_id": sf_ids("00Q", np.concatenate([ev_person, owner_person]) + 1),
            "field": choice_text(
                ("Status", "Owner"),
                np.concatenate([np.zeros(history_count, int), np.ones(len(owner_person), int)]),
            ),
            "old_value": pa.concat_arrays(
                [
                    choice_text(STATUSES, previous),
                    pa.array(np.full(len(owner_person), "Lead Queue")).cast(pa.string()),
                ]
            ),
            "new_value": pa.concat_arrays(
                [
                    choice_text(STATUSES, ev_status),
                    sf_ids("005", people.sdr[owner_person]),
                ]
            ),
            "created_by_id": sf_ids(
                "005",
                np.concatenate([ev_actor, np.full(len(owner_person), users.integration_user)]),
            ),
            "created_date": timestamps(np.concatenate([crm_at, owner_at])),
            "is_deleted": _flags(history_count + len(owner_person)),
            "_fivetran_synced": _synced(rng, np.concatenate([crm_at, owner_at]), as_of),
            "_fivetran_deleted": _flags(history_count + len(owner_person)),
        }
    )
    current = last_status(ev_person, crm_at, ev_status, people.count, life.crm_initial_status)
    last_change = np.full(people.count, np.nan)
    np.fmax.at(last_change, ev_person, crm_at)
    crm_log = CrmStatusLog(ev_person, crm_at, ev_index, ev_actor)
    return lead_person, current, last_change, history, crm_log


@dataclass
class CrmStatusLog:
    """The CRM's status changes: person, instant, the lifecycle event each records, its actor."""

    person: np.ndarray
    at: np.ndarray
    event: np.ndarray
    actor: np.ndarray


@dataclass
class LeadReasons:
    """The lead reason field: its history rows and each person's value at as-of (index into
    reasons.LEAD_REASONS, -1 = empty), and when it last changed."""

    history: pa.Table
    current: np.ndarray
    last_change: np.ndarray


def reason_history(
    rng: np.random.Generator,
    log: CrmStatusLog,
    verdicts: Verdicts,
    people: int,
    first_id: int,
    field: str,
    as_of: float,
) -> LeadReasons:
    """History rows of the lead reason custom field (`field`, its API name): set by the rep at
    the instant of the status change that ends a cycle, cleared by some reps when the lead
    qualifies again. old_value is the value it replaced (null at first)."""
    person, at, value, actor, previous = reason_changes(log, verdicts, as_of)
    n = len(person)
    texts = [text for text, _ in LEAD_REASONS]
    history = pa.table(
        {
            "id": sf_ids("017", np.arange(first_id, first_id + n)),
            "lead_id": sf_ids("00Q", person + 1),
            "field": pa.array(np.full(n, field)).cast(pa.string()),
            "old_value": _reason_text(texts, previous),
            "new_value": _reason_text(texts, value),
            "created_by_id": sf_ids("005", actor),
            "created_date": timestamps(at),
            "is_deleted": _flags(n),
            "_fivetran_synced": _synced(rng, at, as_of),
            "_fivetran_deleted": _flags(n),
        }
    )
    current = np.full(people, -1, dtype=np.int64)
    current[person] = value  # in time order per person: the last change wins
    last_change = np.full(people, np.nan)
    np.fmax.at(last_change, person, at)
    return LeadReasons(history, current, last_change)


def reason_changes(log: CrmStatusLog, verdicts: Verdicts, as_of: float):
    """The reason field's changes (person, at, value, actor, previous value; values index
    reasons.LEAD_REASONS, -1 = empty), in time order per person: set at the status change that
    ends a cycle, cleared by some reps when the lead qualifies again. Re-picking the current
    value, or clearing an empty field, is no change."""
    reason = verdicts.reason[log.event]
    set_rows = reason >= 0
    cleared = verdicts.cleared_at <= as_of
    person = np.concatenate([log.person[set_rows], verdicts.cleared_person[cleared]])
    at = np.concatenate([log.at[set_rows], verdicts.cleared_at[cleared]])
    value = np.concatenate([reason[set_rows], np.full(int(cleared.sum()), -1)])
    actor = np.concatenate([log.actor[set_rows], verdicts.cleared_by[cleared]])
    order = np.lexsort((at, person))
    person, at, value, actor = person[order], at[order], value[order], actor[order]
    same_person = np.concatenate([[False], person[1:] == person[:-1]])
    previous = np.where(same_person, np.roll(value, 1), -1)
    kept = value != previous
    person, at, value, actor, previous = (
        person[kept],
        at[kept],
        value[kept],
        actor[kept],
        previous[kept],
    )
    return person, at, value, actor, previous


def _reason_text(texts: list[str], index: np.ndarray) -> pa.Array:
    """Reason text per row, null where `index` is -1."""
    return pc.if_else(
        pa.array(index >= 0), choice_text(texts, np.maximum(index, 0)), pa.scalar(None, pa.string())
    )


def leads_table(
    rng,
    people: People,
    accounts: Accounts,
    life: Lifecycle,
    lead_person,
    current,
    last_change,
    converted_at,
    contact_number,
    opportunity_number,
    as_of: float,
    reasons: LeadReasons,
    reason_column: str,
) -> pa.Table:
    """`reason_column`: the lead reason custom field as the connector lands it."""
    n = len(lead_person)
    p = lead_person
    is_converted = ~np.isnan(converted_at[p])
    modified = np.fmax(np.fmax(life.crm_created_at[p], last_change[p]), reasons.last_change[p])
    take = pa.array(p)
    account = people.account[p]
    return pa.table(
        {
            "id": sf_ids("00Q", p + 1),
            "email": people.email.take(take),
            "first_name": people.first_name.take(take),
            "last_name": people.last_name.take(take),
            "company": accounts.name.take(pa.array(account)),
            "title": choice_text(vocab.TITLES, people.title_index[p]),
            "phone": concat_text("+1-555-", pa.array((p % 10_000).astype(str))),
            "country": choice_text(vocab.COUNTRIES, people.country_index[p]),
            "industry": choice_text(vocab.INDUSTRIES, accounts.industry_index[account]),
            "number_of_employees": pa.array(accounts.employees[account].astype(np.int32)),
            "annual_revenue": pa.nulls(n, pa.float64()),
            "lead_source": people.lead_source.take(take),
            "status": choice_text(STATUSES, current[p]),
            reason_column: _reason_text([text for text, _ in LEAD_REASONS], reasons.current[p]),
            "rating": choice_text(("Hot", "Warm", "Cold"), rng.integers(0, 3, n)),
            "owner_id": sf_ids("005", people.sdr[p]),
            "is_converted": pa.array(is_converted),
            "converted_date": dates(converted_at[p]),
            "converted_account_id": sf_ids_or_null("001", account + 1, is_converted),
            "converted_contact_id": sf_ids_or_null("003", contact_number[p], is_converted),
            "converted_opportunity_id": sf_ids_or_null(
                "006", opportunity_number[p], is_converted & (opportunity_number[p] > 0)
            ),
            "created_date": timestamps(life.crm_created_at[p]),
            "last_modified_date": timestamps(modified),
            "is_deleted": _flags(n),
            "_fivetran_synced": _synced(rng, modified, as_of),
            "_fivetran_deleted": _flags(n),
        }
    )


def contacts_table(rng, people: People, converted_person, converted_at, contact_number, as_of):
    p = converted_person
    n = len(p)
    take = pa.array(p)
    return pa.table(
        {
            "id": sf_ids("003", contact_number[p]),
            "account_id": sf_ids("001", people.account[p] + 1),
            "email": people.email.take(take),
            "first_name": people.first_name.take(take),
            "last_name": people.last_name.take(take),
            "title": choice_text(vocab.TITLES, people.title_index[p]),
            "phone": concat_text("+1-555-", pa.array((p % 10_000).astype(str))),
            "mailing_country": choice_text(vocab.COUNTRIES, people.country_index[p]),
            "lead_source": people.lead_source.take(take),
            "owner_id": sf_ids("005", people.sdr[p]),
            "created_date": timestamps(converted_at),
            "last_modified_date": timestamps(converted_at),
            "is_deleted": _flags(n),
            "_fivetran_synced": _synced(rng, converted_at, as_of),
            "_fivetran_deleted": _flags(n),
        }
    )


def opportunity_tables(
    rng,
    opportunities: Opportunities,
    people: People,
    campaign_of_person,
    as_of,
    loss: np.ndarray,
    loss_column: str,
):
    """`loss` per deal (index into reasons.LOSS_REASONS, -1 = none), landed as `loss_column`."""
    o = opportunities
    n = o.count
    numbers = np.arange(1, n + 1)
    is_closed = o.stage >= N_OPEN
    is_won = o.stage == WON_INDEX
    stage_probability = np.array([*vocab.STAGE_PROBABILITY, 100, 0])
    from_lead = o.person >= 0
    person = np.where(from_lead, o.person, 0)
    lead_source = pc.if_else(
        pa.array(from_lead), people.lead_source.take(pa.array(person)), pa.scalar("Customer Base")
    )
    campaign = np.where(from_lead, campaign_of_person[person], 0)
    opportunity = pa.table(
        {
            "id": sf_ids("006", numbers),
            "account_id": sf_ids("001", o.account + 1),
            "name": concat_text(
                "Deal ",
                pa.array(numbers.astype(str)),
                " - ",
                choice_text(OPPORTUNITY_TYPES, o.type_index),
            ),
            "type": choice_text(OPPORTUNITY_TYPES, o.type_index),
            "stage_name": choice_text(STAGE_NAMES, o.stage),
            "amount": pa.array(o.amount),
            "probability": pa.array(stage_probability[o.stage].astype(float)),
            "close_date": dates(o.expected_close_at),
            "forecast_category_name": choice_text(FORECAST_CATEGORIES, o.category),
            "forecast_category": choice_text(FORECAST_CATEGORY_API_VALUES, o.category),
            "is_closed": pa.array(is_closed),
            "is_won": pa.array(is_won),
            "lead_source": lead_source,
            loss_column: _reason_text([text for text, _ in LOSS_REASONS], loss),
            "campaign_id": sf_ids_or_null("701", campaign, campaign > 0),
            "owner_id": sf_ids("005", o.owner),
            "created_date": timestamps(o.created_at),
            "last_modified_date": timestamps(o.last_modified_at),
            "is_deleted": _flags(n),
            "_fivetran_synced": _synced(rng, o.last_modified_at, as_of),
            "_fivetran_deleted": _flags(n),
        }
    )
    h = len(o.history_opportunity)
    history = pa.table(
        {
            "id": sf_ids("008", np.arange(1, h + 1)),
            "opportunity_id": sf_ids("006", o.history_opportunity + 1),
            "stage_name": choice_text(STAGE_NAMES, o.history_stage),
            "amount": pa.array(o.history_amount),
            "close_date": dates(o.history_close_at),
            "probability": pa.array(stage_probability[o.history_stage].astype(float)),
            "forecast_category": choice_text(FORECAST_CATEGORIES, o.history_category),
            "created_by_id": sf_ids("005", o.owner[o.history_opportunity]),
            "created_date": timestamps(o.history_at),
            "is_deleted": _flags(h),
            "_fivetran_synced": _synced(rng, o.history_at, as_of),
            "_fivetran_deleted": _flags(h),
        }
    )
    return opportunity, history


def activity_tables(rng, life: Lifecycle, people: People, as_of: float):
    t = life.touches
    person = t.get("person").astype(np.int64)
    at, owner = t.get("at"), t.get("owner").astype(np.int64)
    meeting = t.get("is_meeting").astype(bool)
    completed = t.get("is_completed").astype(bool)
    who = sf_ids("00Q", person + 1)
    task_rows = ~meeting
    tn = int(task_rows.sum())
    task_completed = completed[task_rows]
    task_at = at[task_rows]
    kind = (rng.random(tn) < 0.45).astype(np.int64)  # 0 = call, 1 = email
    per_kind = len(vocab.TASK_SUBJECTS) // len(vocab.TASK_TYPES)
    task = pa.table(
        {
            "id": sf_ids("00T", np.arange(1, tn + 1)),
            "who_id": who.filter(pa.array(task_rows)),
            "what_id": pa.nulls(tn, pa.string()),
            "account_id": pa.nulls(tn, pa.string()),
            "owner_id": sf_ids("005", owner[task_rows]),
            "subject": choice_text(
                vocab.TASK_SUBJECTS, kind * per_kind + rng.integers(0, per_kind, tn)
            ),
            "type": choice_text(vocab.TASK_TYPES, kind),
            "task_subtype": choice_text(vocab.TASK_TYPES, kind),
            "status": choice_text(("Not Started", "Completed"), task_completed.astype(int)),
            "activity_date": dates(task_at),
            "created_date": timestamps(
                np.where(task_completed, task_at - rng.uniform(0, 120, tn), task_at)
            ),
            "completed_date_time": timestamps(np.where(task_completed, task_at, np.nan)),
            "is_closed": pa.array(task_completed),
            "is_deleted": _flags(tn),
            "_fivetran_synced": _synced(rng, task_at, as_of),
            "_fivetran_deleted": _flags(tn),
        }
    )
    en = int(meeting.sum())
    event_at = at[meeting]
    event_kind = rng.integers(0, 3, en)
    event = pa.table(
        {
            "id": sf_ids("00U", np.arange(1, en + 1)),
            "who_id": who.filter(pa.array(meeting)),
            "what_id": pa.nulls(en, pa.string()),
            "account_id": pa.nulls(en, pa.string()),
            "owner_id": sf_ids("005", owner[meeting]),
            "subject": choice_text(("Intro meeting", "Demo", "Discovery call"), event_kind),
            "type": choice_text(("Meeting", "Meeting", "Call"), event_kind),
            "activity_date": dates(event_at),
            "activity_date_time": timestamps(event_at),
            "start_date_time": timestamps(event_at),
            "end_date_time": timestamps(event_at + 1800),
            "created_date": timestamps(
                event_at - rng.uniform(600, 2 * SECONDS_PER_DAY, en).clip(0, None)
            ),
            "is_deleted": _flags(en),
            "_fivetran_synced": _synced(rng, event_at, as_of),
            "_fivetran_deleted": _flags(en),
        }
    )
    return task, event


def campaign_tables(rng, programs: int, program_created: np.ndarray, channel_index, members, as_of):
    numbers = np.arange(1, programs + 1)
    campaign = pa.table(
        {
            "id": sf_ids("701", numbers),
            "name": concat_text(
                choice_text(vocab.PROGRAM_CHANNELS, channel_index),
                " program ",
                pa.array(numbers.astype(str)),
            ),
            "type": choice_text(vocab.PROGRAM_CHANNELS, channel_index),
            "status": choice_text(
                ("In Progress", "Completed"), (rng.random(programs) < 0.5).astype(int)
            ),
            "start_date": dates(program_created),
            "end_date": dates(program_created + 90 * SECONDS_PER_DAY),
            "budgeted_cost": pa.array(np.round(rng.uniform(1_000, 50_000, programs), -2)),
            "actual_cost": pa.array(np.round(rng.uniform(1_000, 50_000, programs), -2)),
            "parent_id": pa.nulls(programs, pa.string()),
            "is_active": pa.array(rng.random(programs) < 0.6),
            "created_date": timestamps(program_created),
            "is_deleted": _flags(programs),
            "_fivetran_synced": _synced(rng, program_created, as_of),
            "_fivetran_deleted": _flags(programs),
        }
    )
    m_person, m_program, m_at, m_contact = members
    mn = len(m_person)
    is_contact = m_contact > 0
    member = pa.table(
        {
            "id": sf_ids("00v", np.arange(1, mn + 1)),
            "campaign_id": sf_ids("701", m_program),
            "lead_id": sf_ids_or_null("00Q", m_person + 1, ~is_contact),
            "contact_id": sf_ids_or_null("003", m_contact, is_contact),
            "status": choice_text(("Responded", "Attended"), rng.integers(0, 2, mn)),
            "has_responded": _flags(mn, True),
            "first_responded_date": dates(m_at),
            "created_date": timestamps(m_at),
            "is_deleted": _flags(mn),
            "_fivetran_synced": _synced(rng, m_at, as_of),
            "_fivetran_deleted": _flags(mn),
        }
    )
    return campaign, member
