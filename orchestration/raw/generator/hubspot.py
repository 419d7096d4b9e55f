"""The HubSpot tables of the simulation, as the Fivetran HubSpot connector lands them: HubSpot as
CRM and marketing automation together (`--systems hubspot`), or as the marketing automation
beside Salesforce (`--systems salesforce,hubspot`: contacts of the people in the MAS, linked to
their Salesforce lead and contact, no deals and no sales activities).

Owners, teams and companies live here, with the ids, column builders and contract shaping the
other HubSpot modules share; each of them renders a part: `hubspot_contacts` the contacts (with
merges and deletions), `hubspot_lifecycle` the contact property history, `hubspot_deals` the
pipeline, deals and their history, `hubspot_engagements` the sales activities, and
`hubspot_marketing` email events, campaigns and forms. HubSpot draws from random streams of its
own, so rendering it never shifts the Salesforce or Marketo tables.

Every table is checked against the raw contract (models/staging/hubspot/_hubspot__sources.yml)
before it leaves: exactly the contract's columns, with the contract's types."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.raw.contract import DUCKDB_TYPES, contract_table
from orchestration.raw.generator import (
    hubspot_contacts,
    hubspot_deals,
    hubspot_engagements,
    hubspot_lifecycle,
    hubspot_marketing,
)
from orchestration.raw.generator import vocabulary as vocab
from orchestration.raw.generator.columns import (
    SECONDS_PER_DAY,
    choice_text,
    timestamps,
)
from orchestration.raw.generator.people import INTEGRATION, MANAGER
from orchestration.raw.generator.simulation import Simulation

PORTAL_ID = 4_271_930
# Id ranges per object: HubSpot ids are plain integers, unique per object type.
CONTACT_BASE = 100_000
COMPANY_BASE = 5_100_000_000
OWNER_BASE = 51_000_000
USER_BASE = 8_100_000
DELETED_CONTACT_SHARE = 0.03  # of junk sales-sourced contacts (as Salesforce deletes leads)
DELETED_COMPANY_SHARE = 0.2  # of companies nobody works at
OPTOUT_SHARE = 0.04
EMPLOYEE_BANDS = ("1-5", "5-25", "25-50", "50-100", "100-500", "500-1000", "1000+")
EMPLOYEE_BAND_FLOORS = np.array([5, 25, 50, 100, 500, 1000])
ANALYTICS_SOURCES = (
    "ORGANIC_SEARCH",
    "PAID_SEARCH",
    "EMAIL_MARKETING",
    "SOCIAL_MEDIA",
    "REFERRALS",
    "OTHER_CAMPAIGNS",
    "DIRECT_TRAFFIC",
    "OFFLINE_SOURCES",
    "PAID_SOCIAL",
)
# Per lead source (vocab.INBOUND_SOURCES then OUTBOUND_SOURCES): the analytics source HubSpot
# records. Web traffic splits over search, direct and social.
_SOURCE_OF_LEAD_SOURCE = {
    "Webinar": "OTHER_CAMPAIGNS",
    "Content Syndication": "REFERRALS",
    "Paid Search": "PAID_SEARCH",
    "Trade Show": "OFFLINE_SOURCES",
    "Email": "EMAIL_MARKETING",
    "Outbound": "OFFLINE_SOURCES",
    "Partner Referral": "REFERRALS",
}
_WEB_SOURCES = ("ORGANIC_SEARCH", "DIRECT_TRAFFIC", "SOCIAL_MEDIA", "PAID_SOCIAL")
_WEB_WEIGHTS = np.array([0.5, 0.3, 0.1, 0.1])


def contact_ids(person: np.ndarray) -> np.ndarray:
    return CONTACT_BASE + np.asarray(person, dtype=np.int64) + 1


def company_ids(account: np.ndarray) -> np.ndarray:
    return COMPANY_BASE + np.asarray(account, dtype=np.int64) + 1


def owner_ids(user: np.ndarray) -> np.ndarray:
    return OWNER_BASE + np.asarray(user, dtype=np.int64)


def user_ids(user: np.ndarray) -> np.ndarray:
    return USER_BASE + np.asarray(user, dtype=np.int64)


def flags(n: int, value: bool = False) -> pa.Array:
    return pa.array(np.full(n, value, dtype=bool))


def repeated_text(n: int, value: str) -> pa.Array:
    return pa.array(np.full(n, value)).cast(pa.string())


def portal_ids(n: int) -> pa.Array:
    return pa.array(np.full(n, PORTAL_ID, dtype=np.int32))


def synced(rng: np.random.Generator, changed_at: np.ndarray, as_of: float) -> pa.Array:
    """The connector's sync some minutes to hours after the change, never after as-of."""
    changed_at = np.asarray(changed_at, dtype=float)
    return timestamps(np.minimum(changed_at + rng.uniform(60, 4 * 3600, len(changed_at)), as_of))


def ints(values: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int64), mask=mask)


