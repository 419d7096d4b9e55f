"""The monthly review: the funnel and its velocity, the shared KPI scorecard, pipeline by
source, attribution under the six models, marketing's programs (their email and the MQLs and
pipeline they influenced), and whether the sales-ready score still selects the leads that win."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from orchestration.review import charts, closed_loop, email_programs
from orchestration.review import formatting as fmt
from orchestration.review.blocks import (
    Cell,
    Chart,
    Definition,
    Explanation,
    Figure,
    Figures,
    Page,
    Row,
    Section,
    Table,
    cell,
    label,
    sparkline_cell,
    verdict_of,
)
from orchestration.review.labels import SOURCED_BY_NAMES, sourced_by_name
from orchestration.review.periods import ReviewMonth
from orchestration.review.published import PublishedRun
from orchestration.review.queries import rows

TREND_MONTHS = 12
# A score band with fewer MQLs than this is shown, but flagged as too few to judge.
SMALL_BAND = 30
FUNNEL_STAGES = ["lead", "mql", "sal", "sql", "opportunity", "customer"]
SHORT_STAGE_NAMES = {
    "lead": "Lead",
    "mql": "MQL",
    "sal": "SAL",
    "sql": "SQL",
    "opportunity": "Opportunity",
    "customer": "Won",
    "won": "Won",
}


def short_stage(code: str) -> str:
    return SHORT_STAGE_NAMES.get(code, code.replace("_", " ").capitalize())


def pair_name(from_stage: str, to_stage: str) -> str:
    return f"{short_stage(from_stage)} → {short_stage(to_stage)}"


# The paper's measures of sales and marketing alignment, in its order.
MEASURE_GROUPS = {
    "qualified_leads": "Qualified-lead growth",
    "conversion": "Conversion",
    "pipeline": "Pipeline",
    "new_accounts": "New accounts",
    "forecast_accuracy": "Forecast accuracy",
    "retention": "Retention",
    "deal_size": "Deal size",
    "revenue_growth": "Revenue growth",
    "quota_attainment": "Quota attainment",
}
HEADLINE_KPIS = [
    "mqls",
    "pipeline_created_amount",
    "bookings_amount",
    "win_rate_count",
    "forecast_accuracy",
    "new_accounts_acquired",
]
ATTRIBUTION_MODELS = {
    "first_touch_credit": (
        "First touch",
        "All credit to the person's first touch before the opportunity.",
    ),
    "last_touch_credit": ("Last touch", "All credit to the last touch before the opportunity."),
    "linear_credit": ("Linear", "Equal credit to every touch (1 / touches)."),
    "u_shaped_credit": (
        "U-shaped",
        "40% first, 40% last, 20% shared by the touches between (50/50 with two touches).",
    ),
    "w_shaped_credit": (
        "W-shaped",
        "30% first, 30% the last touch at or before the MQL, 30% last, 10% shared by the rest "
        "(equal shares with three or fewer touches).",
    ),
    "time_decay_credit": (
        "Time decay",
        "Weight 0.5^(days before the opportunity / 7), normalised to sum to 1.",
    ),
}
VELOCITY = (
    "Median days a lifecycle cycle spent in the stage before it moved on (entered → exited, "
    "fct_funnel_transitions), over the cycles that left the stage in the month. Counted at exit, "
    "not entry: by month of entry, recent months would hold only the fast movers and look "
    "quicker than they are."
)
STAGE_VOLUME = "Lifecycle cycles that entered the stage in the month (fct_funnel_transitions)."
COHORT_CONVERSION = (
    "Of the cycles that entered the first stage in the cohort month, the share that reached the "
    "next stage within the agreed window (seed conversion_windows). A cohort is mature once its "
    "month end plus the window has passed; before that the rate can still rise."
)
ATTRIBUTION = (
    "Won revenue of opportunities closed won in the month, credited to the channels of the "
    "marketing and sales touches before each opportunity (mart_attribution)."
)
CALIBRATION = (
    "MQLs by the score band they had at the MQL moment: the share accepted by sales (reached a "
    "recorded SAL) and the share won. All MQLs to date (mart_lead_score_calibration)."
)


def _month_start(month: ReviewMonth) -> datetime:
    return datetime.combine(month.start, datetime.min.time())


class Scorecard:
    """mart_shared_kpis at the total level: one row per KPI and period."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, month: ReviewMonth) -> None:
        first = month.previous(TREND_MONTHS - 1)
        self.rows = rows(
            connection,
            """
            select kpi_code, kpi_name, owning_team, unit, higher_is_better, measure_group,
                period_grain, period_start_date, period_end_date, is_complete_period, is_mature,
                kpi_value, numerator, denominator, pending_count, target_value, formula,
                window_days
            from marts.mart_shared_kpis
            where breakdown = 'total' and period_start_date >= ? - interval 3 month
                and period_start_date <= ?
            order by kpi_code, period_grain, period_start_date
            """,
            [first.start, month.start],
        )
        self.month = month
        # What a KPI is (name, unit, group, formula): the same on every row of it.
        self.definitions: dict[str, dict] = {}
        for row in self.rows:
            self.definitions.setdefault(row["kpi_code"], row)
        self.codes = list(self.definitions)

    def grain(self, code: str) -> str:
        grains = {r["period_grain"] for r in self.rows if r["kpi_code"] == code}
        return "month" if "month" in grains else "quarter"

    def at(self, code: str, start) -> dict | None:
        grain = self.grain(code)
        for r in self.rows:
            if (
                r["kpi_code"] == code
                and r["period_grain"] == grain
                and r["period_start_date"] <= start < r["period_end_date"]
            ):
                return r
        return None

    def current(self, code: str) -> dict | None:
        return self.at(code, self.month.start)

    def previous(self, code: str) -> dict | None:
        current = self.current(code)
        if current is None:
            return None
        before = [
            r
            for r in self.rows
            if r["kpi_code"] == code
            and r["period_grain"] == current["period_grain"]
            and r["period_start_date"] < current["period_start_date"]
        ]
        return before[-1] if before else None

    def trend(self, code: str) -> list[float | None]:
        grain = self.grain(code)
        found = {
            r["period_start_date"]: r["kpi_value"]
            for r in self.rows
            if r["kpi_code"] == code and r["period_grain"] == grain
        }
        if grain == "month":
            starts = [self.month.previous(n).start for n in range(TREND_MONTHS - 1, -1, -1)]
        else:
            starts = sorted(found)
        return [found.get(start) for start in starts]


