"""Every shared KPI of seeds/kpi_definitions.csv, recomputed for given periods at breakdown
`total` from the lifecycle cycles and opportunities rebuilt from raw (recompute.lifecycle) and
the seeds, written from the formula texts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd

from recompute.lifecycle import lead_cycles, opportunities, opportunity_states_at
from recompute.raw import RawTables, seed, timestamps

GRAIN_MONTHS = {"month": 1, "quarter": 3}


@dataclass(frozen=True)
class Period:
    grain: str
    start: pd.Timestamp

    @property
    def end(self) -> pd.Timestamp:
        return self.start + pd.DateOffset(months=GRAIN_MONTHS[self.grain])

    @property
    def previous(self) -> Period:
        return Period(self.grain, self.start - pd.DateOffset(months=GRAIN_MONTHS[self.grain]))

    def holds(self, moments: pd.Series) -> pd.Series:
        return (moments >= self.start) & (moments < self.end)

    def __str__(self) -> str:
        return f"{self.grain} {self.start.date()}"


@dataclass(frozen=True)
class Measure:
    """A KPI's value with the numerator and denominator it comes from (denominator None for
    counts and amounts). `compare_parts` is False where the formula names no numerator and
    denominator (forecast accuracy); `is_mature` is set for the windowed conversion rates;
    `defined` is False where the KPI has no value for the period (no quota for a month)."""

    value: float | None
    numerator: float | None
    denominator: float | None
    compare_parts: bool = True
    is_mature: bool | None = None
    defined: bool = True


def count(value: float) -> Measure:
    return Measure(float(value), float(value), None)


def ratio(numerator: float, denominator: float, is_mature: bool | None = None) -> Measure:
    numerator, denominator = float(numerator), float(denominator)
    value = numerator / denominator if denominator else None
    return Measure(value, numerator, denominator, is_mature=is_mature)


def growth(current: Measure, previous: Measure) -> Measure:
    """(value - previous value) / previous value, null when either is null or previous is 0."""
    if not (current.defined and previous.defined):
        return Measure(None, None, None, defined=False)
    if current.value is None or previous.value is None:
        return Measure(None, None, None)
    numerator = current.value - previous.value
    value = numerator / previous.value if previous.value else None
    return Measure(value, numerator, previous.value)


NOT_DEFINED = Measure(None, None, None, defined=False)

# (kpi_code, cohort column, reached moment, window seed pair): the windowed conversion rates. The
# reached moment is the first of the listed stages (DESIGN: skipped MQL and SAL are handoff stages
# never reached by a cycle that skipped them, so they list only themselves).
CONVERSIONS: list[tuple[str, str, list[str], tuple[str, str]]] = [
    ("lead_to_mql_rate", "lead_at", ["mql_at"], ("lead", "mql")),
    ("mql_to_sal_rate", "mql_at", ["sal_at"], ("mql", "sal")),
    ("sal_to_sql_rate", "sal_at", ["sql_at", "opportunity_created_at", "won_at"], ("sal", "sql")),
    (
        "sql_to_opportunity_rate",
        "sql_at",
        ["opportunity_created_at", "won_at"],
        ("sql", "opportunity"),
    ),
    ("mql_to_won_rate", "mql_at", ["won_at"], ("mql", "won")),
]


class Recomputation:
    """The KPIs from raw: `measure(kpi_code, period)`."""

    def __init__(self, raw: RawTables, as_of: pd.Timestamp) -> None:
        self.as_of = as_of
        self.raw = raw
        self.cycles = lead_cycles(raw)
        self.opportunities = opportunities(raw, self.cycles)
        windows = seed("conversion_windows")
        self.windows = {
            (row.from_stage, row.to_stage): int(row.window_days) for row in windows.itertuples()
        }
        self._follow_ups: pd.DataFrame | None = None
        self._states: dict[pd.Timestamp, pd.DataFrame] = {}
        self.kpis: dict[str, Callable[[Period], Measure]] = {
            "mqls": lambda p: count(p.holds(self.cycles.mql_at).sum()),
            "sals": lambda p: count(p.holds(self.cycles.sal_at).sum()),
            "sqls": lambda p: count(p.holds(self.cycles.sql_at).sum()),
            "mql_growth_rate": lambda p: growth(
                self.measure("mqls", p), self.measure("mqls", p.previous)
            ),
            "mql_target_attainment": self.mql_target_attainment,
            "pipeline_created_count": lambda p: count(len(self.created_pipeline(p))),
            "pipeline_created_amount": lambda p: count(self.created_pipeline(p).amount.sum()),
            "marketing_sourced_pipeline_share": self.marketing_sourced_pipeline_share,
            "pipeline_past_close_date_share": self.pipeline_past_close_date_share,
            "pipeline_coverage": self.pipeline_coverage,
            "bookings_amount": lambda p: count(self.won(p).amount.sum()),
            "revenue_growth_rate": lambda p: growth(
                self.measure("bookings_amount", p), self.measure("bookings_amount", p.previous)
            ),
            "win_rate_count": lambda p: ratio(
                self.closed_pipeline(p).is_won.sum(), len(self.closed_pipeline(p))
            ),
            "win_rate_amount": lambda p: ratio(
                self.closed_pipeline(p).pipe(lambda g: g.amount[g.is_won].sum()),
                self.closed_pipeline(p).amount.sum(),
            ),
            "average_deal_size": lambda p: ratio(
                self.closed_pipeline(p).pipe(lambda g: g.amount[g.is_won].sum()),
                self.closed_pipeline(p).is_won.sum(),
            ),
            "average_account_bookings": lambda p: ratio(
                self.won(p).amount.sum(), self.won(p).account_id.nunique()
            ),
            "account_bookings_growth_rate": lambda p: growth(
                self.measure("average_account_bookings", p),
                self.measure("average_account_bookings", p.previous),
            ),
            "sales_cycle_days": self.sales_cycle_days,
            "new_accounts_acquired": self.new_accounts_acquired,
            "new_accounts_growth_rate": lambda p: growth(
                self.measure("new_accounts_acquired", p),
                self.measure("new_accounts_acquired", p.previous),
            ),
            "customer_retention_rate": self.customer_retention_rate,
            "customer_retention_growth_rate": lambda p: growth(
                self.measure("customer_retention_rate", p),
                self.measure("customer_retention_rate", p.previous),
            ),
            "quota_attainment": self.quota_attainment,
            "quota_attainment_growth_rate": lambda p: growth(
                self.measure("quota_attainment", p), self.measure("quota_attainment", p.previous)
            ),
            "forecast_commit_amount": lambda p: count(self.committed(p).amount.sum()),
            "forecast_bookings_amount": lambda p: count(self.forecastable_bookings(p)),
            "forecast_accuracy": self.forecast_accuracy,
            "forecast_commit_win_rate": self.forecast_commit_win_rate,
            "mql_follow_up_compliance_rate": self.mql_follow_up_compliance_rate,
            "pipeline_cohort_win_rate": lambda p: ratio(
                self.created_pipeline(p).pipe(lambda g: (g.is_won & g.is_closed).sum()),
                self.created_pipeline(p).is_closed.sum(),
            ),
        }
        for kpi_code, cohort, reached, window in CONVERSIONS:
            self.kpis[kpi_code] = self._conversion(cohort, reached, window)
        self._measures: dict[tuple[str, Period], Measure] = {}

    def measure(self, kpi_code: str, period: Period) -> Measure:
        key = (kpi_code, period)
        if key not in self._measures:
            self._measures[key] = self.kpis[kpi_code](period)
        return self._measures[key]

    # Lifecycle cycles ------------------------------------------------------------------------

    def _conversion(
        self, cohort: str, reached: list[str], pair: tuple[str, str]
    ) -> Callable[[Period], Measure]:
        """Of the cycles whose `cohort` moment fell in the period, those that reached the next
        stage (the first of `reached`) within the window (inclusive: reached <= cohort moment +
        window days). Mature once the period's end plus the window lies before as-of."""

        def measure(period: Period) -> Measure:
            window = pd.Timedelta(days=self.windows[pair])
            members = self.cycles[period.holds(self.cycles[cohort])]
            reached_at = members[reached].min(axis=1)
            converted = reached_at.notna() & (reached_at <= members[cohort] + window)
            return ratio(converted.sum(), len(members), is_mature=period.end + window < self.as_of)

        return measure

    def mql_target_attainment(self, period: Period) -> Measure:
        """mqls / the agreed target; a quarter sums its months (and the total its segments)."""
        targets = seed("mql_targets")
        months = pd.to_datetime(targets.month_start_date)
        in_period = period.holds(months)
        if not in_period.any():
            return NOT_DEFINED
        return ratio(self.measure("mqls", period).value or 0, targets.mql_target[in_period].sum())

    # Opportunities ---------------------------------------------------------------------------

    def created_pipeline(self, period: Period) -> pd.DataFrame:
        o = self.opportunities
        return o[o.is_pipeline & period.holds(o.created_at)]

    def marketing_sourced_pipeline_share(self, period: Period) -> Measure:
        created = self.created_pipeline(period)
        return ratio(created.amount[created.is_marketing_sourced].sum(), created.amount.sum())

    def won(self, period: Period) -> pd.DataFrame:
        o = self.opportunities
        return o[o.is_won & period.holds(o.close_date)]

    def closed_pipeline(self, period: Period) -> pd.DataFrame:
        o = self.opportunities
        return o[o.is_pipeline & o.is_closed & period.holds(o.close_date)]

    def sales_cycle_days(self, period: Period) -> Measure:
        won = self.closed_pipeline(period)
        won = won[won.is_won]
        days = (won.close_date - won.created_at.dt.normalize()).dt.days
        return ratio(days.sum(), len(won))

    def new_accounts_acquired(self, period: Period) -> Measure:
        o = self.opportunities
        wins = o[o.is_won].sort_values(["close_date", "created_at", "id"], kind="stable")
        first_wins = wins.drop_duplicates("account_id")
        return count(period.holds(first_wins.close_date).sum())

    def customer_retention_rate(self, period: Period) -> Measure:
        o = self.opportunities
        due = o[(o.type == "Renewal") & period.holds(o.close_date)]
        return ratio(due.is_won.sum(), len(due))

    def team_quotas(self, period: Period) -> pd.DataFrame:
        """The period's team quota rows (the company total adds up the team quotas)."""
        quotas = seed("quotas")
        return quotas[
            (quotas.period_grain == period.grain)
            & (pd.to_datetime(quotas.period_start_date) == period.start)
            & (quotas.quota_owner_type == "team")
        ]

    def quota_attainment(self, period: Period) -> Measure:
        """Team quotas of the period: bookings of the opportunities the team's reps own / the
        quota; the company total adds up the team quotas."""
        quotas = self.team_quotas(period)
        if quotas.empty:
            return NOT_DEFINED
        won = self.won(period)
        booked = sum(won.amount[won.team == team].sum() for team in quotas.quota_owner)
        return ratio(booked, quotas.quota_amount.sum())

    # The pipeline at the period's first instant ------------------------------------------------

    def pipeline_at_start(self, period: Period) -> pd.DataFrame:
        """New Business and Expansion opportunities open at the period's first instant, with the
        amount, forecast category and close date their history had then, and the team of their
        current owner."""
        if period.start not in self._states:
            states = opportunity_states_at(self.raw, period.start)
            o = self.opportunities[["id", "is_pipeline", "is_won", "close_date", "team"]].rename(
                columns={"id": "opportunity_id", "close_date": "final_close_date"}
            )
            states = states.merge(o, on="opportunity_id")
            self._states[period.start] = states[states.is_open & states.is_pipeline]
        return self._states[period.start]

    def pipeline_past_close_date_share(self, period: Period) -> Measure:
        open_pipeline = self.pipeline_at_start(period)
        past = open_pipeline.close_date < period.start
        return ratio(open_pipeline.amount[past].sum(), open_pipeline.amount.sum())

    def pipeline_coverage(self, period: Period) -> Measure:
        """Team quotas of the period: the New Business and Expansion amount the team's reps had
        open at the period's first instant with a close date (as history had it then) inside
        the period / the quota; the company total adds up the team quotas."""
        quotas = self.team_quotas(period)
        if quotas.empty:
            return NOT_DEFINED
        open_pipeline = self.pipeline_at_start(period)
        expected = open_pipeline[period.holds(open_pipeline.close_date)]
        amount = sum(expected.amount[expected.team == team].sum() for team in quotas.quota_owner)
        return ratio(amount, quotas.quota_amount.sum())

    def committed(self, period: Period) -> pd.DataFrame:
        open_pipeline = self.pipeline_at_start(period)
        return open_pipeline[
            (open_pipeline.forecast_category == "Commit") & period.holds(open_pipeline.close_date)
        ]

    def forecast_commit_win_rate(self, period: Period) -> Measure:
        committed = self.committed(period)
        won_inside = committed.is_won & period.holds(committed.final_close_date)
        return ratio(committed.amount[won_inside].sum(), committed.amount.sum())

    def forecastable_bookings(self, period: Period) -> float:
        won = self.won(period)
        return float(won.amount[won.is_pipeline & (won.created_at < period.start)].sum())

    def forecast_accuracy(self, period: Period) -> Measure:
        booked = self.forecastable_bookings(period)
        commit = float(self.committed(period).amount.sum())
        value = max(0.0, 1 - abs(booked - commit) / booked) if booked else None
        # The formula names no numerator and denominator: reported as (commit, bookings), the
        # call and what could have been called, but only the value is compared.
        return Measure(value, commit, booked, compare_parts=False)

    # The SLA exception ------------------------------------------------------------------------

    def mql_follow_up_compliance_rate(self, period: Period) -> Measure:
        """The one KPI not recomputed from raw: the business-hours clock (owner's time zone,
        holidays, DST) is taken as published, so this compares the KPI with the statuses of
        marts.fct_sla_instances (met / met + breached + open_breached, by the month the SLA
        started) rather than re-deriving each instance's status."""
        if self._follow_ups is None:
            with duckdb.connect(str(self.raw.database), read_only=True) as connection:
                self._follow_ups = connection.execute(
                    "select started_at, status from marts.fct_sla_instances "
                    "where policy_key = 'mql_follow_up' and person_key is not null"
                ).df()
        instances = self._follow_ups
        started = instances[period.holds(timestamps(instances.started_at))]
        return ratio(
            (started.status == "met").sum(),
            started.status.isin(["met", "breached", "open_breached"]).sum(),
        )
