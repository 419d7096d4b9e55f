"""HubSpot's marketing record: marketing emails and their events, forms and form submissions.

Every email click of the simulation (a scoring trigger) follows the chain HubSpot records for a
recipient and campaign: SENT, then DELIVERED seconds later, then OPEN, then the CLICK. Beside
them, the regular sends: delivered (or bounced), some opened, none clicked (a click would score).
A contact who opted out gets a STATUSCHANGE and no regular sends after it. Every form fill of
the simulation is a form submission."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.raw.generator import hubspot
from orchestration.raw.generator import vocabulary as vocab
from orchestration.raw.generator.columns import (
    SECONDS_PER_DAY,
    choice_text,
    concat_text,
    timestamps,
)
from orchestration.raw.generator.engagement import CLICK, FORM
from orchestration.raw.generator.simulation import Simulation

if TYPE_CHECKING:
    from orchestration.raw.generator.hubspot import Directory

EMAIL_CAMPAIGN_BASE = 88_000_000
EVENT_BASE = 1_000_000_000
SENDS_PER_CONTACT = 5.5
BOUNCE_SHARE = 0.03
OPEN_SHARE = 0.45
FILTERED_SHARE = 0.02  # opens HubSpot filters (a bot opening mail)
APPS = ((113, "Batch"), (1_200_000, "Automated"))
BROWSERS = ("Chrome", "Safari", "Edge", "Firefox")
ARCHIVED_FORM = "Contact Us (2023)"


def campaign_ids(program: np.ndarray) -> np.ndarray:
    """Each program sends one marketing email."""
    return EMAIL_CAMPAIGN_BASE + np.asarray(program, dtype=np.int64)


def render(sim: Simulation, rng: np.random.Generator, directory: Directory) -> dict[str, pa.Table]:
    out = {"hubspot.email_campaign": _campaigns(sim, rng)}
    out.update(_email_events(sim, rng, directory))
    out.update(_forms(sim, rng, directory))
    return out


def _campaigns(sim: Simulation, rng: np.random.Generator) -> pa.Table:
    program = np.arange(1, sim.programs + 1)
    email = (program - 1) % len(vocab.EMAILS)
    automated = np.array([vocab.EMAILS[e] == "Nurture Step" for e in email])
    n = len(program)
    return hubspot.contract_shaped(
        "email_campaign",
        {
            "id": pa.array(campaign_ids(program)),
            "app_id": pa.array(np.where(automated, APPS[1][0], APPS[0][0]).astype(np.int32)),
            "app_name": choice_text([name for _, name in APPS], automated.astype(int)),
            "content_id": pa.array(40_000_000 + program),
            "name": concat_text(
                choice_text(vocab.PROGRAM_CHANNELS, sim.channel_index),
                " program ",
                pa.array(program.astype(str)),
                " - ",
                choice_text(vocab.EMAILS, email),
            ),
            "subject": choice_text(vocab.EMAILS, email),
            "type": choice_text(("BATCH_EMAIL", "AUTOMATED_EMAIL"), automated.astype(int)),
            "sub_type": pa.nulls(n, pa.string()),
            "_fivetran_synced": hubspot.synced(rng, sim.program_created, sim.as_of),
        },
    )


def _contact_triggers(sim: Simulation, directory: Directory, kind: int):
    t = sim.triggers
    created = directory.created_at[t.person]
    keep = (t.kind == kind) & ~np.isnan(created) & (t.at >= created) & (t.at <= sim.as_of)
    return t.person[keep], t.at[keep], t.program[keep]


def _email_events(
    sim: Simulation, rng: np.random.Generator, directory: Directory
) -> dict[str, pa.Table]:
    as_of = sim.as_of
    created = directory.created_at
    # Clicks that scored, each with the send, delivery and open before it.
    c_person, c_at, c_program = _contact_triggers(sim, directory, CLICK)
    k = len(c_person)
    c_sent = np.maximum(c_at - rng.uniform(0.1, 3, k) * SECONDS_PER_DAY, created[c_person] + 1)
    c_sent = np.minimum(c_sent, c_at - 120)
    c_delivered = c_sent + rng.uniform(1, 30, k)
    c_open = c_delivered + (c_at - c_delivered) * rng.uniform(0.1, 0.9, k)
    # Regular sends up to as-of (for those who opted out, up to their opt-out).
    p = directory.person
    optout = hubspot.directory_optout(sim)
    optout_at = created + rng.random(sim.leads) * np.maximum(as_of - 60 - created, 0)
    optout_at = np.where(optout & ~np.isnan(created), optout_at, np.nan)
    sends = rng.poisson(SENDS_PER_CONTACT, len(p))
    s_person = np.repeat(p, sends)
    start = created[s_person]
    s_sent = start + rng.random(len(s_person)) * np.maximum(as_of - 60 - start, 0)
    s_keep = ~(s_sent >= optout_at[s_person])
    s_person, s_sent = s_person[s_keep], s_sent[s_keep]
    s_program = rng.integers(1, sim.programs + 1, len(s_person))
    bounced = rng.random(len(s_person)) < BOUNCE_SHARE
    s_after = s_sent + rng.uniform(1, 30, len(s_person))
    opened = ~bounced & (rng.random(len(s_person)) < OPEN_SHARE)
    s_open = s_after + rng.uniform(0.05, 3, len(s_person)) * SECONDS_PER_DAY
    opened &= s_open <= as_of

    sent_person = np.concatenate([c_person, s_person])
    sent_at = np.concatenate([c_sent, s_sent])
    sent_program = np.concatenate([c_program, s_program])
    n_sent = len(sent_person)
    sent_index = np.arange(n_sent)
    s_index = sent_index[k:]
    o_person = optout_at[p]
    status_person = p[~np.isnan(o_person)]
    # Events: type code, sent row, instant; SENT rows first (their ids are the sent_by ids).
    types = ("SENT", "DELIVERED", "BOUNCE", "OPEN", "CLICK", "STATUSCHANGE")
    parts = [
        (np.zeros(n_sent), sent_index, sent_at),
        (np.ones(k), sent_index[:k], c_delivered),
        (np.ones(int((~bounced).sum())), s_index[~bounced], s_after[~bounced]),
        (np.full(int(bounced.sum()), 2), s_index[bounced], s_after[bounced]),
        (np.full(k, 3), sent_index[:k], c_open),
        (np.full(int(opened.sum()), 3), s_index[opened], s_open[opened]),
        (np.full(k, 4), sent_index[:k], c_at),
    ]
    # Only regular opens may be a bot's: the opens before a click are real.
    regular_open = np.concatenate(
        [np.full(len(part[0]), index == 5, dtype=bool) for index, part in enumerate(parts)]
    )
    kind = np.concatenate([part[0] for part in parts]).astype(np.int64)
    sent_row = np.concatenate([part[1] for part in parts]).astype(np.int64)
    at = np.concatenate([part[2] for part in parts])
    m = len(kind)
    ids = EVENT_BASE + np.arange(1, m + 1)
    person = sent_person[sent_row]
    campaign = campaign_ids(sent_program[sent_row])
    automated = ((sent_program[sent_row] - 1) % len(vocab.EMAILS)) == vocab.EMAILS.index(
        "Nurture Step"
    )
    filtered = regular_open & (rng.random(m) < FILTERED_SHARE)
    is_sent = kind == 0
    sent_id = pa.array((EVENT_BASE + 1 + sent_row).astype(str))
    events = {
        "id": pa.array(ids.astype(str)),
        "type": choice_text(types, kind),
        "created": timestamps(at),
        "recipient": directory.email.take(pa.array(person)),
        "email_campaign_id": pa.array(campaign),
        "app_id": pa.array(np.where(automated, APPS[1][0], APPS[0][0]).astype(np.int32)),
        "portal_id": hubspot.portal_ids(m),
        "sent_by_id": pc.if_else(pa.array(is_sent), pa.scalar(None, pa.string()), sent_id),
        "sent_by_created": timestamps(np.where(is_sent, np.nan, sent_at[sent_row])),
        "filtered_event": pa.array(filtered),
        "_fivetran_synced": hubspot.synced(rng, at, as_of),
    }
    # Opt-outs: a status change without a send.
    q = len(status_person)
    status_ids = EVENT_BASE + m + 1 + np.arange(q)
    status_events = {
        "id": pa.array(status_ids.astype(str)),
        "type": hubspot.repeated_text(q, "STATUSCHANGE"),
        "created": timestamps(optout_at[status_person]),
        "recipient": directory.email.take(pa.array(status_person)),
        "email_campaign_id": pa.nulls(q, pa.int64()),
        "app_id": pa.nulls(q, pa.int32()),
        "portal_id": hubspot.portal_ids(q),
        "sent_by_id": pa.nulls(q, pa.string()),
        "sent_by_created": pa.nulls(q, pa.timestamp("us")),
        "filtered_event": hubspot.flags(q),
        "_fivetran_synced": hubspot.synced(rng, optout_at[status_person], as_of),
    }
    event = pa.concat_tables(
        [
            hubspot.contract_shaped("email_event", events),
            hubspot.contract_shaped("email_event", status_events),
        ]
    )
    clicks = np.flatnonzero(kind == 4)
    click_program = sent_program[sent_row[clicks]]
    click = hubspot.contract_shaped(
        "email_event_click",
        {
            "id": pa.array(ids[clicks].astype(str)),
            "url": concat_text("https://www.example.com/lp/", pa.array(click_program.astype(str))),
            "referer": pa.nulls(len(clicks), pa.string()),
            "browser": choice_text(BROWSERS, rng.integers(0, len(BROWSERS), len(clicks))),
            "location": choice_text(vocab.COUNTRIES, sim.people.country_index[person[clicks]]),
            "_fivetran_synced": hubspot.synced(rng, at[clicks], as_of),
        },
    )
    return {"hubspot.email_event": event, "hubspot.email_event_click": click}


def _forms(sim: Simulation, rng: np.random.Generator, directory: Directory) -> dict[str, pa.Table]:
    names = [*vocab.FORMS, ARCHIVED_FORM]
    guids = [str(uuid.uuid5(uuid.NAMESPACE_URL, f"form/{name}")) for name in names]
    f = len(names)
    form_created = sim.as_of - (800 - 10 * np.arange(f)) * SECONDS_PER_DAY
    archived = np.array([name == ARCHIVED_FORM for name in names])
    form = hubspot.contract_shaped(
        "form",
        {
            "guid": pa.array(guids),
            "name": pa.array(names),
            "formtype": pa.array(["HUBSPOT"] * f),
            "createdat": timestamps(form_created),
            "updatedat": timestamps(form_created + 30 * SECONDS_PER_DAY),
            "portalid": hubspot.portal_ids(f),
            "_fivetran_deleted": pa.array(archived),
            "_fivetran_synced": timestamps(form_created + 31 * SECONDS_PER_DAY),
        },
    )
    person, at, _ = _contact_triggers(sim, directory, FORM)
    n = len(person)
    which = rng.integers(0, len(vocab.FORMS), n)
    slugs = [name.lower().replace(" ", "-") for name in vocab.FORMS]
    submission = hubspot.contract_shaped(
        "contact_form_submission",
        {
            "conversion_id": concat_text(
                "conversion-", pc.utf8_lpad(pa.array(np.arange(1, n + 1).astype(str)), 10, "0")
            ),
            "contact_id": pa.array(hubspot.contact_ids(person).astype(str)),
            "form_id": choice_text(guids, which),
            "page_id": pa.array((60_000_000 + which).astype(str)),
            "page_url": concat_text("https://www.example.com/", choice_text(slugs, which)),
            "title": choice_text(vocab.FORMS, which),
            "portal_id": hubspot.portal_ids(n),
            "timestamp": timestamps(at),
            "_fivetran_synced": hubspot.synced(rng, at, sim.as_of),
        },
    )
    return {"hubspot.form": form, "hubspot.contact_form_submission": submission}
