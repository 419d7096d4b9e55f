"""Who exists: CRM users (reps in several time zones), accounts, and the people in the funnel."""

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
    sf_ids,
    timestamps,
)

ROLES = ("Executive", "Sales Manager", "SDR", "Account Executive", "Marketing", "Integration")
ROLE_PARENTS = (None, 1, 2, 2, 1, 1)  # 1-based role numbers


@dataclass
class Users:
    table: pa.Table
    roles: pa.Table
    integration_user: int  # user numbers are 1-based, as in the ids
    sdrs: np.ndarray
    aes: np.ndarray
    time_zone_of: np.ndarray  # by user number


@dataclass
class Accounts:
    count: int
    employees: np.ndarray
    created_at: np.ndarray
    owner: np.ndarray
    name: pa.Array
    domain: pa.Array
    country_index: np.ndarray
    industry_index: np.ndarray


@dataclass
class People:
    count: int
    created_at: np.ndarray
    account: np.ndarray
    is_outbound: np.ndarray
    first_name: pa.Array
    last_name: pa.Array
    email: pa.Array
    title_index: np.ndarray
    country_index: np.ndarray
    lead_source: pa.Array
    sdr: np.ndarray


def make_users(rng: np.random.Generator, leads: int, start: float) -> Users:
    n_sdr = int(np.clip(leads // 2000, 6, 300))
    n_ae = int(np.clip(leads // 4000, 4, 150))
    n_manager = 2 + (n_sdr + n_ae) // 12
    n_marketing = 4
    role_of = np.concatenate(
        [
            [6],  # integration user
            np.full(n_marketing, 5),
            [1],  # the sales executive heads the managers
            np.full(n_manager - 1, 2),
            np.full(n_sdr, 3),
            np.full(n_ae, 4),
        ]
    ).astype(np.int64)
    total = len(role_of)
    numbers = np.arange(1, total + 1)
    executive = 1 + 1 + n_marketing
    managers = np.arange(executive + 1, executive + n_manager)
    manager_of = np.zeros(total, dtype=np.int64)
    reps = role_of >= 3
    reps &= role_of <= 4
    manager_of[reps] = managers[np.arange(reps.sum()) % len(managers)]
    manager_of[role_of == 2] = executive
    time_zone_index = np.arange(total) % len(vocab.TIME_ZONES)
    time_zone_index[role_of >= 5] = 0
    departments = (
        "Sales Leadership",
        "Sales Management",
        "Sales Development",
        "Account Executives",
        "Marketing",
        "IT",
    )
    titles = ("VP Sales", "Sales Manager", "SDR", "Account Executive", "Marketing Ops", "Admin")
    first = rng.integers(0, len(vocab.FIRST_NAMES), total)
    last = rng.integers(0, len(vocab.LAST_NAMES), total)
    names = concat_text(
        choice_text(vocab.FIRST_NAMES, first), " ", choice_text(vocab.LAST_NAMES, last)
    )
    emails = concat_text(
        pc.utf8_lower(choice_text(vocab.FIRST_NAMES, first)),
        ".",
        pa.array(numbers.astype(str)),
        "@seller.example.com",
    )
    names = pc.if_else(pa.array(role_of == 6), pa.scalar("Marketo Integration"), names)
    created = start - rng.uniform(100, 900, total) * SECONDS_PER_DAY
    table = pa.table(
        {
            "id": sf_ids("005", numbers),
            "name": names,
            "email": emails,
            "department": choice_text(departments, role_of - 1),
            "title": choice_text(titles, role_of - 1),
            "user_role_id": sf_ids("00E", role_of),
            "manager_id": pc.if_else(
                pa.array(manager_of > 0), sf_ids("005", manager_of), pa.scalar(None, pa.string())
            ),
            "is_active": pa.array(np.ones(total, dtype=bool)),
            "time_zone_sid_key": choice_text(vocab.TIME_ZONES, time_zone_index),
            "created_date": timestamps(created),
            "is_deleted": pa.array(np.zeros(total, dtype=bool)),
            "_fivetran_synced": timestamps(created + 3600),
            "_fivetran_deleted": pa.array(np.zeros(total, dtype=bool)),
        }
    )
    role_numbers = np.arange(1, len(ROLES) + 1)
    parents = np.array([p or 0 for p in ROLE_PARENTS])
    roles = pa.table(
        {
            "id": sf_ids("00E", role_numbers),
            "name": pa.array(ROLES),
            "parent_role_id": pc.if_else(
                pa.array(parents > 0), sf_ids("00E", parents), pa.scalar(None, pa.string())
            ),
            "_fivetran_synced": timestamps(np.full(len(ROLES), start)),
            "_fivetran_deleted": pa.array(np.zeros(len(ROLES), dtype=bool)),
        }
    )
    return Users(
        table=table,
        roles=roles,
        integration_user=1,
        sdrs=numbers[role_of == 3],
        aes=numbers[role_of == 4],
        time_zone_of=np.concatenate([[0], time_zone_index]),
    )


def make_accounts(rng: np.random.Generator, leads: int, start: float, users: Users) -> Accounts:
    count = max(30, leads // 3)
    numbers = np.arange(1, count + 1)
    employees = np.clip(np.round(rng.lognormal(4.6, 1.6, count)), 2, 250_000).astype(np.int64)
    word = numbers % len(vocab.COMPANY_WORDS)
    suffix = rng.integers(0, len(vocab.COMPANY_SUFFIXES), count)
    number_text = pa.array((numbers // len(vocab.COMPANY_WORDS)).astype(str))
    name = concat_text(
        choice_text(vocab.COMPANY_WORDS, word),
        " ",
        number_text,
        " ",
        choice_text(vocab.COMPANY_SUFFIXES, suffix),
    )
    domain = concat_text(
        pc.utf8_lower(choice_text(vocab.COMPANY_WORDS, word)), number_text, ".example.com"
    )
    country_weights = np.array([0.55, 0.12, 0.1, 0.08, 0.06, 0.05, 0.04])
    return Accounts(
        count=count,
        employees=employees,
        created_at=start + rng.uniform(-400, 300, count) * SECONDS_PER_DAY,
        owner=users.aes[rng.integers(0, len(users.aes), count)],
        name=name,
        domain=domain,
        country_index=rng.choice(len(vocab.COUNTRIES), count, p=country_weights),
        industry_index=rng.integers(0, len(vocab.INDUSTRIES), count),
    )


def make_people(
    rng: np.random.Generator,
    leads: int,
    start: float,
    days: float,
    accounts: Accounts,
    users: Users,
) -> People:
    numbers = np.arange(1, leads + 1)
    # Volume grows over the two years: more people arrive in recent months.
    created = start + (rng.random(leads) ** 0.8) * days * SECONDS_PER_DAY
    account = rng.integers(0, accounts.count, leads)
    # Accounts are created before their first person shows up.
    np.minimum.at(accounts.created_at, account, created - 3600)
    is_outbound = rng.random(leads) < 0.22
    first = rng.integers(0, len(vocab.FIRST_NAMES), leads)
    last = rng.integers(0, len(vocab.LAST_NAMES), leads)
    first_name = choice_text(vocab.FIRST_NAMES, first)
    last_name = choice_text(vocab.LAST_NAMES, last)
    email = concat_text(
        pc.utf8_lower(first_name),
        ".",
        pc.utf8_lower(last_name),
        pa.array(numbers.astype(str)),
        "@",
        accounts.domain.take(pa.array(account)),
    )
    country = accounts.country_index[account].copy()
    elsewhere = rng.random(leads) < 0.1
    country[elsewhere] = rng.integers(0, len(vocab.COUNTRIES), int(elsewhere.sum()))
    inbound_source = rng.integers(0, len(vocab.INBOUND_SOURCES), leads)
    outbound_source = rng.integers(0, len(vocab.OUTBOUND_SOURCES), leads)
    lead_source = pc.if_else(
        pa.array(is_outbound),
        choice_text(vocab.OUTBOUND_SOURCES, outbound_source),
        choice_text(vocab.INBOUND_SOURCES, inbound_source),
    )
    return People(
        count=leads,
        created_at=created,
        account=account,
        is_outbound=is_outbound,
        first_name=first_name,
        last_name=last_name,
        email=email,
        title_index=rng.integers(0, len(vocab.TITLES), leads),
        country_index=country,
        lead_source=lead_source,
        sdr=users.sdrs[rng.integers(0, len(users.sdrs), leads)],
    )
