-- Frame of salesforce.account the raw_salesforce__account suite validates: CRM accounts.
select
    id,
    name,
    funnel_double(annual_revenue) as annual_revenue,
    funnel_non_finite(annual_revenue) as non_finite_annual_revenue,
    funnel_bigint(number_of_employees) as number_of_employees,
    funnel_ts(created_date) as created_date,
    funnel_ts(last_modified_date) as last_modified_date
from {salesforce}."account"
where {live}
