with

source as (
    {{ contract_source('hubspot', 'team') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as team_id,

        -- strings
        name as team_name,

        -- timestamps
        _fivetran_synced as synced_at
    from latest
)

select * from renamed
