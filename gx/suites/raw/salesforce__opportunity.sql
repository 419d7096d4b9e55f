-- Frame of salesforce.opportunity the raw_salesforce__opportunity suite validates: CRM opportunities: pipeline and bookings.
select
    opportunity.id,
    opportunity.name,
    opportunity.account_id,
    case
        when opportunity.account_id is not null and account.id is null then opportunity.account_id
    end as missing_account_id,
    funnel_double(opportunity.amount) as amount,
    funnel_non_finite(opportunity.amount) as non_finite_amount,
    opportunity.stage_name,
    {landed:opportunity.loss_reason_c} as loss_reason_c,
    funnel_ts(opportunity.created_date) as created_date,
    funnel_ts(opportunity.last_modified_date) as last_modified_date
from {salesforce}."opportunity" as opportunity
left join (select distinct id from {salesforce}."account") as account
    on opportunity.account_id = account.id
where {live:opportunity}