def _kpi_value_text(row: dict | None) -> str:
    if row is None:
        return "not computed for this period"
    if row["kpi_value"] is None:
        if not row["denominator"]:
            return "nothing to measure in this period"
        return "not measurable"
    return fmt.by_unit(row["kpi_value"], row["unit"])


def _period_note(row: dict, month: ReviewMonth) -> str:
    notes = []
    if row["period_grain"] != "month":
        notes.append(f"quarter from {row['period_start_date']:%b %Y}")
    if not row["is_complete_period"]:
        notes.append("period still running")
    if row["is_mature"] is False:
        pending = row["pending_count"]
        notes.append(
            f"maturing: {pending:,} still open"
            if pending
            else "maturing: the conversion window is still open"
        )
    return "; ".join(notes)


def _tile_detail(row: dict, previous: dict | None, month: ReviewMonth) -> str:
    """The change against the previous period, or that period's value when no change can be
    computed (no value now, or growth from zero)."""
    if previous is None:
        return _period_note(row, month) or "no previous period"
    changed = fmt.change(row["kpi_value"], previous["kpi_value"], row["unit"])
    if changed != fmt.MISSING:
        return f"{changed} vs previous"
    return _period_note(row, month) or (
        f"{previous['period_start_date']:%b %Y}: {_kpi_value_text(previous)}"
    )


