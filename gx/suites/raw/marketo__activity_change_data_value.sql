-- Frame of marketo.activity_change_data_value the raw_marketo__activity_change_data_value suite validates: MAS data value changes: the Lead Status changes that make MQLs.
select
    activity.id,
    activity.lead_id,
    case
        when activity.lead_id is not null and lead.id is null then activity.lead_id
    end as missing_lead_id,
    case
        when activity.primary_attribute_value = 'Lead Status' then activity.new_value
    end as status_value,
    case
        when
            activity.primary_attribute_value = 'Lead Status'
            and activity.new_value in ({agreed:marketo_lead_status_ended_values})
            then activity.reason
    end as ended_status_reason,
    funnel_ts(activity.activity_date) as activity_date
from {marketo}."activity_change_data_value" as activity
left join (select distinct id from {marketo}."lead") as lead
    on activity.lead_id = lead.id
where {live:activity}
