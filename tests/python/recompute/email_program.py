"""Email performance and program performance (mart_email_performance, mart_program_performance),
rebuilt from the raw Marketo and Salesforce tables.

The rules, from issue 21's agreement for the published marts:
- a send is a live row of `activity_send_email` of a person's MAS lead (a merged-away lead's
  sends are its survivor's; a deleted lead has none); its template is `email_template_id`, else
  the activity's asset (`primary_attribute_value_id`); its program is the activity's smart
  campaign's;
- a delivery, bounce (hard: `activity_email_bounced`, soft: `activity_email_bounced_soft`),
  open, click or unsubscribe belongs to the latest send at or before it to the same person of the
  same template, campaign and campaign run (a missing run matches a missing run; the highest send
  id among sends at the same instant); one no send precedes counts nowhere;
- a send is bounced when a bounce belongs to it, delivered otherwise (delivered = sends -
  bounces); opened when an open or a click belongs to it; clicked, unsubscribed likewise. Unique
  opens and clicks count sends, opens and clicks every event;
- a program touched a person in a month when any activity of the person's MAS lead names the
  program (`program_id`) or one of its smart campaigns (`campaign_id`) that month;
- an MQL (recompute/lifecycle.py's cycles) is influenced by a program when the person filled out
  a form, clicked an email or changed program status in the program at or before the MQL and no
  more than 365 days before it (the touches attribution credits);
- a program's cost is that of the Salesforce campaigns with its name (trimmed, any case).
"""

from __future__ import annotations

import pandas as pd

from recompute.lifecycle import lead_cycles, resolve_people
from recompute.raw import RawTables, timestamps

EVENTS = {
    "activity_email_delivered": "delivered",
    "activity_email_bounced": "bounce",
    "activity_email_bounced_soft": "bounce",
    "activity_open_email": "open",
    "activity_click_email": "click",
    "activity_unsubscribe_email": "unsubscribe",
}
TOUCHES = (
    "activity_fill_out_form",
    "activity_click_email",
    "activity_change_status_in_progression",
)
LOOKBACK = pd.Timedelta(days=365)
EMAIL_COUNTS = ["sends", "delivered", "unique_opens", "unique_clicks", "unsubscribes"]


def _text(values: pd.Series) -> pd.Series:
    """Ids as text, integers without a decimal point; missing stays missing."""
    return values.map(
        lambda value: (
            None
            if value is None or pd.isna(value)
            else str(int(value))
            if isinstance(value, float | int)
            else str(value)
        )
    )


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series(None, index=frame.index)


def _month(moments: pd.Series) -> pd.Series:
    return moments.dt.to_period("M").dt.to_timestamp()


