"""Content effectiveness (mart_content_effectiveness), rebuilt from the raw tables.

The rules, from the agreement behind the mart (its model description and issue 19's interface):
- an engagement is a Marketo form fill, web page visit, email click or program status change of
  a person, or a response to a CRM campaign by a person's lead or contact (a member who never
  responded, an email send or open is none). The asset is (asset_type, asset_id): a form or email
  by its Marketo id, a page by its path, a program by its id, a CRM campaign by its id;
- a cycle is engaged with an asset for a stage pair when the person's first engagement with it
  came before the cycle entered the pair's from-stage;
- conversions are the agreed windowed ones (seed conversion_windows): entering the from-stage
  needs its own moment; SAL is reached only by a recorded SAL, SQL also by an opportunity or a
  win, an opportunity also by a win, the customer stage by the win. A cycle is decided once it
  converted within the window or the window has closed by as-of; only decided cycles count;
- on opportunity->customer rows, the closed deals (with the person whose first lead cycle carries
  them) whose person engaged with the asset within `lookback_days` days up to the close (the last
  change into a closed stage in opportunity history, else the close date).
"""

from __future__ import annotations

import pandas as pd

from recompute.lifecycle import CLOSED_STAGES, lead_cycles, resolve_people
from recompute.raw import RawTables, seed, timestamps

STAGE_PAIRS = [
    # (from_stage, to_stage as the seed names it, to_stage as the mart names it)
    ("mql", "sal", "sal"),
    ("sal", "sql", "sql"),
    ("sql", "opportunity", "opportunity"),
    ("opportunity", "won", "customer"),
]
ENTERED = {
    "mql": ["mql_at"],
    "sal": ["sal_at"],
    "sql": ["sql_at"],
    "opportunity": ["opportunity_created_at"],
}
REACHED = {
    "sal": ["sal_at"],
    "sql": ["sql_at", "opportunity_created_at", "won_at"],
    "opportunity": ["opportunity_created_at", "won_at"],
    "won": ["won_at"],
}
MAS_ASSETS = {
    "activity_fill_out_form": "form",
    "activity_visit_webpage": "web_page",
    "activity_click_email": "email",
    "activity_change_status_in_progression": "program",
}


def _text(values: pd.Series) -> pd.Series:
    """Ids as the warehouse casts them to text: integers without a decimal point."""
    return values.map(
        lambda value: (
            None
            if pd.isna(value)
            else str(int(value))
            if isinstance(value, float) and value.is_integer()
            else str(value)
        )
    )


def engagements(raw: RawTables) -> pd.DataFrame:
    """person, engaged_at, asset_type, asset_id: one row per engagement."""
    records = resolve_people(raw).records
    person_of = {
        (system, record_id): person
        for system, record_id, person in records[["source_system", "record_id", "person"]]
        .astype(str)
        .itertuples(index=False)
    }
    frames = []
    for table, asset_type in MAS_ASSETS.items():
        activities = raw.table(f"marketo.{table}")
        if activities.empty:
            continue
        if asset_type == "program":
            asset_id = _text(activities["program_id"])
        elif asset_type == "web_page":
            asset_id = activities["primary_attribute_value"].where(
                activities["primary_attribute_value"].notna(), activities["webpage_url"]
            )
        else:
            asset_id = _text(activities["primary_attribute_value_id"]).where(
                activities["primary_attribute_value_id"].notna(),
                activities["primary_attribute_value"],
            )
        frames.append(
            pd.DataFrame(
                {
                    "person": [
                        person_of.get(("mas_lead", str(int(lead))))
                        for lead in activities["lead_id"]
                    ],
                    "engaged_at": timestamps(activities["activity_date"]),
                    "asset_type": asset_type,
                    "asset_id": asset_id,
                }
            )
        )
    members = raw.table("salesforce.campaign_member")
    members = members[members["has_responded"].fillna(False).astype(bool)]
    created = timestamps(members["created_date"])
    responded = pd.to_datetime(members["first_responded_date"]).astype("datetime64[us]")
    frames.append(
        pd.DataFrame(
            {
                "person": [
                    person_of.get(("crm_contact", contact))
                    if isinstance(contact, str)
                    else person_of.get(("crm_lead", lead))
                    for contact, lead in zip(members["contact_id"], members["lead_id"], strict=True)
                ],
                "engaged_at": responded.where(responded > created, created),
                "asset_type": "crm_campaign",
                "asset_id": members["campaign_id"],
            }
        )
    )
    frame = pd.concat(frames, ignore_index=True)
    return frame[
        frame["person"].notna() & frame["asset_id"].notna() & frame["engaged_at"].notna()
    ].reset_index(drop=True)


