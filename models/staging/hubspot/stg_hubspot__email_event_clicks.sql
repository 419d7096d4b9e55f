with

source as (
    {{ contract_source('hubspot', 'email_event_click') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as email_event_id,

        -- strings
        url,
        referer as referrer_url,

        -- timestamps
        _fivetran_synced as synced_at
    from latest
)

select * from renamed
