with

source as (
    {{ contract_source('hubspot', 'deal_property_history') }}
),

latest as (
    {{ deduplicate_latest('source', ['deal_id', 'name', 'timestamp']) }}
),

renamed as (
    select
        -- ids
        deal_id,
        nullif(trim(source_id), '') as change_source_id,

        -- strings
        name as property_name,
        nullif(value, '') as property_value,
        upper(source) as change_source,

        -- timestamps
        timestamp as changed_at,
        _fivetran_synced as synced_at
    from latest
)

select * from renamed
