-- Frame of salesforce.lead_history the raw_salesforce__lead_history suite validates: CRM lead field history: the Status changes the funnel's stage events come from.
select
    lead_history.id,
    lead_history.lead_id,
    case
        when lead_history.lead_id is not null and lead.id is null then lead_history.lead_id
    end as missing_lead_id,
    case when lead_history.field = 'Status' then lead_history.new_value end as status_value,
    case
        when lead_history.field = {custom_field:lead.disqualification_reason_c}
            then lead_history.new_value
    end as reason_value,
    funnel_ts(lead_history.created_date) as created_date
from {salesforce}."lead_history" as lead_history
left join (select distinct id from {salesforce}."lead") as lead
    on lead_history.lead_id = lead.id
where {live:lead_history}
