{#- HubSpot email contents in the conformed `email_templates` interface: an email campaign sends
    one content (content_id), which HubSpot doesn't version in the contract: one version per
    content, in effect throughout (valid_from, valid_to null), named and titled as the first email
    campaign that sent it (lowest id), whose campaign is its program. -#}
with

email_campaigns as (
    select
        email_campaign_id,
        content_id,
        email_campaign_name,
        subject,
        synced_at,
        row_number() over (
            partition by content_id
            order by email_campaign_id
        ) as campaign_rank
    from {{ ref('stg_hubspot__email_campaigns') }}
    where content_id is not null
),

final as (
    select
        'hubspot' as source_system,
        cast(content_id as {{ dbt.type_string() }}) as template_id,
        email_campaign_name as template_name,
        subject,
        cast(email_campaign_id as {{ dbt.type_string() }}) as program_id,
        cast(1 as {{ dbt.type_int() }}) as version,  -- noqa: RF04
        cast(null as {{ dbt.type_timestamp() }}) as valid_from,
        cast(null as {{ dbt.type_timestamp() }}) as valid_to,
        synced_at
    from email_campaigns
    where campaign_rank = 1
)

select * from final
