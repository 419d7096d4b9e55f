{#- Every marketing touch of a person (int_marketing_activities_attributed): program engagements
    (form fills, email clicks and program status changes, attributed to their program directly or
    through the campaign they ran in) and campaign memberships. A touch's campaign is its program,
    else, for a membership, the campaign it is a member of; source_system is its system's role
    word (system_role_words), as int_campaigns keys campaigns. touch_type is the system's own
    activity type for program engagements, `campaign_membership` for memberships. -#}
with

activities as (
    select * from {{ ref('int_marketing_activities_attributed') }}
    where
        activity_type in (
            'form_fill', 'email_click', 'program_status',
            'campaign_membership', 'campaign_response'
        )
),

role_words as (
    {{ revenue_funnel.system_role_words(ref('int_source_system_roles')) }}
),

campaigns as (
    select * from {{ ref('int_campaigns') }}
),

touches as (
    select
        activities.person_key,
        activities.activity_at as touched_at,
        role_words.role_word as source_system,
        case
            when activities.activity_type in ('campaign_membership', 'campaign_response')
                then 'campaign_membership'
            else activities.source_activity_type
        end as touch_type,
        activities.activity_id as touch_id,
        case
            when activities.activity_type in ('campaign_membership', 'campaign_response')
                then activities.campaign_id
            else activities.program_id
        end as campaign_id
    from activities
    inner join role_words
        on activities.source_system = role_words.source_system
),

final as (
    select
        touches.person_key,
        touches.touched_at,
        touches.source_system,
        touches.touch_type,
        touches.touch_id,
        campaigns.campaign_key,
        campaigns.campaign_name,
        campaigns.channel
    from touches
    inner join campaigns
        on
            touches.source_system = campaigns.source_system
            and touches.campaign_id = campaigns.campaign_id
)

select * from final
