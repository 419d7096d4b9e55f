{#- HubSpot owners in the conformed `users` interface: the owner is who records and deals are
    assigned to (owner_id), so it is the conformed user. Its team is its primary team (else its
    first team) through the owner's HubSpot user; its time zone that team's, from the
    team_time_zones agreement, else the portal's (var hubspot_portal_time_zone). HubSpot has no
    managers, roles or titles for owners. -#}
with

owners as (
    select * from {{ ref('stg_hubspot__owners') }}
),

team_users as (
    select * from {{ ref('stg_hubspot__team_users') }}
),

teams as (
    select * from {{ ref('stg_hubspot__teams') }}
),

team_time_zones as (
    select * from {{ ref('team_time_zones') }}
    where system = 'hubspot'
),

ranked_teams as (
    select
        team_users.user_id,
        teams.team_name,
        row_number() over (
            partition by team_users.user_id
            order by case when team_users.is_primary then 0 else 1 end, team_users.team_id
        ) as team_rank
    from team_users
    inner join teams
        on team_users.team_id = teams.team_id
),

-- The most specific pattern a team's name matches (an exact name beats a wildcard).
team_zones as (
    select
        teams.team_name,
        team_time_zones.time_zone,
        row_number() over (
            partition by teams.team_name
            order by length(team_time_zones.team_name_pattern) desc, team_time_zones.time_zone
        ) as match_rank
    from teams
    inner join team_time_zones
        on teams.team_name like team_time_zones.team_name_pattern
),

final as (
    select
        'hubspot' as source_system,
        cast(owners.owner_id as {{ dbt.type_string() }}) as user_id,
        owners.owner_name as user_name,
        owners.email,
        cast(null as {{ dbt.type_string() }}) as manager_id,
        cast(null as {{ dbt.type_string() }}) as role_id,
        cast(null as {{ dbt.type_string() }}) as role_name,
        ranked_teams.team_name,
        ranked_teams.team_name as department,
        cast(null as {{ dbt.type_string() }}) as title,
        coalesce(
            team_zones.time_zone, '{{ var("hubspot_portal_time_zone", "America/New_York") }}'
        ) as time_zone,
        owners.is_active,
        coalesce(lower(owners.owner_name) like '%integration%', false) as is_integration_user,
        owners.created_at,
        owners.synced_at
    from owners
    left join ranked_teams
        on
            owners.user_id = ranked_teams.user_id
            and ranked_teams.team_rank = 1
    left join team_zones
        on
            ranked_teams.team_name = team_zones.team_name
            and team_zones.match_rank = 1
)

select * from final
