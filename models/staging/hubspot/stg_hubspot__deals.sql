with

source as (
    {{ contract_source('hubspot', 'deal') }}
),

latest as (
    {{ deduplicate_latest('source', ['deal_id']) }}
),

renamed as (
    select
        -- ids
        deal_id,
        deal_pipeline_id as pipeline_id,
        deal_pipeline_stage_id as deal_stage_id,
        owner_id,

        -- strings
        property_dealname as deal_name,
        property_dealtype as deal_type,
        property_hs_forecast_category as forecast_category,
        property_closed_lost_reason as closed_lost_reason,
        property_hs_analytics_source as analytics_source,

        -- numerics
        property_amount as amount,

        -- dates and timestamps
        cast(property_closedate as date) as close_date,
        property_createdate as created_at,
        property_hs_lastmodifieddate as last_modified_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row() }})
)

select * from renamed
