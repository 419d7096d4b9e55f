"""The shared KPIs: recomputed here, independently, from the published facts and dimensions, and
asked of the semantic layer; all three must agree with mart_shared_kpis."""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from project_tools import run_project_tool

from orchestration.pipeline import PipelineOutcome
from orchestration.settings import PROJECT_DIR

Built = tuple[Path, PipelineOutcome]
KpiValues = dict[tuple[str, date, str], float | None]
GRAINS = {"month": "M", "quarter": "Q"}
AS_OF = pd.Timestamp("2026-11-01")


def _frame(database: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).df()


def _mart(database: Path, kpi_code: str, breakdown: str = "total") -> KpiValues:
    frame = _frame(
        database,
        "select period_grain, period_start_date, breakdown_value, kpi_value "
        "from marts.mart_shared_kpis "
        f"where kpi_code = '{kpi_code}' and breakdown = '{breakdown}'",
    )
    return {
        (row.period_grain, pd.Timestamp(row.period_start_date).date(), row.breakdown_value): (
            None if pd.isna(row.kpi_value) else float(row.kpi_value)
        )
        for row in frame.itertuples()
    }


def _period_start(values: pd.Series, grain: str) -> pd.Series:
    return pd.to_datetime(values).dt.to_period(GRAINS[grain]).dt.start_time.dt.date


def _recompute(
    frame: pd.DataFrame,
    date_column: str,
    numerator: Callable[[pd.DataFrame], float],
    denominator: Callable[[pd.DataFrame], float] | None = None,
    by: str | None = None,
) -> KpiValues:
    """The KPI per month and quarter (and per value of `by`), for periods up to as-of."""
    frame = frame[frame[date_column].notna()]
    values: KpiValues = {}
    for grain in GRAINS:
        keys = [_period_start(frame[date_column], grain)]
        keys.append(frame[by] if by else pd.Series("all", index=frame.index))
        for (period, breakdown_value), group in frame.groupby(keys):
            if period > AS_OF.date():
                continue
            top = numerator(group)
            bottom = denominator(group) if denominator else None
            if bottom is None:
                values[(grain, period, breakdown_value)] = float(top)
            else:
                values[(grain, period, breakdown_value)] = top / bottom if bottom else None
    return values


def _assert_agree(recomputed: KpiValues, published: KpiValues) -> None:
    assert recomputed, "nothing to compare: the generated data should carry this KPI"
    mismatches = []
    for key, expected in recomputed.items():
        actual = published.get(key, "missing")
        if expected is None or actual is None or actual == "missing":
            if expected != actual:
                mismatches.append((key, expected, actual))
        elif not math.isclose(float(actual), expected, rel_tol=1e-9, abs_tol=1e-9):
            mismatches.append((key, expected, actual))
    assert mismatches == []
    # Periods the recomputation has no rows for are zero (counts) or null (ratios) in the mart.
    for key, value in published.items():
        if key not in recomputed:
            assert value in (0, None), (key, value)


@pytest.fixture(scope="module")
def cycles(built: Built) -> pd.DataFrame:
    database, outcome = built
    assert outcome.succeeded, outcome.summary()
    return _frame(
        database,
        "select cycles.*, persons.segment_code from marts.fct_lead_cycles as cycles "
        "inner join marts.dim_person as persons on cycles.person_key = persons.person_key",
    )


@pytest.fixture(scope="module")
def opportunities(built: Built) -> pd.DataFrame:
    """Opportunities with sourcing derived here from the lead cycles, not from the mart."""
    database, _ = built
    frame = _frame(
        database,
        "select o.opportunity_id, o.opportunity_type, o.crm_account_id, o.amount, o.is_won, "
        "o.is_closed, o.created_at, o.close_date, o.owner_id, o.segment_code, users.team, "
        "bool_or(cycles.is_marketing_sourced) as from_marketing_cycle, "
        "count(cycles.person_key) as source_cycles "
        "from marts.fct_opportunities as o "
        "left join marts.dim_user as users on o.owner_id = users.user_id "
        "left join marts.fct_lead_cycles as cycles on o.opportunity_id = cycles.opportunity_id "
        "group by all",
    )
    frame["sourced_by"] = "customer_base"
    frame.loc[frame.source_cycles > 0, "sourced_by"] = "sales"
    frame.loc[frame.from_marketing_cycle.fillna(False).astype(bool), "sourced_by"] = "marketing"
    frame["is_pipeline"] = frame.opportunity_type.isin(["New Business", "Expansion"])
    return frame


def _count(group: pd.DataFrame) -> float:
    return float(len(group))


def test_every_agreed_kpi_is_published(built: Built) -> None:
    database, _ = built
    with (PROJECT_DIR / "seeds" / "kpi_definitions.csv").open() as definitions:
        agreed = {row["kpi_code"] for row in csv.DictReader(definitions)}
    published = set(
        _frame(database, "select distinct kpi_code from marts.mart_shared_kpis")["kpi_code"]
    )
    assert published == agreed


