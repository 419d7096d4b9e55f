{#- Every engagement of a person with a content asset, one row per engagement, from the marketing
    activities of every system (int_marketing_activities_attributed): form fills, web page
    visits, email clicks, program status changes and campaign responses. An asset is
    (asset_type, asset_id): a form, web page (its path), email or program by its id in its system,
    a campaign (responded to) by its id. campaign_key is the program or campaign the engagement
    came through, keyed as dim_campaign keys it (its system's role word and id), when known: a
    form fill or email click through a program (or through a smart campaign of one), a program's
    own status change, the campaign responded to. source_system is the role word (crm, mas).
    Email opens and sends are left out: a send is no engagement, and opens are recorded by mail
    clients that prefetch images (Apple Mail Privacy Protection) as often as by people reading. -#}
with

activities as (
    select * from {{ ref('int_marketing_activities_attributed') }}
    where
        activity_type in (
            'form_fill', 'web_visit', 'email_click', 'program_status', 'campaign_response'
        )
),

role_words as (
    {{ revenue_funnel.system_role_words(ref('int_source_system_roles')) }}
),

campaigns as (
    select
        source_system,
        campaign_id,
        campaign_name
    from {{ ref('int_campaign_records') }}
),

-- The program or campaign each engagement came through: the campaign responded to, else the
-- activity's program.
engagements as (
    select
        activities.*,
        case
            when activities.activity_type = 'campaign_response' then activities.campaign_id
            else activities.program_id
        end as through_campaign_id
    from activities
),

named as (
    select
        engagements.person_key,
        engagements.activity_at as engaged_at,
        case engagements.activity_type
            when 'form_fill' then 'form'
            when 'web_visit' then 'web_page'
            when 'email_click' then 'email'
            when 'program_status' then 'program'
            else 'crm_campaign'
        end as asset_type,
        case
            when engagements.activity_type in ('program_status', 'campaign_response')
                then engagements.through_campaign_id
            when engagements.activity_type = 'web_visit'
                then coalesce(engagements.asset_name, engagements.url)
            else coalesce(engagements.asset_id, engagements.asset_name)
        end as asset_id,
        case
            when engagements.activity_type in ('program_status', 'campaign_response')
                then coalesce(campaigns.campaign_name, engagements.through_campaign_id)
            when engagements.activity_type = 'web_visit'
                then coalesce(engagements.asset_name, engagements.url)
            else engagements.asset_name
        end as asset_name,
        engagements.through_campaign_id,
        role_words.role_word as source_system,
        engagements.activity_type as engagement_type,
        engagements.activity_id as engagement_id
    from engagements
    inner join role_words
        on engagements.source_system = role_words.source_system
    left join campaigns
        on
            engagements.source_system = campaigns.source_system
            and engagements.through_campaign_id = campaigns.campaign_id
),

final as (
    select
        person_key,
        engaged_at,
        asset_type,
        asset_id,
        asset_name,
        case
            when through_campaign_id is not null
                then {{ dbt.hash("source_system || ':' || through_campaign_id") }}
        end as campaign_key,
        source_system,
        engagement_type,
        engagement_id
    from named
    where asset_id is not null and engaged_at is not null
)

select * from final
