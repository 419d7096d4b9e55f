-- Frame of marketo.activity_change_score the raw_marketo__activity_change_score suite validates: MAS score changes: the MQL threshold audit reads them.
select
    activity.id,
    activity.lead_id,
    case
        when activity.lead_id is not null and lead.id is null then activity.lead_id
    end as missing_lead_id,
    funnel_ts(activity.activity_date) as activity_date
from {marketo}."activity_change_score" as activity
left join (select distinct id from {marketo}."lead") as lead
    on activity.lead_id = lead.id
where {live:activity}
