with

source as (
    {{ contract_source('salesforce', 'user_role') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as user_role_id,
        parent_role_id,

        -- strings
        name as user_role_name,

        -- timestamps
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row(has_is_deleted=false) }})
)

select * from renamed
