{#- Every marketing touch of a person: MAS program engagements (form fills, email clicks and
    program status changes, attributed to their program directly or through the smart campaign)
    and CRM campaign memberships. -#}
with

activities as (
    select * from {{ ref('int_marketo_activities_attributed') }}
    where activity_type in ('fill_out_form', 'click_email', 'change_status_in_progression')
),

mas_campaigns as (
    select * from {{ ref('stg_marketo__campaigns') }}
),

members as (
    select * from {{ ref('stg_salesforce__campaign_members') }}
),

crm_persons as (
    select
        person_key,
        source_record_id
    from {{ ref('int_persons_resolved') }}
    where source_system in ('crm_lead', 'crm_contact')
),

campaigns as (
    select * from {{ ref('int_campaigns') }}
),

mas_touches as (
    select
        activities.person_key,
        activities.activity_at as touched_at,
        'mas' as source_system,
        activities.activity_type as touch_type,
        cast(activities.activity_id as {{ dbt.type_string() }}) as touch_id,
        cast(coalesce(activities.program_id, mas_campaigns.program_id) as {{ dbt.type_string() }})
            as campaign_id
    from activities
    left join mas_campaigns
        on activities.campaign_id = mas_campaigns.campaign_id
    where coalesce(activities.program_id, mas_campaigns.program_id) is not null
),

crm_touches as (
    select
        crm_persons.person_key,
        members.created_at as touched_at,
        'crm' as source_system,
        'campaign_membership' as touch_type,
        members.campaign_member_id as touch_id,
        members.campaign_id
    from members
    inner join crm_persons
        on coalesce(members.contact_id, members.lead_id) = crm_persons.source_record_id
),

unioned as (
    select * from mas_touches
    union all
    select * from crm_touches
),

final as (
    select
        unioned.person_key,
        unioned.touched_at,
        unioned.source_system,
        unioned.touch_type,
        unioned.touch_id,
        campaigns.campaign_key,
        campaigns.campaign_name,
        campaigns.channel
    from unioned
    inner join campaigns
        on
            unioned.source_system = campaigns.source_system
            and unioned.campaign_id = campaigns.campaign_id
)

select * from final
