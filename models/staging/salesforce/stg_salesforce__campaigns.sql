with

source as (
    {{ contract_source('salesforce', 'campaign') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as campaign_id,
        parent_id as parent_campaign_id,

        -- strings
        name as campaign_name,
        type as campaign_type,
        status as campaign_status,

        -- numerics
        budgeted_cost,
        actual_cost,

        -- booleans
        coalesce(is_active, false) as is_active,

        -- dates and timestamps
        start_date,
        end_date,
        created_date as created_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row() }})
)

select * from renamed
