{#- HubSpot marketing engagement in the conformed `marketing_activities` interface:
    - email events (SENT, DELIVERED, OPEN, CLICK, BOUNCE, STATUSCHANGE -> email_send,
      email_delivered, email_open, email_click, email_bounce, unsubscribe; any other type ->
      email_<type>), HubSpot's own type in source_activity_type. An event names its recipient's
      email only: it is the live contact with that email (the earliest created, should two share
      it); events of no contact, and the events HubSpot itself filters out (bot opens and clicks),
      are left out.
    - form submissions: form_fill on the form, at the page it was submitted on.
    HubSpot has no program above its campaigns: the email campaign or the form is both campaign_id
    and program_id (int_hubspot__campaigns lists both). An email campaign is one sending, so no
    campaign run; an email's asset is the campaign's content (int_hubspot__email_templates). -#}
with

email_events as (
    select * from {{ ref('stg_hubspot__email_events') }}
    where not is_filtered_event
),

email_event_clicks as (
    select * from {{ ref('stg_hubspot__email_event_clicks') }}
),

email_campaigns as (
    select * from {{ ref('stg_hubspot__email_campaigns') }}
),

submissions as (
    select * from {{ ref('stg_hubspot__contact_form_submissions') }}
),

forms as (
    select * from {{ ref('stg_hubspot__forms') }}
),

contacts_by_email as (
    select
        email,
        contact_id,
        row_number() over (
            partition by email
            order by created_at nulls last, contact_id
        ) as email_rank
    from {{ ref('stg_hubspot__contacts') }}
    where email is not null
),

email_activities as (
    select
        cast(email_events.email_event_id as {{ dbt.type_string() }}) as activity_id,
        cast(contacts_by_email.contact_id as {{ dbt.type_string() }}) as record_id,
        case email_events.event_type
            when 'SENT' then 'email_send'
            when 'DELIVERED' then 'email_delivered'
            when 'OPEN' then 'email_open'
            when 'CLICK' then 'email_click'
            when 'BOUNCE' then 'email_bounce'
            when 'STATUSCHANGE' then 'unsubscribe'
            else {{ dbt.concat(["'email_'", "lower(email_events.event_type)"]) }}
        end as activity_type,
        email_events.event_type as source_activity_type,
        cast(email_events.email_campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(email_campaigns.content_id as {{ dbt.type_string() }}) as asset_id,
        email_campaigns.email_campaign_name as asset_name,
        email_event_clicks.url,
        email_events.occurred_at as activity_at,
        email_events.synced_at
    from email_events
    inner join contacts_by_email
        on
            email_events.recipient_email = contacts_by_email.email
            and contacts_by_email.email_rank = 1
    left join email_campaigns
        on email_events.email_campaign_id = email_campaigns.email_campaign_id
    left join email_event_clicks
        on email_events.email_event_id = email_event_clicks.email_event_id
),

form_activities as (
    select
        cast(submissions.conversion_id as {{ dbt.type_string() }}) as activity_id,
        cast(submissions.contact_id as {{ dbt.type_string() }}) as record_id,
        'form_fill' as activity_type,
        'FORM_SUBMISSION' as source_activity_type,
        cast(submissions.form_id as {{ dbt.type_string() }}) as campaign_id,
        cast(submissions.form_id as {{ dbt.type_string() }}) as asset_id,
        forms.form_name as asset_name,
        submissions.page_url as url,
        submissions.submitted_at as activity_at,
        submissions.synced_at
    from submissions
    left join forms
        on submissions.form_id = forms.form_id
    where submissions.contact_id is not null
),

activities as (
    select * from email_activities
    union all
    select * from form_activities
),

final as (
    select
        'hubspot' as source_system,
        activity_id,
        'contact' as record_type,
        record_id,
        activity_type,
        source_activity_type,
        campaign_id,
        campaign_id as program_id,
        -- Each email campaign is one send: there is no run within it.
        cast(null as {{ dbt.type_string() }}) as campaign_run_id,
        asset_id,
        asset_name,
        url,
        cast(null as {{ dbt.type_int() }}) as score_change,
        cast(null as {{ dbt.type_string() }}) as old_value,
        cast(null as {{ dbt.type_string() }}) as new_value,
        cast(null as {{ dbt.type_boolean() }}) as is_success,
        activity_at,
        synced_at
    from activities
)

select * from final
