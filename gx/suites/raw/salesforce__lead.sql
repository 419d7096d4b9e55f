-- Frame of salesforce.lead the raw_salesforce__lead suite validates: CRM leads: where sales' side of the funnel starts.
select
    id,
    email,
    status,
    funnel_double(annual_revenue) as annual_revenue,
    funnel_bigint(number_of_employees) as number_of_employees,
    funnel_ts(created_date) as created_date,
    funnel_ts(last_modified_date) as last_modified_date
from {salesforce}."lead"
where {live}
