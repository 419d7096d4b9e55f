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
EXECUTIVE, MANAGER, SDR, AE, MARKETING, INTEGRATION = range(1, len(ROLES) + 1)

# SDR teams work a region; AE teams work a segment (seeds/segments.csv: employees <100, <1000).
REGIONS = ("Americas", "EMEA", "APAC")
REGION_OF_COUNTRY = np.array([0, 1, 1, 2, 0, 1, 2])  # by vocab.COUNTRIES
# Without an APAC team, EMEA works India's leads and the Americas Australia's.
REGION_WITHOUT_APAC = np.array([0, 1, 1, 1, 0, 1, 0])
REGION_ZONES = ((0, 1, 2), (3, 4), (5,))  # indices into vocab.TIME_ZONES
# Without an APAC team, EMEA has a rep in India (London, Kolkata, then Berlin).
EMEA_ZONES_WITHOUT_APAC = (3, 5, 4)
AE_SEGMENTS = ("Enterprise", "Mid-Market", "SMB")
AE_ZONES = ((0, 3), (1, 0), (2, 1))  # enterprise AEs also cover Europe from London
MAX_TEAM_SIZE = 8
MARKETING_USERS = 4


@dataclass
class Users:
    table: pa.Table
    roles: pa.Table
    integration_user: int  # user numbers are 1-based, as in the ids
    sdrs: np.ndarray
    aes: np.ndarray
    time_zone_of: np.ndarray  # by user number
    sdrs_by_region: tuple[np.ndarray, ...]  # by REGIONS
    aes_by_segment: tuple[np.ndarray, ...]  # by AE_SEGMENTS


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
    state: pa.Array
    parent: np.ndarray  # account index of the parent company, -1 for none


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


@dataclass
class _Team:
    department: str
    role: int
    size: int
    zones: tuple[int, ...]


def _split(total: int, shares: list[float]) -> list[int]:
    """`total` reps over groups in proportion to `shares`, at least one each."""
    counts = np.maximum(1, np.floor(np.array(shares) / sum(shares) * total)).astype(int)
    counts[0] += total - counts.sum()
    return [int(c) for c in counts]


