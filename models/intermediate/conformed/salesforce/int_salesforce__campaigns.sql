{#- Salesforce campaigns in the conformed `campaigns` interface. Salesforce has no channel field:
    the campaign type is the channel. -#}
with

campaigns as (
    select * from {{ ref('stg_salesforce__campaigns') }}
),

final as (
    select
        'salesforce' as source_system,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(parent_campaign_id as {{ dbt.type_string() }}) as parent_campaign_id,
        campaign_name,
        campaign_type,
        campaign_type as channel,
        campaign_status,
        is_active,
        budgeted_cost,
        actual_cost,
        start_date,
        end_date,
        created_at,
        synced_at
    from campaigns
)

select * from final
