"""The MAS tables: people (with CRM sync ids, duplicates and merges), the activity log, programs
and smart campaigns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.raw.generator import email_program, engagement, lifecycle
from orchestration.raw.generator import vocabulary as vocab
from orchestration.raw.generator.columns import (
    SECONDS_PER_DAY,
    choice_text,
    concat_text,
    position_in_group,
    sf_ids_or_null,
    timestamps,
)
from orchestration.raw.generator.engagement import (
    FORM,
    PROGRAM,
    REASONS,
    VISIT,
    ScoreLog,
    Triggers,
)
from orchestration.raw.generator.lifecycle import STATUS_INDEX, STATUSES
from orchestration.raw.generator.reasons import MAS_REASONS
from orchestration.raw.generator.salesforce import CrmRecord, last_status
from orchestration.raw.generator.simulation import Simulation


def render(sim: Simulation, crm: CrmRecord) -> dict[str, pa.Table]:
    """The Marketo tables of the simulation (the MAS beside Salesforce), drawn from its main
    stream after the Salesforce tables: people, the activity log, merges and deletions."""
    rng, as_of, leads = sim.rng, sim.as_of, sim.leads
    people, life, users = sim.people, sim.life, sim.users
    crm_created = life.crm_created_at
    mas_person = np.flatnonzero(life.in_mas)
    mas_created = people.created_at[mas_person].copy()
    outbound_in_mas = people.is_outbound[mas_person]
    mas_created[outbound_in_mas] = np.minimum(
        mas_created[outbound_in_mas] + rng.uniform(1, 30, outbound_in_mas.sum()) * SECONDS_PER_DAY,
        as_of - 60,
    )
    person_mas_created = np.full(leads, np.nan)
    person_mas_created[mas_person] = mas_created
    log = ActivityLog(tables={}, as_of=as_of)
    all_triggers = sim.triggers
    in_mas_trigger = life.in_mas[all_triggers.person]
    mas_triggers = engagement.Triggers(
        *(getattr(all_triggers, f)[in_mas_trigger] for f in engagement.Triggers.__annotations__)
    )
    clicks = trigger_activities(
        rng, log, mas_triggers, sim.channel_index, np.nan_to_num(person_mas_created, nan=0.0)
    )
    scores = sim.scores
    score_changes(log, scores, life.in_mas[scores.person])
    noise_activities(rng, log, mas_person, mas_created, sim.programs, as_of)
    forms = mas_triggers.kind == FORM
    emails = email_program.render(
        sim,
        mas_person,
        mas_created,
        clicks,
        (mas_triggers.person[forms], mas_triggers.at[forms], mas_triggers.program[forms]),
    )

    ev = life.status_events
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
    status_changes(rng, log, ev_person, mas_at, ev_status, previous, from_sync)
    mas_status = last_status(ev_person, mas_at, ev_status, leads, mas_initial)

    # The score log is in time order per person: its last change holds the current score.
    score = np.zeros(leads)
    score[scores.person] = scores.score
    last_scored = np.zeros(leads)
    last_scored[scores.person] = np.minimum(scores.at + 1, as_of)
    updated = np.fmax(last_scored, np.nan_to_num(crm.last_change, nan=0))

    updated = np.fmax(updated, emails.unsubscribed_at)  # an unsubscribe updates the lead
    survivors = mas_person[rng.random(len(mas_person)) < 0.025]
    losers = merges(rng, log, survivors, people.created_at[survivors], leads + 1, as_of)
    crm_visible = ~np.isnan(crm_created) & ~people.is_outbound & (rng.random(leads) > 0.05)
    converted = ~np.isnan(sim.converted_at)
    out = {
        "marketo.lead": lead_table(
            rng,
            people,
            sim.accounts,
            mas_person,
            mas_created,
            crm_visible,
            sim.contact_number,
            converted,
            mas_status,
            score,
            updated,
            losers,
            as_of,
            emails.unsubscribed,
        )
    }
    mas_only = mas_person[np.isnan(crm_created[mas_person])]
    deleted = mas_only[rng.random(len(mas_only)) < 0.003]
    log.add(
        "activity_delete_lead",
        deleted + 1,
        np.minimum(people.created_at[deleted] + 200 * SECONDS_PER_DAY, as_of - 60),
    )
    email_activities(log, emails)
    out.update({f"marketo.{name}": table for name, table in log.tables.items()})
    out["marketo.email_template_history"] = emails.template_history
    out["marketo.program"], out["marketo.campaign"] = program_tables(
        rng, sim.programs, sim.program_created, sim.channel_index, as_of
    )
    return out


@dataclass
class ActivityLog:
    """Activity tables as Arrow tables, ids unique across all of them."""

    tables: dict[str, pa.Table]
    as_of: float
    next_id: int = 1

    def reserve(self, n: int) -> np.ndarray:
        """`n` ids for rows added later (with `ids=`), so the ids of the rows added in between
        don't depend on them."""
        ids = np.arange(self.next_id, self.next_id + n, dtype=np.int64)
        self.next_id += n
        return ids

    def add(
        self,
        name: str,
        lead_id: np.ndarray,
        at: np.ndarray,
        ids: np.ndarray | None = None,
        **columns,
    ) -> None:
        n = len(lead_id)
        if ids is None:
            ids = self.reserve(n)
        table = pa.table(
            {
                "id": pa.array(ids),
                "lead_id": pa.array(np.asarray(lead_id, dtype=np.int64)),
                "activity_date": timestamps(at),
                **columns,
                "_fivetran_synced": timestamps(np.minimum(at + 600, self.as_of)),
                "_fivetran_deleted": pa.array(np.zeros(n, dtype=bool)),
            }
        )
        self.tables[name] = (
            pa.concat_tables([self.tables[name], table], promote_options="default")
            if name in self.tables
            else table
        )


