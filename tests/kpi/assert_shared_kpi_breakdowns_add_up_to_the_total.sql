{#- For counts and amounts, every breakdown's values add up to the company total of the same
    period: no row is lost or counted twice by a breakdown (a missing owner is a rep and a team
    of its own). Quotas are per owner, so excluded. -#}
with

kpis as (
    select * from {{ ref('mart_shared_kpis') }}
    where unit in ('count', 'amount') and denominator is null
),

totals as (
    select
        period_grain,
        period_start_date,
        kpi_code,
        kpi_value as total_value
    from kpis
    where breakdown = 'total'
),

breakdown_sums as (
    select
        period_grain,
        period_start_date,
        kpi_code,
        breakdown,
        sum(kpi_value) as breakdown_value_sum
    from kpis
    where breakdown in ('segment', 'sourced_by', 'team', 'rep')
    group by period_grain, period_start_date, kpi_code, breakdown
)

select
    breakdown_sums.*,
    totals.total_value
from breakdown_sums
inner join totals
    on
        breakdown_sums.period_grain = totals.period_grain
        and breakdown_sums.period_start_date = totals.period_start_date
        and breakdown_sums.kpi_code = totals.kpi_code
where abs(breakdown_sums.breakdown_value_sum - totals.total_value) > 0.005
