{#- Marketo activities of every type in the conformed `marketing_activities` interface, with a
    neutral activity_type and Marketo's own in source_activity_type. program_id is the program
    the activity belongs to: its own, else its smart campaign's. old_value / new_value are the
    values before and after a score, field or program status change (the new score of a score
    change); a bounce's new_value is its kind (hard, soft). An email activity's asset is its email
    template, and campaign_run_id the run of its batch campaign. -#}
with

activities as (
    select * from {{ ref('stg_marketo__activities') }}
),

smart_campaigns as (
    select
        campaign_id,
        program_id
    from {{ ref('stg_marketo__campaigns') }}
),

final as (
    select
        'marketo' as source_system,
        cast(activities.activity_id as {{ dbt.type_string() }}) as activity_id,
        'lead' as record_type,
        cast(activities.lead_id as {{ dbt.type_string() }}) as record_id,
        case
            when
                activities.activity_type = 'change_data_value'
                and activities.primary_attribute_value = 'Lead Status'
                then 'status_change'
            when activities.activity_type = 'change_data_value' then 'field_change'
            when activities.activity_type = 'fill_out_form' then 'form_fill'
            when activities.activity_type = 'visit_webpage' then 'web_visit'
            when activities.activity_type = 'send_email' then 'email_send'
            when activities.activity_type = 'email_delivered' then 'email_delivered'
            when activities.activity_type in ('email_bounced', 'email_bounced_soft')
                then 'email_bounce'
            when activities.activity_type = 'unsubscribe_email' then 'unsubscribe'
            when activities.activity_type = 'open_email' then 'email_open'
            when activities.activity_type = 'click_email' then 'email_click'
            when activities.activity_type = 'change_status_in_progression' then 'program_status'
            when activities.activity_type = 'change_score' then 'score_change'
            when activities.activity_type = 'merge_leads' then 'merge'
            when activities.activity_type = 'delete_lead' then 'delete'
            else activities.activity_type
        end as activity_type,
        activities.activity_type as source_activity_type,
        cast(activities.campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(
            coalesce(activities.program_id, smart_campaigns.program_id) as {{ dbt.type_string() }}
        ) as program_id,
        cast(activities.campaign_run_id as {{ dbt.type_string() }}) as campaign_run_id,
        cast(
            coalesce(activities.email_template_id, activities.primary_attribute_value_id)
            as {{ dbt.type_string() }}
        ) as asset_id,
        activities.primary_attribute_value as asset_name,
        coalesce(activities.webpage_url, activities.link) as url,
        cast(activities.score_change as {{ dbt.type_int() }}) as score_change,
        activities.old_value,
        activities.new_value,
        activities.is_success,
        activities.activity_at,
        activities.synced_at
    from activities
    left join smart_campaigns
        on activities.campaign_id = smart_campaigns.campaign_id
)

select * from final
