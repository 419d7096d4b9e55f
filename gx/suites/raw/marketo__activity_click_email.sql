-- Frame of marketo.activity_click_email the raw_marketo__activity_click_email suite validates: MAS email clicks: each follows a send of the same email, campaign and campaign run to the same lead (email performance and scoring read them).
with

sends as (
    select
        lead_id,
        primary_attribute_value_id,
        campaign_id,
        campaign_run_id,
        min(funnel_ts(activity_date)) as first_sent_at
    from {marketo}."activity_send_email"
    where not coalesce(funnel_bool(_fivetran_deleted), false)
    group by lead_id, primary_attribute_value_id, campaign_id, campaign_run_id
)

select
    click.id,
    click.lead_id,
    click.primary_attribute_value_id,
    click.campaign_id,
    {landed:click.campaign_run_id} as campaign_run_id,
    case
        when sends.lead_id is null
            then coalesce(cast({landed:click.campaign_run_id} as varchar), 'none')
    end as unsent_campaign_run_id,
    funnel_ts(click.activity_date) as activity_date
from {marketo}."activity_click_email" as click
left join sends
    on
        click.lead_id = sends.lead_id
        and click.primary_attribute_value_id = sends.primary_attribute_value_id
        and click.campaign_id is not distinct from sends.campaign_id
        and {landed:click.campaign_run_id} is not distinct from sends.campaign_run_id
        and sends.first_sent_at <= funnel_ts(click.activity_date)
where {live:click}
