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
from semantic_layer import SEMANTIC_METRICS, SNAPSHOT_METRICS, ask, snapshots_of

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


def _windows() -> dict[tuple[str, str], int]:
    """The agreed conversion windows, read from the seed file itself."""
    with (PROJECT_DIR / "seeds" / "conversion_windows.csv").open() as seed:
        return {
            (row["from_stage"], row["to_stage"]): int(row["window_days"])
            for row in csv.DictReader(seed)
        }


# The conversion KPIs as the definitions word them: (kpi, from-stage, to-stage, the column of
# the from-stage's entry, the columns whose earliest value is reaching the to-stage). MQL and SAL
# are handoffs, reached only with their own recorded moment; SQL and opportunity pass through.
CONVERSIONS = [
    ("lead_to_mql_rate", "lead", "mql", "lead_at", ["mql_at"]),
    ("mql_to_sal_rate", "mql", "sal", "mql_at", ["sal_at"]),
    ("sal_to_sql_rate", "sal", "sql", "sal_at", ["sql_at", "opportunity_created_at", "won_at"]),
    (
        "sql_to_opportunity_rate",
        "sql",
        "opportunity",
        "sql_at",
        ["opportunity_created_at", "won_at"],
    ),
    ("mql_to_won_rate", "mql", "won", "mql_at", ["won_at"]),
]


def _converted_within_window(
    cycles: pd.DataFrame, entered: str, reached: list[str], window_days: int
) -> pd.Series:
    reached_at = cycles[reached].apply(pd.to_datetime).min(axis=1)
    deadline = pd.to_datetime(cycles[entered]) + pd.Timedelta(days=window_days)
    return reached_at.notna() & (reached_at <= deadline)


def _growth(values: KpiValues) -> KpiValues:
    """(value - previous period's value) / previous period's value, where both exist."""
    expected: KpiValues = {}
    for (grain, period, breakdown_value), current in values.items():
        offset = pd.DateOffset(months=3 if grain == "quarter" else 1)
        previous_key = (grain, (pd.Timestamp(period) - offset).date(), breakdown_value)
        if previous_key not in values:
            continue
        previous = values[previous_key]
        if current is None or previous is None or previous == 0:
            expected[(grain, period, breakdown_value)] = None
        else:
            expected[(grain, period, breakdown_value)] = (current - previous) / previous
    return expected


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
    windows = _windows()
    for kpi_code, from_stage, to_stage, entered, reached in CONVERSIONS:
        converted = _converted_within_window(
            cycles, entered, reached, windows[(from_stage, to_stage)]
        )
        cohort = cycles.assign(converted=converted)
        for by, breakdown in [(None, "total"), ("segment_code", "segment")]:
            _assert_agree(
                _recompute(cohort, entered, lambda g: g.converted.sum(), _count, by=by),
                _mart(database, kpi_code, breakdown),
            )


def test_a_skipped_handoff_is_not_a_conversion(built: Built, cycles: pd.DataFrame) -> None:
    """Sales-sourced cycles have no MQL moment, so none of them converts Lead->MQL, and a cycle
    that skipped SAL isn't counted as accepted."""
    database, _ = built
    sales_sourced = cycles[~cycles.is_marketing_sourced.astype(bool) & cycles.lead_at.notna()]
    assert sales_sourced.mql_at.isna().all()
    rates = _mart(database, "lead_to_mql_rate", "sourced_by")
    sales_rates = [value for (_, _, source), value in rates.items() if source == "sales"]
    assert sales_rates and all(value in (0, None) for value in sales_rates)
    skipped_sal = cycles[cycles.mql_at.notna() & cycles.sal_at.isna() & cycles.sql_at.notna()]
    converted = _converted_within_window(cycles, "mql_at", ["sal_at"], _windows()[("mql", "sal")])
    assert not converted[skipped_sal.index].any()


