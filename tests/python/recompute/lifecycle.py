"""People and their lifecycle cycles, rebuilt from the raw tables.

Identity (DESIGN "Identity"): a MAS lead is the person of the CRM lead or contact whose id it
carries (`sfdc_lead_id`, `sfdc_contact_id`), else of the CRM record with the same normalised
email; merged MAS leads collapse into their survivor. Two rules DESIGN leaves implicit were taken
from models/intermediate/identity/int_persons_resolved.sql: a CRM lead and the contact it was
converted into are one person, and records of one system sharing an email are one person.

Stage events (DESIGN "Status mapping", "MQL moment", "SAL/SQL/Opportunity/Customer"): record
creation (Lead), CRM `lead_history` Status changes and MAS `Lead Status` changes mapped by the
status_stage_map seed, a conversion with an opportunity (SQL, when no status change recorded it),
the converted opportunity's creation (Opportunity) and its closing in opportunity history
(Customer / Lost).

Cycles (DESIGN "Stages": a recycled lead that qualifies again starts the next cycle). Where DESIGN
is not precise, the rules were read from models/intermediate/lifecycle/
int_lifecycle_stage_entries.sql and re-implemented here:
- events are ordered by time, then funnel order, then CRM before MAS, then event type and id;
- Recycled and Disqualified end a cycle; a record created after a cycle ended (a Lead event) does
  not start a new one; an event repeating the stage just entered (the other system echoing it) is
  no new entry;
- within a cycle only forward progress enters a funnel stage, and only a stage's first event in
  the cycle can enter it; skipped stages stay skipped.
`is_marketing_sourced` (not defined in DESIGN) follows models/marts/funnel/fct_lead_cycles.sql.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from recompute.raw import RawTables, normalised_email, seed, timestamps

CLOSED_STAGES = ("customer", "lost")


@dataclass
class People:
    """One row per source record with its person: source_system, record_id, person."""

    records: pd.DataFrame
    crm_leads: pd.DataFrame
    mas_leads: pd.DataFrame


def _earliest_with_same_email(
    frame: pd.DataFrame, id_column: str, created_column: str
) -> pd.Series:
    """The id of the earliest-created record sharing the email (itself without one)."""
    ids = frame[id_column].astype(str)
    group = frame["email"].fillna("\x00id:" + ids)
    ordered = frame.assign(_id=ids, _group=group).sort_values(
        [created_column, "_id"], kind="stable", na_position="last"
    )
    first = ordered.groupby("_group", sort=False)["_id"].first()
    return group.map(first)


def _survivors(mas_leads: pd.DataFrame, merges: pd.DataFrame) -> pd.Series:
    """Each MAS lead id -> the lead it finally survives as (merges chain)."""
    into: dict[int, int] = {}
    if not merges.empty:
        for row in merges.itertuples(index=False):
            text = str(row.merge_ids).strip("[] ")
            for item in text.split(","):
                if item.strip():
                    into[int(item.strip())] = int(row.lead_id)
    survivors = {}
    for lead_id in mas_leads["id"].astype(int):
        current, hops = lead_id, 0
        while current in into and hops < 6:
            current, hops = into[current], hops + 1
        survivors[lead_id] = current
    return mas_leads["id"].astype(int).map(survivors)


def resolve_people(raw: RawTables) -> People:
    crm_leads = raw.table("salesforce.lead").copy()
    crm_leads["email"] = normalised_email(crm_leads["email"])
    crm_leads["created_at"] = timestamps(crm_leads["created_date"])
    contacts = raw.table("salesforce.contact").copy()
    contacts["email"] = normalised_email(contacts["email"])
    contacts["created_at"] = timestamps(contacts["created_date"])
    mas_leads = raw.table("marketo.lead").copy()
    deletions = raw.table("marketo.activity_delete_lead")
    if not deletions.empty:
        mas_leads = mas_leads[~mas_leads["id"].isin(deletions["lead_id"])]
    mas_leads["email"] = normalised_email(mas_leads["email"])
    mas_leads["created_at"] = timestamps(mas_leads["created_at"])
    mas_leads = mas_leads.reset_index(drop=True)

    crm_leads["anchor"] = "crm_lead:" + _earliest_with_same_email(crm_leads, "id", "created_at")
    lead_anchor = dict(zip(crm_leads["id"], crm_leads["anchor"], strict=True))
    lead_anchor_by_email = crm_leads[crm_leads["email"].notna()].groupby("email")["anchor"].min()
    converted = crm_leads[crm_leads["converted_contact_id"].notna()]
    converted_anchor = converted.groupby("converted_contact_id")["anchor"].min()
    own_contact = "crm_contact:" + _earliest_with_same_email(contacts, "id", "created_at")
    contacts["anchor"] = (
        contacts["id"].map(converted_anchor).fillna(contacts["email"].map(lead_anchor_by_email))
    ).fillna(own_contact)
    contact_anchor = dict(zip(contacts["id"], contacts["anchor"], strict=True))
    contact_anchor_by_email = contacts[contacts["email"].notna()].groupby("email")["anchor"].min()

    crm_anchor = (
        mas_leads["sfdc_lead_id"]
        .map(lead_anchor)
        .fillna(mas_leads["sfdc_contact_id"].map(contact_anchor))
        .fillna(mas_leads["email"].map(lead_anchor_by_email))
        .fillna(mas_leads["email"].map(contact_anchor_by_email))
    )
    own_mas = "mas_lead:" + _earliest_with_same_email(mas_leads, "id", "created_at")
    anchor_of = dict(zip(mas_leads["id"].astype(int), crm_anchor.fillna(own_mas), strict=True))
    mas_leads["survivor_id"] = _survivors(mas_leads, raw.table("marketo.activity_merge_leads"))
    mas_leads["is_merged_away"] = mas_leads["survivor_id"] != mas_leads["id"].astype(int)
    mas_leads["anchor"] = [
        anchor_of.get(survivor, f"mas_lead:{survivor}") for survivor in mas_leads["survivor_id"]
    ]
    records = pd.concat(
        [
            pd.DataFrame(
                {
                    "source_system": "crm_lead",
                    "record_id": crm_leads["id"],
                    "person": crm_leads["anchor"],
                }
            ),
            pd.DataFrame(
                {
                    "source_system": "crm_contact",
                    "record_id": contacts["id"],
                    "person": contacts["anchor"],
                }
            ),
            pd.DataFrame(
                {
                    "source_system": "mas_lead",
                    "record_id": mas_leads["id"].astype(int).astype(str),
                    "person": mas_leads["anchor"],
                    "is_merged_away": mas_leads["is_merged_away"],
                }
            ),
        ],
        ignore_index=True,
    )
    records["is_merged_away"] = records["is_merged_away"].fillna(False).astype(bool)
    return People(records=records, crm_leads=crm_leads, mas_leads=mas_leads)


def stage_events(raw: RawTables, people: People) -> pd.DataFrame:
    """Every event that moves a person through the funnel: person, event_at, stage_code,
    source_system (crm/mas), event_type, source_record_id, opportunity_id."""
    status_map = seed("status_stage_map")
    lead_status = (status_map.system == "salesforce") & (status_map.field == "Status")
    crm_map = status_map[lead_status].set_index("status_value")["stage_code"]
    mas_map = status_map[status_map.system == "marketo"].set_index("status_value")["stage_code"]
    stage_name = (status_map.system == "salesforce") & (status_map.field == "StageName")
    opp_map = status_map[stage_name].set_index("status_value")["stage_code"]
    crm_leads = people.crm_leads
    person_of_crm_lead = dict(zip(crm_leads["id"], crm_leads["anchor"], strict=True))
    mas = people.mas_leads
    person_of_mas_lead = dict(zip(mas["id"].astype(int), mas["anchor"], strict=True))
    frames = []

    def add(**columns: object) -> None:
        frames.append(pd.DataFrame(columns))

    add(
        person=crm_leads["anchor"],
        event_at=crm_leads["created_at"],
        stage_code="lead",
        source_system="crm",
        event_type="crm_lead_created",
        source_record_id=crm_leads["id"],
        opportunity_id=None,
    )
    add(
        person=mas["anchor"],
        event_at=mas["created_at"],
        stage_code="lead",
        source_system="mas",
        event_type="mas_lead_created",
        source_record_id=mas["id"].astype(int).astype(str),
        opportunity_id=None,
    )
    history = raw.table("salesforce.lead_history")
    history = history[
        (history["field"] == "Status")
        & history["new_value"].isin(crm_map.index)
        & history["lead_id"].isin(person_of_crm_lead)
    ]
    add(
        person=history["lead_id"].map(person_of_crm_lead),
        event_at=timestamps(history["created_date"]),
        stage_code=history["new_value"].map(crm_map),
        source_system="crm",
        event_type="crm_status_change",
        source_record_id=history["id"].astype(str),
        opportunity_id=None,
    )
    changes = raw.table("marketo.activity_change_data_value")
    if not changes.empty:
        changes = changes[
            (changes["primary_attribute_value"] == "Lead Status")
            & changes["new_value"].isin(mas_map.index)
            & changes["lead_id"].isin(person_of_mas_lead)
        ]
        add(
            person=changes["lead_id"].astype(int).map(person_of_mas_lead),
            event_at=timestamps(changes["activity_date"]),
            stage_code=changes["new_value"].map(mas_map),
            source_system="mas",
            event_type="mas_status_change",
            source_record_id=changes["id"].astype(int).astype(str),
            opportunity_id=None,
        )
    sql_by_history = set(history.loc[history["new_value"].map(crm_map) == "sql", "lead_id"])
    converted = crm_leads[
        crm_leads["is_converted"].fillna(False).astype(bool)
        & crm_leads["converted_opportunity_id"].notna()
        & ~crm_leads["id"].isin(sql_by_history)
    ]
    add(
        person=converted["anchor"],
        event_at=pd.to_datetime(converted["converted_date"]).astype("datetime64[us]"),
        stage_code="sql",
        source_system="crm",
        event_type="crm_conversion",
        source_record_id=converted["id"],
        opportunity_id=converted["converted_opportunity_id"],
    )
    opportunities = raw.table("salesforce.opportunity")
    linked = crm_leads[["id", "anchor", "converted_opportunity_id"]].merge(
        opportunities[["id", "created_date"]].rename(columns={"id": "opportunity_id"}),
        left_on="converted_opportunity_id",
        right_on="opportunity_id",
    )
    add(
        person=linked["anchor"],
        event_at=timestamps(linked["created_date"]),
        stage_code="opportunity",
        source_system="crm",
        event_type="opportunity_created",
        source_record_id=linked["opportunity_id"],
        opportunity_id=linked["opportunity_id"],
    )
    opportunity_history = raw.table("salesforce.opportunity_history")
    closings = opportunity_history[
        opportunity_history["stage_name"].map(opp_map).isin(CLOSED_STAGES)
    ].merge(linked[["anchor", "opportunity_id"]], on="opportunity_id")
    add(
        person=closings["anchor"],
        event_at=timestamps(closings["created_date"]),
        stage_code=closings["stage_name"].map(opp_map),
        source_system="crm",
        event_type="opportunity_stage_change",
        source_record_id=closings["id"].astype(str),
        opportunity_id=closings["opportunity_id"],
    )
    events = pd.concat([frame for frame in frames if not frame.empty], ignore_index=True)
    events["event_at"] = events["event_at"].astype("datetime64[us]")
    return events[events["event_at"].notna()].reset_index(drop=True)


def lead_cycles(raw: RawTables) -> pd.DataFrame:
    """One row per person x cycle: person, cycle_number, <stage>_at for lead, mql, sal, sql,
    opportunity (opportunity_created_at), customer (won_at), lost, recycled, disqualified;
    opportunity_id and is_marketing_sourced."""
    people = resolve_people(raw)
    events = stage_events(raw, people)
    stages = seed("funnel_stages")
    events = events.merge(
        stages[["stage_code", "stage_order", "is_funnel_stage", "ends_cycle"]], on="stage_code"
    )
    events["system_rank"] = (events["source_system"] != "crm").astype(int)
    events = events.sort_values(
        ["person", "event_at", "stage_order", "system_rank", "event_type", "source_record_id"],
        kind="stable",
    ).reset_index(drop=True)
    ends = events["ends_cycle"].astype(bool).astype(int)
    ended_before = events.assign(_e=ends).groupby("person")["_e"].cumsum() - ends
    relevant = events[~((events["stage_code"] == "lead") & (ended_before > 0))]
    previous = relevant.groupby("person")["stage_code"].shift()
    changes = relevant[previous.isna() | (previous != relevant["stage_code"])].copy()
    ends = changes["ends_cycle"].astype(bool).astype(int)
    changes["cycle_number"] = 1 + changes.assign(_e=ends).groupby("person")["_e"].cumsum() - ends
    changes["funnel_order"] = changes["stage_order"].where(changes["is_funnel_stage"].astype(bool))
    furthest = changes.groupby(["person", "cycle_number"])["funnel_order"].transform(
        lambda orders: orders.cummax().ffill().shift()
    )
    first = changes.groupby(["person", "cycle_number", "stage_code"]).cumcount() == 0
    forward = (
        ~changes["is_funnel_stage"].astype(bool)
        | furthest.isna()
        | (changes["stage_order"] > furthest)
    )
    entries = changes[first & forward]
    cycles = entries.pivot_table(
        index=["person", "cycle_number"], columns="stage_code", values="event_at", aggfunc="min"
    )
    for stage in stages["stage_code"]:
        if stage not in cycles.columns:
            cycles[stage] = pd.NaT
    cycles = cycles[list(stages["stage_code"])]
    cycles.columns = [f"{stage}_at" for stage in cycles.columns]
    cycles = cycles.rename(
        columns={"opportunity_at": "opportunity_created_at", "customer_at": "won_at"}
    )
    cycles["opportunity_id"] = entries.groupby(["person", "cycle_number"])["opportunity_id"].max()
    cycles = cycles.reset_index()

    records = people.records
    crm_lead_people = set(records.loc[records.source_system == "crm_lead", "person"])
    crm_people = set(records.loc[records.source_system != "mas_lead", "person"])
    mas_people = set(
        records.loc[(records.source_system == "mas_lead") & ~records.is_merged_away, "person"]
    )
    first_cycle = cycles["cycle_number"] == 1
    later_stage = cycles["sal_at"].fillna(cycles["sql_at"]).fillna(cycles["lead_at"])
    cycles["is_marketing_sourced"] = (
        cycles["mql_at"].notna()
        | (first_cycle & ~cycles["person"].isin(crm_people))
        | (
            first_cycle
            & cycles["person"].isin(mas_people)
            & (cycles["lead_at"] < later_stage)
            & ~cycles["person"].isin(crm_lead_people)
        )
    )
    return cycles


def opportunities(raw: RawTables, cycles: pd.DataFrame) -> pd.DataFrame:
    """The live opportunities with their owner's team and whether a marketing-sourced lead cycle
    (the first cycle carrying the opportunity) produced them."""
    frame = raw.table("salesforce.opportunity").copy()
    frame["created_at"] = timestamps(frame["created_date"])
    frame["close_date"] = pd.to_datetime(frame["close_date"]).astype("datetime64[us]")
    frame["is_won"] = frame["is_won"].fillna(False).astype(bool)
    frame["is_closed"] = frame["is_closed"].fillna(False).astype(bool)
    frame["is_pipeline"] = frame["type"].isin(["New Business", "Expansion"])
    users = raw.table("salesforce.user")
    frame["team"] = frame["owner_id"].map(dict(zip(users["id"], users["department"], strict=True)))
    sourced = cycles[cycles["opportunity_id"].notna()].sort_values("cycle_number", kind="stable")
    source_cycle = sourced.drop_duplicates("opportunity_id").set_index("opportunity_id")
    frame["is_marketing_sourced"] = (
        frame["id"].map(source_cycle["is_marketing_sourced"]).fillna(False).astype(bool)
    )
    return frame


def opportunity_states_at(raw: RawTables, instant: pd.Timestamp) -> pd.DataFrame:
    """Each opportunity as its history stood at `instant`: the last change before it (a change at
    the instant itself is not yet in effect). Columns: opportunity_id, stage_name,
    forecast_category, amount, close_date, is_open."""
    history = raw.table("salesforce.opportunity_history").copy()
    history["changed_at"] = timestamps(history["created_date"])
    history = history[history["changed_at"] < instant]
    history = history.sort_values(["opportunity_id", "changed_at", "id"], kind="stable")
    state = history.drop_duplicates("opportunity_id", keep="last").copy()
    status_map = seed("status_stage_map")
    closed = status_map[
        (status_map.system == "salesforce")
        & (status_map.field == "StageName")
        & status_map.stage_code.isin(CLOSED_STAGES)
    ]["status_value"]
    state["is_open"] = ~state["stage_name"].isin(set(closed))
    state["close_date"] = pd.to_datetime(state["close_date"]).astype("datetime64[us]")
    return state[
        ["opportunity_id", "stage_name", "forecast_category", "amount", "close_date", "is_open"]
    ].reset_index(drop=True)
