"""The closed loop on the review pages: sales' verdicts on marketing's leads and why (reasons by
agreed category), which programs feed sales good leads, which content moves buyers on, and who
buys (industry, company size, persona)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import duckdb
import pandas as pd

from orchestration.review import charts
from orchestration.review import formatting as fmt
from orchestration.review.blocks import (
    Chart,
    Definition,
    Explanation,
    Figure,
    Figures,
    Row,
    Section,
    Table,
    cell,
    label,
)
from orchestration.review.queries import Rows, rows

# A program or ICP value with fewer MQLs or closed deals than this is too few to judge.
SMALL_SAMPLE = 30
PROGRAMS_SHOWN = 5
CONTENT_SHOWN = 10
PROGRAM_COHORT_MONTHS = 3
ICP_MONTHS = 12

# Ended cycles by how they ended (fct_lead_cycles), and lost deals.
VERDICTS = {
    "rejected": "Rejected",
    "disqualified": "Disqualified",
    "recycled": "Recycled",
    "lost": "Lost deals",
}
# Categories that are no agreed category: named for readers here, kept apart in the tables.
UNCATEGORISED = {
    "not_recorded": "No reason recorded",
    "unmapped": "Unmapped reason (a steward must map it)",
}
ICP_BREAKDOWNS = {
    "industry": "Industry",
    "company_size": "Company size",
    "persona": "Persona",
}

VERDICT_DEFINITION = (
    "Lifecycle cycles that ended in the period, by how they ended: rejected (disqualified before "
    "sales worked it: no SAL, SQL or opportunity, as in mart_lead_feedback), disqualified (after "
    "sales worked it) or recycled to marketing; and "
    "opportunities closed lost. Each with the reason the rep (or the marketing automation) "
    "recorded, in the category agreed in seeds/feedback_reasons.csv (fct_lead_cycles.end_reason_"
    "category, fct_opportunities.loss_reason_category)."
)
PROGRAM_DEFINITION = (
    "MQLs by the program that first brought the person in (first marketing touch at or before "
    "the MQL moment), for the MQL "
    "cohorts of the months shown: the share sales accepted (reached SAL) and the share won, each "
    "within its agreed conversion window, and the most frequent reason of those rejected, "
    "disqualified or recycled (mart_lead_feedback, touch_model first_touch)."
)
CONTENT_DEFINITION = (
    "For each content asset and stage, the conversion to the next stage of the lifecycle cycles "
    "whose person engaged with the asset before entering the stage, against the cycles whose "
    "person didn't; lift is the difference in points. Decided cycles only (converted within the "
    "agreed window, or the window has passed); all cycles to date (mart_content_effectiveness)."
)
ICP_DEFINITION = (
    "Win rate (closed won / closed New Business and Expansion deals, by close date) and MQL→SAL "
    "acceptance (MQL cohorts, within the agreed window), summed over the months shown, by the "
    "buyer's industry, company size and persona (mart_shared_kpis breakdowns)."
)
DEFINITIONS = [
    Definition("Sales' verdicts and reasons", VERDICT_DEFINITION),
    Definition("Programs by MQL acceptance", PROGRAM_DEFINITION),
    Definition("Content conversion lift", CONTENT_DEFINITION),
    Definition("Who buys", ICP_DEFINITION),
]


def _category_name(code: str | None, name: str | None) -> str:
    if code in UNCATEGORISED:
        return UNCATEGORISED[code]
    return name or (code or "").replace("_", " ").capitalize()


def verdict_rows(connection: duckdb.DuckDBPyConnection, start: date, end: date) -> Rows:
    """Ended cycles and lost deals of [start, end) per verdict and reason category."""
    return rows(
        connection,
        """
        with verdicts as (
            select
                case
                    when current_stage = 'recycled' then 'recycled'
                    when coalesce(sal_at, sql_at, opportunity_created_at) is null
                        then 'rejected'
                    else 'disqualified'
                end as verdict,
                end_reason_category as category_code,
                end_reason_category_name as category_name,
                end_reason_owning_team as owning_team,
                end_reason_marketing_can_act as marketing_can_act,
                cast(null as double) as amount
            from marts.fct_lead_cycles
            where cycle_ended_at >= ? and cycle_ended_at < ?
            union all
            select
                'lost', loss_reason_category, loss_reason_category_name, null, null, amount
            from marts.fct_opportunities
            where is_lost and is_pipeline and closed_at >= ? and closed_at < ?
        )
        select verdict, category_code, max(category_name) as category_name,
            max(owning_team) as owning_team, bool_or(marketing_can_act) as marketing_can_act,
            count(*) as verdicts, sum(amount) as amount
        from verdicts
        group by verdict, category_code
        """,
        [start, end, start, end],
    )


def _verdict_table(found: Rows, period: str, metric_prefix: str, lost: bool) -> Table | None:
    """Lead verdicts (rejected, disqualified, recycled) or lost deals per reason category."""
    columns = ["lost"] if lost else [v for v in VERDICTS if v != "lost"]
    chosen = [r for r in found if (r["verdict"] == "lost") == lost]
    if not chosen:
        return None
    by_category: dict[str, dict] = {}
    for r in chosen:
        entry = by_category.setdefault(
            r["category_code"],
            {
                "name": _category_name(r["category_code"], r["category_name"]),
                "team": r["owning_team"],
                "can_act": r["marketing_can_act"],
                "amount": 0.0,
                **dict.fromkeys(columns, 0),
            },
        )
        entry[r["verdict"]] += r["verdicts"]
        entry["amount"] += r["amount"] or 0.0
    total = sum(r["verdicts"] for r in chosen)

    def order(item: tuple[str, dict]) -> tuple[bool, int, str]:
        code, entry = item
        return (code in UNCATEGORISED, -sum(entry[v] for v in columns), entry["name"])

    table_rows = []
    for code, entry in sorted(by_category.items(), key=order):
        count = sum(entry[v] for v in columns)
        if lost:
            described = [cell(fmt.count(count)), cell(fmt.amount(entry["amount"]))]
        else:
            can_act = "" if entry["can_act"] is None else ("yes" if entry["can_act"] else "no")
            described = [
                label(entry["team"] or ""),
                label(can_act),
                *(cell(fmt.count(entry[v])) for v in columns),
            ]
        table_rows.append(
            Row(
                metric=f"{metric_prefix}.{'lost' if lost else 'leads'}.{code}",
                cells=[
                    label(entry["name"], VERDICT_DEFINITION),
                    *described,
                    cell(fmt.percent(count / total)),
                ],
            )
        )
    headers = (
        ["Loss reason", "Lost deals", "Lost amount", "Share"]
        if lost
        else [
            "Reason",
            "Owning team",
            "Marketing can act",
            *(VERDICTS[v] for v in columns),
            "Share",
        ]
    )
    return Table(
        caption=f"Why deals were lost, {period}" if lost else f"Why leads ended, {period}",
        headers=headers,
        rows=table_rows,
        note=""
        if lost
        else "Unmapped reasons are listed by the gate for the agreements steward "
        "(seeds/feedback_reasons.csv).",
    )


def verdicts_section(
    connection: duckdb.DuckDBPyConnection, start: date, end: date, period: str, anchor: str
) -> tuple[Section, list[Figure]]:
    """Sales' verdicts of the period with their reasons: a chart, a table and headline figures."""
    section = Section(
        anchor,
        f"Sales' verdicts and why, {period}",
        "What sales told marketing: leads rejected, disqualified or recycled and deals lost, "
        "by the reason recorded, so marketing sees why the bad ones fail.",
    )
    found = verdict_rows(connection, start, end)
    if not found:
        section.blocks.append(
            Explanation("No verdicts", f"No lead cycle ended and no deal was lost in {period}.")
        )
        return section, []
    reasoned = [r for r in found if r["category_code"] not in UNCATEGORISED]
    leads = [r for r in found if r["verdict"] != "lost"]
    lead_total = sum(r["verdicts"] for r in leads)
    lead_reasoned = sum(r["verdicts"] for r in leads if r["category_code"] not in UNCATEGORISED)
    lost = [r for r in found if r["verdict"] == "lost"]
    lost_total = sum(r["verdicts"] for r in lost)
    lost_reasoned = sum(r["verdicts"] for r in lost if r["category_code"] not in UNCATEGORISED)
    top: dict[str, int] = defaultdict(int)
    names: dict[str, str] = {}
    for r in reasoned:
        if r["verdict"] != "lost" and r["category_code"] != "no_follow_up":
            top[r["category_code"]] += r["verdicts"]
            names[r["category_code"]] = _category_name(r["category_code"], r["category_name"])
    figures = [
        Figure(
            "feedback.leads_with_reason",
            "Lead verdicts with a reason",
            fmt.percent(lead_reasoned / lead_total) if lead_total else "—",
            f"{lead_reasoned:,} of {lead_total:,} ended cycles"
            if lead_total
            else "no lead cycle ended",
            VERDICT_DEFINITION,
        ),
        Figure(
            "feedback.lost_with_reason",
            "Lost deals with a reason",
            fmt.percent(lost_reasoned / lost_total) if lost_total else "—",
            f"{lost_reasoned:,} of {lost_total:,} lost deals" if lost_total else "no deal lost",
            VERDICT_DEFINITION,
        ),
    ]
    if top:
        code = min(top, key=lambda c: (-top[c], names[c]))
        figures.append(
            Figure(
                "feedback.top_lead_reason",
                "Top reason sales gave",
                names[code],
                f"{top[code]:,} of {lead_total:,} ended cycles",
                VERDICT_DEFINITION,
            )
        )
    section.blocks.append(Figures(figures))
    if reasoned:
        section.blocks.append(
            Chart(
                f"Verdicts by reason category, {period}",
                charts.grouped_bars(
                    pd.DataFrame(
                        {
                            "reason": [
                                _category_name(r["category_code"], r["category_name"])
                                for r in reasoned
                            ],
                            "verdict": [VERDICTS[r["verdict"]] for r in reasoned],
                            "count": [r["verdicts"] for r in reasoned],
                        }
                    ),
                    category="reason",
                    group="verdict",
                    value="count",
                    value_format=",.0f",
                    groups=list(VERDICTS.values()),
                ),
            )
        )
    for deals in (False, True):
        table = _verdict_table(found, period, anchor, deals)
        if table:
            section.blocks.append(table)
    return section, figures


