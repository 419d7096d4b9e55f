-- Frame the marts_attribution_credits suite validates: Attribution credits summed per opportunity under each model.
select
    opportunity_id,
    sum(first_touch_credit) as first_touch_credit_total,
    sum(last_touch_credit) as last_touch_credit_total,
    sum(linear_credit) as linear_credit_total,
    sum(u_shaped_credit) as u_shaped_credit_total,
    sum(w_shaped_credit) as w_shaped_credit_total,
    sum(time_decay_credit) as time_decay_credit_total
from {marts}.mart_attribution
group by 1
