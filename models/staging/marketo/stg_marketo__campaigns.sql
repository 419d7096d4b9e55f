with

source as (
    {{ contract_source('marketo', 'campaign') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as campaign_id,
        program_id,

        -- strings
        name as campaign_name,
        type as campaign_type,

        -- booleans
        coalesce(active, false) as is_active,

        -- timestamps
        created_at,
        updated_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row(has_is_deleted=false) }})
)

select * from renamed