def _program_rows(connection: duckdb.DuckDBPyConnection, by: str, first: date, last: date) -> Rows:
    """Per program or channel (`by`, of the first touch) over the MQL cohort months [first, last]:
    MQLs, accepted and won within the agreed windows, the rejected/disqualified/recycled, and
    their most frequent reason category."""
    assert by in ("campaign_key", "channel")
    return rows(
        connection,
        f"""
        with feedback as (
            select * from marts.mart_lead_feedback
            where touch_model = 'first_touch' and cohort_month between ? and ?
        ),
        programs as (
            select {by} as program, max(campaign_name) as campaign_name,
                max(channel) as channel, sum(cycles) as mqls,
                sum(cycles_accepted_within_window) as accepted,
                sum(cycles_won_within_window) as won,
                sum(case when outcome in ('rejected', 'disqualified', 'recycled') then cycles end)
                    as ended,
                bool_and(acceptance_is_mature) as is_mature
            from feedback group by {by}
        ),
        reasons as (
            select {by} as program, reason_category,
                max(reason_category_name) as category_name, sum(cycles) as cycles,
                row_number() over (
                    partition by {by} order by sum(cycles) desc, reason_category
                ) as rank
            from feedback
            where outcome in ('rejected', 'disqualified', 'recycled')
                and reason_category not in ('not_recorded', 'unmapped')
            group by {by}, reason_category
        )
        select programs.*, reasons.reason_category, reasons.category_name,
            reasons.cycles as reason_cycles
        from programs
        left join reasons
            on programs.program is not distinct from reasons.program and reasons.rank = 1
        """,
        [first, last],
    )


