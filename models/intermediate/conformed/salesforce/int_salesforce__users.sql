{#- Salesforce users in the conformed `users` interface: one row per live User with its role
    name, team (the department, as sales and marketing teams are named in the org) and time zone.
    The contract lands no user type, so an integration user is one named as such (e.g. the
    marketing automation's sync user). -#}
with

users as (
    select * from {{ ref('stg_salesforce__users') }}
),

roles as (
    select * from {{ ref('stg_salesforce__user_roles') }}
),

final as (
    select
        'salesforce' as source_system,
        cast(users.user_id as {{ dbt.type_string() }}) as user_id,
        users.user_name,
        users.email,
        cast(users.manager_id as {{ dbt.type_string() }}) as manager_id,
        cast(users.user_role_id as {{ dbt.type_string() }}) as role_id,
        roles.user_role_name as role_name,
        users.department as team_name,
        users.department,
        users.title,
        users.time_zone,
        users.is_active,
        coalesce(lower(users.user_name) like '%integration%', false) as is_integration_user,
        users.created_at,
        users.synced_at
    from users
    left join roles
        on users.user_role_id = roles.user_role_id
)

select * from final
