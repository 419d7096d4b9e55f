{#- One row per email sent to a person (int_email_sends), with what became of it: the
    deliveries, bounces, opens, clicks and unsubscribes paired with it (int_email_send_events).
    A send is bounced when a bounce belongs to it (hard over soft when both) and delivered
    otherwise: delivered = sends - bounces, whether or not the system logged the delivery
    (delivered_at is the logged one). It is opened when an open or a click belongs to it (a
    click on an email whose images were blocked logs no open). -#}
with

sends as (
    select * from {{ ref('int_email_sends') }}
),

events as (
    select * from {{ ref('int_email_send_events') }}
    where email_send_key is not null
),

per_send as (
    select
        email_send_key,
        max(case when event_type = 'email_bounce' then 1 else 0 end) as has_bounce,
        max(
            case when event_type = 'email_bounce' and bounce_category = 'hard' then 1 else 0 end
        ) as has_hard_bounce,
        max(
            case when event_type = 'email_bounce' and bounce_category = 'soft' then 1 else 0 end
        ) as has_soft_bounce,
        min(case when event_type = 'email_delivered' then event_at end) as delivered_at,
        sum(case when event_type = 'email_open' then 1 else 0 end) as open_count,
        sum(case when event_type = 'email_click' then 1 else 0 end) as click_count,
        min(
            case when event_type in ('email_open', 'email_click') then event_at end
        ) as first_opened_at,
        min(case when event_type = 'email_click' then event_at end) as first_clicked_at,
        min(case when event_type = 'unsubscribe' then event_at end) as unsubscribed_at
    from events
    group by email_send_key
),

final as (
    select
        sends.email_send_key,
        sends.person_key,
        sends.source_system,
        sends.send_activity_id,
        sends.campaign_key,
        sends.program_id,
        sends.campaign_id,
        sends.campaign_run_id,
        sends.email_template_id,
        sends.email_template_name,
        sends.email_template_version,
        sends.sent_at,
        cast({{ dbt.date_trunc('month', 'sends.sent_at') }} as date) as sent_month,
        coalesce(per_send.has_bounce, 0) = 0 as is_delivered,
        coalesce(per_send.has_bounce, 0) = 1 as is_bounced,
        case
            when per_send.has_hard_bounce = 1 then 'hard'
            when per_send.has_soft_bounce = 1 then 'soft'
        end as bounce_category,
        per_send.delivered_at,
        cast(coalesce(per_send.open_count, 0) as {{ dbt.type_int() }}) as open_count,
        cast(coalesce(per_send.click_count, 0) as {{ dbt.type_int() }}) as click_count,
        per_send.first_opened_at is not null as is_opened,
        per_send.first_clicked_at is not null as is_clicked,
        per_send.first_opened_at,
        per_send.first_clicked_at,
        per_send.unsubscribed_at is not null as is_unsubscribed,
        per_send.unsubscribed_at
    from sends
    left join per_send
        on sends.email_send_key = per_send.email_send_key
)

select * from final
