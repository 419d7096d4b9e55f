-- Frame the marts_sla_follow_up_per_mql suite validates: MQL cycles with their number of mql_follow_up instances (0 for an instance without an MQL cycle).
with

follow_ups as (
    select
        person_key,
        cycle_number,
        count(*) as follow_up_instances
    from {marts}.fct_sla_instances
    where policy_key = 'mql_follow_up'
    group by 1, 2
),

mql_cycles as (
    select
        person_key,
        cycle_number
    from {marts}.fct_lead_cycles
    where mql_at is not null
)

select
    coalesce(mql_cycles.person_key, follow_ups.person_key) || '#'
    || cast(coalesce(mql_cycles.cycle_number, follow_ups.cycle_number) as varchar) as cycle_key,
    case
        when mql_cycles.person_key is null then 0
        else cast(coalesce(follow_ups.follow_up_instances, 0) as bigint)
    end as follow_up_instances
from mql_cycles
full outer join follow_ups
    on
        mql_cycles.person_key = follow_ups.person_key
        and mql_cycles.cycle_number = follow_ups.cycle_number
