with

users as (
    select * from {{ ref('stg_salesforce__users') }}
),

roles as (
    select * from {{ ref('stg_salesforce__user_roles') }}
),

final as (
    select
        {{ dbt.hash("'crm_user:' || users.user_id") }} as user_key,
        users.user_id,
        users.user_name,
        users.email,
        users.department as team,
        users.title,
        users.user_role_id,
        roles.user_role_name as role_name,
        users.manager_id,
        managers.user_name as manager_name,
        users.time_zone,
        users.is_active,
        users.created_at
    from users
    left join roles
        on users.user_role_id = roles.user_role_id
    left join users as managers
        on users.manager_id = managers.user_id
)

select * from final