PROGRAM_HEADERS = [
    "MQLs",
    "Accepted",
    "MQL → Won",
    "Rejected, disqualified or recycled",
    "Top reason",
]


def programs_section(
    connection: duckdb.DuckDBPyConnection,
    month_first: date,
    year_first: date,
    last: date,
    periods: tuple[str, str],
) -> Section:
    """By channel over the last cohorts (`month_first`..`last`, named periods[0]); the best and
    worst programs over a year of cohorts (`year_first`..`last`, periods[1]), since a single
    program's MQLs of a few months are usually too few to judge."""
    recent, year = periods
    section = Section(
        "programs",
        "Programs by what sales made of their MQLs",
        "Which programs and channels feed sales good leads, and why the others' leads fail "
        "(by the program that first brought the person in).",
    )
    channels = sorted(
        _program_rows(connection, "channel", month_first, last),
        key=lambda r: (r["program"] is None, -(r["mqls"] or 0)),
    )
    if not channels:
        section.blocks.append(Explanation("No MQLs", f"No MQLs in the cohorts of {recent}."))
        return section
    section.blocks.append(
        Table(
            caption=f"By channel, MQL cohorts {recent}",
            headers=["Channel", *PROGRAM_HEADERS],
            rows=[
                _program_row(r, "channel", r["program"] or "(no program touch)") for r in channels
            ],
            note=_maturity_note(channels),
        )
    )
    programs = _program_rows(connection, "campaign_key", year_first, last)
    judged = sorted(
        (r for r in programs if r["program"] is not None and r["mqls"] >= SMALL_SAMPLE),
        key=lambda r: (-r["accepted"] / r["mqls"], -r["mqls"], r["campaign_name"] or ""),
    )
    if not judged:
        section.blocks.append(
            Explanation(
                "Too few MQLs per program",
                f"No program had {SMALL_SAMPLE} or more MQLs in the cohorts of {year}; "
                "every program is in marts.mart_lead_feedback.",
            )
        )
        return section
    counted = sum(1 for r in programs if r["program"] is not None)
    note = (
        f"Programs with {SMALL_SAMPLE} or more MQLs: {len(judged):,} of {counted:,}; every "
        f"program is in marts.mart_lead_feedback. {_maturity_note(programs)}"
    ).strip()
    if len(judged) <= 2 * PROGRAMS_SHOWN:
        tables = [(f"Programs by MQL acceptance, MQL cohorts {year}", judged, "program")]
    else:
        tables = [
            (
                f"Best programs by MQL acceptance, MQL cohorts {year}",
                judged[:PROGRAMS_SHOWN],
                "best",
            ),
            (
                f"Worst programs by MQL acceptance, MQL cohorts {year}",
                judged[-PROGRAMS_SHOWN:][::-1],
                "worst",
            ),
        ]
    for caption, chosen, kind in tables:
        section.blocks.append(
            Table(
                caption=caption,
                headers=["Program", "Channel", *PROGRAM_HEADERS],
                rows=[_program_row(r, kind, r["campaign_name"], r["channel"]) for r in chosen],
                note=note if chosen is tables[-1][1] else "",
            )
        )
    return section


