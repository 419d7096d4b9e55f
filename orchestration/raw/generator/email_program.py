"""Marketo's email program: email templates with versions, batch campaign runs, and per send the
delivery or bounce, opens, clicks and unsubscribes, as the MAS logs them.

- Templates: two to four per program (`email_template_history`: one row per version).
- Runs: each program's batch campaign ("Program N - Send") runs about weekly from shortly after
  the program was created, each run sending one of the program's templates (in turn, so the
  same email goes out again in later runs under a new `campaign_run_id`) to part of the
  database. The program's trigger campaign sends an auto-response after each form fill; its
  sends of one email on one day share a run id.
- Each email-click scoring trigger keeps its person, moment and program (so the score, MQLs and
  the funnel don't move) and gets a send of its own before it: in the latest run of its
  program's batch campaign in the week before the click, else an auto-response of the trigger
  campaign; a delivery, and mostly an open, between the send and the click.
- Deliveries and bounces follow sends at rates that depend on list quality (purchased and
  outbound lists bounce most, content syndication more than inbound) and segment (enterprise
  mail gateways defer more). A hard bounce makes the address invalid: no later sends.
- Opens: a person-level propensity by source and segment; repeat opens. Opens belong to
  delivered sends.
- Unsubscribes: a delivered send occasionally leads to one (after the person's last click); no
  sends to that person after it, no opens after it, and `lead.unsubscribed` agrees.

Calibrated to land, over the default generation, in the ranges B2B programs report: delivered
~98% of sends, unique opens ~20-25% of delivered, unique clicks ~2-5% of delivered, unsubscribes
~0.2-0.3% of delivered (Mailchimp's and Campaign Monitor's published email benchmarks).

Draws come from a stream of their own (`Simulation.stream`), so no other table shifts (only
`lead.unsubscribed` now says who unsubscribed). The database sends are drawn for a block of
people at a time: at 1M leads the email tables hold ~40M rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.raw.generator import vocabulary as vocab
from orchestration.raw.generator.columns import (
    SECONDS_PER_DAY,
    choice_text,
    concat_text,
    position_in_group,
    segment_starts,
    timestamps,
)
from orchestration.raw.generator.people import segment_index
from orchestration.raw.generator.simulation import Simulation

TEMPLATE_BASE = 1000  # email (template) ids: 1001, 1002, ...
RUN_BASE = 5_000_000  # campaign run ids
RUN_INTERVAL_DAYS = 7.0  # each batch campaign runs about weekly
SEND_SPREAD = 1800.0  # a run's sends go out over half an hour
CLICK_WINDOW_DAYS = 7.0  # a click follows its send within a week
SENDS_PER_WEEK = 0.48  # batch sends a person in the database gets per week, on average
OPENED_BEFORE_CLICK = 0.85  # the rest of the clicks come with images blocked: no open logged
# Per source kind (0 inbound, 1 content syndication, 2 outbound / purchased list).
HARD_BOUNCE = np.array([0.003, 0.009, 0.018])
SOFT_BOUNCE = np.array([0.008, 0.010, 0.012])
ENTERPRISE_SOFT_EXTRA = 0.004  # strict mail gateways defer more
OPEN_RATE = np.array([0.22, 0.15, 0.10])
SEGMENT_OPEN_FACTOR = np.array([0.9, 1.0, 1.1])  # enterprise, mid-market, SMB
UNSUBSCRIBE = np.array([0.0025, 0.005, 0.008])
REPEAT_OPENS = 0.6  # extra opens per opened send (Poisson mean)
DEVICES = ("Desktop", "Mac", "iPhone", "Android", "iPad")
MOBILE_FROM = 2  # DEVICES from this index are mobile
DEVICE_WEIGHTS = np.array([0.42, 0.16, 0.26, 0.12, 0.04])
HARD_DETAIL = "550 5.1.1 The email account that you tried to reach does not exist"
SOFT_CATEGORIES = ("2", "3", "4")
SOFT_SUBCATEGORIES = ("5.7.1", "4.2.2", "4.4.1")
SOFT_DETAILS = (
    "554 5.7.1 Message rejected by the recipient's mail gateway",
    "452 4.2.2 The email account that you tried to reach is over quota",
    "421 4.4.1 Connection timed out; will not retry",
)
UNSUBSCRIBE_FORM = 9001
UNSUBSCRIBE_PAGE = "https://pages.example.com/UnsubscribePage.html"


@dataclass
class Clicks:
    """The email-click scoring triggers of people in the MAS, in trigger order, with the
    activity ids reserved for them and the draw choosing the email of a trigger-campaign send."""

    ids: np.ndarray
    person: np.ndarray  # 0-based
    at: np.ndarray
    program: np.ndarray
    pick: np.ndarray


@dataclass
class Templates:
    program: np.ndarray  # per template
    name: pa.Array
    first: np.ndarray  # per program number - 1: its first template index
    count: np.ndarray  # per program number - 1
    history: pa.Table

    @property
    def ids(self) -> np.ndarray:
        return TEMPLATE_BASE + 1 + np.arange(len(self.program), dtype=np.int64)


@dataclass
class Sends:
    person: np.ndarray
    at: np.ndarray
    template: np.ndarray  # template index
    campaign: np.ndarray
    run: np.ndarray  # campaign run id

    def take(self, index: np.ndarray) -> Sends:
        return Sends(*(getattr(self, f)[index] for f in Sends.__annotations__))

    @staticmethod
    def concat(parts: list[Sends]) -> Sends:
        return Sends(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in Sends.__annotations__)
        )


@dataclass
class EmailProgram:
    """The rendered tables (activity tables without ids yet, clicks with their reserved ids) and
    who unsubscribed."""

    activities: dict[str, dict[str, pa.Array | np.ndarray]]
    clicks: dict[str, pa.Array | np.ndarray]
    template_history: pa.Table
    unsubscribed: np.ndarray  # per person
    unsubscribed_at: np.ndarray  # per person, NaN = never


def templates(rng, sim: Simulation) -> Templates:
    programs, as_of = sim.programs, sim.as_of
    count = 2 + rng.integers(0, 3, programs)
    first = segment_starts(count)
    program = np.repeat(np.arange(1, programs + 1), count)
    position = position_in_group(count)
    kind = (program * 3 + position) % len(vocab.EMAILS)
    channel = sim.channel_index[program - 1]
    name = concat_text(
        choice_text(vocab.PROGRAM_CHANNELS, channel),
        " ",
        pa.array(program.astype(str)),
        " - ",
        choice_text(vocab.EMAILS, kind),
        pc.if_else(
            pa.array(position > 0),
            concat_text(" ", pa.array((position + 1).astype(str))),
            pa.scalar(""),
        ),
    )
    n = len(program)
    created = sim.program_created[program - 1] + rng.uniform(1, 6, n) * SECONDS_PER_DAY
    versions = 1 + np.minimum(rng.poisson(0.8, n), 3)
    row_template = np.repeat(np.arange(n), versions)
    version = position_in_group(versions) + 1
    # Later versions at fractions of the template's life so far, ascending within each template.
    later = _sorted_within(rng.uniform(0, 1, len(row_template)), versions)
    updated = np.where(
        version == 1,
        created[row_template],
        created[row_template] + later * (as_of - created[row_template]),
    )
    t = row_template
    subject_index = (t + version) % 4
    email_names = choice_text(vocab.EMAILS, kind[t])
    subject = pc.if_else(
        pa.array(subject_index == 0),
        concat_text(email_names, ": what's new this month"),
        pc.if_else(
            pa.array(subject_index == 1),
            concat_text(email_names, " - a quick read"),
            pc.if_else(
                pa.array(subject_index == 2),
                concat_text(email_names, ": three ideas for your team"),
                concat_text("Reminder: ", email_names),
            ),
        ),
    )
    ids = TEMPLATE_BASE + 1 + t
    history = pa.table(
        {
            "id": pa.array(ids.astype(np.int64)),
            "name": name.take(pa.array(t)),
            "description": concat_text("Email of program ", pa.array(program[t].astype(str))),
            "subject": subject,
            "from_name": pa.array(np.full(len(t), "Example Marketing")).cast(pa.string()),
            "from_email": pa.array(np.full(len(t), "marketing@example.com")).cast(pa.string()),
            "program_id": pa.array(program[t].astype(np.int64)),
            "status": pa.array(np.full(len(t), "approved")).cast(pa.string()),
            "version": pa.array(version.astype(np.int32)),
            "created_at": timestamps(created[t]),
            "updated_at": timestamps(updated),
            "_fivetran_synced": timestamps(np.minimum(updated + 3600, as_of)),
            "_fivetran_deleted": pa.array(np.zeros(len(t), dtype=bool)),
        }
    )
    return Templates(program, name, first, count, history)


def _sorted_within(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """`values` sorted ascending within each consecutive group of `sizes`."""
    group = np.repeat(np.arange(len(sizes)), sizes)
    return values[np.lexsort((values, group))]


def batch_runs(rng, sim: Simulation, tpl: Templates):
    """Each program's batch campaign's runs: (run_at, program, template) sorted by run_at."""
    as_of = sim.as_of
    start = sim.program_created + (7 + rng.uniform(0, RUN_INTERVAL_DAYS, sim.programs)) * (
        SECONDS_PER_DAY
    )
    last = as_of - SEND_SPREAD - 3600
    runs = np.maximum(np.floor((last - start) / (RUN_INTERVAL_DAYS * SECONDS_PER_DAY)) + 1, 0)
    runs = runs.astype(np.int64)
    program = np.repeat(np.arange(1, sim.programs + 1), runs)
    k = position_in_group(runs)
    day = np.floor((start[program - 1] + k * RUN_INTERVAL_DAYS * SECONDS_PER_DAY) / SECONDS_PER_DAY)
    run_at = day * SECONDS_PER_DAY + rng.uniform(13, 17, len(program)) * 3600
    keep = run_at <= last
    program, k, run_at = program[keep], k[keep], run_at[keep]
    template = tpl.first[program - 1] + k % tpl.count[program - 1]
    order = np.argsort(run_at, kind="stable")
    return run_at[order], program[order], template[order]


def render(
    sim: Simulation,
    mas_person: np.ndarray,
    mas_created: np.ndarray,
    clicks: Clicks,
    forms: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> EmailProgram:
    """`mas_person`/`mas_created`: the people in the MAS and when they arrived there; `forms`:
    (person, at, program) of form fills in the MAS, each answered by an auto-response. The
    database sends are drawn for a block of people at a time, so memory stays bounded."""
    rng = sim.stream("mktemail")
    as_of, leads, people = sim.as_of, sim.leads, sim.people
    created = np.full(leads, np.inf)
    created[mas_person] = mas_created
    tpl = templates(rng, sim)
    run_at, run_program, run_template = batch_runs(rng, sim, tpl)
    n_runs = len(run_at)
    run_number = np.arange(n_runs, dtype=np.int32)  # run id - RUN_BASE - 1

    # A send of its own before each click: the latest batch run of its program in the week
    # before, else an auto-response of the program's trigger campaign.
    c_person, c_at, c_program = clicks.person, clicks.at, clicks.program
    span = 2.0**36
    by_program = np.lexsort((run_at, run_program))
    keys = run_program[by_program] * span + run_at[by_program]
    found = np.searchsorted(keys, c_program * span + (c_at - SEND_SPREAD - 600), "right") - 1
    candidate = by_program[np.maximum(found, 0)] if n_runs else np.zeros(len(c_at), np.int64)
    batch = (
        (found >= 0)
        & (run_program[candidate] == c_program)
        & (run_at[candidate] >= created[c_person])
        & (c_at - run_at[candidate] <= CLICK_WINDOW_DAYS * SECONDS_PER_DAY)
        if n_runs
        else np.zeros(len(c_at), bool)
    )
    room = np.maximum(c_at - created[c_person], 0)
    room = np.where(np.isinf(room), 0, room)
    trigger_delay = np.where(
        room > 120,
        60 + rng.random(len(c_at)) * (np.minimum(room, 2 * SECONDS_PER_DAY) - 60),
        np.where(room > 0, room / 2, 60),
    )
    click_sent = np.where(
        batch,
        run_at[candidate] + rng.random(len(c_at)) * SEND_SPREAD,
        c_at - trigger_delay,
    )
    click_template = np.where(
        batch,
        run_template[candidate],
        tpl.first[c_program - 1] + clicks.pick % tpl.count[c_program - 1],
    ).astype(np.int32)
    click_campaign = np.where(batch, c_program * 2, c_program * 2 - 1).astype(np.int32)

    # Auto-responses to form fills (the trigger campaign, the program's first email).
    f_person, f_at, f_program = forms
    f_sent = f_at + rng.uniform(30, 180, len(f_at))
    f_ok = f_sent <= as_of - 120
    f_person, f_sent, f_program = f_person[f_ok], f_sent[f_ok], f_program[f_ok]
    f_template = tpl.first[f_program - 1].astype(np.int32)
    f_campaign = (f_program * 2 - 1).astype(np.int32)

    # A trigger campaign's sends of one email on one day share a run id.
    trig_key = (
        np.concatenate([click_campaign[~batch], f_campaign]).astype(np.int64) * 100_000
        + np.floor(np.concatenate([click_sent[~batch], f_sent]) / SECONDS_PER_DAY).astype(np.int64)
    ) * (1 << 14) + np.concatenate([click_template[~batch], f_template])
    _, trig_run_index = np.unique(trig_key, return_inverse=True)
    trig_run = (n_runs + trig_run_index.reshape(-1)).astype(np.int32)
    n_trig_clicks = int((~batch).sum())
    click_run = np.where(batch, run_number[candidate] if n_runs else 0, 0).astype(np.int32)
    click_run[~batch] = trig_run[:n_trig_clicks]
    f_run = trig_run[n_trig_clicks:]
    del trig_key, trig_run_index, trig_run, room, trigger_delay

    # One send per person, email and run: the clicks of one send share it (sent before the
    # first of them); a database send the run already made for a click is not repeated.
    fixed = Sends(c_person.astype(np.int32), click_sent, click_template, click_campaign, click_run)
    send_key = _send_key(fixed.person, fixed.run, fixed.template)
    order = np.lexsort((fixed.at, send_key))
    sorted_keys = send_key[order]
    head = np.ones(len(order), dtype=bool)
    head[1:] = sorted_keys[1:] != sorted_keys[:-1]
    fixed_sends = fixed.take(order[head])
    fixed_keys = sorted_keys[head]  # sorted
    click_send_of = np.empty(len(c_person), dtype=np.int64)
    click_send_of[order] = np.cumsum(head) - 1
    del fixed, send_key, order, sorted_keys, head

    # The database sends, outcomes and opens, a block of people at a time.
    source = _source_kind(sim)
    segment = segment_index(sim.accounts.employees[people.account])
    propensity = rng.lognormal(-0.18, 0.6, leads)  # mean about 1
    last_click = np.full(leads, -np.inf)
    np.maximum.at(last_click, c_person, c_at)
    stop_opens = np.full(leads, np.inf)  # a hard bounce or an unsubscribe: no opens after it
    form_order = np.argsort(f_person, kind="stable")
    f_sorted_person = f_person[form_order]
    blocks: list[tuple[Sends, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    block = 200_000
    for start in range(0, len(mas_person), block):
        who = mas_person[start : start + block]
        arrived = mas_created[start : start + block]
        weeks = np.maximum(as_of - arrived, 0) / (7 * SECONDS_PER_DAY)
        count = rng.poisson(SENDS_PER_WEEK * weeks)
        person = np.repeat(who, count).astype(np.int32)
        first_eligible = np.searchsorted(run_at, np.repeat(arrived, count), "left")
        eligible = n_runs - first_eligible
        chosen = first_eligible + np.floor(rng.random(len(person)) * eligible).astype(np.int64)
        has = eligible > 0
        person, chosen = person[has], chosen[has]
        lo, hi = (
            np.searchsorted(f_sorted_person, [who.min(), who.max() + 1]) if len(who) else (0, 0)
        )
        in_block = form_order[lo:hi]
        in_block = in_block[np.isin(f_person[in_block], who)]
        noise = Sends(
            np.concatenate([person, f_person[in_block].astype(np.int32)]),
            np.concatenate(
                [run_at[chosen] + rng.random(len(chosen)) * SEND_SPREAD, f_sent[in_block]]
            ),
            np.concatenate([run_template[chosen].astype(np.int32), f_template[in_block]]),
            np.concatenate([(run_program[chosen] * 2).astype(np.int32), f_campaign[in_block]]),
            np.concatenate([run_number[chosen], f_run[in_block]]),
        )
        del person, chosen, first_eligible, eligible, has
        noise_key = _send_key(noise.person, noise.run, noise.template)
        _, first_of_key = np.unique(noise_key, return_index=True)
        first_of_key = np.sort(first_of_key)
        noise_key = noise_key[first_of_key]
        at = np.minimum(np.searchsorted(fixed_keys, noise_key), max(len(fixed_keys) - 1, 0))
        repeated = (
            fixed_keys[at] == noise_key if len(fixed_keys) else np.zeros(len(noise_key), bool)
        )
        noise = noise.take(first_of_key[~repeated])
        del noise_key, first_of_key, at, repeated
        blocks.append(
            _outcomes(rng, noise, source, segment, propensity, last_click, stop_opens, as_of)
        )

    noise = Sends.concat([b[0] for b in blocks])
    hard, soft, unsub, unsub_at, first_open = (
        np.concatenate([b[i] for b in blocks]) for i in range(1, 6)
    )
    del blocks

    # All sends: the clicks' (always delivered) and the database's.
    n_fixed = len(fixed_sends.person)
    sends = Sends.concat([fixed_sends, noise])
    del noise
    first_click_of_send = np.full(n_fixed, np.inf)
    np.minimum.at(first_click_of_send, click_send_of, c_at)
    fixed_open = np.where(
        rng.random(n_fixed) < OPENED_BEFORE_CLICK,
        fixed_sends.at + rng.uniform(0.2, 0.9, n_fixed) * (first_click_of_send - fixed_sends.at),
        np.nan,
    )
    first_open = np.concatenate([fixed_open, first_open])
    next_event = np.fmin(first_open, np.inf)
    next_event[:n_fixed] = np.fmin(next_event[:n_fixed], first_click_of_send)
    delivered_at = sends.at + np.minimum(
        rng.uniform(1, 90, len(sends.at)), (np.minimum(next_event, as_of) - sends.at) / 2
    )
    del next_event, fixed_open, first_click_of_send
    zeros = np.zeros(n_fixed, dtype=bool)
    hard, soft, unsub = (np.concatenate([zeros, flags]) for flags in (hard, soft, unsub))
    unsub_at = np.concatenate([np.full(n_fixed, np.nan), unsub_at])

    # Repeat opens: more of the same send, later; none after the person's unsubscribe or hard
    # bounce, or as-of.
    opened_idx = np.flatnonzero(~np.isnan(first_open))
    repeats = rng.poisson(REPEAT_OPENS, len(opened_idx))
    open_send = np.repeat(opened_idx, 1 + repeats)
    extra = position_in_group(1 + repeats)
    open_at = first_open[open_send] + np.where(
        extra > 0, rng.exponential(1.5 * SECONDS_PER_DAY, len(open_send)), 0
    )
    open_ok = (open_at <= as_of) & (open_at <= stop_opens[sends.person[open_send]])
    open_send, open_at = open_send[open_ok], open_at[open_ok]
    order = np.lexsort((open_at, open_send))
    open_send, open_at = open_send[order], open_at[order]
    del opened_idx, repeats, extra, open_ok, order, first_open

    names = tpl.name
    template_ids = tpl.ids

    def email_columns(index: np.ndarray) -> dict[str, pa.Array | np.ndarray]:
        template = sends.template[index]
        email_id = pa.array(template_ids[template])  # one array for both columns
        return {
            "lead_id": sends.person[index].astype(np.int64) + 1,
            "primary_attribute_value": _coded(names, template),
            "primary_attribute_value_id": email_id,
            "campaign_id": pa.array(sends.campaign[index].astype(np.int64)),
            "campaign_run_id": pa.array(sends.run[index].astype(np.int64) + RUN_BASE + 1),
            "email_template_id": email_id,
        }

    def devices(count: int) -> dict[str, pa.Array]:
        device = rng.choice(len(DEVICES), count, p=DEVICE_WEIGHTS)
        return {
            "is_mobile_device": pa.array(device >= MOBILE_FROM),
            "device": _coded(DEVICES, device),
        }

    every = np.arange(len(sends.person))
    activities: dict[str, dict[str, pa.Array | np.ndarray]] = {}
    activities["activity_send_email"] = {"at": sends.at, **email_columns(every)}
    del every
    d = np.flatnonzero(~hard & ~soft)
    activities["activity_email_delivered"] = {"at": delivered_at[d], **email_columns(d)}
    del d
    emails = people.email
    h = np.flatnonzero(hard)
    activities["activity_email_bounced"] = {
        "at": delivered_at[h],
        **email_columns(h),
        "category": pa.array(np.full(len(h), "1")).cast(pa.string()),
        "subcategory": pa.array(np.full(len(h), "5.1.1")).cast(pa.string()),
        "details": pa.array(np.full(len(h), HARD_DETAIL)).cast(pa.string()),
        "email": emails.take(pa.array(sends.person[h])),
    }
    s = np.flatnonzero(soft)
    soft_kind = rng.integers(0, len(SOFT_CATEGORIES), len(s))
    activities["activity_email_bounced_soft"] = {
        "at": delivered_at[s],
        **email_columns(s),
        "category": _coded(SOFT_CATEGORIES, soft_kind),
        "subcategory": _coded(SOFT_SUBCATEGORIES, soft_kind),
        "details": _coded(SOFT_DETAILS, soft_kind),
        "email": emails.take(pa.array(sends.person[s])),
    }
    activities["activity_open_email"] = {
        "at": open_at,
        **email_columns(open_send),
        **devices(len(open_send)),
    }
    un = np.flatnonzero(unsub)
    activities["activity_unsubscribe_email"] = {
        "at": unsub_at[un],
        **email_columns(un),
        "webform_id": pa.array(np.full(len(un), UNSUBSCRIBE_FORM, dtype=np.int64)),
        "referrer_url": pa.array(np.full(len(un), UNSUBSCRIBE_PAGE)).cast(pa.string()),
    }
    click_columns = email_columns(click_send_of)
    click_columns.pop("lead_id")
    clicks_table = {
        "id": clicks.ids,
        "lead_id": c_person + 1,
        "at": c_at,
        **click_columns,
        **devices(len(c_person)),
        "link": concat_text("https://www.example.com/lp/", pa.array(c_program.astype(str))),
    }
    unsubscribed = np.zeros(leads, dtype=bool)
    unsubscribed[sends.person[un]] = True
    unsubscribed_at = np.full(leads, np.nan)
    unsubscribed_at[sends.person[un]] = unsub_at[un]
    return EmailProgram(activities, clicks_table, tpl.history, unsubscribed, unsubscribed_at)


def _outcomes(rng, noise: Sends, source, segment, propensity, last_click, stop_opens, as_of):
    """The database sends of a block of people, kept up to each person's first hard bounce or
    unsubscribe (which stops later sends), with per send: hard bounce, soft bounce,
    unsubscribe, when, and when first opened (NaN: not opened). Records in `stop_opens` when
    each person's opens must stop."""
    n = len(noise.person)
    kind = source[noise.person]
    u = rng.random(n)
    p_hard = HARD_BOUNCE[kind]
    after_clicks = noise.at > last_click[noise.person]
    hard = (u < p_hard) & after_clicks
    soft = (
        ~hard
        & (u >= p_hard)
        & (u < p_hard + SOFT_BOUNCE[kind] + ENTERPRISE_SOFT_EXTRA * (segment[noise.person] == 0))
    )
    del u, p_hard
    delivered = ~hard & ~soft
    unsub_at = noise.at + 120 + rng.lognormal(np.log(6 * 3600), 1.0, n)
    unsub = delivered & after_clicks & (rng.random(n) < UNSUBSCRIBE[kind]) & (unsub_at <= as_of)
    del after_clicks
    # The first hard bounce or unsubscribe stops the person's later sends.
    stop = np.full(len(source), np.inf)
    np.minimum.at(stop, noise.person[hard], noise.at[hard])
    first_unsub = np.full(len(source), np.inf)
    np.minimum.at(first_unsub, noise.person[unsub], unsub_at[unsub])
    stop = np.minimum(stop, first_unsub)
    kept = noise.at <= stop[noise.person]
    unsub &= kept & (unsub_at == first_unsub[noise.person])
    open_p = np.clip(
        OPEN_RATE[kind] * SEGMENT_OPEN_FACTOR[segment[noise.person]] * propensity[noise.person],
        0,
        0.95,
    )
    opened = delivered & (rng.random(n) < open_p)
    opened |= unsub & (rng.random(n) < 0.8)
    del open_p, delivered
    first_open = (
        noise.at + 60 + np.minimum(rng.lognormal(np.log(3 * 3600), 1.3, n), 20 * SECONDS_PER_DAY)
    )
    first_open = np.where(
        unsub, noise.at + 60 + rng.random(n) * (unsub_at - noise.at - 60), first_open
    )
    first_open[~opened] = np.nan
    np.minimum.at(stop_opens, noise.person[unsub], unsub_at[unsub])
    np.minimum.at(stop_opens, noise.person[hard], noise.at[hard])
    keep = np.flatnonzero(kept)
    return (
        noise.take(keep),
        hard[keep],
        soft[keep],
        unsub[keep],
        unsub_at[keep],
        first_open[keep],
    )


def _coded(values: pa.Array | tuple[str, ...], index: np.ndarray) -> pa.DictionaryArray:
    """Repeated text as a dictionary column: millions of email rows name a few thousand emails,
    so the text is kept once (DuckDB lands it as VARCHAR)."""
    dictionary = values if isinstance(values, pa.Array) else pa.array(list(values), pa.string())
    return pa.DictionaryArray.from_arrays(pa.array(np.asarray(index, dtype=np.int32)), dictionary)


def _send_key(person: np.ndarray, run: np.ndarray, template: np.ndarray) -> np.ndarray:
    """One integer per (person, run, template): runs are fewer than 2**22, templates 2**14."""
    return (person.astype(np.int64) * (1 << 22) + run.astype(np.int64)) * (1 << 14) + template


def _source_kind(sim: Simulation) -> np.ndarray:
    """Per person: 0 inbound, 1 content syndication, 2 outbound or purchased list."""
    syndicated = pc.equal(sim.people.lead_source, "Content Syndication").to_numpy(
        zero_copy_only=False
    )
    return np.where(sim.people.is_outbound, 2, syndicated.astype(np.int64))
