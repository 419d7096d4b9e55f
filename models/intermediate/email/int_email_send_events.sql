{#- Every email delivery, bounce, open, click and unsubscribe of a person
    (int_marketing_activities_attributed: deleted activities are gone, merged-away records follow
    their survivor) paired with the send it belongs to: the latest send at or before it of the
    same system, person, email template, campaign and campaign run (a missing run matches a
    missing run). Ties in time go to the highest send id. An event no send precedes keeps a null
    send_activity_id: it counts in no send (the raw gate reports them). -#}
with

events as (
    select * from {{ ref('int_marketing_activities_attributed') }}
    where
        activity_type in (
            'email_delivered', 'email_bounce', 'email_open', 'email_click', 'unsubscribe'
        )
),

sends as (
    select * from {{ ref('int_email_sends') }}
),

candidates as (
    select
        events.source_system as recorded_by,
        events.source_activity_type,
        events.activity_id as event_activity_id,
        events.activity_type as event_type,
        events.person_key,
        events.asset_id as email_template_id,
        events.campaign_id,
        events.campaign_run_id,
        events.new_value,
        events.url,
        events.activity_at as event_at,
        sends.email_send_key,
        sends.send_activity_id,
        sends.sent_at,
        row_number() over (
            partition by events.source_system, events.source_activity_type, events.activity_id
            order by
                sends.sent_at desc nulls last,
                length(sends.send_activity_id) desc,
                sends.send_activity_id desc
        ) as send_rank
    from events
    left join sends
        on
            events.source_system = sends.recorded_by
            and events.person_key = sends.person_key
            and coalesce(events.asset_id, '') = coalesce(sends.email_template_id, '')
            and coalesce(events.campaign_id, '') = coalesce(sends.campaign_id, '')
            and coalesce(events.campaign_run_id, '') = coalesce(sends.campaign_run_id, '')
            and events.activity_at >= sends.sent_at
),

final as (
    select
        recorded_by,
        source_activity_type,
        event_activity_id,
        event_type,
        person_key,
        email_template_id,
        campaign_id,
        campaign_run_id,
        case
            when event_type = 'email_bounce' and new_value in ('hard', 'soft') then new_value
        end as bounce_category,
        url,
        event_at,
        email_send_key,
        send_activity_id,
        sent_at
    from candidates
    where send_rank = 1
)

select * from final
