with

source as (
    {{ contract_source('hubspot', 'email_event') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as email_event_id,
        email_campaign_id,
        sent_by_id as sent_by_event_id,

        -- strings
        upper(type) as event_type,
        {{ normalize_email('recipient') }} as recipient_email,

        -- booleans
        coalesce(filtered_event, false) as is_filtered_event,

        -- timestamps
        created as occurred_at,
        sent_by_created as sent_at,
        _fivetran_synced as synced_at
    from latest
)

select * from renamed