def test_mqls_and_cohort_conversion_match_the_lead_cycles(
    built: Built, cycles: pd.DataFrame
) -> None:
    database, _ = built
    _assert_agree(_recompute(cycles, "mql_at", _count), _mart(database, "mqls"))
    reached_sal = cycles[["sal_at", "sql_at", "opportunity_created_at", "won_at"]].notna()
    cycles = cycles.assign(reached_sal=reached_sal.any(axis=1))
    _assert_agree(
        _recompute(cycles, "mql_at", lambda g: g.reached_sal.sum(), _count, by="segment_code"),
        _mart(database, "mql_to_sal_rate", "segment"),
    )


def test_mql_growth_compares_with_the_previous_period(built: Built, cycles: pd.DataFrame) -> None:
    database, _ = built
    mqls = _recompute(cycles, "mql_at", _count)
    expected: KpiValues = {}
    for (grain, period, value), current in mqls.items():
        offset = pd.DateOffset(months=3 if grain == "quarter" else 1)
        previous = mqls.get((grain, (pd.Timestamp(period) - offset).date(), value))
        if previous is not None:
            assert current is not None
            expected[(grain, period, value)] = (current - previous) / previous if previous else None
    growth = _mart(database, "mql_growth_rate")
    assert expected
    for key, value in expected.items():
        assert growth[key] == pytest.approx(value) if value is not None else growth[key] is None


def test_pipeline_bookings_and_win_rates_match_the_opportunities(
    built: Built, opportunities: pd.DataFrame
) -> None:
    database, _ = built
    pipeline = opportunities[opportunities.is_pipeline]
    _assert_agree(
        _recompute(pipeline, "created_at", lambda g: g.amount.sum()),
        _mart(database, "pipeline_created_amount"),
    )
    _assert_agree(
        _recompute(
            pipeline,
            "created_at",
            lambda g: g.amount[g.sourced_by == "marketing"].sum(),
            lambda g: g.amount.sum(),
        ),
        _mart(database, "marketing_sourced_pipeline_share"),
    )
    won = opportunities[opportunities.is_won]
    _assert_agree(
        _recompute(won, "close_date", lambda g: g.amount.sum(), by="sourced_by"),
        _mart(database, "bookings_amount", "sourced_by"),
    )
    closed = pipeline[pipeline.is_closed]
    _assert_agree(
        _recompute(closed, "close_date", lambda g: g.is_won.sum(), _count, by="sourced_by"),
        _mart(database, "win_rate_count", "sourced_by"),
    )
    _assert_agree(
        _recompute(closed, "close_date", lambda g: g.is_won.sum(), _count, by="team"),
        _mart(database, "win_rate_count", "team"),
    )


def test_acquisition_retention_and_cycle_length_match_the_opportunities(
    built: Built, opportunities: pd.DataFrame
) -> None:
    database, _ = built
    won = opportunities[opportunities.is_won].sort_values(
        ["crm_account_id", "close_date", "created_at", "opportunity_id"]
    )
    first_wins = won.drop_duplicates("crm_account_id")
    _assert_agree(
        _recompute(first_wins, "close_date", _count), _mart(database, "new_accounts_acquired")
    )
    renewals = opportunities[opportunities.opportunity_type == "Renewal"]
    _assert_agree(
        _recompute(renewals, "close_date", lambda g: g.is_won.sum(), _count),
        _mart(database, "customer_retention_rate"),
    )
    won_pipeline = won[won.is_pipeline].assign(
        days=lambda g: (
            (pd.to_datetime(g.close_date) - pd.to_datetime(g.created_at).dt.normalize()).dt.days
        )
    )
    _assert_agree(
        _recompute(won_pipeline, "close_date", lambda g: g.days.sum(), _count),
        _mart(database, "sales_cycle_days"),
    )


def test_quota_attainment_is_the_teams_bookings_over_its_quota(
    built: Built, opportunities: pd.DataFrame
) -> None:
    database, _ = built
    quotas = pd.read_csv(PROJECT_DIR / "seeds" / "quotas.csv", parse_dates=["period_start_date"])
    attainment = _mart(database, "quota_attainment", "team")
    compared = 0
    for quota in quotas[quotas.quota_owner_type == "team"].itertuples():
        start = quota.period_start_date
        if start >= AS_OF:
            continue
        end = start + pd.DateOffset(months=3)
        close = pd.to_datetime(opportunities.close_date)
        booked = opportunities[
            opportunities.is_won
            & (opportunities.team == quota.quota_owner)
            & (close >= start)
            & (close < end)
        ].amount.sum()
        key = ("quarter", start.date(), quota.quota_owner)
        if key in attainment:
            assert attainment[key] == pytest.approx(booked / quota.quota_amount)
            compared += 1
    assert compared >= 4


