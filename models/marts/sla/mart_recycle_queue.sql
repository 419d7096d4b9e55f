{#- The recycling loop, sales to marketing: SAL/SQL leads past the stalled_recycle window with no
    opportunity and no recycle, listed for return to marketing nurture. -#}
with

stalled as (
    select * from {{ ref('fct_sla_instances') }}
    where policy_key = 'stalled_recycle' and status = 'open_breached'
),

cycles as (
    select * from {{ ref('fct_lead_cycles') }}
),

persons as (
    select * from {{ ref('dim_person') }}
),

final as (
    select
        stalled.person_key,
        stalled.cycle_number,
        persons.crm_lead_id,
        persons.mas_lead_id,
        persons.email,
        persons.first_name,
        persons.last_name,
        persons.company,
        persons.segment_code,
        stalled.owner_user_id,
        stalled.owner_team,
        cycles.current_stage,
        stalled.started_at as stalled_since,
        stalled.due_at as recycle_due_at,
        {{ rounded_ratio(dbt.datediff('stalled.started_at', 'stalled.as_of_at', 'hour'), 24, 1) }}
            as days_stalled
    from stalled
    inner join cycles
        on
            stalled.person_key = cycles.person_key
            and stalled.cycle_number = cycles.cycle_number
    inner join persons
        on stalled.person_key = persons.person_key
    where cycles.current_stage in ('sal', 'sql')
)

select * from final
