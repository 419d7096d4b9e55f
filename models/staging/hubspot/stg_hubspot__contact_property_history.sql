with

source as (
    {{ contract_source('hubspot', 'contact_property_history') }}
),

latest as (
    {{ deduplicate_latest('source', ['contact_id', 'name', 'timestamp']) }}
),

renamed as (
    select
        -- ids
        contact_id,
        nullif(trim(source_id), '') as change_source_id,

        -- strings
        name as property_name,
        -- '' is how HubSpot records a cleared property: null here, flagged by is_cleared.
        nullif(value, '') as property_value,
        upper(source) as change_source,

        -- booleans
        coalesce(value = '', false) as is_cleared,
        name = '{{ var("hubspot_contact_reason_property", "disqualification_reason") }}'
            as is_feedback_reason_change,

        -- timestamps
        timestamp as changed_at,
        _fivetran_synced as synced_at
    from latest
)

select * from renamed
