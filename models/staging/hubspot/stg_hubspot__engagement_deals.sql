with

source as (
    {{ contract_source('hubspot', 'engagement_deal') }}
),

latest as (
    {{ deduplicate_latest('source', ['engagement_id', 'deal_id']) }}
),

renamed as (
    select
        -- ids
        engagement_id,
        deal_id,

        -- timestamps
        _fivetran_synced as synced_at
    from latest
)

select * from renamed
