{#- Lead leakage: MQLs sales never followed up (the mql_follow_up SLA is past due with no touch
    at as-of), by MQL month, lead source and owner. -#}
with

follow_ups as (
    select * from {{ ref('fct_sla_instances') }}
    where policy_key = 'mql_follow_up'
),

persons as (
    select * from {{ ref('dim_person') }}
),

final as (
    select
        cast({{ dbt.date_trunc('month', 'follow_ups.started_at') }} as date) as mql_month,
        coalesce(persons.lead_source, 'unknown') as lead_source,
        follow_ups.owner_user_id,
        follow_ups.owner_team,
        count(*) as mqls,
        sum(case when follow_ups.satisfied_at is not null then 1 else 0 end) as followed_up,
        sum(case when follow_ups.status = 'open_breached' then 1 else 0 end) as never_followed_up,
        sum(case when follow_ups.status = 'open' then 1 else 0 end) as awaiting_follow_up,
        1.0 * sum(case when follow_ups.status = 'open_breached' then 1 else 0 end)
        / count(*) as leakage_rate
    from follow_ups
    left join persons
        on follow_ups.person_key = persons.person_key
    group by 1, 2, 3, 4
)

select * from final
