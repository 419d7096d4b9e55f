{#- The agreed-rule score of each person at every moment it changed (each scoring activity) and
    at each MQL, within the lifecycle cycle: points count from the previous cycle's end (the MAS
    resets scores on recycle) until they decay.
    Incremental by person (macros/incremental/person_inputs.sql): a run re-derives the persons
    whose scoring activities or cycles changed since the last. -#}
{{ config(
    materialized="incremental",
    incremental_strategy=revenue_funnel.reprocessing_strategy(),
    on_schema_change="append_new_columns",
    pre_hook="{{ revenue_funnel.delete_persons_with_changed_inputs(
        revenue_funnel.score_moment_inputs_fingerprints(), ['lead_scoring_rules']) }}",
) }}

with

scored as (
    select scored_activities.*
    from {{ ref('int_lead_score_activities') }} as scored_activities
    where {{ revenue_funnel.persons_without_rows("scored_activities") }}
),

inputs as (
    {{ revenue_funnel.score_moment_inputs_fingerprints(persons_to_derive_only=true) }}
),

cycles as (
    select
        lead_cycles.person_key,
        lead_cycles.cycle_number,
        lead_cycles.mql_at,
        lead_cycles.cycle_ended_at,
        lag(lead_cycles.cycle_ended_at) over (
            partition by lead_cycles.person_key order by lead_cycles.cycle_number
        ) as previous_cycle_ended_at,
        max(lead_cycles.cycle_number) over (
            partition by lead_cycles.person_key
        ) as last_cycle_number
    from {{ ref('int_lead_cycles') }} as lead_cycles
    where {{ revenue_funnel.persons_without_rows("lead_cycles") }}
),

-- Each cycle's scoring window, plus an open window after the last cycle ended (engagement that
-- may or may not have led to a new MQL).
windows as (
    select
        person_key,
        cycle_number,
        previous_cycle_ended_at as window_start_at,
        cycle_ended_at as window_end_at,
        mql_at
    from cycles

    union all

    select
        person_key,
        cycle_number + 1 as cycle_number,
        cycle_ended_at as window_start_at,
        cast(null as {{ dbt.type_timestamp() }}) as window_end_at,
        cast(null as {{ dbt.type_timestamp() }}) as mql_at
    from cycles
    where cycle_number = last_cycle_number and cycle_ended_at is not null
),

-- Every scoring activity that can count at a moment of a window: from the window's start (none:
-- from the person's first activity) up to its end, or up to its MQL; an activity within the window
-- is also a moment (the score changed). Activities count up to the moment whatever the window's
-- end, and none after the window's last moment can count at any of them.
window_activities as (
    select
        windows.person_key,
        windows.cycle_number,
        scored.activity_at,
        scored.points,
        scored.decay_after_days,
        case
            when windows.window_end_at is null or windows.window_end_at >= scored.activity_at
                then 'activity'
        end as moment_type
    from windows
    inner join scored
        on
            windows.person_key = scored.person_key
            and (windows.window_start_at is null or windows.window_start_at < scored.activity_at)
            and (
                windows.window_end_at is null
                or windows.window_end_at >= scored.activity_at
                or windows.mql_at >= scored.activity_at
            )
),

-- One stream per window (a person's cycle has one window): each activity adds its points when it
-- happens and takes them away when they decay, i.e. from decay_after_days after it (a decay of
-- zero or fewer days: at the activity itself, so the points never count); each MQL is a moment.
score_changes as (
    select
        person_key,
        cycle_number,
        activity_at as changed_at,
        points as score_change,
        moment_type
    from window_activities

    union all

    select
        person_key,
        cycle_number,
        case
            when decay_after_days <= 0 then activity_at
            else {{ dbt.dateadd('day', 'decay_after_days', 'activity_at') }}
        end as changed_at,
        -1 * points as score_change,
        cast(null as {{ dbt.type_string() }}) as moment_type
    from window_activities
    where decay_after_days is not null

    union all

    select
        person_key,
        cycle_number,
        mql_at as changed_at,
        0 as score_change,
        'mql' as moment_type
    from windows
    where mql_at is not null
),

-- The running score over a range frame counts every change at or before each row's instant, so an
-- activity at exactly the moment counts and points decaying at exactly the moment don't.
running_scores as (
    select
        person_key,
        cycle_number,
        changed_at,
        moment_type,
        sum(score_change) over (
            partition by person_key, cycle_number
            order by changed_at
            range between unbounded preceding and current row
        ) as running_score
    from score_changes
),

-- Activities at the same instant are one moment (with the same running score).
scores as (
    select distinct
        person_key,
        cycle_number,
        changed_at as moment_at,
        moment_type,
        coalesce(running_score, 0) as recomputed_score
    from running_scores
    where moment_type is not null
),

final as (
    select
        scores.*,
        inputs.inputs_fingerprint,
        '{{ revenue_funnel.agreements_version(["lead_scoring_rules"]) }}' as agreements_version
    from scores
    inner join inputs
        on scores.person_key = inputs.person_key
)

select * from final
