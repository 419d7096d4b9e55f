{#- The business-clock spine: one row per clock (team x time zone of the users of every source
    system, int_user_records) and local
    calendar day, with the day's business interval in UTC (from business_hours, minus the
    holidays of the clock's calendar; DST-correct because the local opening and closing times
    are converted per day) and the business minutes of all earlier days. -#}
with

users as (
    select distinct
        coalesce(team_name, 'unassigned') as team,
        coalesce(time_zone, 'UTC') as time_zone
    from {{ ref('int_user_records') }}
),

-- Owners who are not users (queues) fall back to the unassigned UTC clock.
clock_owners as (
    select
        team,
        time_zone
    from users

    union

    select
        'unassigned' as team,
        'UTC' as time_zone
),

clocks as (
    select
        {{ dbt.concat(["team", "'|'", "time_zone"]) }} as clock_id,
        team,
        time_zone
    from clock_owners
),

days as (
    {{ dbt.date_spine("day", "cast('2020-01-01' as date)", "cast('2031-01-01' as date)") }}
),

hours as (
    select * from {{ ref('business_hours') }}
),

calendars as (
    select * from {{ ref('holiday_calendars') }}
),

holidays as (
    select * from {{ ref('holidays') }}
),

clock_calendars as (
    select
        clocks.clock_id,
        coalesce(by_team.calendar_code, by_zone.calendar_code, by_prefix.calendar_code)
            as calendar_code
    from clocks
    left join calendars as by_team
        on by_team.scope_type = 'team' and clocks.team = by_team.scope_value
    left join calendars as by_zone
        on by_zone.scope_type = 'time_zone' and clocks.time_zone = by_zone.scope_value
    left join calendars as by_prefix
        on
            by_prefix.scope_type = 'time_zone_prefix'
            and clocks.time_zone like {{ dbt.concat(["by_prefix.scope_value", "'%'"]) }}
),

clock_days as (
    select
        clocks.clock_id,
        clocks.team,
        clocks.time_zone,
        cast(days.date_day as date) as local_date,
        {{ iso_day_of_week('days.date_day') }} as iso_day_of_week
    from clocks
    cross join days
),

-- Opening hours: the team's own, else the time zone's, else the default.
opening_hours as (
    select
        clock_days.*,
        coalesce(team_hours.opens_at, zone_hours.opens_at, default_hours.opens_at) as opens_at,
        coalesce(team_hours.closes_at, zone_hours.closes_at, default_hours.closes_at)
            as closes_at,
        holidays.holiday_name
    from clock_days
    left join hours as team_hours
        on
            team_hours.scope_type = 'team'
            and clock_days.team = team_hours.scope_value
            and clock_days.iso_day_of_week = team_hours.iso_day_of_week
    left join hours as zone_hours
        on
            zone_hours.scope_type = 'time_zone'
            and clock_days.time_zone = zone_hours.scope_value
            and clock_days.iso_day_of_week = zone_hours.iso_day_of_week
    left join hours as default_hours
        on
            default_hours.scope_type = 'default'
            and clock_days.iso_day_of_week = default_hours.iso_day_of_week
    left join clock_calendars
        on clock_days.clock_id = clock_calendars.clock_id
    left join holidays
        on
            clock_calendars.calendar_code = holidays.calendar_code
            and clock_days.local_date = cast(holidays.holiday_date as date)
),

intervals as (
    select
        clock_id,
        team,
        time_zone,
        local_date,
        iso_day_of_week,
        holiday_name,
        opens_at is not null and holiday_name is null as is_business_day,
        {{ local_to_utc(
            "cast(" ~ dbt.concat(["cast(local_date as " ~ dbt.type_string() ~ ")", "' '",
                                  "opens_at", "':00'"]) ~ " as " ~ dbt.type_timestamp() ~ ")",
            "time_zone"
        ) }} as opens_at_utc,
        {{ local_to_utc(
            "cast(" ~ dbt.concat(["cast(local_date as " ~ dbt.type_string() ~ ")", "' '",
                                  "closes_at", "':00'"]) ~ " as " ~ dbt.type_timestamp() ~ ")",
            "time_zone"
        ) }} as closes_at_utc
    from opening_hours
),

measured as (
    select
        *,
        case
            when is_business_day
                then {{ dbt.datediff("opens_at_utc", "closes_at_utc", "minute") }}
            else 0
        end as business_minutes
    from intervals
),

final as (
    select
        *,
        coalesce(
            sum(business_minutes) over (
                partition by clock_id
                order by local_date
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as cumulative_minutes_before
    from measured
)

select * from final
