-- Frame the marts_sla_compliance_reconciles suite validates: Monthly SLA compliance totals next to the same counts from fct_sla_instances.
with

kpi as (
    select
        policy_key,
        period_start_date,
        sum(instances) as kpi_instances,
        sum(met + breached + open + open_breached + not_measured) as kpi_by_status
    from {marts}.mart_sla_compliance
    where period_type = 'month'
    group by 1, 2
),

facts as (
    select
        policy_key,
        cast(date_trunc('month', started_at) as date) as period_start_date,
        count(*) as fact_instances
    from {marts}.fct_sla_instances
    group by 1, 2
)

select
    coalesce(kpi.policy_key, facts.policy_key) || ' '
    || cast(coalesce(kpi.period_start_date, facts.period_start_date) as varchar) as row_key,
    cast(coalesce(kpi.kpi_instances, 0) as bigint) as kpi_instances,
    cast(coalesce(kpi.kpi_by_status, 0) as bigint) as kpi_by_status,
    cast(coalesce(facts.fact_instances, 0) as bigint) as fact_instances
from kpi
full outer join facts
    on kpi.policy_key = facts.policy_key and kpi.period_start_date = facts.period_start_date
