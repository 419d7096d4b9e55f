-- Under every attribution model, an opportunity's credits sum to exactly 1.
select
    opportunity_id,
    sum(first_touch_credit) as first_touch,
    sum(last_touch_credit) as last_touch,
    sum(linear_credit) as linear,
    sum(u_shaped_credit) as u_shaped,
    sum(w_shaped_credit) as w_shaped,
    sum(time_decay_credit) as time_decay
from {{ ref('mart_attribution') }}
group by opportunity_id
having
    abs(sum(first_touch_credit) - 1) > 1e-9
    or abs(sum(last_touch_credit) - 1) > 1e-9
    or abs(sum(linear_credit) - 1) > 1e-9
    or abs(sum(u_shaped_credit) - 1) > 1e-9
    or abs(sum(w_shaped_credit) - 1) > 1e-9
    or abs(sum(time_decay_credit) - 1) > 1e-9
