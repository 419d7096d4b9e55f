-- Frame of salesforce.task the raw_salesforce__task suite validates: CRM tasks: the sales touches that satisfy the follow-up SLA.
select
    task.id,
    task.owner_id,
    case
        when task.owner_id is not null and owner.id is null then task.owner_id
    end as missing_owner_id,
    task.who_id,
    funnel_ts(task.created_date) as created_date,
    funnel_ts(task.completed_date_time) as completed_date_time
from {salesforce}."task" as task
left join (select distinct id from {salesforce}."user") as owner
    on task.owner_id = owner.id
where {live:task}
