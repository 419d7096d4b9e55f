{#- The recycling loop, marketing's side: every recycled cycle, whether the MAS took the person
    back into nurture (a MAS status change into a recycled value), and whether and when the
    person qualified again. -#}
with

cycles as (
    select * from {{ ref('fct_lead_cycles') }}
),

transitions as (
    select * from {{ ref('fct_funnel_transitions') }}
    where stage_code = 'recycled'
),

mas_nurture as (
    select
        person_key,
        event_at
    from {{ ref('int_stage_events_unioned') }}
    where source_system = 'mas' and stage_code = 'recycled'
),

recycled as (
    select
        cycles.person_key,
        cycles.cycle_number,
        cycles.crm_lead_id,
        cycles.mas_lead_id,
        cycles.owner_id,
        cycles.recycled_at,
        transitions.source_system as recycled_in,
        transitions.status_value as recycled_status,
        next_cycle.mql_at as requalified_at
    from cycles
    left join transitions
        on
            cycles.person_key = transitions.person_key
            and cycles.cycle_number = transitions.cycle_number
    left join cycles as next_cycle
        on
            cycles.person_key = next_cycle.person_key
            and cycles.cycle_number + 1 = next_cycle.cycle_number
    where cycles.recycled_at is not null
),

final as (
    select
        recycled.person_key,
        recycled.cycle_number,
        recycled.crm_lead_id,
        recycled.mas_lead_id,
        recycled.owner_id,
        recycled.recycled_at,
        recycled.recycled_in,
        recycled.recycled_status,
        count(mas_nurture.event_at) > 0 as is_in_mas_nurture,
        min(mas_nurture.event_at) as nurture_started_at,
        recycled.requalified_at,
        case
            when recycled.requalified_at is not null
                then {{ rounded_ratio(
                    dbt.datediff('recycled.recycled_at', 'recycled.requalified_at', 'hour'), 24, 1
                ) }}
        end as days_to_requalify
    from recycled
    left join mas_nurture
        on
            recycled.person_key = mas_nurture.person_key
            and recycled.recycled_at <= mas_nurture.event_at
            and (recycled.requalified_at is null or recycled.requalified_at > mas_nurture.event_at)
    group by 1, 2, 3, 4, 5, 6, 7, 8, 11
)

select * from final