_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
    "DATE": pa.date32(),
}
assert set(_ARROW_TYPES) == set(DUCKDB_TYPES.values())


def contract_shaped(name: str, columns: dict[str, pa.Array]) -> pa.Table:
    """`columns` as the contract table hubspot.`name`: its columns in its order, cast to its
    types. A column the contract lacks, or one it has and `columns` doesn't, is an error naming
    the table and the columns."""
    contract = contract_table("hubspot", name)
    wanted = [column.landed_name for column in contract.columns]
    missing = [column for column in wanted if column not in columns]
    extra = [column for column in columns if column not in wanted]
    if missing or extra:
        raise ValueError(
            f"generated hubspot.{name} does not match the raw contract: "
            f"missing columns {missing}, columns the contract lacks {extra}"
        )
    arrays = [
        columns[column.landed_name].cast(_ARROW_TYPES[column.duckdb_type])
        for column in contract.columns
    ]
    return pa.table(arrays, names=wanted)


@dataclass
class Directory:
    """Who and what HubSpot knows: contacts by person (created_at NaN = no contact), their
    companies and owners; `crm` is True when HubSpot is the CRM too."""

    crm: bool
    person: np.ndarray  # the people with a contact
    created_at: np.ndarray  # per person, NaN = no contact
    email: pa.Array  # per person, as HubSpot stores it (lower case)
    owner: np.ndarray  # per person, the user number owning the contact (0 = none)
    deleted: np.ndarray  # per person: the contact was deleted in HubSpot


def render(sim: Simulation, crm: bool) -> dict[str, pa.Table]:
    """HubSpot's tables: as CRM and MAS (`crm`), or as the MAS beside Salesforce."""
    rng = sim.stream("hubspot")
    directory = _directory(sim, rng, crm)
    out: dict[str, pa.Table] = {}
    out.update(_owners_and_teams(sim, rng))
    out["hubspot.company"] = _companies(sim, rng, directory)
    lifecycle = hubspot_lifecycle.contact_history(sim, sim.stream("hubspot.lifecycle"), directory)
    out["hubspot.contact_property_history"] = lifecycle.table
    marketing = hubspot_marketing.render(sim, sim.stream("hubspot.marketing"), directory)
    out.update(marketing)
    if crm:
        out.update(hubspot_deals.deals(sim, sim.stream("hubspot.deals"), directory))
        engagements = hubspot_engagements.engagements(
            sim, sim.stream("hubspot.engagements"), directory
        )
        out.update(engagements)
    contacts, audit = hubspot_contacts.contacts(sim, rng, directory, lifecycle)
    out["hubspot.contact"] = contacts
    out["hubspot.contact_merge_audit"] = audit
    return out


def _directory(sim: Simulation, rng: np.random.Generator, crm: bool) -> Directory:
    people, life, as_of = sim.people, sim.life, sim.as_of
    in_crm = ~np.isnan(life.crm_created_at)
    created = np.full(sim.leads, np.nan)
    if crm:
        # One system: a contact for everyone sales or marketing knows, from their first touch.
        known = life.in_mas | in_crm
        created[known] = people.created_at[known]
    else:
        # The MAS beside Salesforce: sales-sourced people reach it days after sales met them.
        created[life.in_mas] = people.created_at[life.in_mas]
        late = life.in_mas & people.is_outbound
        created[late] = np.minimum(
            created[late] + rng.uniform(1, 30, int(late.sum())) * SECONDS_PER_DAY, as_of - 60
        )
    person = np.flatnonzero(~np.isnan(created))
    owner = np.where(in_crm, people.sdr, 0)
    # Junk sales-sourced contacts (never converted, unknown to marketing) some reps delete.
    junk = people.is_outbound & ~life.in_mas & np.isnan(sim.converted_at) & ~np.isnan(created)
    candidates = np.flatnonzero(junk)
    picked = rng.permutation(candidates)[: max(1, round(DELETED_CONTACT_SHARE * len(candidates)))]
    deleted = np.zeros(sim.leads, dtype=bool)
    if crm and len(candidates):
        deleted[picked] = True
    return Directory(
        crm=crm,
        person=person,
        created_at=created,
        email=pc.utf8_lower(people.email),
        owner=owner,
        deleted=deleted,
    )