def test_conversion_kpis_are_mature_once_the_window_has_passed(built: Built) -> None:
    database, _ = built
    windows = _windows()
    frame = _frame(
        database,
        "select kpi_code, period_end_date, is_complete_period, is_mature, window_days "
        "from marts.mart_shared_kpis where breakdown = 'total'",
    )
    as_of = pd.Timestamp(AS_OF)
    for kpi_code, from_stage, to_stage, _, _ in CONVERSIONS:
        rows = frame[frame.kpi_code == kpi_code]
        window = windows[(from_stage, to_stage)]
        assert (rows.window_days == window).all()
        expected = pd.to_datetime(rows.period_end_date) + pd.Timedelta(days=window) < as_of
        assert (rows.is_mature == expected).all(), kpi_code
        assert rows.is_mature.any() and not rows.is_mature.all(), kpi_code
    others = frame[~frame.kpi_code.isin([kpi for kpi, *_ in CONVERSIONS])]
    assert not (others.is_mature & ~others.is_complete_period).any()
    settled = others[~others.kpi_code.str.contains("cohort_win_rate|retention|follow_up")]
    assert (settled.is_mature == settled.is_complete_period).all()


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


def test_sales_kpis_break_down_by_the_owner_and_their_team(
    built: Built, cycles: pd.DataFrame, opportunities: pd.DataFrame
) -> None:
    """Deal KPIs by the opportunity owner (the AE); the cycle KPIs sales is measured by, by the
    cycle's owner (the SDR), each with the owner's team."""
    database, _ = built
    users = _frame(database, "select user_id, team from marts.dim_user")
    teams = dict(zip(users.user_id, users.team, strict=True))
    won = opportunities[opportunities.is_won].assign(rep=lambda g: g.owner_id.fillna("unassigned"))
    _assert_agree(
        _recompute(won, "close_date", lambda g: g.amount.sum(), by="rep"),
        _mart(database, "bookings_amount", "rep"),
    )
    owned = cycles.assign(
        rep=cycles.owner_id.fillna("unassigned"),
        team=cycles.owner_id.map(teams).fillna("unknown"),
    )
    for kpi_code, entered in [("sals", "sal_at"), ("sqls", "sql_at")]:
        for by in ["rep", "team"]:
            _assert_agree(_recompute(owned, entered, _count, by=by), _mart(database, kpi_code, by))
    converted = _converted_within_window(
        owned, "sal_at", ["sql_at", "opportunity_created_at", "won_at"], _windows()[("sal", "sql")]
    )
    _assert_agree(
        _recompute(
            owned.assign(converted=converted),
            "sal_at",
            lambda g: g.converted.sum(),
            _count,
            by="team",
        ),
        _mart(database, "sal_to_sql_rate", "team"),
    )
    assert set(_mart(database, "sals", "team")) and all(
        value in teams.values() or value == "unknown"
        for (_, _, value) in _mart(database, "sals", "team")
    )


def test_acquisition_retention_and_cycle_length_match_the_opportunities(
    built: Built, opportunities: pd.DataFrame
) -> None:
    database, _ = built
    won = opportunities[opportunities.is_won].sort_values(
        ["crm_account_id", "close_date", "created_at", "opportunity_id"]
    )
    first_wins = won.drop_duplicates("crm_account_id")
    new_accounts = _recompute(first_wins, "close_date", _count)
    _assert_agree(new_accounts, _mart(database, "new_accounts_acquired"))
    renewals = opportunities[opportunities.opportunity_type == "Renewal"]
    retention = _recompute(renewals, "close_date", lambda g: g.is_won.sum(), _count)
    _assert_agree(retention, _mart(database, "customer_retention_rate"))
    for growth_kpi, base in [
        ("new_accounts_growth_rate", new_accounts),
        ("customer_retention_growth_rate", retention),
    ]:
        published = _mart(database, growth_kpi)
        expected = _growth(base)
        assert expected, growth_kpi
        for key, value in expected.items():
            if value is None:
                assert published.get(key) is None, (growth_kpi, key)
            else:
                assert published[key] == pytest.approx(value), (growth_kpi, key)
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
    growth = _mart(database, "quota_attainment_growth_rate", "team")
    expected = _growth({key: value for key, value in attainment.items() if key[0] == "quarter"})
    assert expected
    for key, value in expected.items():
        assert growth[key] == pytest.approx(value) if value is not None else growth[key] is None


