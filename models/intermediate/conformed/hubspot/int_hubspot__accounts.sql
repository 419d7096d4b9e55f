{#- HubSpot companies in the conformed `accounts` interface: one row per live company. HubSpot
    lands no parent, state or account type for a company. -#}
with

companies as (
    select * from {{ ref('stg_hubspot__companies') }}
),

final as (
    select
        'hubspot' as source_system,
        cast(company_id as {{ dbt.type_string() }}) as account_id,
        cast(null as {{ dbt.type_string() }}) as parent_account_id,
        company_name as account_name,
        industry,
        country,
        cast(null as {{ dbt.type_string() }}) as state,
        cast(null as {{ dbt.type_string() }}) as account_type,
        number_of_employees,
        annual_revenue,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        created_at,
        last_modified_at,
        synced_at
    from companies
)

select * from final
