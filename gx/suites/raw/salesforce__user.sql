-- Frame of salesforce.user the raw_salesforce__user suite validates: CRM users: the owners SLA clocks and teams are read from.
select
    app_user.id,
    app_user.name,
    app_user.email,
    case
        when app_user.manager_id is not null and manager.id is null then app_user.manager_id
    end as missing_manager_id,
    funnel_ts(app_user.created_date) as created_date
from {salesforce}."user" as app_user
left join (select distinct id from {salesforce}."user") as manager
    on app_user.manager_id = manager.id
where {live:app_user}