def test_pipeline_coverage_is_the_owners_expected_pipeline_over_its_quota(
    built: Built, opportunities: pd.DataFrame
) -> None:
    """Per team and rep quota row, and for the company (the team quotas added up): the New
    Business and Expansion amount open at the quarter's first instant (the published snapshot)
    whose close date then lay inside the quarter, owned by the quota owner, / the quota. The
    owner and team come from the opportunities, the window from the expected close date."""
    database, _ = built
    quotas = pd.read_csv(PROJECT_DIR / "seeds" / "quotas.csv", parse_dates=["period_start_date"])
    snapshots = _frame(
        database,
        "select period_start_date, opportunity_id, amount, expected_close_date "
        "from marts.fct_pipeline_snapshots where period_grain = 'quarter'",
    )
    owned = snapshots.merge(
        opportunities[["opportunity_id", "owner_id", "team", "is_pipeline"]], on="opportunity_id"
    )
    owned = owned[owned.is_pipeline]
    owned["period_start_date"] = pd.to_datetime(owned.period_start_date)
    closes = pd.to_datetime(owned.expected_close_date)
    expected: dict[tuple[str, date, str], float] = {}
    company: dict[date, list[float]] = {}
    for quota in quotas[quotas.period_start_date < AS_OF].itertuples():
        start = quota.period_start_date
        end = start + pd.DateOffset(months=3)
        owner = owned.team if quota.quota_owner_type == "team" else owned.owner_id
        in_quarter = (owned.period_start_date == start) & (closes >= start) & (closes < end)
        amount = float(owned[in_quarter & (owner == quota.quota_owner)].amount.sum())
        expected[(quota.quota_owner_type, start.date(), quota.quota_owner)] = (
            amount / quota.quota_amount
        )
        if quota.quota_owner_type == "team":
            totals = company.setdefault(start.date(), [0.0, 0.0])
            totals[0] += amount
            totals[1] += quota.quota_amount
    published = {
        (breakdown, start, value): coverage
        for breakdown in ("team", "rep", "total")
        for (grain, start, value), coverage in _mart(
            database, "pipeline_coverage", breakdown
        ).items()
        if grain == "quarter"
    }
    for start, (amount, quota_amount) in company.items():
        expected[("total", start, "all")] = amount / quota_amount
    # Quarters before the first generated data have no reporting period, as for quota_attainment.
    compared = {key: value for key, value in expected.items() if key in published}
    assert len(compared) >= 8 and any(value > 0 for value in compared.values())
    mismatches = []
    for key, value in compared.items():
        actual = published[key]
        if actual is None or not math.isclose(actual, value, rel_tol=1e-9):
            mismatches.append((key, value, actual))
    assert mismatches == []
    assert set(published) <= set(expected), "a coverage row without a quota"
    targets = _frame(
        database,
        "select count(target_value) from marts.mart_shared_kpis "
        "where kpi_code = 'pipeline_coverage'",
    )
    assert targets.iloc[0, 0] == 0, "no coverage target is agreed"


def test_forecast_accuracy_compares_the_commit_with_forecastable_bookings(
    built: Built, opportunities: pd.DataFrame
) -> None:
    """Commit from the published start-of-period snapshots; forecastable bookings recomputed
    from the opportunities: New Business and Expansion won in the period, created before it."""
    database, _ = built
    snapshots = _frame(
        database,
        "select period_grain, period_start_date, period_end_date, amount, is_committed, "
        "is_pipeline, expected_close_date from marts.fct_pipeline_snapshots",
    )
    pipeline = opportunities[opportunities.is_pipeline & opportunities.is_won]
    created = pd.to_datetime(pipeline.created_at)
    closed = pd.to_datetime(pipeline.close_date)
    commit: dict[tuple[str, date, str], float] = {}
    bookings: dict[tuple[str, date, str], float] = {}
    past_due: KpiValues = {}
    for (grain, start, end), group in snapshots.groupby(
        ["period_grain", "period_start_date", "period_end_date"]
    ):
        start, end = pd.Timestamp(start), pd.Timestamp(end)
        if start > AS_OF:
            continue
        key = (grain, start.date(), "all")
        open_pipeline = group[group.is_pipeline]
        commit[key] = float(open_pipeline[open_pipeline.is_committed].amount.sum())
        bookings[key] = float(
            pipeline[(created < start) & (closed >= start) & (closed < end)].amount.sum()
        )
        late = pd.to_datetime(open_pipeline.expected_close_date) < start
        total = open_pipeline.amount.sum()
        past_due[key] = float(open_pipeline.amount[late].sum() / total) if total else None
    accuracy: KpiValues = {
        key: max(0.0, 1 - abs(bookings[key] - commit[key]) / bookings[key])
        if bookings[key]
        else None
        for key in commit
    }
    _assert_agree(dict(commit), _mart(database, "forecast_commit_amount"))
    _assert_agree(dict(bookings), _mart(database, "forecast_bookings_amount"))
    _assert_agree(accuracy, _mart(database, "forecast_accuracy"))
    _assert_agree(past_due, _mart(database, "pipeline_past_close_date_share"))
    assert any(value not in (None, 0) for value in accuracy.values())


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
    # A cohort none of whose deals has closed yet has no win rate (null), never a wrong one.
    win_rates = [values[("pipeline_cohort_win_rate", source)] for source in ("marketing", "sales")]
    assert all(pd.isna(rate) or 0 <= rate <= 1 for rate in win_rates)
    assert any(not pd.isna(rate) for rate in win_rates)