def _maturity_note(found: Rows) -> str:
    if all(r["is_mature"] for r in found):
        return ""
    return "The latest cohorts are still maturing: their acceptance can still rise."


def _program_row(r: dict, kind: str, name: str, channel: str | None = None) -> Row:
    reason = (
        f"{r['category_name']} ({r['reason_cycles'] / r['ended']:.0%})"
        if r["reason_category"] and r["ended"]
        else "—"
    )
    mqls = r["mqls"] or 0
    return Row(
        metric=f"programs.{kind}.{r['program'] or 'none'}",
        cells=[
            label(name),
            *([label(channel or "")] if kind != "channel" else []),
            cell(fmt.count(mqls)),
            cell(fmt.percent(r["accepted"] / mqls) if mqls else "—", PROGRAM_DEFINITION),
            cell(fmt.percent(r["won"] / mqls) if mqls else "—", PROGRAM_DEFINITION),
            cell(fmt.percent((r["ended"] or 0) / mqls) if mqls else "—"),
            label(reason),
        ],
    )


def content_section(connection: duckdb.DuckDBPyConnection) -> Section:
    section = Section(
        "content",
        "Content that moves buyers on",
        "The assets whose audience converted to the next stage most often, against those who "
        "didn't engage with them.",
    )
    found = rows(
        connection,
        f"""
        select asset_type, asset_id, asset_name, from_stage, to_stage, engaged_decided,
            engaged_conversion_rate, not_engaged_decided, not_engaged_conversion_rate,
            conversion_lift_points
        from marts.mart_content_effectiveness
        where is_sample_sufficient and conversion_lift_points is not null
        order by conversion_lift_points desc, engaged_decided desc, asset_name
        limit {CONTENT_SHOWN}
        """,
    )
    if not found:
        section.blocks.append(
            Explanation(
                "Too few engaged buyers",
                f"No asset has {SMALL_SAMPLE} or more decided cycles both with and without "
                "engagement at any stage yet.",
            )
        )
        return section
    section.blocks.append(
        Table(
            caption="Largest conversion lift (all cycles to date)",
            headers=[
                "Asset",
                "Type",
                "Stage",
                "Engaged: converted",
                "Not engaged: converted",
                "Lift",
            ],
            rows=[
                Row(
                    metric=f"content.{r['asset_type']}.{r['asset_id']}.{r['from_stage']}",
                    cells=[
                        label(r["asset_name"] or r["asset_id"]),
                        label(r["asset_type"].replace("_", " ")),
                        label(_pair(r["from_stage"], r["to_stage"])),
                        cell(
                            f"{fmt.percent(r['engaged_conversion_rate'])} of "
                            f"{r['engaged_decided']:,}"
                        ),
                        cell(
                            f"{fmt.percent(r['not_engaged_conversion_rate'])} of "
                            f"{r['not_engaged_decided']:,}"
                        ),
                        cell(f"{r['conversion_lift_points'] * 100:+.1f} pts", CONTENT_DEFINITION),
                    ],
                )
                for r in found
            ],
            note=f"Assets with at least {SMALL_SAMPLE} decided cycles engaged and not engaged; "
            "every asset and stage is in marts.mart_content_effectiveness.",
        )
    )
    return section


