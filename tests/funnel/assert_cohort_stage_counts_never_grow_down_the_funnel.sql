-- Per monthly cohort, the number of cycles that reached a stage or any later one never grows
-- further down the funnel.
with

cohorts as (
    select
        {{ dbt.date_trunc('month', 'cycle_started_at') }} as cohort_month,
        count(*) as reached_lead,
        count(coalesce(mql_at, sal_at, sql_at, opportunity_created_at, won_at)) as reached_mql,
        count(coalesce(sal_at, sql_at, opportunity_created_at, won_at)) as reached_sal,
        count(coalesce(sql_at, opportunity_created_at, won_at)) as reached_sql,
        count(coalesce(opportunity_created_at, won_at)) as reached_opportunity,
        count(won_at) as reached_customer
    from {{ ref('fct_lead_cycles') }}
    group by 1
)

select *
from cohorts
where
    reached_mql > reached_lead
    or reached_sal > reached_mql
    or reached_sql > reached_sal
    or reached_opportunity > reached_sql
    or reached_customer > reached_opportunity