def _uniform_between(rng, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    return low + rng.random(len(low)) * np.maximum(high - low, 0)


def noise_activities(rng, log: ActivityLog, mas_person, mas_created, programs: int, as_of: float):
    """Ordinary page visits: engagement that scores nothing. (Email sends and opens are the email
    program's, email_program.py; the draws and ids the earlier unconnected sends and opens used
    are still taken here, so every other row keeps its values and ids.)"""
    sends = rng.poisson(5.5, len(mas_person))
    person = np.repeat(mas_person, sends)
    at = _uniform_between(rng, np.repeat(mas_created, sends), np.full(len(person), as_of))
    rng.integers(0, len(vocab.EMAILS), len(person))
    rng.integers(1, programs + 1, len(person))
    opened = rng.random(len(person)) < 0.5
    open_at = at[opened] + rng.uniform(0.05, 3, opened.sum()) * SECONDS_PER_DAY
    log.reserve(len(person) + int((open_at <= as_of).sum()))
    visits = rng.poisson(3.5, len(mas_person))
    person = np.repeat(mas_person, visits)
    at = _uniform_between(rng, np.repeat(mas_created, visits), np.full(len(person), as_of))
    page = rng.integers(2, len(vocab.WEB_PAGES), len(person))
    log.add(
        "activity_visit_webpage",
        person + 1,
        at,
        primary_attribute_value=choice_text(vocab.WEB_PAGES, page),
        webpage_url=concat_text("https://www.example.com", choice_text(vocab.WEB_PAGES, page)),
        referrer_url=choice_text(
            ("https://www.google.com/", "", "https://www.linkedin.com/"),
            rng.integers(0, 3, len(person)),
        ),
        campaign_id=pa.nulls(len(person), pa.int64()),
    )


def trigger_activities(
    rng, log: ActivityLog, triggers: Triggers, channel_index: np.ndarray, mas_created: np.ndarray
) -> email_program.Clicks:
    """Each scoring trigger is an activity of its own plus the score change it caused.
    `channel_index` is by program number - 1, `mas_created` by person. Email clicks get their
    ids here and their rows from the email program (each with its send before it)."""
    t = triggers
    clicks = None
    kind = t.kind
    for name, which in (
        ("activity_fill_out_form", kind == FORM),
        ("activity_click_email", kind == 1),
        ("activity_visit_webpage", kind == VISIT),
        ("activity_change_status_in_progression", kind == PROGRAM),
    ):
        person, at, program = t.person[which] + 1, t.at[which], t.program[which]
        n = len(person)
        if name == "activity_fill_out_form":
            form = rng.integers(0, len(vocab.FORMS), n)
            log.add(
                name,
                person,
                at,
                primary_attribute_value=choice_text(vocab.FORMS, form),
                primary_attribute_value_id=pa.array(form + 500),
                webpage_id=pa.array(form + 7000),
                referrer_url=pa.array(np.full(n, "https://www.example.com/")).cast(pa.string()),
                campaign_id=pa.array(program * 2 - 1),
            )
        elif name == "activity_click_email":
            email = rng.integers(0, len(vocab.EMAILS), n)
            clicks = email_program.Clicks(log.reserve(n), person - 1, at, program, email)
        elif name == "activity_visit_webpage":
            page = rng.integers(0, 2, n)
            log.add(
                name,
                person,
                at,
                primary_attribute_value=choice_text(vocab.WEB_PAGES, page),
                webpage_url=concat_text(
                    "https://www.example.com", choice_text(vocab.WEB_PAGES, page)
                ),
                referrer_url=pa.nulls(n, pa.string()),
                campaign_id=pa.array(program * 2 - 1),
            )
        else:
            _progressions(rng, log, person, at, program, channel_index, mas_created)
    assert clicks is not None
    return clicks


def email_activities(log: ActivityLog, emails: email_program.EmailProgram) -> None:
    """The email program's activity tables (clicks under the ids reserved for them), taken out of
    `emails` as they are added so their arrays are freed."""
    for name in list(emails.activities):
        columns = emails.activities.pop(name)
        lead_id, at = columns.pop("lead_id"), columns.pop("at")
        log.add(name, lead_id, at, **columns)
        del lead_id, at, columns
    clicks = emails.clicks
    emails.clicks = {}
    ids, lead_id, at = clicks.pop("id"), clicks.pop("lead_id"), clicks.pop("at")
    log.add("activity_click_email", lead_id, at, ids=ids, **clicks)


def _progressions(rng, log, lead_id, at, program, channel_index, mas_created) -> None:
    """Program membership (not a success) some days before the program success that scores."""
    n = len(lead_id)
    channel = channel_index[program - 1]
    before = tuple(vocab.PROGRESSION_STATUSES[c][0] for c in vocab.PROGRAM_CHANNELS)
    success = tuple(vocab.PROGRESSION_STATUSES[c][1] for c in vocab.PROGRAM_CHANNELS)
    joined_at = np.maximum(at - rng.uniform(0.5, 7, n) * SECONDS_PER_DAY, mas_created[lead_id - 1])
    joined_at = np.where(joined_at < at, joined_at, at - 30)
    both = np.concatenate([joined_at, at])
    order = np.argsort(both, kind="stable")
    first = np.concatenate([np.ones(n, bool), np.zeros(n, bool)])[order]
    channel2 = np.concatenate([channel, channel])[order]
    log.add(
        "activity_change_status_in_progression",
        np.concatenate([lead_id, lead_id])[order],
        both[order],
        program_id=pa.array(np.concatenate([program, program])[order]),
        old_status=pc.if_else(
            pa.array(first), pa.scalar("Not in Program"), choice_text(before, channel2)
        ),
        new_status=pc.if_else(
            pa.array(first), choice_text(before, channel2), choice_text(success, channel2)
        ),
        success=pa.array(~first),
        reason=pc.if_else(
            pa.array(first), pa.scalar("Joined program"), pa.scalar("Program success")
        ),
    )


def score_changes(log: ActivityLog, scores: ScoreLog, in_mas: np.ndarray) -> None:
    """Each score change a second after its cause (reasons as the MAS's scoring campaigns name
    them); trigger points carry their program's trigger campaign."""
    n = int(in_mas.sum())
    change = scores.change[in_mas].astype(np.int64)
    program = scores.program[in_mas]
    log.add(
        "activity_change_score",
        scores.person[in_mas] + 1,
        np.minimum(scores.at[in_mas] + 1, log.as_of),
        primary_attribute_value=pa.array(np.full(n, "Lead Score")).cast(pa.string()),
        change_value=concat_text(
            choice_text(("-", "+"), (change > 0).astype(int)), pa.array(np.abs(change).astype(str))
        ),
        old_value=pa.array((scores.score[in_mas] - change).astype(np.int32)),
        new_value=pa.array(scores.score[in_mas].astype(np.int32)),
        reason=choice_text(REASONS, scores.reason[in_mas]),
        campaign_id=pa.array(program * 2 - 1, mask=program == 0),
    )


def status_changes(rng, log: ActivityLog, person, at, status, previous, from_sync):
    """Lead Status changes with the MAS's reason: its own MQL by score, its recycle of a lead
    sales never followed up, or a change synced from the CRM."""
    n = len(person)
    recycled = [STATUS_INDEX[value] for value in vocab.RECYCLED_STATUSES]
    no_follow_up = ~from_sync & np.isin(status, recycled)
    log.add(
        "activity_change_data_value",
        person + 1,
        at,
        primary_attribute_value=pa.array(np.full(n, "Lead Status")).cast(pa.string()),
        old_value=choice_text(STATUSES, previous),
        new_value=choice_text(STATUSES, status),
        reason=choice_text(MAS_REASONS, np.where(from_sync, 2, no_follow_up.astype(int))),
        campaign_id=pa.nulls(n, pa.int64()),
    )


def merges(rng, log: ActivityLog, survivors, survivor_created, first_loser_id: int, as_of: float):
    """Duplicate MAS records folded into survivors: single merges, chains C->B->A and two at once.
    Returns the losers (id, survivor person, created_at, merged_at) for the lead table."""
    n = len(survivors)
    shape = rng.random(n)
    chain = shape < 0.12
    pair = (shape >= 0.12) & (shape < 0.2)
    losers_per = 1 + (chain | pair)
    loser_survivor = np.repeat(survivors, losers_per)
    loser_position = position_in_group(losers_per)
    loser_id = first_loser_id + np.arange(len(loser_survivor))
    created = (
        np.repeat(survivor_created, losers_per)
        - rng.uniform(1, 120, len(loser_survivor)) * SECONDS_PER_DAY
    )
    final_merge = _uniform_between(
        rng, np.repeat(survivor_created, losers_per) + 3600, np.full(len(loser_survivor), as_of)
    )
    merged_at = final_merge.copy()
    chain_rows = np.repeat(chain, losers_per)
    # In a chain the second loser (C) folds into the first (B) before B folds into A.
    second = loser_position == 1
    merged_at[chain_rows & second] = final_merge[chain_rows & second] - rng.uniform(
        600, 5 * SECONDS_PER_DAY, (chain_rows & second).sum()
    )
    first_of = np.repeat(loser_id[np.concatenate([[0], np.cumsum(losers_per)[:-1]])], losers_per)
    into = np.where(chain_rows & second, first_of, loser_survivor + 1)
    pair_rows = np.repeat(pair, losers_per)
    single = ~(pair_rows & second)
    merge_ids = concat_text("[", pa.array(loser_id.astype(str)), "]")
    pair_first = pair_rows & ~second
    pair_text = concat_text(
        "[", pa.array(loser_id.astype(str)), ",", pa.array((loser_id + 1).astype(str)), "]"
    )
    merge_ids = pc.if_else(pa.array(pair_first), pair_text, merge_ids)
    log.add(
        "activity_merge_leads",
        into[single],
        merged_at[single],
        merge_ids=merge_ids.filter(pa.array(single)),
        master_updated=pa.array(rng.random(int(single.sum())) < 0.5),
    )
    merged_at[pair_rows & second] = merged_at[np.flatnonzero(pair_rows & second) - 1]
    visits = rng.integers(1, 4, len(loser_id))
    who = np.repeat(loser_id, visits)
    at = _uniform_between(
        rng, np.repeat(created, visits), np.repeat(np.minimum(merged_at, as_of), visits) - 60
    )
    log.add(
        "activity_visit_webpage",
        who,
        at,
        primary_attribute_value=choice_text(vocab.WEB_PAGES, np.full(len(who), 2)),
        webpage_url=pa.array(np.full(len(who), "https://www.example.com/blog/revenue-ops")).cast(
            pa.string()
        ),
        referrer_url=pa.nulls(len(who), pa.string()),
        campaign_id=pa.nulls(len(who), pa.int64()),
    )
    return loser_id, loser_survivor, created, merged_at


def program_tables(rng, programs: int, program_created, channel_index, as_of: float):
    numbers = np.arange(1, programs + 1)
    program = pa.table(
        {
            "id": pa.array(numbers),
            "name": concat_text(
                choice_text(vocab.PROGRAM_CHANNELS, channel_index),
                " program ",
                pa.array(numbers.astype(str)),
            ),
            "type": choice_text(vocab.PROGRAM_TYPES, channel_index),
            "channel": choice_text(vocab.PROGRAM_CHANNELS, channel_index),
            "status": choice_text(("on", "off"), (rng.random(programs) < 0.3).astype(int)),
            "created_at": timestamps(program_created),
            "updated_at": timestamps(program_created + SECONDS_PER_DAY),
            "_fivetran_synced": timestamps(program_created + 2 * SECONDS_PER_DAY),
            "_fivetran_deleted": pa.array(np.zeros(programs, dtype=bool)),
        }
    )
    ids = np.arange(1, 2 * programs + 1)
    owner_program = (ids + 1) // 2
    is_batch = ids % 2 == 0
    campaign = pa.table(
        {
            "id": pa.array(ids),
            "name": concat_text(
                "Program ",
                pa.array(owner_program.astype(str)),
                choice_text((" - Trigger", " - Send"), is_batch.astype(int)),
            ),
            "type": choice_text(("trigger", "batch"), is_batch.astype(int)),
            "program_id": pa.array(owner_program),
            "active": pa.array(np.ones(len(ids), dtype=bool)),
            "created_at": timestamps(program_created[owner_program - 1]),
            "updated_at": timestamps(program_created[owner_program - 1] + SECONDS_PER_DAY),
            "_fivetran_synced": timestamps(
                program_created[owner_program - 1] + 2 * SECONDS_PER_DAY
            ),
            "_fivetran_deleted": pa.array(np.zeros(len(ids), dtype=bool)),
        }
    )
    return program, campaign


def lead_table(
    rng,
    people,
    accounts,
    mas_person,
    mas_created,
    crm_lead_visible,
    crm_contact,
    converted,
    status,
    score,
    updated,
    losers,
    as_of: float,
    unsubscribed: np.ndarray,
) -> pa.Table:
    p = mas_person
    n = len(p)
    take = pa.array(p)
    email = people.email.take(take)
    # Case and whitespace differences from the CRM for some people: identity must normalise.
    messy = rng.random(n)
    email = pc.if_else(pa.array(messy < 0.08), pc.utf8_upper(email), email)
    email = pc.if_else(
        pa.array((messy >= 0.08) & (messy < 0.15)),
        concat_text(" ", pc.utf8_capitalize(email), " "),
        email,
    )
    account = people.account[p]
    company = accounts.name.take(pa.array(account))
    conflict = rng.random(n)
    # Survivorship conflicts: MAS keeps an older company name or another country.
    company = pc.if_else(pa.array(conflict < 0.06), concat_text(company, " (formerly)"), company)
    country_index = people.country_index[p].copy()
    other_country = conflict > 0.95
    country = choice_text(vocab.COUNTRIES, country_index)
    country = pc.if_else(
        pa.array(other_country),
        choice_text(vocab.COUNTRY_ALIASES, (country_index + 1) % len(vocab.COUNTRY_ALIASES)),
        country,
    )
    crm_lead = np.where(crm_lead_visible[p], p + 1, 0)
    contact = crm_contact[p]
    is_contact = converted[p] & (contact > 0)
    table = pa.table(
        {
            "id": pa.array(p + 1),
            "email": email,
            "first_name": people.first_name.take(take),
            "last_name": people.last_name.take(take),
            "company": company,
            "title": choice_text(vocab.TITLES, people.title_index[p]),
            "country": country,
            "industry": choice_text(vocab.INDUSTRIES, accounts.industry_index[account]),
            "number_of_employees": pa.array(accounts.employees[account].astype(np.int32)),
            "lead_source": people.lead_source.take(take),
            "lead_status": choice_text(STATUSES, status[p]),
            "lead_score": pa.array(score[p].astype(np.int32)),
            "sfdc_lead_id": sf_ids_or_null("00Q", crm_lead, crm_lead > 0),
            "sfdc_contact_id": sf_ids_or_null("003", contact, is_contact),
            "sfdc_account_id": sf_ids_or_null("001", account + 1, is_contact),
            "sfdc_type": pc.if_else(
                pa.array(crm_lead > 0),
                choice_text(("Lead", "Contact"), is_contact.astype(int)),
                pa.scalar(None, pa.string()),
            ),
            # An earlier random opt-out draw is still taken so the rows after it keep their values.
            "unsubscribed": pa.array(unsubscribed[p] | (rng.random(n) < 0)),
            "created_at": timestamps(mas_created),
            "updated_at": timestamps(np.fmax(updated[p], mas_created)),
            "_fivetran_synced": timestamps(
                np.minimum(np.fmax(updated[p], mas_created) + 900, as_of)
            ),
            "_fivetran_deleted": pa.array(np.zeros(n, dtype=bool)),
        }
    )
    loser_id, loser_survivor, loser_created, merged_at = losers
    ln = len(loser_id)
    ltake = pa.array(loser_survivor)
    loser_table = pa.table(
        {
            "id": pa.array(loser_id.astype(np.int64)),
            "email": pc.utf8_upper(people.email.take(ltake)),
            "first_name": people.first_name.take(ltake),
            "last_name": people.last_name.take(ltake),
            "company": accounts.name.take(pa.array(people.account[loser_survivor])),
            "lead_source": people.lead_source.take(ltake),
            "lead_status": pa.array(np.full(ln, STATUSES[STATUS_INDEX["New"]])).cast(pa.string()),
            "lead_score": pa.array(np.zeros(ln, dtype=np.int32)),
            "unsubscribed": pa.array(np.zeros(ln, dtype=bool)),
            "created_at": timestamps(loser_created),
            "updated_at": timestamps(merged_at),
            "_fivetran_synced": timestamps(np.minimum(merged_at + 900, as_of)),
            "_fivetran_deleted": pa.array(np.zeros(ln, dtype=bool)),
        }
    )
    return pa.concat_tables([table, loser_table], promote_options="default")