def _compare_with_mart(database: Path, answer: pd.DataFrame, metrics: list[str], grain: str) -> int:
    """Each metric's answer per `metric_time__<grain>` against the mart's total; how many
    values were compared (an answer the mart lacks may only be empty)."""
    time_column = f"metric_time__{grain}"
    answer = answer[answer[time_column].notna()]
    answer["period"] = pd.to_datetime(answer[time_column]).dt.date
    answer = answer[pd.to_datetime(answer["period"]) <= AS_OF]
    compared = 0
    for metric in metrics:
        published = _mart(database, metric)
        for row in answer[["period", metric]].itertuples(index=False):
            expected = published.get((grain, row.period, "all"))
            value = getattr(row, metric)
            if pd.isna(value):
                assert expected in (None, 0), (metric, row.period, expected)
                continue
            assert expected == pytest.approx(float(value)), (metric, row.period)
            compared += 1
    return compared


@pytest.mark.parametrize("grain", ["month", "quarter"])
def test_semantic_layer_answers_what_the_mart_publishes(
    built: Built, grain: str, tmp_path: Path
) -> None:
    database, _ = built
    answer = ask(database, SEMANTIC_METRICS, f"metric_time__{grain}", tmp_path / "answer.csv")
    compared = _compare_with_mart(database, answer, SEMANTIC_METRICS, grain)
    assert compared >= 5 * 6, "at least five KPIs over several periods"


def test_semantic_layer_segments_agree_with_the_mart(built: Built, tmp_path: Path) -> None:
    database, _ = built
    answer = ask(
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


def test_semantic_layer_slices_stage_counts_and_conversions_by_the_same_segment(
    built: Built, tmp_path: Path
) -> None:
    """The README's question: MQLs and MQL-to-SAL conversion per month and person segment."""
    database, _ = built
    metrics = ["mqls", "mql_to_sal_rate"]
    answer = ask(
        database, metrics, "metric_time__month,person__segment_code", tmp_path / "segments.csv"
    )
    answer = answer[answer["metric_time__month"].notna()]
    answer["period"] = pd.to_datetime(answer["metric_time__month"]).dt.date
    answer = answer[pd.to_datetime(answer["period"]) <= AS_OF]
    compared = 0
    for metric in metrics:
        published = _mart(database, metric, "segment")
        for row in answer.itertuples(index=False):
            value = getattr(row, metric)
            key = ("month", row.period, row.person__segment_code)
            if pd.isna(value):
                assert published.get(key) in (None, 0), (metric, key)
                continue
            assert published[key] == pytest.approx(float(value)), (metric, key)
            compared += 1
    assert compared >= 2 * 12


@pytest.mark.parametrize("grain", ["month", "quarter"])
def test_semantic_layer_forecast_agrees_with_the_mart(
    built: Built, grain: str, tmp_path: Path
) -> None:
    """Snapshot metrics are asked for one grain's snapshots, as the semantic model says."""
    database, _ = built
    answer = ask(
        database,
        SNAPSHOT_METRICS,
        f"metric_time__{grain}",
        tmp_path / "forecast.csv",
        where=snapshots_of(grain),
    )
    compared = _compare_with_mart(database, answer, SNAPSHOT_METRICS, grain)
    assert compared >= 4 * 4
