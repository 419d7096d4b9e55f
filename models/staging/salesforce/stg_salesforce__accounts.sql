with

source as (
    {{ contract_source('salesforce', 'account') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as account_id,
        owner_id,
        parent_id as parent_account_id,

        -- strings
        name as account_name,
        industry,
        billing_country,
        billing_state,
        type as account_type,

        -- numerics
        number_of_employees,
        annual_revenue,

        -- timestamps
        created_date as created_at,
        last_modified_date as last_modified_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row() }})
)

select * from renamed
