{#- HubSpot deals in the conformed `opportunities` interface: one row per live deal.
    - stage_name is the deal stage id as HubSpot and its property history record it (e.g.
      closedwon); whether the stage is closed or won comes from the pipeline stage
      (deal_pipeline_stage.closed_won; a closed stage has probability 1 or 0), its probability in
      percent as Salesforce's;
    - the account is the deal's company (the lowest company id, should it have several);
    - the person record it came from is its earliest created associated contact;
    - deal types newbusiness / existingbusiness / renewal read as New Business / Expansion /
      Renewal, the opportunity types pipeline and renewal measures count. -#}
with

deals as (
    select * from {{ ref('stg_hubspot__deals') }}
),

stages as (
    select * from {{ ref('stg_hubspot__deal_pipeline_stages') }}
),

deal_companies as (
    select
        deal_id,
        company_id,
        row_number() over (partition by deal_id order by company_id) as company_rank
    from {{ ref('stg_hubspot__deal_companies') }}
),

deal_contacts as (
    select
        deal_contacts.deal_id,
        deal_contacts.contact_id,
        row_number() over (
            partition by deal_contacts.deal_id
            order by contacts.created_at nulls last, deal_contacts.contact_id
        ) as contact_rank
    from {{ ref('stg_hubspot__deal_contacts') }} as deal_contacts
    left join {{ ref('stg_hubspot__contacts') }} as contacts
        on deal_contacts.contact_id = contacts.contact_id
),

final as (
    select
        'hubspot' as source_system,
        cast(deals.deal_id as {{ dbt.type_string() }}) as opportunity_id,
        cast(deal_companies.company_id as {{ dbt.type_string() }}) as account_id,
        cast(deals.owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        deals.deal_name as opportunity_name,
        case lower(deals.deal_type)
            when 'newbusiness' then 'New Business'
            when 'existingbusiness' then 'Expansion'
            when 'renewal' then 'Renewal'
            else deals.deal_type
        end as opportunity_type,
        deals.deal_stage_id as stage_name,
        'dealstage' as stage_field,
        {{ revenue_funnel.hubspot_forecast_category('deals.forecast_category') }}
            as forecast_category,
        deals.closed_lost_reason as loss_reason,
        deals.analytics_source as lead_source,
        deals.amount,
        stages.probability * 100 as probability,
        coalesce(stages.is_closed, false) as is_closed,
        coalesce(stages.is_closed_won, false) as is_won,
        deals.close_date,
        deals.created_at,
        deals.last_modified_at,
        case when deal_contacts.contact_id is not null then 'contact' end as primary_record_type,
        cast(deal_contacts.contact_id as {{ dbt.type_string() }}) as primary_record_id,
        deals.synced_at
    from deals
    left join stages
        on deals.deal_stage_id = stages.deal_stage_id
    left join deal_companies
        on
            deals.deal_id = deal_companies.deal_id
            and deal_companies.company_rank = 1
    left join deal_contacts
        on
            deals.deal_id = deal_contacts.deal_id
            and deal_contacts.contact_rank = 1
)

select * from final