class EmailProgram:
    """The raw rows read once: persons of MAS leads, programs of smart campaigns."""

    def __init__(self, raw: RawTables) -> None:
        self.raw = raw
        records = resolve_people(raw).records
        mas = records[records["source_system"] == "mas_lead"]
        self.person_of_lead = dict(zip(mas["record_id"], mas["person"], strict=True))
        campaigns = raw.table("marketo.campaign")
        self.program_of_campaign = dict(
            zip(_text(campaigns["id"]), _text(campaigns["program_id"]), strict=True)
        )

    def activities(self, table: str) -> pd.DataFrame:
        """person, at, program_id, campaign_id, run_id, template_id, id of a live activity table
        (empty when the table is absent); activities of leads without a person dropped."""
        frame = self.raw.table(f"marketo.{table}")
        if frame.empty:
            return pd.DataFrame(
                columns=["person", "at", "program_id", "campaign_id", "run_id", "template_id", "id"]
            )
        campaign_id = _text(_column(frame, "campaign_id"))
        own_program = _text(_column(frame, "program_id"))
        program = own_program.where(own_program.notna(), campaign_id.map(self.program_of_campaign))
        template = _text(_column(frame, "email_template_id"))
        template = template.where(
            template.notna(), _text(_column(frame, "primary_attribute_value_id"))
        )
        result = pd.DataFrame(
            {
                "person": _text(frame["lead_id"]).map(self.person_of_lead),
                "at": timestamps(frame["activity_date"]),
                "program_id": program,
                "campaign_id": campaign_id,
                "run_id": _text(_column(frame, "campaign_run_id")),
                "template_id": template,
                "id": frame["id"].astype("int64"),
            }
        )
        return result[result["person"].notna()].reset_index(drop=True)

    def sends(self) -> pd.DataFrame:
        """One row per send with its program, template, month and what became of it."""
        sends = self.activities("activity_send_email")
        flags = {"bounce": "is_bounced", "open": "is_opened", "click": "is_clicked"}
        flags["unsubscribe"] = "is_unsubscribed"
        for column in flags.values():
            sends[column] = False
        sends["open_count"] = 0
        sends["click_count"] = 0
        key = ["person", "template_id", "campaign_id", "run_id"]
        keyed_sends = sends.assign(**{c: sends[c].fillna("\x00") for c in key})
        keyed_sends = keyed_sends.sort_values(["at", "id"], kind="stable")
        for table, kind in EVENTS.items():
            events = self.activities(table)
            if events.empty:
                continue
            events = events.assign(**{c: events[c].fillna("\x00") for c in key})
            events = events.sort_values("at", kind="stable")
            paired = pd.merge_asof(
                events[[*key, "at"]],
                keyed_sends[[*key, "at", "id"]].rename(columns={"id": "send_id"}),
                on="at",
                by=key,
                direction="backward",
            )
            paired = paired[paired["send_id"].notna()]
            per_send = paired.groupby("send_id").size()
            counted = sends["id"].map(per_send).fillna(0).astype(int)
            if kind in flags:
                sends[flags[kind]] |= counted > 0
            if kind in ("open", "click"):
                sends[f"{kind}_count"] += counted
        sends["is_opened"] |= sends["is_clicked"]
        sends["month_start"] = _month(sends["at"])
        return sends

    @staticmethod
    def email_counts(sends: pd.DataFrame, by: list[str]) -> pd.DataFrame:
        grouped = sends.groupby(by)
        counts = pd.DataFrame(
            {
                "sends": grouped.size(),
                "bounces": grouped["is_bounced"].sum(),
                "unique_opens": grouped["is_opened"].sum(),
                "opens": grouped["open_count"].sum(),
                "unique_clicks": grouped["is_clicked"].sum(),
                "clicks": grouped["click_count"].sum(),
                "unsubscribes": grouped["is_unsubscribed"].sum(),
            }
        )
        counts["delivered"] = counts["sends"] - counts["bounces"]
        return counts.astype("int64")

    def email_performance(self, level: str) -> pd.DataFrame:
        """Per template_id or program_id and month_start: the mart's counts."""
        column = {"template": "template_id", "program": "program_id"}[level]
        return self.email_counts(self.sends(), [column, "month_start"])

    def program_performance(self) -> pd.DataFrame:
        """Per program_id, period_grain and month_start (NaT on all-time rows): persons_touched,
        mqls_influenced, the email counts, actual_cost and budgeted_cost."""
        tables = sorted(
            name.split(".", 1)[1]
            for name in self.raw.present
            if name.startswith("marketo.activity_")
        )
        touched = pd.concat(
            [self.activities(table)[["person", "at", "program_id"]] for table in tables],
            ignore_index=True,
        )
        touched = touched[touched["program_id"].notna()].assign(month_start=_month(touched["at"]))
        touches = pd.concat(
            [self.activities(table)[["person", "at", "program_id"]] for table in TOUCHES],
            ignore_index=True,
        )
        cycles = lead_cycles(self.raw)
        mqls = cycles[cycles["mql_at"].notna()].reset_index(drop=True)
        mqls = mqls.assign(cycle=mqls.index)
        influenced = mqls[["person", "cycle", "mql_at"]].merge(touches, on="person")
        influenced = influenced[
            (influenced["at"] <= influenced["mql_at"])
            & (influenced["at"] >= influenced["mql_at"] - LOOKBACK)
            & influenced["program_id"].notna()
        ].drop_duplicates(["program_id", "cycle"])
        influenced = influenced.assign(month_start=_month(influenced["mql_at"]))
        sends = self.sends()
        sends = sends[sends["program_id"].notna()]

        frames = []
        for grain, by in (("month", ["program_id", "month_start"]), ("all_time", ["program_id"])):
            measured = pd.concat(
                [
                    touched.groupby(by)["person"].nunique().rename("persons_touched"),
                    influenced.groupby(by).size().rename("mqls_influenced"),
                    self.email_counts(sends, by)[EMAIL_COUNTS],
                ],
                axis=1,
            )
            measured = measured.fillna(0).astype("int64").reset_index()
            if grain == "all_time":
                measured["month_start"] = pd.NaT
            measured["period_grain"] = grain
            frames.append(measured)
        performance = pd.concat(frames, ignore_index=True)

        programs = self.raw.table("marketo.program")
        crm = self.raw.table("salesforce.campaign")
        name_key = crm["name"].str.strip().str.lower()
        costs = crm.assign(name_key=name_key).groupby("name_key")[["actual_cost", "budgeted_cost"]]
        costs = costs.sum(min_count=1)
        program_costs = pd.DataFrame(
            {
                "program_id": _text(programs["id"]),
                "name_key": programs["name"].str.strip().str.lower(),
            }
        ).merge(costs, left_on="name_key", right_index=True, how="left")
        performance = performance.merge(
            program_costs[["program_id", "actual_cost", "budgeted_cost"]],
            on="program_id",
            how="left",
        )
        month_rows = performance["period_grain"] == "month"
        performance.loc[month_rows, ["actual_cost", "budgeted_cost"]] = None
        return performance.set_index(["program_id", "period_grain", "month_start"])
