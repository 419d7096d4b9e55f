{#- Each person's stage events split into lifecycle cycles, keeping the first entry into each
    stage per cycle.
    - Order: event time, then funnel order, then CRM before MAS, then ids: the same input always
      gives the same sequence, also for same-timestamp and out-of-order events.
    - An event repeating the stage the person is already in (the other system echoing a change)
      is not a new entry, and a record created after a cycle ended (a Lead event) does not start
      a new cycle: the next MQL or sales stage does.
    - Recycled and Disqualified end a cycle; the events after them belong to the next cycle.
    - Within a cycle only forward progress enters a funnel stage: a later event of an earlier
      stage (e.g. SAL after SQL) is a regression, not an entry. Skipped stages stay skipped.
    Incremental by person (macros/incremental/person_inputs.sql): a run re-derives the persons
    whose stage events changed since the last; an edited funnel_stages re-derives everyone. -#}
{{ config(
    materialized="incremental",
    incremental_strategy=revenue_funnel.reprocessing_strategy(),
    on_schema_change="append_new_columns",
    pre_hook="{{ revenue_funnel.delete_persons_with_changed_inputs(
        revenue_funnel.stage_entry_inputs_fingerprints(), ['funnel_stages']) }}",
) }}

with

events as (
    select stage_events.* from {{ ref('int_stage_events_unioned') }} as stage_events
    where {{ revenue_funnel.persons_without_rows("stage_events") }}
),

inputs as (
    {{ revenue_funnel.stage_entry_inputs_fingerprints(persons_to_derive_only=true) }}
),

stages as (
    select * from {{ ref('funnel_stages') }}
),

sequenced as (
    select
        events.*,
        stages.stage_order,
        stages.is_funnel_stage,
        stages.ends_cycle,
        row_number() over (
            partition by events.person_key
            order by
                events.event_at,
                stages.stage_order,
                case when events.source_system = 'crm' then 0 else 1 end,
                -- A deal's own event before a lifecycle field the CRM sets at the same instant.
                case when events.opportunity_id is not null then 0 else 1 end,
                events.event_type,
                events.source_record_id
        ) as event_sequence
    from events
    inner join stages
        on events.stage_code = stages.stage_code
),

known_people as (
    select
        *,
        sum(case when ends_cycle then 1 else 0 end) over (
            partition by person_key
            order by event_sequence
            rows between unbounded preceding and 1 preceding
        ) as cycle_ends_before
    from sequenced
),

relevant as (
    select * from known_people
    where not (stage_code = 'lead' and coalesce(cycle_ends_before, 0) > 0)
),

changes as (
    select
        *,
        lag(stage_code) over (
            partition by person_key order by event_sequence
        ) as previous_stage_code
    from relevant
),

stage_changes as (
    select * from changes
    where previous_stage_code is null or previous_stage_code <> stage_code
),

cycled as (
    select
        *,
        1 + coalesce(
            sum(case when ends_cycle then 1 else 0 end) over (
                partition by person_key
                order by event_sequence
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as cycle_number
    from stage_changes
),

progress as (
    select
        *,
        max(case when is_funnel_stage then stage_order end) over (
            partition by person_key, cycle_number
            order by event_sequence
            rows between unbounded preceding and 1 preceding
        ) as furthest_stage_order_before,
        row_number() over (
            partition by person_key, cycle_number, stage_code
            order by event_sequence
        ) as stage_occurrence
    from cycled
),

entries as (
    select * from progress
    where
        stage_occurrence = 1
        and (
            not is_funnel_stage
            or furthest_stage_order_before is null
            or stage_order > furthest_stage_order_before
        )
),

final as (
    select
        entries.person_key,
        entries.cycle_number,
        entries.stage_code,
        entries.stage_order,
        entries.is_funnel_stage,
        entries.ends_cycle,
        entries.event_at as entered_at,
        entries.event_sequence,
        entries.source_system,
        entries.event_type,
        entries.source_record_id,
        entries.status_value,
        entries.owner_id,
        entries.crm_lead_id,
        entries.opportunity_id,
        inputs.inputs_fingerprint,
        '{{ revenue_funnel.agreements_version(["funnel_stages"]) }}' as agreements_version
    from entries
    inner join inputs
        on entries.person_key = inputs.person_key
)

select * from final
