with

source as (
    {{ contract_source('salesforce', 'opportunity_history') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as opportunity_history_id,
        opportunity_id,
        created_by_id as changed_by_user_id,

        -- strings
        stage_name,
        forecast_category,

        -- numerics
        amount,
        probability,

        -- dates and timestamps
        close_date,
        created_date as changed_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row() }})
)

select * from renamed
