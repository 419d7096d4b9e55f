{#- Salesforce accounts in the conformed `accounts` interface: one row per live Account, with
    its billing country and state. -#}
with

accounts as (
    select * from {{ ref('stg_salesforce__accounts') }}
),

final as (
    select
        'salesforce' as source_system,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(parent_account_id as {{ dbt.type_string() }}) as parent_account_id,
        account_name,
        industry,
        billing_country as country,
        billing_state as state,
        account_type,
        number_of_employees,
        annual_revenue,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        created_at,
        last_modified_at,
        synced_at
    from accounts
)

select * from final
