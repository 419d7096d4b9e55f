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
    unpivot (
        select
            mql_at as mqls,
            sal_at as sals,
            sql_at as sqls
        from {marts}.fct_lead_cycles
    )
    on mqls, sals, sqls
    into name kpi_code value entered_at
),

facts as (
    select
        kpi_code,
        cast(date_trunc('month', entered_at) as date) as period_start_date,
        count(*) as fact_value
    from entries
    group by 1, 2
)

select
    coalesce(kpi.kpi_code, facts.kpi_code) || ' '
    || coalesce(kpi.period_start_date, facts.period_start_date) as row_key,
    cast(coalesce(kpi.kpi_value, 0) as double) as kpi_value,
    cast(coalesce(facts.fact_value, 0) as double) as fact_value
from kpi
full outer join facts
    on kpi.kpi_code = facts.kpi_code and kpi.period_start_date = facts.period_start_date
