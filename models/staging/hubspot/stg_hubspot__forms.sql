with

source as (
    {{ contract_source('hubspot', 'form') }}
),

latest as (
    {{ deduplicate_latest('source', ['guid']) }}
),

renamed as (
    select
        -- ids
        guid as form_id,

        -- strings
        name as form_name,
        formtype as form_type,

        -- timestamps
        createdat as created_at,
        updatedat as updated_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row(has_is_deleted=false) }})
)

select * from renamed