def _teams(kind: str, names: tuple[str, ...], reps: list[int], zones) -> list[_Team]:
    """A team per name, split into numbered teams of at most MAX_TEAM_SIZE reps."""
    teams = []
    for name, count, team_zones in zip(names, reps, zones, strict=True):
        parts = -(-count // MAX_TEAM_SIZE)
        sizes = [len(chunk) for chunk in np.array_split(np.arange(count), parts)]
        for index, size in enumerate(sizes):
            suffix = f" {index + 1}" if index else ""
            role = SDR if kind == "SDR" else AE
            teams.append(_Team(f"{kind} - {name}{suffix}", role, size, team_zones))
    return teams


def sales_teams(leads: int) -> list[_Team]:
    """The AE headcount stays six (two per segment) up to 17,499 leads, so seeds can name AEs."""
    n_ae = int(np.clip(leads // 2500, 6, 150))
    n_sdr = int(np.clip(leads // 2000, 6, 300))
    ae = _teams("AE", AE_SEGMENTS, _split(n_ae, [1, 1, 1]), AE_ZONES)
    # Lead volume by region: Americas 61%, EMEA 27%, APAC 12% (EMEA covers APAC when small).
    regions = REGIONS if n_sdr >= 12 else REGIONS[:2]
    shares = [0.61, 0.27, 0.12] if n_sdr >= 12 else [0.61, 0.39]
    zones = REGION_ZONES if n_sdr >= 12 else (REGION_ZONES[0], EMEA_ZONES_WITHOUT_APAC)
    sdr = _teams("SDR", regions, _split(n_sdr, shares), zones)
    return ae + sdr


def make_users(rng: np.random.Generator, leads: int, start: float) -> Users:
    teams = sales_teams(leads)
    # User numbers: 1 integration, 2-5 marketing, 6 the sales executive, then the AE teams'
    # managers and reps, then the SDR teams': AE numbers depend on the AE headcount only.
    role_of = [INTEGRATION, *[MARKETING] * MARKETING_USERS, EXECUTIVE]
    department = ["IT", *["Marketing"] * MARKETING_USERS, "Sales Leadership"]
    zone_of = [0] * len(role_of)
    manager_of = [0] * len(role_of)
    executive = len(role_of)
    for role in (AE, SDR):
        kind = [team for team in teams if team.role == role]
        managers = len(role_of) + 1 + np.arange(len(kind))
        role_of += [MANAGER] * len(kind)
        department += [team.department for team in kind]
        zone_of += [team.zones[0] for team in kind]
        manager_of += [executive] * len(kind)
        for team, manager in zip(kind, managers, strict=True):
            role_of += [team.role] * team.size
            department += [team.department] * team.size
            zone_of += [team.zones[i % len(team.zones)] for i in range(team.size)]
            manager_of += [int(manager)] * team.size
    user_role = np.array(role_of, dtype=np.int64)
    total = len(user_role)
    numbers = np.arange(1, total + 1)
    manager_number = np.array(manager_of, dtype=np.int64)
    time_zone_index = np.array(zone_of, dtype=np.int64)
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
    names = pc.if_else(pa.array(user_role == INTEGRATION), pa.scalar("Marketo Integration"), names)
    created = start - rng.uniform(100, 900, total) * SECONDS_PER_DAY
    table = pa.table(
        {
            "id": sf_ids("005", numbers),
            "name": names,
            "email": emails,
            "department": pa.array(department, pa.string()),
            "title": choice_text(titles, user_role - 1),
            "user_role_id": sf_ids("00E", user_role),
            "manager_id": pc.if_else(
                pa.array(manager_number > 0),
                sf_ids("005", manager_number),
                pa.scalar(None, pa.string()),
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
    department_array = np.array(department)
    sdrs_by_region = tuple(
        numbers[(user_role == SDR) & np.char.startswith(department_array, f"SDR - {region}")]
        for region in REGIONS
    )
    return Users(
        table=table,
        roles=roles,
        integration_user=1,
        sdrs=numbers[user_role == SDR],
        aes=numbers[user_role == AE],
        time_zone_of=np.concatenate([[0], time_zone_index]),
        sdrs_by_region=sdrs_by_region,
        aes_by_segment=tuple(
            numbers[(user_role == AE) & np.char.startswith(department_array, f"AE - {segment}")]
            for segment in AE_SEGMENTS
        ),
    )


def segment_index(employees: np.ndarray) -> np.ndarray:
    """0 enterprise, 1 mid-market, 2 SMB: the order of AE_SEGMENTS."""
    return np.select([employees >= 1000, employees >= 100], [0, 1], default=2)


def pick(rng: np.random.Generator, pools: tuple[np.ndarray, ...], group: np.ndarray):
    """For each row, a uniformly chosen member of the pool of its group."""
    sizes = np.array([len(p) for p in pools])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    flat = np.concatenate(pools)
    offset = np.floor(rng.random(len(group)) * sizes[group]).astype(np.int64)
    return flat[starts[group] + offset]


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
    country = rng.choice(len(vocab.COUNTRIES), count, p=country_weights)
    return Accounts(
        count=count,
        employees=employees,
        created_at=start + rng.uniform(-400, 300, count) * SECONDS_PER_DAY,
        owner=pick(rng, users.aes_by_segment, segment_index(employees)),
        name=name,
        domain=domain,
        country_index=country,
        industry_index=rng.integers(0, len(vocab.INDUSTRIES), count),
        state=billing_states(rng, country),
        parent=parent_companies(rng, country, employees),
    )


def billing_states(rng: np.random.Generator, country: np.ndarray) -> pa.Array:
    """A state or province code of the account's country; null where the country's addresses
    usually carry none (and for some German accounts, where reps leave it empty)."""
    codes = vocab.STATE_CODES
    sizes = np.array([len(codes[c]) for c in vocab.COUNTRIES])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    flat = [code for c in vocab.COUNTRIES for code in codes[c]]
    # Skewed towards the first codes: the populous states hold most companies.
    offset = np.floor(rng.random(len(country)) ** 1.6 * sizes[country]).astype(np.int64)
    index = starts[country] + np.minimum(offset, np.maximum(sizes[country] - 1, 0))
    missing = (sizes[country] == 0) | (
        (country == vocab.COUNTRIES.index("Germany")) & (rng.random(len(country)) < 0.4)
    )
    return pc.if_else(
        pa.array(missing),
        pa.scalar(None, pa.string()),
        choice_text(flat, np.where(missing, 0, index)),
    )


def parent_companies(
    rng: np.random.Generator, country: np.ndarray, employees: np.ndarray, share: float = 0.1
) -> np.ndarray:
    """About `share` of accounts are subsidiaries of a larger account in the same country."""
    key = country.astype(np.int64) * 10_000_000 + employees
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    larger_from = np.searchsorted(sorted_key, key, side="right")
    country_end = np.searchsorted(sorted_key, (country.astype(np.int64) + 1) * 10_000_000)
    candidates = country_end - larger_from
    child = (rng.random(len(key)) < share * 1.15) & (candidates > 0)
    # Parents are mostly the big companies of the country.
    position = country_end - 1 - np.floor(rng.random(len(key)) ** 3 * candidates).astype(np.int64)
    return np.where(child, order[np.clip(position, 0, len(key) - 1)], -1)


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
    has_apac = len(users.sdrs_by_region[2]) > 0
    sdr_region = REGION_OF_COUNTRY if has_apac else REGION_WITHOUT_APAC
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
        sdr=pick(rng, users.sdrs_by_region, sdr_region[country]),
    )
