{#- The campaigns of every system (int_campaign_records: CRM campaigns, MAS programs) in one
    dimension, so attribution and handoff context can name a campaign whichever system recorded
    the touch. source_system is the role word of the system (system_role_words: crm, mas), so
    campaign keys stay the same whichever system plays the role. -#}
with

role_words as (
    {{ revenue_funnel.system_role_words(ref('int_source_system_roles')) }}
),

campaign_records as (
    select * from {{ ref('int_campaign_records') }}
),

unioned as (
    select
        role_words.role_word as source_system,
        campaign_records.campaign_id,
        campaign_records.campaign_name,
        campaign_records.campaign_type,
        campaign_records.channel,
        campaign_records.campaign_status,
        campaign_records.start_date as started_on,
        campaign_records.end_date as ended_on,
        campaign_records.budgeted_cost,
        campaign_records.actual_cost,
        campaign_records.created_at
    from campaign_records
    inner join role_words
        on campaign_records.source_system = role_words.source_system
),

final as (
    select
        {{ dbt.hash("source_system || ':' || campaign_id") }} as campaign_key,
        *
    from unioned
)

select * from final