def test_follow_up_compliance_matches_the_sla_facts(built: Built) -> None:
    database, _ = built
    instances = _frame(
        database,
        "select started_at, status from marts.fct_sla_instances where policy_key = 'mql_follow_up'",
    )
    _assert_agree(
        _recompute(
            instances,
            "started_at",
            lambda g: (g.status == "met").sum(),
            lambda g: g.status.isin(["met", "breached", "open_breached"]).sum(),
        ),
        _mart(database, "mql_follow_up_compliance_rate"),
    )


def test_last_quarters_marketing_sourced_pipeline_and_its_win_rate_are_answerable(
    built: Built,
) -> None:
    """The leaders' question, asked of the published database alone."""
    database, _ = built
    answer = _frame(
        database,
        """
        with last_quarter as (
            select max(period_start_date) as period_start_date
            from marts.mart_shared_kpis
            where period_grain = 'quarter' and is_complete_period
        )
        select kpis.kpi_code, kpis.breakdown_value, kpis.kpi_value
        from marts.mart_shared_kpis as kpis
        inner join last_quarter on kpis.period_start_date = last_quarter.period_start_date
        where kpis.period_grain = 'quarter'
          and (
            (kpis.kpi_code = 'marketing_sourced_pipeline_share' and kpis.breakdown = 'total')
            or (kpis.kpi_code = 'pipeline_cohort_win_rate' and kpis.breakdown = 'sourced_by')
          )
        """,
    )
    values = {(row.kpi_code, row.breakdown_value): row.kpi_value for row in answer.itertuples()}
    share = values[("marketing_sourced_pipeline_share", "all")]
    assert 0 < share < 1, "generated data has marketing- and sales-sourced pipeline"
    assert 0 <= values[("pipeline_cohort_win_rate", "marketing")] <= 1
    assert 0 <= values[("pipeline_cohort_win_rate", "sales")] <= 1


SEMANTIC_METRICS = [
    "mqls",
    "mql_to_sal_rate",
    "pipeline_created_amount",
    "marketing_sourced_pipeline_share",
    "bookings_amount",
    "win_rate_count",
    "average_deal_size",
    "customer_retention_rate",
    "new_accounts_acquired",
    "mql_follow_up_compliance_rate",
]


def _semantic_layer(database: Path, metrics: list[str], group_by: str, out: Path) -> pd.DataFrame:
    result = run_project_tool(
        "mf",
        ["query", "--metrics", ",".join(metrics), "--group-by", group_by, "--csv", str(out)],
        database.parent.parent,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return pd.read_csv(out)


@pytest.mark.parametrize("grain", ["month", "quarter"])
def test_semantic_layer_answers_what_the_mart_publishes(
    built: Built, grain: str, tmp_path: Path
) -> None:
    database, _ = built
    answer = _semantic_layer(
        database, SEMANTIC_METRICS, f"metric_time__{grain}", tmp_path / "answer.csv"
    )
    time_column = f"metric_time__{grain}"
    answer = answer[answer[time_column].notna()]
    answer["period"] = pd.to_datetime(answer[time_column]).dt.date
    answer = answer[pd.to_datetime(answer["period"]) <= AS_OF]
    compared = 0
    for metric in SEMANTIC_METRICS:
        published = _mart(database, metric)
        for row in answer[["period", metric]].itertuples(index=False):
            expected = published.get((grain, row.period, "all"))
            value = getattr(row, metric)
            if pd.isna(value):
                assert expected in (None, 0), (metric, row.period, expected)
                continue
            assert expected == pytest.approx(float(value)), (metric, row.period)
            compared += 1
    assert compared >= 5 * 6, "at least five KPIs over several periods"


def test_semantic_layer_segments_agree_with_the_mart(built: Built, tmp_path: Path) -> None:
    database, _ = built
    answer = _semantic_layer(
        database,
        ["bookings_amount", "win_rate_amount"],
        "metric_time__quarter,opportunity__segment_code",
        tmp_path / "segments.csv",
    )
    answer = answer[answer["metric_time__quarter"].notna()]
    answer["period"] = pd.to_datetime(answer["metric_time__quarter"]).dt.date
    answer = answer[pd.to_datetime(answer["period"]) <= AS_OF]
    compared = 0
    for metric in ["bookings_amount", "win_rate_amount"]:
        published = _mart(database, metric, "segment")
        for row in answer.itertuples(index=False):
            value = getattr(row, metric)
            key = ("quarter", row.period, row.opportunity__segment_code)
            if pd.isna(value):
                assert published.get(key) in (None, 0)
                continue
            assert published[key] == pytest.approx(float(value)), (metric, key)
            compared += 1
    assert compared >= 6
