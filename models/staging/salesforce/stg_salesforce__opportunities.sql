with

source as (
    {{ contract_source('salesforce', 'opportunity') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as opportunity_id,
        account_id,
        campaign_id,
        owner_id,

        -- strings
        name as opportunity_name,
        type as opportunity_type,
        stage_name,
        forecast_category_name as forecast_category,
        forecast_category as forecast_category_api_value,
        loss_reason_c as loss_reason,
        lead_source,

        -- numerics
        amount,
        probability,

        -- booleans
        coalesce(is_closed, false) as is_closed,
        coalesce(is_won, false) as is_won,

        -- dates and timestamps
        close_date,
        created_date as created_at,
        last_modified_date as last_modified_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row() }})
)

select * from renamed
