{#- One candidate SLA instance per per-lead policy x person x cycle, with when its clock started,
    what satisfied it and when, and whose clock it runs on (the owner at the start).
    - mql_follow_up: from the MQL to the first sales touch: a completed task or an event by a CRM
      user on the person's lead or contact, or a status change into SAL, SQL or Disqualified.
    - mql_acceptance: from the MQL to acceptance (SAL or SQL) or rejection (Disqualified,
      Recycled).
    - stalled_recycle: from the first of SAL/SQL to an opportunity, a recycle or a
      disqualification.
    Touches and status changes before the start don't count; touches after the cycle ended
    belong to the next cycle. -#}
with

cycles as (
    select * from {{ ref('fct_lead_cycles') }}
),

persons as (
    select
        person_key,
        source_record_id
    from {{ ref('int_persons_resolved') }}
    where source_system in ('crm_lead', 'crm_contact')
),

users as (
    select * from {{ ref('dim_user') }}
),

touches as (
    select
        who_id,
        completed_at as touched_at,
        'task' as touch_type
    from {{ ref('stg_salesforce__tasks') }}
    where completed_at is not null and owner_id is not null

    union all

    select
        who_id,
        started_at as touched_at,
        'event' as touch_type
    from {{ ref('stg_salesforce__events') }}
    where started_at is not null and owner_id is not null
),

person_touches as (
    select
        persons.person_key,
        touches.touched_at,
        touches.touch_type
    from touches
    inner join persons
        on touches.who_id = persons.source_record_id
),

first_touches as (
    select
        cycles.person_key,
        cycles.cycle_number,
        min(person_touches.touched_at) as first_touched_at
    from cycles
    inner join person_touches
        on
            cycles.person_key = person_touches.person_key
            and cycles.mql_at <= person_touches.touched_at
            and (cycles.cycle_ended_at is null or cycles.cycle_ended_at >= person_touches.touched_at)
    where cycles.mql_at is not null
    group by cycles.person_key, cycles.cycle_number
),

candidates as (
    select
        'mql_follow_up' as policy_key,
        cycles.person_key,
        cycles.cycle_number,
        cycles.crm_lead_id,
        cycles.owner_id,
        cycles.mql_at as started_at,
        least(
            first_touches.first_touched_at, cycles.sal_at, cycles.sql_at, cycles.disqualified_at
        ) as satisfied_at,
        case least(
            first_touches.first_touched_at, cycles.sal_at, cycles.sql_at, cycles.disqualified_at
        )
            when first_touches.first_touched_at then 'sales_touch'
            when cycles.sal_at then 'sal'
            when cycles.sql_at then 'sql'
            when cycles.disqualified_at then 'disqualified'
        end as satisfied_by
    from cycles
    left join first_touches
        on
            cycles.person_key = first_touches.person_key
            and cycles.cycle_number = first_touches.cycle_number
    where cycles.mql_at is not null

    union all

    select
        'mql_acceptance' as policy_key,
        person_key,
        cycle_number,
        crm_lead_id,
        owner_id,
        mql_at as started_at,
        least(sal_at, sql_at, disqualified_at, recycled_at) as satisfied_at,
        case least(sal_at, sql_at, disqualified_at, recycled_at)
            when sal_at then 'sal'
            when sql_at then 'sql'
            when disqualified_at then 'disqualified'
            when recycled_at then 'recycled'
        end as satisfied_by
    from cycles
    where mql_at is not null

    union all

    select
        'stalled_recycle' as policy_key,
        person_key,
        cycle_number,
        crm_lead_id,
        owner_id,
        least(sal_at, sql_at) as started_at,
        least(opportunity_created_at, recycled_at, disqualified_at) as satisfied_at,
        case least(opportunity_created_at, recycled_at, disqualified_at)
            when opportunity_created_at then 'opportunity'
            when recycled_at then 'recycled'
            when disqualified_at then 'disqualified'
        end as satisfied_by
    from cycles
    where sal_at is not null or sql_at is not null
),

final as (
    select
        candidates.*,
        coalesce(users.team, 'unassigned') as owner_team,
        coalesce(users.time_zone, 'UTC') as time_zone,
        case
            when users.user_id is null then 'unassigned|UTC'
            else {{ dbt.concat(["coalesce(users.team, 'unassigned')", "'|'",
                                "coalesce(users.time_zone, 'UTC')"]) }}
        end as clock_id
    from candidates
    left join users
        on candidates.owner_id = users.user_id
)

select * from final