def conversions(cycles: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """person, from_stage, to_stage (mart names), entered_at, is_converted, is_decided."""
    windows = seed("conversion_windows").set_index(["from_stage", "to_stage"])["window_days"]
    frames = []
    for from_stage, to_stage, label in STAGE_PAIRS:
        entered = cycles[ENTERED[from_stage]].min(axis=1)
        reached = cycles[REACHED[to_stage]].min(axis=1)
        closes = entered + pd.Timedelta(days=int(windows[(from_stage, to_stage)]))
        converted = reached.notna() & (reached <= closes)
        frame = pd.DataFrame(
            {
                "person": cycles["person"],
                "from_stage": from_stage,
                "to_stage": label,
                "entered_at": entered,
                "is_converted": converted,
                "is_decided": converted | (closes <= as_of),
            }
        )
        frames.append(frame[entered.notna()])
    return pd.concat(frames, ignore_index=True)


def closed_deals(raw: RawTables, cycles: pd.DataFrame) -> pd.DataFrame:
    """opportunity_id, person, is_won, closed_at of the closed deals a lead cycle carries."""
    opportunities = raw.table("salesforce.opportunity")
    opportunities = opportunities[opportunities["is_closed"].fillna(False).astype(bool)]
    carried = cycles[cycles["opportunity_id"].notna()].sort_values(
        ["cycle_number", "person"], kind="stable"
    )
    person_of = carried.drop_duplicates("opportunity_id").set_index("opportunity_id")["person"]
    status_map = seed("status_stage_map")
    closing_stages = status_map[
        (status_map["system"] == "salesforce")
        & (status_map["field"] == "StageName")
        & status_map["stage_code"].isin(CLOSED_STAGES)
    ]["status_value"]
    history = raw.table("salesforce.opportunity_history")
    history = history[history["stage_name"].isin(set(closing_stages))]
    last_closed = (
        history.assign(changed_at=timestamps(history["created_date"]))
        .groupby("opportunity_id")["changed_at"]
        .max()
    )
    close_date = pd.to_datetime(opportunities["close_date"]).astype("datetime64[us]")
    frame = pd.DataFrame(
        {
            "opportunity_id": opportunities["id"],
            "person": opportunities["id"].map(person_of),
            "is_won": opportunities["is_won"].fillna(False).astype(bool),
            "closed_at": opportunities["id"].map(last_closed).fillna(close_date),
        }
    )
    return frame[frame["person"].notna()].reset_index(drop=True)


def content_effectiveness(
    raw: RawTables, as_of: pd.Timestamp, lookback_days: int = 90
) -> pd.DataFrame:
    """One row per asset x stage pair with the mart's counts; keyed by asset_type, asset_id,
    from_stage, to_stage."""
    cycles = lead_cycles(raw)
    touched = engagements(raw)
    first = touched.groupby(["person", "asset_type", "asset_id"], as_index=False)[
        "engaged_at"
    ].min()
    pairs = conversions(cycles, as_of)
    totals = pairs.groupby(["from_stage", "to_stage"])[["is_decided", "is_converted"]].sum()

    engaged = first.merge(pairs, on="person")
    engaged = engaged[engaged["engaged_at"] < engaged["entered_at"]]
    counted = engaged.groupby(["asset_type", "asset_id", "from_stage", "to_stage"]).agg(
        engaged_reached=("person", "size"),
        engaged_decided=("is_decided", "sum"),
        engaged_converted=("is_converted", "sum"),
    )
    assets = first[["asset_type", "asset_id"]].drop_duplicates()
    grid = assets.merge(
        pd.DataFrame(
            [(from_stage, label) for from_stage, _, label in STAGE_PAIRS],
            columns=["from_stage", "to_stage"],
        ),
        how="cross",
    ).set_index(["asset_type", "asset_id", "from_stage", "to_stage"])
    rows = grid.join(counted).fillna(0).astype(int)
    pair_of = rows.index.droplevel([0, 1])
    rows["not_engaged_decided"] = (
        totals["is_decided"].reindex(pair_of).fillna(0).to_numpy() - rows["engaged_decided"]
    )
    rows["not_engaged_converted"] = (
        totals["is_converted"].reindex(pair_of).fillna(0).to_numpy() - rows["engaged_converted"]
    )

    deals = closed_deals(raw, cycles)
    recent = touched.merge(deals, on="person")
    recent = recent[
        (recent["engaged_at"] <= recent["closed_at"])
        & (recent["engaged_at"] >= recent["closed_at"] - pd.Timedelta(days=lookback_days))
    ].drop_duplicates(["asset_type", "asset_id", "opportunity_id"])
    by_asset = recent.groupby(["asset_type", "asset_id"]).agg(
        closed_deals_engaged_recently=("opportunity_id", "size"),
        won_deals_engaged_recently=("is_won", "sum"),
    )
    rows = rows.reset_index()
    rows = rows.merge(by_asset.reset_index(), on=["asset_type", "asset_id"], how="left")
    customer = rows["to_stage"] == "customer"
    for column in ("closed_deals_engaged_recently", "won_deals_engaged_recently"):
        rows[column] = rows[column].fillna(0).where(customer)
    return rows.set_index(["asset_type", "asset_id", "from_stage", "to_stage"])