def _pair(from_stage: str, to_stage: str) -> str:
    names = {"mql": "MQL", "sal": "SAL", "sql": "SQL", "opportunity": "Opportunity"}
    names["customer"] = "Won"
    return f"{names.get(from_stage, from_stage)} → {names.get(to_stage, to_stage)}"


def icp_section(connection: duckdb.DuckDBPyConnection, first: date, last: date, period: str):
    section = Section(
        "who_buys",
        f"Who buys, {period}",
        "Win rate and MQL acceptance by the buyer's industry, company size and persona: the "
        "win/loss review's view of the ideal customer profile.",
    )
    found = rows(
        connection,
        """
        select breakdown, breakdown_value, kpi_code, sum(numerator) as numerator,
            sum(denominator) as denominator
        from marts.mart_shared_kpis
        where period_grain = 'month' and period_start_date between ? and ?
            and breakdown in ('industry', 'company_size', 'persona')
            and kpi_code in ('win_rate_count', 'mql_to_sal_rate')
        group by breakdown, breakdown_value, kpi_code
        """,
        [first, last],
    )
    personas = {
        r["persona_code"]: r["persona_name"]
        for r in rows(
            connection,
            "select distinct persona_code, persona_name from marts.dim_person "
            "where persona_code is not null",
        )
    }
    values: dict[str, dict[str, dict]] = defaultdict(dict)
    for r in found:
        values[r["breakdown"]].setdefault(r["breakdown_value"], {})[r["kpi_code"]] = r
    if not values:
        section.blocks.append(
            Explanation("No closed deals or MQLs", f"No deal closed and no MQL in {period}.")
        )
        return section
    for breakdown, title in ICP_BREAKDOWNS.items():
        by_value = values.get(breakdown, {})
        if not by_value:
            continue
        section.blocks.append(_icp_table(breakdown, title, by_value, personas))
    return section


