{#- One candidate SLA instance per per-opportunity policy (int_sla_policy_events, grain
    opportunity: stalled_opportunity) x open pipeline opportunity (New Business or Expansion)
    x open stage entered, from the opportunity's stage history.
    - A stage entry is a history row whose stage differs from the row before (history rows that
      only change the amount or re-date the close date are not entries). Entries into a closed
      stage (status_stage_map: customer or lost) start nothing.
    - Satisfy events: stage_change (the next entry into another open stage) and closed (the next
      entry into a closed stage); the first later entry of a listed kind satisfies it.
    - deadline_at: the end (UTC) of the expected close date the opportunity carried when it
      entered the stage, never before the entry itself. fct_sla_instances makes it due at the
      earlier of that and start + target. The close date at entry, not a later re-dated one: a
      clock's due time is fixed when it starts, as for every policy, and re-dating a deal
      without moving it is the slippage this SLA exists to show.
    - The owner is the opportunity's owner (its time zone runs the clock); person and cycle are
      the lead cycle the opportunity came from (fct_opportunities), if any. -#}
with

policy_events as (
    select * from {{ ref('int_sla_policy_events') }}
    where policy_grain = 'opportunity' and is_known
),

opportunity_history as (
    {{ revenue_funnel.records_of_record(ref('int_opportunity_stage_changes')) }}
),

opportunities as (
    select * from {{ ref('int_opportunities') }}
),

status_map as (
    select * from {{ ref('status_stage_map') }}
),

users as (
    select * from {{ ref('int_users') }}
),

history_rows as (
    select
        opportunity_history.opportunity_id,
        opportunity_history.stage_change_id,
        opportunity_history.stage_name,
        opportunity_history.close_date,
        opportunity_history.changed_at,
        coalesce(status_map.stage_code in ('customer', 'lost'), false) as is_closed_stage,
        lag(opportunity_history.stage_name) over (
            partition by opportunity_history.opportunity_id
            order by opportunity_history.changed_at, opportunity_history.stage_change_id
        ) as previous_stage_name
    from opportunity_history
    left join status_map
        on
            opportunity_history.source_system = status_map.system
            and opportunity_history.stage_field = status_map.field
            and opportunity_history.stage_name = status_map.status_value
    where opportunity_history.stage_name is not null
),

stage_entries as (
    select
        opportunity_id,
        stage_name,
        close_date,
        changed_at as entered_at,
        is_closed_stage,
        case when is_closed_stage then 'closed' else 'stage_change' end as entry_event,
        row_number() over (
            partition by opportunity_id
            order by changed_at, stage_change_id
        ) as stage_entry_number
    from history_rows
    where previous_stage_name is null or previous_stage_name <> stage_name
),

start_events as (
    select policy_key
    from policy_events
    where event_role = 'start' and event_code = 'opportunity_stage'
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

instances as (
    select
        start_events.policy_key,
        stage_entries.opportunity_id,
        stage_entries.stage_entry_number,
        stage_entries.stage_name,
        stage_entries.close_date,
        stage_entries.entered_at as started_at,
        opportunities.owner_id,
        opportunities.person_key,
        opportunities.cycle_number,
        opportunities.crm_lead_id
    from stage_entries
    inner join opportunities
        on stage_entries.opportunity_id = opportunities.opportunity_id
    cross join start_events
    where opportunities.is_pipeline and not stage_entries.is_closed_stage
),

satisfactions as (
    select
        instances.policy_key,
        instances.opportunity_id,
        instances.stage_entry_number,
        later_entries.entered_at as satisfied_at,
        satisfy_events.satisfied_by,
        row_number() over (
            partition by instances.policy_key, instances.opportunity_id, instances.stage_entry_number
            order by later_entries.entered_at, satisfy_events.event_position
        ) as satisfaction_rank
    from instances
    inner join stage_entries as later_entries
        on
            instances.opportunity_id = later_entries.opportunity_id
            and instances.stage_entry_number < later_entries.stage_entry_number
    inner join satisfy_events
        on
            instances.policy_key = satisfy_events.policy_key
            and later_entries.entry_event = satisfy_events.event_code
),

candidates as (
    select
        instances.policy_key,
        instances.person_key,
        instances.cycle_number,
        instances.crm_lead_id,
        instances.owner_id,
        instances.started_at,
        satisfactions.satisfied_at,
        satisfactions.satisfied_by,
        instances.opportunity_id,
        instances.stage_entry_number,
        instances.stage_name as opportunity_stage_name,
        instances.close_date as expected_close_date,
        case
            when instances.close_date is not null
                then greatest(
                    instances.started_at,
                    cast(
                        {{ dbt.dateadd('day', 1, 'instances.close_date') }}
                        as {{ dbt.type_timestamp() }}
                    )
                )
        end as deadline_at
    from instances
    left join satisfactions
        on
            instances.policy_key = satisfactions.policy_key
            and instances.opportunity_id = satisfactions.opportunity_id
            and instances.stage_entry_number = satisfactions.stage_entry_number
            and satisfactions.satisfaction_rank = 1
),

final as (
    select
        candidates.*,
        {{ dbt.concat(["candidates.opportunity_id", "'|'",
                       dbt.cast("candidates.stage_entry_number", dbt.type_string())]) }}
            as subject_id,
        {{ sla_owner_clock_columns('users') }}
    from candidates
    left join users
        on candidates.owner_id = users.user_id
)

select * from final