def _owners_and_teams(sim: Simulation, rng: np.random.Generator) -> dict[str, pa.Table]:
    """An owner per user (the integration user is no HubSpot user); each owner in one primary
    team named after its department and the time zone its members work in, managers also in a
    secondary managers' team."""
    users = sim.users.table
    as_of = sim.as_of
    number = np.arange(1, users.num_rows + 1)
    role = np.asarray([int(r[3:-3]) for r in users.column("user_role_id").to_pylist()])
    keep = role != INTEGRATION
    number, role = number[keep], role[keep]
    kept = users.filter(pa.array(keep))
    created = kept.column("created_date").cast(pa.int64()).to_numpy() / 1e6
    names = pc.split_pattern(kept.column("name"), " ", max_splits=1)
    n = len(number)
    owner = contract_shaped(
        "owner",
        {
            "owner_id": ints(owner_ids(number)),
            "email": kept.column("email"),
            "first_name": pc.list_element(names, 0),
            "last_name": pc.list_element(names, 1),
            "type": repeated_text(n, "PERSON"),
            "active_user_id": ints(user_ids(number)),
            "is_active": flags(n, True),
            "portal_id": portal_ids(n),
            "created_at": timestamps(created),
            "updated_at": timestamps(created + 3600),
            "_fivetran_synced": synced(rng, created + 3600, as_of),
        },
    )
    zone = kept.column("time_zone_sid_key").to_pylist()
    department = kept.column("department").to_pylist()
    primary = [f"{d} ({z})" for d, z in zip(department, zone, strict=True)]
    managers_team = "Sales Managers"
    names_in_order = list(dict.fromkeys([*primary, managers_team]))
    team_id = {name: index + 1 for index, name in enumerate(names_in_order)}
    is_manager = role == MANAGER
    member_team = np.array(
        [team_id[t] for t in primary] + [team_id[managers_team]] * int(is_manager.sum())
    )
    member_user = np.concatenate([number, number[is_manager]])
    member_primary = np.concatenate([np.ones(n, bool), np.zeros(int(is_manager.sum()), bool)])
    t = len(names_in_order)
    team = contract_shaped(
        "team",
        {
            "id": ints(np.arange(1, t + 1)),
            "name": pa.array(names_in_order, pa.string()),
            "_fivetran_synced": timestamps(np.full(t, as_of - SECONDS_PER_DAY)),
        },
    )
    m = len(member_user)
    team_user = contract_shaped(
        "team_user",
        {
            "team_id": ints(member_team),
            "user_id": ints(user_ids(member_user)),
            "is_primary": pa.array(member_primary),
            "_fivetran_synced": timestamps(np.full(m, as_of - SECONDS_PER_DAY)),
        },
    )
    return {"hubspot.owner": owner, "hubspot.team": team, "hubspot.team_user": team_user}


def _companies(sim: Simulation, rng: np.random.Generator, directory: Directory) -> pa.Table:
    """A company per account (as the MAS: the accounts of its contacts); a few companies nobody
    works at were deleted."""
    accounts, as_of = sim.accounts, sim.as_of
    worked = np.zeros(accounts.count, dtype=bool)
    worked[sim.people.account[directory.person]] = True
    account = np.arange(accounts.count) if directory.crm else np.flatnonzero(worked)
    n = len(account)
    created = np.minimum(accounts.created_at[account], as_of - 3600)
    modified = np.minimum(created + rng.uniform(0, 200, n) * SECONDS_PER_DAY, as_of)
    deleted = ~worked[account] & (rng.random(n) < DELETED_COMPANY_SHARE)
    return contract_shaped(
        "company",
        {
            "id": ints(company_ids(account)),
            "is_deleted": flags(n),
            "_fivetran_deleted": pa.array(deleted),
            "property_name": accounts.name.take(pa.array(account)),
            "property_domain": accounts.domain.take(pa.array(account)),
            "property_industry": choice_text(vocab.INDUSTRIES, accounts.industry_index[account]),
            "property_numberofemployees": pa.array(accounts.employees[account]),
            "property_annualrevenue": pa.array(
                np.round(accounts.employees[account] * rng.uniform(80_000, 250_000, n), -3)
            ),
            "property_country": choice_text(vocab.COUNTRIES, accounts.country_index[account]),
            "property_hubspot_owner_id": ints(owner_ids(accounts.owner[account])),
            "property_createdate": timestamps(created),
            "property_hs_lastmodifieddate": timestamps(modified),
            "_fivetran_synced": synced(rng, modified, as_of),
        },
    )


def analytics_sources(rng: np.random.Generator, lead_source: pa.Array) -> pa.Array:
    """HubSpot's original source for each lead source."""
    web = choice_text(_WEB_SOURCES, rng.choice(len(_WEB_SOURCES), len(lead_source), p=_WEB_WEIGHTS))
    mapped = pc.fill_null(
        pc.take(
            pa.array(list(_SOURCE_OF_LEAD_SOURCE.values())),
            pc.index_in(lead_source, pa.array(list(_SOURCE_OF_LEAD_SOURCE))),
        ),
        "DIRECT_TRAFFIC",
    )
    return pc.if_else(pc.equal(lead_source, "Web"), web, mapped)


def employee_bands(employees: np.ndarray) -> pa.Array:
    return choice_text(EMPLOYEE_BANDS, np.searchsorted(EMPLOYEE_BAND_FLOORS, employees, "right"))


def directory_optout(sim: Simulation) -> np.ndarray:
    """Per person, whether they opted out of all email (a stream of its own: the contact table
    and the email events agree)."""
    return sim.stream("hubspot.optout").random(sim.leads) < OPTOUT_SHARE
