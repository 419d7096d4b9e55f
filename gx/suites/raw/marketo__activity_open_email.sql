-- Frame of marketo.activity_open_email the raw_marketo__activity_open_email suite validates: MAS email opens: nothing is opened after the lead unsubscribed (or sends went on after it).
with

unsubscribed as (
    select
        lead_id,
        min(funnel_ts(activity_date)) as unsubscribed_at
    from {marketo}."activity_unsubscribe_email"
    where not coalesce(funnel_bool(_fivetran_deleted), false)
    group by lead_id
)

select
    email_open.id,
    email_open.lead_id,
    email_open.primary_attribute_value_id,
    email_open.campaign_id,
    unsubscribed.unsubscribed_at,
    case
        when funnel_ts(email_open.activity_date) > unsubscribed.unsubscribed_at
            then funnel_ts(email_open.activity_date)
    end as opened_after_unsubscribe,
    funnel_ts(email_open.activity_date) as activity_date
from {marketo}."activity_open_email" as email_open
left join unsubscribed
    on email_open.lead_id = unsubscribed.lead_id
where {live:email_open}
