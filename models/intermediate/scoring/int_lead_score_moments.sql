{#- The agreed-rule score of each person at every moment it changed (each scoring activity) and
    at each MQL, within the lifecycle cycle: points count from the previous cycle's end (the MAS
    resets scores on recycle) until they decay. -#}
with

scored as (
    select * from {{ ref('int_lead_score_activities') }}
),

cycles as (
    select
        person_key,
        cycle_number,
        mql_at,
        cycle_ended_at,
        lag(cycle_ended_at) over (
            partition by person_key order by cycle_number
        ) as previous_cycle_ended_at,
        max(cycle_number) over (partition by person_key) as last_cycle_number
    from {{ ref('fct_lead_cycles') }}
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

moments as (
    select
        scored.person_key,
        windows.cycle_number,
        windows.window_start_at,
        scored.activity_at as moment_at,
        'activity' as moment_type
    from scored
    inner join windows
        on
            scored.person_key = windows.person_key
            and (windows.window_start_at is null or scored.activity_at > windows.window_start_at)
            and (windows.window_end_at is null or scored.activity_at <= windows.window_end_at)

    union all

    select
        person_key,
        cycle_number,
        window_start_at,
        mql_at as moment_at,
        'mql' as moment_type
    from windows
    where mql_at is not null
),

distinct_moments as (
    select distinct
        person_key,
        cycle_number,
        window_start_at,
        moment_at,
        moment_type
    from moments
),

scores as (
    select
        distinct_moments.person_key,
        distinct_moments.cycle_number,
        distinct_moments.moment_at,
        distinct_moments.moment_type,
        coalesce(sum(scored.points), 0) as recomputed_score
    from distinct_moments
    left join scored
        on
            distinct_moments.person_key = scored.person_key
            and distinct_moments.moment_at >= scored.activity_at
            and (
                distinct_moments.window_start_at is null
                or distinct_moments.window_start_at < scored.activity_at
            )
            and (
                scored.decay_after_days is null
                or scored.activity_at
                > {{ dbt.dateadd('day', '-1 * scored.decay_after_days', 'distinct_moments.moment_at') }}
            )
    group by
        distinct_moments.person_key,
        distinct_moments.cycle_number,
        distinct_moments.moment_at,
        distinct_moments.moment_type
)

select * from scores
