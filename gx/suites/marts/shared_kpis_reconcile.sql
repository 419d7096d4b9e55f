-- Frame the marts_shared_kpis_reconcile suite validates: monthly company totals of the stage-count KPIs next to the same counts from fct_lead_cycles.
with

kpi as (
    select
        kpi_code,
        period_start_date,
        kpi_value
    from {marts}.mart_shared_kpis
    where
        period_grain = 'month'
        and breakdown = 'total'
        and kpi_code in ('mqls', 'sals', 'sqls')
),

entries as (
    select
        'mqls' as kpi_code,
        mql_at as entered_at
    from {marts}.fct_lead_cycles
    union all
    select
        'sals' as kpi_code,
        sal_at as entered_at
    from {marts}.fct_lead_cycles
    union all
    select
        'sqls' as kpi_code,
        sql_at as entered_at
    from {marts}.fct_lead_cycles
),

facts as (
    select
        kpi_code,
        cast(date_trunc('month', entered_at) as date) as period_start_date,
        count(*) as fact_value
    from entries
    where entered_at is not null
    group by 1, 2
)

select
    coalesce(kpi.kpi_code, facts.kpi_code) || ' '
    || cast(coalesce(kpi.period_start_date, facts.period_start_date) as varchar) as row_key,
    cast(coalesce(kpi.kpi_value, 0) as double precision) as kpi_value,
    cast(coalesce(facts.fact_value, 0) as double precision) as fact_value
from kpi
full outer join facts
    on kpi.kpi_code = facts.kpi_code and kpi.period_start_date = facts.period_start_date