def _overview(scorecard: Scorecard) -> tuple[Figures, dict[str, str]]:
    figures, headline = [], {}
    for code in HEADLINE_KPIS:
        row = scorecard.current(code)
        if row is None:
            continue
        previous = scorecard.previous(code)
        value = (
            fmt.compact_amount(row["kpi_value"])
            if row["unit"] == "amount" and row["kpi_value"] is not None
            else _kpi_value_text(row)
        )
        detail = _tile_detail(row, previous, scorecard.month)
        figures.append(Figure(f"kpi.{code}", row["kpi_name"], value, detail, row["formula"]))
        headline[row["kpi_name"]] = value
    return Figures(figures), headline


def _scorecard_section(scorecard: Scorecard) -> Section:
    section = Section(
        "scorecard",
        "Shared KPI scorecard",
        "Every KPI both teams are measured on, grouped by the measures of alignment; hover a name "
        "for its agreed definition. Change is against the previous period (points for rates).",
    )
    grouped: dict[str, list[str]] = {}
    for code in scorecard.codes:
        grouped.setdefault(scorecard.definitions[code]["measure_group"], []).append(code)
    for group in [*MEASURE_GROUPS, *sorted(set(grouped) - set(MEASURE_GROUPS))]:
        codes = grouped.get(group)
        if not codes:
            continue
        table_rows = []
        for code in codes:
            row = scorecard.current(code)
            any_row = scorecard.definitions[code]
            previous = scorecard.previous(code)
            unit = any_row["unit"]
            table_rows.append(
                Row(
                    metric=f"kpi.{code}",
                    cells=[
                        label(any_row["kpi_name"], any_row["formula"]),
                        label(any_row["owning_team"].capitalize()),
                        cell(
                            _kpi_value_text(row),
                            any_row["formula"],
                            _kpi_verdict(row),
                        ),
                        cell(_target_text(row, unit)),
                        cell(_kpi_value_text(previous) if previous else "no previous period"),
                        cell(
                            fmt.change(
                                row["kpi_value"] if row else None,
                                previous["kpi_value"] if previous else None,
                                unit,
                            )
                        ),
                        sparkline_cell(scorecard.trend(code), "too few periods"),
                        label(_period_note(row, scorecard.month) if row else ""),
                    ],
                )
            )
        section.blocks.append(
            Table(
                caption=MEASURE_GROUPS.get(group, group.replace("_", " ").capitalize()),
                headers=[
                    "KPI",
                    "Owner",
                    scorecard.month.title,
                    "Target",
                    "Previous",
                    "Change",
                    f"Last {TREND_MONTHS}",
                    "Note",
                ],
                rows=table_rows,
                aligned=True,
            )
        )
    if not grouped:
        section.blocks.append(
            Explanation("No KPIs", f"mart_shared_kpis has no rows for {scorecard.month.title}.")
        )
    return section


def _kpi_verdict(row: dict | None) -> str:
    """Against the agreed target: an attainment KPI's target is what it attains (MQLs, quota),
    so it meets its target at 100%."""
    if row is None or row["kpi_value"] is None or row["target_value"] is None:
        return ""
    if row["kpi_code"].endswith("_attainment"):
        return verdict_of(row["kpi_value"], 1.0)
    return verdict_of(row["kpi_value"], row["target_value"], row["higher_is_better"])


def _target_text(row: dict | None, unit: str) -> str:
    if row is None or row["target_value"] is None:
        return fmt.MISSING
    if row["kpi_code"] == "mql_target_attainment":
        return f"{fmt.count(row['target_value'])} MQLs"
    if row["kpi_code"] == "quota_attainment":
        return f"{fmt.amount(row['target_value'])} quota"
    return fmt.by_unit(row["target_value"], unit)


