with

source as (
    {{ contract_source('salesforce', 'campaign_member') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as campaign_member_id,
        campaign_id,
        lead_id,
        contact_id,

        -- strings
        status as member_status,

        -- booleans
        coalesce(has_responded, false) as has_responded,

        -- dates and timestamps
        first_responded_date,
        created_date as created_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row() }})
)

select * from renamed
