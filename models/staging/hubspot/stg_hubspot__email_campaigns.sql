with

source as (
    {{ contract_source('hubspot', 'email_campaign') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as email_campaign_id,
        app_id,
        content_id,

        -- strings
        name as email_campaign_name,
        subject,
        app_name,
        type as email_campaign_type,
        sub_type as email_campaign_sub_type,

        -- timestamps
        _fivetran_synced as synced_at
    from latest
)

select * from renamed