def _stage_names(connection: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    return {
        r["stage_code"]: (r["stage_name"], r["description"])
        for r in rows(
            connection,
            "select stage_code, stage_name, definition as description from marts.dim_funnel_stage",
        )
    }


def _funnel_section(
    connection: duckdb.DuckDBPyConnection, month: ReviewMonth, stages: dict[str, tuple[str, str]]
) -> Section:
    section = Section(
        "funnel",
        "The funnel",
        "Stage volumes of the month, conversion by cohort month, and how long cycles spend in "
        "each stage.",
    )
    first = month.previous(TREND_MONTHS - 1)
    volumes = rows(
        connection,
        """
        with entries as (
            select stage_code, date_trunc('month', entered_at) as month, count(*) as entries
            from marts.fct_funnel_transitions
            where entered_at >= ? and entered_at < ?
            group by all
        ),

        exits as (
            select stage_code, date_trunc('month', exited_at) as month,
                median(date_diff('second', entered_at, exited_at) / 86400.0) as median_days
            from marts.fct_funnel_transitions
            where exited_at >= ? and exited_at < ?
            group by all
        )

        select stage_code, month, coalesce(entries.entries, 0) as entries, exits.median_days
        from entries full outer join exits using (stage_code, month)
        """,
        [first.start, month.end, first.start, month.end],
    )
    by_stage = {(r["stage_code"], r["month"].date()): r for r in volumes}
    this_month = [(s, by_stage.get((s, month.start))) for s in FUNNEL_STAGES]
    before = month.previous(1).start
    if any(found and found["entries"] for _, found in this_month):
        frame = pd.DataFrame(
            {
                "stage": [short_stage(s) for s, _ in this_month],
                "entries": [found["entries"] if found else 0 for _, found in this_month],
            }
        )
        section.blocks.append(
            Chart(
                f"Stage entries in {month.title}",
                charts.funnel(frame, stage="stage", volume="entries"),
            )
        )
        section.blocks.append(
            Table(
                caption="Stage volumes and velocity",
                headers=[
                    "Stage",
                    f"Entries {month.start:%b}",
                    f"Entries {before:%b}",
                    "Change",
                    f"Median days in stage, of those leaving it in {month.start:%b}",
                ],
                rows=[
                    Row(
                        metric=f"stage.{code}",
                        cells=[
                            label(stages.get(code, (code, ""))[0], stages.get(code, ("", ""))[1]),
                            cell(fmt.count(found["entries"] if found else 0), STAGE_VOLUME),
                            cell(
                                fmt.count(by_stage[(code, before)]["entries"])
                                if (code, before) in by_stage
                                else "0"
                            ),
                            cell(
                                fmt.change(
                                    found["entries"] if found else 0,
                                    by_stage[(code, before)]["entries"]
                                    if (code, before) in by_stage
                                    else None,
                                    "count",
                                )
                            ),
                            cell(
                                fmt.days(found["median_days"])
                                if found and found["median_days"] is not None
                                else ("final stage" if code == "customer" else "none left it"),
                                VELOCITY,
                            ),
                        ],
                    )
                    for code, found in this_month
                ],
            )
        )
    else:
        section.blocks.append(
            Explanation("Stage volumes", f"No cycle entered a funnel stage in {month.title}.")
        )
    velocity = [
        {
            "month": pd.Timestamp(r["month"]),
            "stage": short_stage(r["stage_code"]),
            "days": r["median_days"],
        }
        for r in volumes
        if r["median_days"] is not None and r["stage_code"] in FUNNEL_STAGES[:-1]
    ]
    velocity.sort(key=lambda point: list(SHORT_STAGE_NAMES.values()).index(point["stage"]))
    conversion = rows(
        connection,
        """
        select from_stage, to_stage, cohort_month, max(window_days) as window_days,
            sum(entered) as entered, sum(converted) as converted, sum(still_open) as still_open,
            sum(converted) / nullif(sum(entered), 0) as conversion_rate,
            bool_and(is_mature) as is_mature
        from marts.mart_funnel_conversion
        where cohort_month >= ? and cohort_month <= ?
        group by all
        order by cohort_month
        """,
        [month.previous(2 * TREND_MONTHS - 1).start, month.start],
    )
    pairs = list(dict.fromkeys((r["from_stage"], r["to_stage"]) for r in conversion))
    pairs.sort(
        key=lambda p: (
            FUNNEL_STAGES.index(p[0]) if p[0] in FUNNEL_STAGES else 9,
            FUNNEL_STAGES.index(p[1]) if p[1] in FUNNEL_STAGES else 9,
        )
    )
    trend = [
        {
            "cohort": pd.Timestamp(r["cohort_month"]),
            "pair": pair_name(r["from_stage"], r["to_stage"]),
            "rate": r["conversion_rate"],
            "maturing": not r["is_mature"],
        }
        for r in conversion
        if r["conversion_rate"] is not None and r["cohort_month"] >= first.start
    ]
    pair_order = [pair_name(a, b) for a, b in pairs]
    trend.sort(key=lambda point: pair_order.index(point["pair"]))
    if trend:
        section.blocks.append(
            Chart(
                "Conversion by cohort month (open points: cohort still maturing)",
                charts.series_over_time(
                    pd.DataFrame(trend),
                    x="cohort",
                    y="rate",
                    series="pair",
                    y_format=".0%",
                    y_title="Converted within window",
                    hollow="maturing",
                ),
            )
        )
    table_rows = []
    for pair in pairs:
        cohorts = [r for r in conversion if (r["from_stage"], r["to_stage"]) == pair]
        current = next((r for r in cohorts if r["cohort_month"] == month.start), None)
        mature = [r for r in cohorts if r["is_mature"] and r["conversion_rate"] is not None]
        latest_mature = mature[-1] if mature else None
        pair_label = pair_name(*pair)
        table_rows.append(
            Row(
                metric=f"conversion.{pair[0]}.{pair[1]}",
                cells=[
                    label(pair_label, COHORT_CONVERSION),
                    cell(
                        f"{cohorts[0]['window_days']} d"
                        if cohorts and cohorts[0]["window_days"]
                        else fmt.MISSING
                    ),
                    cell(fmt.count(current["entered"]) if current else "0"),
                    cell(
                        fmt.percent(current["conversion_rate"])
                        if current and current["conversion_rate"] is not None
                        else "no entries",
                        COHORT_CONVERSION,
                    ),
                    label(
                        (
                            "mature"
                            if current["is_mature"]
                            else f"maturing, {fmt.count(current['still_open'])} open"
                        )
                        if current
                        else ""
                    ),
                    cell(
                        f"{fmt.percent(latest_mature['conversion_rate'])} "
                        f"({latest_mature['cohort_month']:%b %Y})"
                        if latest_mature
                        else "no mature cohort yet"
                    ),
                ],
            )
        )
    section.blocks.append(
        Table(
            caption=f"Conversion of the {month.title} cohort, and the latest mature cohort",
            headers=["Stages", "Window", "Entered", "Converted", "State", "Latest mature cohort"],
            rows=table_rows,
            empty_reason="No cycle has entered the funnel yet.",
        )
    )
    if velocity:
        section.blocks.append(
            Chart(
                "Velocity: median days in stage, by month the stage was left",
                charts.series_over_time(
                    pd.DataFrame(velocity),
                    x="month",
                    y="days",
                    series="stage",
                    y_format=",.0f",
                    y_title="Median days",
                ),
            )
        )
    return section


def _pipeline_section(
    connection: duckdb.DuckDBPyConnection, month: ReviewMonth, scorecard: Scorecard
) -> Section:
    section = Section(
        "pipeline",
        "Pipeline",
        "Opportunities created by source, coverage of the period's quota, and win rates by source.",
    )
    first = month.previous(TREND_MONTHS - 1)
    by_source = rows(
        connection,
        """
        select period_start_date, breakdown_value, kpi_code, unit, kpi_value, numerator,
            denominator, formula
        from marts.mart_shared_kpis
        where period_grain = 'month' and breakdown = 'sourced_by'
            and kpi_code in ('pipeline_created_amount', 'pipeline_created_count', 'win_rate_count',
                             'win_rate_amount')
            and period_start_date between ? and ?
        """,
        [first.start, month.start],
    )
    formulas = {r["kpi_code"]: r["formula"] for r in by_source}
    created = [
        {
            "month": pd.Timestamp(r["period_start_date"]),
            "source": sourced_by_name(r["breakdown_value"]),
            "amount": r["kpi_value"],
        }
        for r in by_source
        if r["kpi_code"] == "pipeline_created_amount" and r["kpi_value"]
    ]
    if created:
        colors = {
            "Marketing": charts.MARKETING,
            "Sales": charts.SALES,
            "Customer base": charts.CUSTOMER_BASE,
        }
        section.blocks.append(
            Chart(
                f"Pipeline created by source, last {TREND_MONTHS} months",
                charts.stacked_bars_over_time(
                    pd.DataFrame(created),
                    x="month",
                    y="amount",
                    series="source",
                    colors=colors,
                    y_format="$,.0f",
                ),
            )
        )
    current = {
        (r["breakdown_value"], r["kpi_code"]): r
        for r in by_source
        if r["period_start_date"] == month.start
    }
    order = list(SOURCED_BY_NAMES)
    sources = sorted(
        {source for source, _ in current},
        key=lambda source: (order.index(source) if source in order else len(order), source),
    )
    total_amount = sum(
        (current.get((s, "pipeline_created_amount")) or {}).get("kpi_value") or 0 for s in sources
    )

    def value(source: str, code: str) -> Cell:
        found = current.get((source, code))
        return cell(_kpi_value_text(found) if found else "none", formulas.get(code, ""))

    section.blocks.append(
        Table(
            caption=f"By source, {month.title}",
            headers=[
                "Source",
                "Opportunities created",
                "Pipeline created",
                "Share",
                "Win rate (count)",
                "Win rate (amount)",
            ],
            rows=[
                Row(
                    metric=f"pipeline.{source}",
                    cells=[
                        label(sourced_by_name(source)),
                        value(source, "pipeline_created_count"),
                        value(source, "pipeline_created_amount"),
                        cell(
                            fmt.percent(
                                (
                                    (current.get((source, "pipeline_created_amount")) or {}).get(
                                        "kpi_value"
                                    )
                                    or 0
                                )
                                / total_amount
                            )
                            if total_amount
                            else fmt.MISSING
                        ),
                        value(source, "win_rate_count"),
                        value(source, "win_rate_amount"),
                    ],
                )
                for source in sources
            ],
            empty_reason=f"No opportunity was created or closed in {month.title}.",
        )
    )
    coverage = scorecard.current("pipeline_coverage")
    if coverage is not None:
        teams = rows(
            connection,
            """
            select breakdown_value, kpi_value, numerator, denominator, formula
            from marts.mart_shared_kpis
            where kpi_code = 'pipeline_coverage' and breakdown = 'team'
                and period_grain = ? and period_start_date = ?
            order by breakdown_value
            """,
            [coverage["period_grain"], coverage["period_start_date"]],
        )
        period = f"{coverage['period_grain']} from {coverage['period_start_date']:%d %b %Y}"
        section.blocks.append(
            Table(
                caption=f"Coverage: pipeline expected to close in the {period} ÷ its quota",
                headers=["Team", "Pipeline at period start", "Quota", "Coverage"],
                rows=[
                    Row(
                        metric=f"coverage.{name}",
                        cells=[
                            label(name),
                            cell(fmt.amount(found["numerator"])),
                            cell(
                                fmt.amount(found["denominator"])
                                if found["denominator"]
                                else "no quota"
                            ),
                            cell(
                                fmt.multiple(found["kpi_value"])
                                if found["kpi_value"] is not None
                                else "no quota to cover",
                                coverage["formula"],
                            ),
                        ],
                    )
                    for name, found in [("All teams", coverage)]
                    + [(t["breakdown_value"], t) for t in teams]
                ],
            )
        )
    return section


def _attribution_section(connection: duckdb.DuckDBPyConnection, month: ReviewMonth) -> Section:
    section = Section("attribution", "Attribution", ATTRIBUTION)
    models = ", ".join(
        f"sum(attribution.{column} * attribution.won_amount) as {column}"
        for column in ATTRIBUTION_MODELS
    )
    found = rows(
        connection,
        f"""
        select coalesce(attribution.channel, 'Unknown') as channel, {models}
        from marts.mart_attribution as attribution
        inner join marts.fct_opportunities as opportunities
            on attribution.opportunity_id = opportunities.opportunity_id
        where opportunities.is_won and opportunities.closed_at >= ? and opportunities.closed_at < ?
        group by 1 order by 1
        """,
        [month.start, month.end],
    )
    if not found:
        section.blocks.append(
            Explanation(
                "No attributed revenue",
                f"No opportunity with marketing or sales touches closed won in {month.title}.",
            )
        )
        return section
    long = [
        {"channel": r["channel"], "model": name, "revenue": r[column] or 0.0}
        for r in found
        for column, (name, _) in ATTRIBUTION_MODELS.items()
    ]
    section.blocks.append(
        Chart(
            f"Won revenue by channel under each model, {month.title}",
            charts.grouped_bars(
                pd.DataFrame(long),
                category="channel",
                group="model",
                value="revenue",
                value_format="$,.0f",
            ),
        )
    )
    totals = {column: sum(r[column] or 0 for r in found) for column in ATTRIBUTION_MODELS}
    section.blocks.append(
        Table(
            caption="Won revenue credited per channel",
            headers=["Channel", *(name for name, _ in ATTRIBUTION_MODELS.values())],
            rows=[
                Row(
                    metric=f"attribution.{r['channel']}",
                    cells=[label(r["channel"])]
                    + [
                        cell(fmt.amount(r[column]), text)
                        for column, (_, text) in ATTRIBUTION_MODELS.items()
                    ],
                )
                for r in found
            ]
            + [
                Row(
                    metric="attribution.total",
                    cells=[label("Total")]
                    + [cell(fmt.amount(totals[column])) for column in ATTRIBUTION_MODELS],
                )
            ],
        )
    )
    return section


def _calibration_section(connection: duckdb.DuckDBPyConnection) -> Section:
    section = Section("calibration", "Lead-score calibration", CALIBRATION)
    bands = rows(
        connection,
        "select * from marts.mart_lead_score_calibration order by band_floor nulls first",
    )
    scored = [b for b in bands if b["band_floor"] is not None and b["mqls"]]
    threshold = next((b["score_band"] for b in bands if b["is_sales_ready_band"]), None)
    if scored:
        frame = pd.DataFrame(
            {
                "band": [b["score_band"] for b in scored],
                "sal_rate": [b["sal_rate"] or 0.0 for b in scored],
                "win_rate": [b["win_rate"] or 0.0 for b in scored],
                "mqls": [b["mqls"] for b in scored],
            }
        )
        section.blocks.append(
            Chart(
                "Accepted by sales and won, by score band at the MQL moment",
                charts.rates_by_band(
                    frame,
                    band="band",
                    rates={"sal_rate": "Accepted (SAL)", "win_rate": "Won"},
                    threshold_band=threshold if threshold in set(frame["band"]) else None,
                    sample="mqls",
                    small_sample=SMALL_BAND,
                ),
                note=f"Pale bars: bands with fewer than {SMALL_BAND} MQLs, too few to judge.",
            )
        )
    else:
        section.blocks.append(
            Explanation("No scored MQLs", "No MQL had a lead score at its MQL moment yet.")
        )
    section.blocks.append(
        Table(
            caption=f"By score band (sales-ready from band {threshold})"
            if threshold
            else "By score band",
            headers=["Score band", "Sales-ready", "MQLs", "Accepted (SAL)", "Opportunity", "Won"],
            rows=[
                Row(
                    metric=f"calibration.{b['score_band']}",
                    cells=[
                        label(b["score_band"]),
                        label("yes" if b["is_sales_ready_band"] else "no"),
                        cell(fmt.count(b["mqls"])),
                        cell(fmt.percent(b["sal_rate"]) if b["mqls"] else "no MQLs"),
                        cell(fmt.percent(b["opportunity_rate"]) if b["mqls"] else "no MQLs"),
                        cell(fmt.percent(b["win_rate"]) if b["mqls"] else "no MQLs"),
                    ],
                )
                for b in bands
            ],
            note=_small_bands_note(bands),
            empty_reason="No MQLs yet.",
        )
    )
    return section


def _small_bands_note(bands: list[dict]) -> str:
    small = [f"{b['score_band']} ({b['mqls']:,})" for b in bands if 0 < b["mqls"] < SMALL_BAND]
    if not small:
        return ""
    return f"Too few MQLs to judge (under {SMALL_BAND}): {', '.join(small)}."


def _closed_loop_sections(
    connection: duckdb.DuckDBPyConnection, month: ReviewMonth
) -> list[Section]:
    """Sales' verdicts of the month, programs by acceptance over the last cohorts, the content
    that converts, and who buys over the last twelve months."""
    verdicts, _ = closed_loop.verdicts_section(
        connection, month.start, month.end, month.title, "verdicts"
    )
    cohorts = month.previous(closed_loop.PROGRAM_COHORT_MONTHS - 1)
    year = month.previous(closed_loop.ICP_MONTHS - 1)
    return [
        verdicts,
        closed_loop.programs_section(
            connection,
            cohorts.start,
            year.start,
            month.start,
            (
                f"{cohorts.title} \N{EN DASH} {month.title}",
                f"{year.title} \N{EN DASH} {month.title}",
            ),
        ),
        closed_loop.content_section(connection),
        closed_loop.icp_section(
            connection, year.start, month.start, f"{year.title} \N{EN DASH} {month.title}"
        ),
    ]


def build_monthly(
    connection: duckdb.DuckDBPyConnection, run: PublishedRun, month: ReviewMonth
) -> Page:
    scorecard = Scorecard(connection, month)
    stages = _stage_names(connection)
    figures, headline = _overview(scorecard)
    overview = Section(
        "overview",
        "At a glance",
        blocks=[figures]
        if figures.figures
        else [Explanation("No KPIs", f"mart_shared_kpis has no rows for {month.title} yet.")],
    )
    sections = [
        overview,
        _funnel_section(connection, month, stages),
        _scorecard_section(scorecard),
        _pipeline_section(connection, month, scorecard),
        _attribution_section(connection, month),
        email_programs.programs_section(connection, month),
        _calibration_section(connection),
        *_closed_loop_sections(connection, month),
    ]
    definitions = []
    seen = set()
    for r in scorecard.rows:
        if r["kpi_code"] not in seen:
            seen.add(r["kpi_code"])
            definitions.append(Definition(r["kpi_name"], r["formula"]))
    definitions += [Definition(name, description) for name, description in stages.values()]
    definitions += [
        Definition("Stage volume", STAGE_VOLUME),
        Definition("Velocity", VELOCITY),
        Definition("Cohort conversion", COHORT_CONVERSION),
        Definition("Attribution", ATTRIBUTION),
        *(Definition(f"{name} attribution", text) for name, text in ATTRIBUTION_MODELS.values()),
        Definition("Lead-score calibration", CALIBRATION),
        *email_programs.DEFINITIONS,
        *closed_loop.DEFINITIONS,
    ]
    complete = "" if month.is_complete_at(run.as_of) else " (month still running at the as-of)"
    return Page(
        kind="monthly",
        title=f"Monthly revenue review — {month.title}",
        period_label=month.label,
        subtitle=month.title + complete,
        provenance=run.describe(),
        sections=sections,
        definitions=definitions,
        headline={"month": month.label, **headline},
    )
