-- Frame the marts_funnel_conversion_reconciles suite validates: Entered counts of mart_funnel_conversion next to the same counts from fct_lead_cycles.
with

kpi as (
    select
        from_stage,
        to_stage,
        cohort_month,
        sum(entered) as kpi_entered
    from {marts}.mart_funnel_conversion
    group by 1, 2, 3
),

entries as (
    unpivot (
        select
            mql_at as mql,
            sal_at as sal,
            sql_at as sql,
            opportunity_created_at as opportunity,
            lead_at as lead
        from {marts}.fct_lead_cycles
    )
    on lead, mql, sal, sql, opportunity
    into name from_stage value entered_at
),

facts as (
    select
        from_stage,
        cast(date_trunc('month', entered_at) as date) as cohort_month,
        count(*) as fact_entered
    from entries
    group by 1, 2
)

select
    kpi.from_stage || '>' || kpi.to_stage || ' ' || coalesce(kpi.cohort_month, facts.cohort_month)
        as row_key,
    cast(coalesce(kpi.kpi_entered, 0) as bigint) as kpi_entered,
    cast(coalesce(facts.fact_entered, 0) as bigint) as fact_entered
from kpi
full outer join facts
    on kpi.from_stage = facts.from_stage and kpi.cohort_month = facts.cohort_month
