{#- Every engagement of a person with a content asset, one row per engagement: Marketo form fills,
    web page visits, email clicks and program status changes (int_marketo_activities_attributed),
    and responses to CRM campaigns (campaign members who responded). An asset is
    (asset_type, asset_id): a form, web page (its path), email or program by its Marketo id, a
    CRM campaign by its id. campaign_key is the program (or CRM campaign) the engagement came
    through, keyed as dim_campaign keys it, when known: a form fill or email click through the
    smart campaign of a program, a program's own status change. Email opens and sends are left
    out: a send is no engagement, and opens are recorded by mail clients that prefetch images
    (Apple Mail Privacy Protection) as often as by people reading. -#}
with

activities as (
    select * from {{ ref('int_marketo_activities_attributed') }}
    where
        activity_type in (
            'fill_out_form', 'visit_webpage', 'click_email', 'change_status_in_progression'
        )
),

mas_campaigns as (
    select * from {{ ref('stg_marketo__campaigns') }}
),

programs as (
    select * from {{ ref('stg_marketo__programs') }}
),

members as (
    select * from {{ ref('stg_salesforce__campaign_members') }}
    where has_responded
),

crm_campaigns as (
    select * from {{ ref('stg_salesforce__campaigns') }}
),

crm_persons as (
    select
        person_key,
        source_record_id
    from {{ ref('int_persons_resolved') }}
    where source_system in ('crm_lead', 'crm_contact')
),

mas_engagements as (
    select
        activities.person_key,
        activities.activity_at as engaged_at,
        case activities.activity_type
            when 'fill_out_form' then 'form'
            when 'visit_webpage' then 'web_page'
            when 'click_email' then 'email'
            else 'program'
        end as asset_type,
        case
            when activities.activity_type = 'change_status_in_progression'
                then cast(activities.program_id as {{ dbt.type_string() }})
            when activities.activity_type = 'visit_webpage'
                then coalesce(activities.primary_attribute_value, activities.webpage_url)
            else coalesce(
                cast(activities.primary_attribute_value_id as {{ dbt.type_string() }}),
                activities.primary_attribute_value
            )
        end as asset_id,
        case
            when activities.activity_type = 'change_status_in_progression'
                then coalesce(
                    programs.program_name, cast(activities.program_id as {{ dbt.type_string() }})
                )
            when activities.activity_type = 'visit_webpage'
                then coalesce(activities.primary_attribute_value, activities.webpage_url)
            else activities.primary_attribute_value
        end as asset_name,
        cast(coalesce(activities.program_id, mas_campaigns.program_id) as {{ dbt.type_string() }})
            as program_id,
        'mas' as source_system,
        activities.activity_type as engagement_type,
        cast(activities.activity_id as {{ dbt.type_string() }}) as engagement_id
    from activities
    left join mas_campaigns
        on activities.campaign_id = mas_campaigns.campaign_id
    left join programs
        on activities.program_id = programs.program_id
),

crm_engagements as (
    select
        crm_persons.person_key,
        -- Responded no earlier than the membership was created, nor before the day recorded.
        case
            when
                members.first_responded_date is not null
                and cast(members.first_responded_date as {{ dbt.type_timestamp() }})
                > members.created_at
                then cast(members.first_responded_date as {{ dbt.type_timestamp() }})
            else members.created_at
        end as engaged_at,
        'crm_campaign' as asset_type,
        members.campaign_id as asset_id,
        coalesce(crm_campaigns.campaign_name, members.campaign_id) as asset_name,
        members.campaign_id as program_id,
        'crm' as source_system,
        'campaign_response' as engagement_type,
        members.campaign_member_id as engagement_id
    from members
    inner join crm_persons
        on coalesce(members.contact_id, members.lead_id) = crm_persons.source_record_id
    left join crm_campaigns
        on members.campaign_id = crm_campaigns.campaign_id
),

unioned as (
    select * from mas_engagements
    union all
    select * from crm_engagements
),

final as (
    select
        person_key,
        engaged_at,
        asset_type,
        asset_id,
        asset_name,
        case
            when program_id is not null
                then {{ dbt.hash("source_system || ':' || program_id") }}
        end as campaign_key,
        source_system,
        engagement_type,
        engagement_id
    from unioned
    where asset_id is not null and engaged_at is not null
)

select * from final
