{#- One row per user of the CRM of record (int_source_system_roles) with team, role, manager and
    time zone: the logic behind dim_user, read by the SLA clocks and the owner teams of deals. -#}
with

users as (
    {{ revenue_funnel.records_of_record(ref('int_user_records')) }}
),

final as (
    select
        {{ dbt.hash("'crm_user:' || users.user_id") }} as user_key,
        users.user_id,
        users.user_name,
        users.email,
        users.team_name as team,
        users.title,
        users.role_id as user_role_id,
        users.role_name,
        users.manager_id,
        managers.user_name as manager_name,
        users.time_zone,
        users.is_active,
        users.created_at
    from users
    left join users as managers
        on users.manager_id = managers.user_id
)

select * from final
