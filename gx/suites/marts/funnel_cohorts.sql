-- Frame the marts_funnel_cohorts suite validates: Lifecycle cycles counted per monthly cohort and the furthest stage reached.
select
    cast(date_trunc('month', cycle_started_at) as date) as cohort_month,
    count(*) as reached_lead,
    count(coalesce(mql_at, sal_at, sql_at, opportunity_created_at, won_at)) as reached_mql,
    count(coalesce(sal_at, sql_at, opportunity_created_at, won_at)) as reached_sal,
    count(coalesce(sql_at, opportunity_created_at, won_at)) as reached_sql,
    count(coalesce(opportunity_created_at, won_at)) as reached_opportunity,
    count(won_at) as reached_customer
from {marts}.fct_lead_cycles
group by 1
