with

source as (
    {{ contract_source('hubspot', 'deal_company') }}
),

latest as (
    {{ deduplicate_latest('source', ['deal_id', 'company_id']) }}
),

renamed as (
    select
        -- ids
        deal_id,
        company_id,
        type_id as association_type_id,

        -- timestamps
        _fivetran_synced as synced_at
    from latest
)

select * from renamed
