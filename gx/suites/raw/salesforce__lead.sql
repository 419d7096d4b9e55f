-- Frame of salesforce.lead the raw_salesforce__lead suite validates: CRM leads: where sales' side of the funnel starts.
select
    lead.id,
    lead.email,
    lead.company,
    lead.status,
    {landed:lead.disqualification_reason_c} as disqualification_reason_c,
    case
        when lead.owner_id is not null and owner.id is null then lead.owner_id
    end as missing_owner_id,
    funnel_double(lead.annual_revenue) as annual_revenue,
    funnel_non_finite(lead.annual_revenue) as non_finite_annual_revenue,
    funnel_bigint(lead.number_of_employees) as number_of_employees,
    funnel_ts(lead.created_date) as created_date,
    funnel_ts(lead.last_modified_date) as last_modified_date
from {salesforce}."lead" as lead
left join (select distinct id from {salesforce}."user") as owner
    on lead.owner_id = owner.id
where {live:lead}
