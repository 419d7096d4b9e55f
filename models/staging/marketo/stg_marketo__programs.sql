with

source as (
    {{ contract_source('marketo', 'program') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as program_id,

        -- strings
        name as program_name,
        type as program_type,
        channel,
        status as program_status,

        -- timestamps
        created_at,
        updated_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row(has_is_deleted=false) }})
)

select * from renamed
