-- Frame of salesforce.user the raw_salesforce__user suite validates: CRM users: the owners SLA clocks and teams are read from.
select
    id,
    email,
    funnel_ts(created_date) as created_date
from {salesforce}."user"
where {live}
