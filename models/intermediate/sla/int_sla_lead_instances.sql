{#- One candidate SLA instance per per-lead policy x person x cycle, computed from the policy's
    row in sla_policies (int_sla_policy_events, grain lead): the clock starts at the cycle's
    start_event, the first of its satisfy_events satisfies it, and the owner at the start runs
    the clock.
    - Start events: mql, sal, sql, sal_or_sql (the first of SAL and SQL). A cycle without the
      start event has no instance.
    - Satisfy events: the cycle's milestones (sal, sql, opportunity, won, lost, disqualified,
      recycled) count as they are, since they belong to the cycle; sales touches of the CRM of
      record (int_sales_touches: task = a completed task, call or email; event = a meeting or
      event that took place; by an owner on the person's lead or contact) count from the start
      to the end of the cycle: a touch before the start doesn't count, one after the
      cycle ended belongs to the next cycle.
    - On a tie, the event listed first in satisfy_events names satisfied_by (task and event both
      say sales_touch). -#}
with

policy_events as (
    select * from {{ ref('int_sla_policy_events') }}
    where policy_grain = 'lead' and is_known
),

cycles as (
    select * from {{ ref('int_lead_cycles') }}
),

persons as (
    select
        person_key,
        source_record_id
    from {{ ref('int_persons_resolved') }}
    where source_system in ('crm_lead', 'crm_contact')
),

users as (
    select * from {{ ref('int_users') }}
),

crm_of_record as (
    select source_system
    from {{ ref('int_source_system_roles') }}
    where role = 'crm' and is_of_record
),

touches as (
    select
        sales_touches.record_id,
        sales_touches.occurred_at as touched_at,
        case
            when sales_touches.touch_kind in ('meeting', 'event') then 'event'
            else 'task'
        end as touch_type
    from {{ ref('int_sales_touches') }} as sales_touches
    inner join crm_of_record
        on sales_touches.source_system = crm_of_record.source_system
    where
        sales_touches.occurred_at is not null
        and sales_touches.owner_id is not null
        and sales_touches.record_id is not null
),

person_touches as (
    select
        persons.person_key,
        touches.touched_at,
        touches.touch_type
    from touches
    inner join persons
        on touches.record_id = persons.source_record_id
),

start_events as (
    select
        policy_key,
        event_code
    from policy_events
    where event_role = 'start'
),

satisfy_events as (
    select
        policy_key,
        event_code,
        event_position,
        satisfied_by
    from policy_events
    where event_role = 'satisfy'
),

starts as (
    select
        start_events.policy_key,
        cycles.person_key,
        cycles.cycle_number,
        cycles.crm_lead_id,
        cycles.owner_id,
        cycles.cycle_ended_at,
        cycles.sal_at,
        cycles.sql_at,
        cycles.opportunity_created_at,
        cycles.won_at,
        cycles.lost_at,
        cycles.disqualified_at,
        cycles.recycled_at,
        case start_events.event_code
            when 'mql' then cycles.mql_at
            when 'sal' then cycles.sal_at
            when 'sql' then cycles.sql_at
            when 'sal_or_sql' then least(cycles.sal_at, cycles.sql_at)
        end as started_at
    from cycles
    cross join start_events
),

instances as (
    select * from starts
    where started_at is not null
),

milestone_satisfactions as (
    select
        instances.policy_key,
        instances.person_key,
        instances.cycle_number,
        satisfy_events.event_position,
        satisfy_events.satisfied_by,
        case satisfy_events.event_code
            when 'sal' then instances.sal_at
            when 'sql' then instances.sql_at
            when 'opportunity' then instances.opportunity_created_at
            when 'won' then instances.won_at
            when 'lost' then instances.lost_at
            when 'disqualified' then instances.disqualified_at
            when 'recycled' then instances.recycled_at
        end as satisfied_at
    from instances
    inner join satisfy_events
        on instances.policy_key = satisfy_events.policy_key
),

touch_satisfactions as (
    select
        instances.policy_key,
        instances.person_key,
        instances.cycle_number,
        satisfy_events.event_position,
        satisfy_events.satisfied_by,
        min(person_touches.touched_at) as satisfied_at
    from instances
    inner join satisfy_events
        on instances.policy_key = satisfy_events.policy_key
    inner join person_touches
        on
            instances.person_key = person_touches.person_key
            and satisfy_events.event_code = person_touches.touch_type
            and instances.started_at <= person_touches.touched_at
            and (
                instances.cycle_ended_at is null
                or instances.cycle_ended_at >= person_touches.touched_at
            )
    group by 1, 2, 3, 4, 5
),

satisfactions as (
    select * from milestone_satisfactions
    where satisfied_at is not null

    union all

    select * from touch_satisfactions
),

first_satisfactions as (
    select
        policy_key,
        person_key,
        cycle_number,
        satisfied_at,
        satisfied_by,
        row_number() over (
            partition by policy_key, person_key, cycle_number
            order by satisfied_at, event_position
        ) as satisfaction_rank
    from satisfactions
),

candidates as (
    select
        instances.policy_key,
        instances.person_key,
        instances.cycle_number,
        instances.crm_lead_id,
        instances.owner_id,
        instances.started_at,
        first_satisfactions.satisfied_at,
        first_satisfactions.satisfied_by
    from instances
    left join first_satisfactions
        on
            instances.policy_key = first_satisfactions.policy_key
            and instances.person_key = first_satisfactions.person_key
            and instances.cycle_number = first_satisfactions.cycle_number
            and first_satisfactions.satisfaction_rank = 1
),

final as (
    select
        candidates.*,
        {{ dbt.concat(["candidates.person_key", "'|'",
                       dbt.cast("candidates.cycle_number", dbt.type_string())]) }}
            as subject_id,
        {{ sla_owner_clock_columns('users') }}
    from candidates
    left join users
        on candidates.owner_id = users.user_id
)

select * from final
