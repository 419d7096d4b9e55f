-- Business minutes between two instants, and due instants, against cases computed by hand
-- (Mon-Fri 09:00-17:00 local, US and England & Wales holidays). Fails with the cases that differ.
-- A case runs where its time zone has a business clock (an owner works there); on the generated
-- data every zone below has one, which the end-to-end tests check.
with

elapsed_cases as (
    select
        elapsed_values.case_name,
        elapsed_values.time_zone,
        cast(elapsed_values.started_at as {{ dbt.type_timestamp() }}) as started_at,
        cast(elapsed_values.ended_at as {{ dbt.type_timestamp() }}) as ended_at,
        elapsed_values.expected_minutes
    from (
        values
        ('friday 16:00 to monday 10:30', 'America/New_York', '2026-01-09 21:00:00', '2026-01-12 15:30:00', 150),
        ('start after hours', 'America/New_York', '2026-01-13 23:00:00', '2026-01-14 15:00:00', 60),
        ('start on a holiday', 'America/New_York', '2026-12-25 15:00:00', '2026-12-28 15:00:00', 60),
        ('across the US DST switch', 'America/New_York', '2026-03-06 21:00:00', '2026-03-09 14:00:00', 120),
        ('across the UK DST switch', 'Europe/London', '2026-03-27 16:00:00', '2026-03-30 09:00:00', 120),
        ('half-hour offset', 'Asia/Kolkata', '2026-02-02 03:30:00', '2026-02-02 07:00:00', 210),
        ('three weeks with a holiday', 'America/New_York', '2026-02-02 14:00:00', '2026-02-23 14:00:00', 6720)
    ) as elapsed_values (case_name, time_zone, started_at, ended_at, expected_minutes)
),

due_cases as (
    select
        due_values.case_name,
        due_values.time_zone,
        cast(due_values.started_at as {{ dbt.type_timestamp() }}) as started_at,
        due_values.target_minutes,
        cast(due_values.expected_due_at as {{ dbt.type_timestamp() }}) as expected_due_at
    from (
        values
        ('4 business hours from friday 16:00', 'America/New_York', '2026-01-09 21:00:00', 240, '2026-01-12 17:00:00'),
        ('4 business hours across the UK DST switch', 'Europe/London', '2026-03-27 16:00:00', 240, '2026-03-30 11:00:00'),
        ('1 business hour from a saturday', 'Asia/Kolkata', '2026-02-07 04:30:00', 60, '2026-02-09 04:30:00'),
        ('2 business days over christmas', 'America/New_York', '2026-12-24 20:00:00', 960, '2026-12-29 20:00:00')
    ) as due_values (case_name, time_zone, started_at, target_minutes, expected_due_at)
),

clock_days as (
    select * from {{ ref('int_sla_clock_days') }}
),

clocks as (
    select
        time_zone,
        min(clock_id) as clock_id
    from clock_days
    group by time_zone
),

elapsed as (
    select
        elapsed_cases.case_name,
        elapsed_cases.expected_minutes,
        {{ business_minutes_at('elapsed_cases.ended_at', 'end_day') }}
        - {{ business_minutes_at('elapsed_cases.started_at', 'start_day') }} as computed_minutes
    from elapsed_cases
    inner join clocks
        on elapsed_cases.time_zone = clocks.time_zone
    inner join clock_days as start_day
        on {{ on_clock_day('start_day', 'clocks.clock_id', 'elapsed_cases.started_at', 'elapsed_cases.time_zone') }}
    inner join clock_days as end_day
        on {{ on_clock_day('end_day', 'clocks.clock_id', 'elapsed_cases.ended_at', 'elapsed_cases.time_zone') }}
),

due_targets as (
    select
        due_cases.*,
        clocks.clock_id,
        {{ business_minutes_at('due_cases.started_at', 'start_day') }}
        + due_cases.target_minutes as due_minutes
    from due_cases
    inner join clocks
        on due_cases.time_zone = clocks.time_zone
    inner join clock_days as start_day
        on {{ on_clock_day('start_day', 'clocks.clock_id', 'due_cases.started_at', 'due_cases.time_zone') }}
),

due as (
    select
        due_targets.case_name,
        due_targets.expected_due_at,
        {{ business_instant_at('due_targets.due_minutes', 'due_day') }} as computed_due_at
    from due_targets
    inner join clock_days as due_day
        on
            due_targets.clock_id = due_day.clock_id
            and due_targets.due_minutes > due_day.cumulative_minutes_before
            and due_targets.due_minutes
            <= due_day.cumulative_minutes_before + due_day.business_minutes
)

select
    case_name,
    cast(expected_minutes as {{ dbt.type_string() }}) as expected,
    cast(computed_minutes as {{ dbt.type_string() }}) as computed
from elapsed
where abs(computed_minutes - expected_minutes) > 0.001

union all

select
    case_name,
    cast(expected_due_at as {{ dbt.type_string() }}) as expected,
    cast(computed_due_at as {{ dbt.type_string() }}) as computed
from due
where computed_due_at <> expected_due_at
