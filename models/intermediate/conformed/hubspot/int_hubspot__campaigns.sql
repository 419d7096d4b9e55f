{#- HubSpot email campaigns and forms in the conformed `campaigns` interface: the marketing
    activities name one or the other as their campaign. Channel `Email` or `Form`; HubSpot lands
    no costs, status or dates for either (a form starts when it is created). -#}
with

email_campaigns as (
    select * from {{ ref('stg_hubspot__email_campaigns') }}
),

forms as (
    select * from {{ ref('stg_hubspot__forms') }}
),

email_campaign_records as (
    select
        cast(email_campaign_id as {{ dbt.type_string() }}) as campaign_id,
        email_campaign_name as campaign_name,
        email_campaign_type as campaign_type,
        'Email' as channel,
        cast(null as {{ dbt.type_timestamp() }}) as created_at,
        synced_at
    from email_campaigns
),

form_records as (
    select
        cast(form_id as {{ dbt.type_string() }}) as campaign_id,
        form_name as campaign_name,
        form_type as campaign_type,
        'Form' as channel,
        created_at,
        synced_at
    from forms
),

campaigns as (
    select * from email_campaign_records
    union all
    select * from form_records
),

final as (
    select
        'hubspot' as source_system,
        campaign_id,
        cast(null as {{ dbt.type_string() }}) as parent_campaign_id,
        campaign_name,
        campaign_type,
        channel,
        cast(null as {{ dbt.type_string() }}) as campaign_status,
        cast(null as {{ dbt.type_boolean() }}) as is_active,
        cast(null as {{ revenue_funnel.type_double() }}) as budgeted_cost,
        cast(null as {{ revenue_funnel.type_double() }}) as actual_cost,
        cast(created_at as date) as start_date,
        cast(null as date) as end_date,
        created_at,
        synced_at
    from campaigns
)

select * from final