def icp_value_name(breakdown: str, value: str, personas: dict[str, str]) -> str:
    """How a reader names an ICP breakdown value: `size_100_249` -> `100-249 employees`."""
    if value == "unknown":
        return {"persona": "No title", "company_size": "Size unknown"}.get(breakdown, "Unknown")
    if breakdown == "persona":
        return personas.get(value) or value.replace("_", " ").capitalize()
    if breakdown == "company_size":
        bounds = value.removeprefix("size_").split("_")
        if len(bounds) == 2 and bounds[0].isdigit():
            low = int(bounds[0])
            if bounds[1] == "plus":
                return f"{low:,}+ employees"
            if bounds[1].isdigit():
                return f"{low:,}\N{EN DASH}{int(bounds[1]):,} employees"
    return value


def _icp_order(breakdown: str, value: str, name: str) -> tuple[bool, int, str]:
    """Company sizes from small to large, everything else by name; unknown last."""
    size = value.removeprefix("size_").split("_")[0]
    rank = int(size) if breakdown == "company_size" and size.isdigit() else 0
    return (value == "unknown", rank, name)


def _icp_table(
    breakdown: str, title: str, by_value: dict[str, dict], personas: dict[str, str]
) -> Table:
    def rate(kpi: dict | None) -> float | None:
        if not kpi or not kpi["denominator"]:
            return None
        return kpi["numerator"] / kpi["denominator"]

    def sample(kpi: dict | None) -> int:
        return int(kpi["denominator"] or 0) if kpi else 0

    ordered = sorted(
        by_value.items(),
        key=lambda item: _icp_order(
            breakdown, item[0], icp_value_name(breakdown, item[0], personas)
        ),
    )
    table_rows = []
    for value, kpis in ordered:
        wins, mqls = kpis.get("win_rate_count"), kpis.get("mql_to_sal_rate")
        closed, entered = sample(wins), sample(mqls)
        table_rows.append(
            Row(
                metric=f"who_buys.{breakdown}.{value}",
                cells=[
                    label(icp_value_name(breakdown, value, personas)),
                    cell(fmt.count(closed)),
                    cell(
                        fmt.percent(rate(wins)) if closed else "no closed deals",
                        ICP_DEFINITION,
                        numeric=True,
                    ),
                    cell(fmt.count(entered)),
                    cell(fmt.percent(rate(mqls)) if entered else "no MQLs", ICP_DEFINITION),
                ],
            )
        )
    small = [
        icp_value_name(breakdown, value, personas)
        for value, kpis in ordered
        if sample(kpis.get("win_rate_count")) < SMALL_SAMPLE
    ]
    return Table(
        caption=f"By {title.lower()}",
        headers=[title, "Closed deals", "Win rate", "MQLs", "MQL → SAL"],
        rows=table_rows,
        note=f"Fewer than {SMALL_SAMPLE} closed deals, too few to judge the win rate: "
        + ", ".join(small)
        if small
        else "",
        aligned=True,
    )
