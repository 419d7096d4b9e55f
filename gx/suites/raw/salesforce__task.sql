-- Frame of salesforce.task the raw_salesforce__task suite validates: CRM tasks: the sales touches that satisfy the follow-up SLA.
select
    id,
    funnel_ts(created_date) as created_date,
    funnel_ts(completed_date_time) as completed_date_time
from {salesforce}."task"
where {live}
