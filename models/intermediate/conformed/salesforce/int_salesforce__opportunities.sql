{#- Salesforce opportunities in the conformed `opportunities` interface: one row per live
    Opportunity. The person record it came from is the lead converted into it (the earliest
    conversion when several leads name the same opportunity). -#}
with

opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

converted_leads as (
    select
        lead_id,
        converted_opportunity_id,
        row_number() over (
            partition by converted_opportunity_id
            order by converted_date, created_at, lead_id
        ) as conversion_rank
    from {{ ref('stg_salesforce__leads') }}
    where converted_opportunity_id is not null
),

final as (
    select
        'salesforce' as source_system,
        cast(opportunities.opportunity_id as {{ dbt.type_string() }}) as opportunity_id,
        cast(opportunities.account_id as {{ dbt.type_string() }}) as account_id,
        cast(opportunities.owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(opportunities.campaign_id as {{ dbt.type_string() }}) as campaign_id,
        opportunities.opportunity_name,
        opportunities.opportunity_type,
        opportunities.stage_name,
        'StageName' as stage_field,
        opportunities.forecast_category,
        opportunities.loss_reason,
        opportunities.lead_source,
        opportunities.amount,
        opportunities.probability,
        opportunities.is_closed,
        opportunities.is_won,
        opportunities.close_date,
        opportunities.created_at,
        opportunities.last_modified_at,
        case when converted_leads.lead_id is not null then 'lead' end as primary_record_type,
        cast(converted_leads.lead_id as {{ dbt.type_string() }}) as primary_record_id,
        opportunities.synced_at
    from opportunities
    left join converted_leads
        on
            opportunities.opportunity_id = converted_leads.converted_opportunity_id
            and converted_leads.conversion_rank = 1
)

select * from final
