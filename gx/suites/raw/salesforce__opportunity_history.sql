-- Frame of salesforce.opportunity_history the raw_salesforce__opportunity_history suite validates: CRM opportunity stage history: wins, losses and the Customer moment.
with

history as (
    select
        *,
        max(case when stage_name = 'Closed Won' then 1 else 0 end) over (
            partition by opportunity_id
            order by funnel_ts(created_date), id
            rows between unbounded preceding and 1 preceding
        ) as was_won_before
    from {salesforce}."opportunity_history"
    where {live}
)

select
    history.id,
    history.opportunity_id,
    case
        when history.opportunity_id is not null and opportunity.id is null
            then history.opportunity_id
    end as missing_opportunity_id,
    funnel_double(history.amount) as amount,
    funnel_non_finite(history.amount) as non_finite_amount,
    history.stage_name,
    case
        when history.was_won_before = 1 and history.stage_name <> 'Closed Won'
            then history.stage_name
    end as stage_after_won,
    funnel_ts(history.created_date) as created_date
from history
left join (select distinct id from {salesforce}."opportunity") as opportunity
    on history.opportunity_id = opportunity.id
