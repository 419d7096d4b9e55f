{#- CRM campaigns and Marketo programs in one dimension, so attribution and handoff context can
    name a campaign whichever system recorded the touch. -#}
with

crm_campaigns as (
    select * from {{ ref('stg_salesforce__campaigns') }}
),

mas_programs as (
    select * from {{ ref('stg_marketo__programs') }}
),

unioned as (
    select
        'crm' as source_system,
        campaign_id,
        campaign_name,
        campaign_type,
        campaign_type as channel,
        campaign_status,
        start_date as started_on,
        end_date as ended_on,
        budgeted_cost,
        actual_cost,
        created_at
    from crm_campaigns

    union all

    select
        'mas' as source_system,
        cast(program_id as {{ dbt.type_string() }}) as campaign_id,
        program_name as campaign_name,
        program_type as campaign_type,
        channel,
        program_status as campaign_status,
        cast(created_at as date) as started_on,
        cast(null as date) as ended_on,
        cast(null as {{ dbt.type_float() }}) as budgeted_cost,
        cast(null as {{ dbt.type_float() }}) as actual_cost,
        created_at
    from mas_programs
),

final as (
    select
        {{ dbt.hash("source_system || ':' || campaign_id") }} as campaign_key,
        *
    from unioned
)

select * from final
