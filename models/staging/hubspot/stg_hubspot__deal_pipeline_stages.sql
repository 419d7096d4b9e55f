with

source as (
    {{ contract_source('hubspot', 'deal_pipeline_stage') }}
),

latest as (
    {{ deduplicate_latest('source', ['stage_id']) }}
),

renamed as (
    select
        -- ids
        stage_id as deal_stage_id,
        pipeline_id,

        -- strings
        label as deal_stage_label,

        -- numerics
        probability,
        display_order,

        -- booleans
        coalesce(closed_won, false) as is_closed_won,
        -- HubSpot closes a deal in a stage of probability 1 (won) or 0 (lost).
        coalesce(closed_won, false) or coalesce(probability = 0, false) as is_closed,
        coalesce(active, true) as is_active,

        -- timestamps
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row(has_is_deleted=false) }})
)

select * from renamed
