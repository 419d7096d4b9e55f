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
    select
        'lead' as from_stage,
        lead_at as entered_at
    from {marts}.fct_lead_cycles
    union all
    select
        'mql' as from_stage,
        mql_at as entered_at
    from {marts}.fct_lead_cycles
    union all
    select
        'sal' as from_stage,
        sal_at as entered_at
    from {marts}.fct_lead_cycles
    union all
    select
        'sql' as from_stage,
        sql_at as entered_at
    from {marts}.fct_lead_cycles
    union all
    select
        'opportunity' as from_stage,
        opportunity_created_at as entered_at
    from {marts}.fct_lead_cycles
),

facts as (
    select
        from_stage,
        cast(date_trunc('month', entered_at) as date) as cohort_month,
        count(*) as fact_entered
    from entries
    where entered_at is not null
    group by 1, 2
)

select
    kpi.from_stage || '>' || kpi.to_stage || ' '
    || cast(coalesce(kpi.cohort_month, facts.cohort_month) as varchar) as row_key,
    cast(coalesce(kpi.kpi_entered, 0) as bigint) as kpi_entered,
    cast(coalesce(facts.fact_entered, 0) as bigint) as fact_entered
from kpi
full outer join facts
    on kpi.from_stage = facts.from_stage and kpi.cohort_month = facts.cohort_month
