-- Frame the marts_sla_stalled_opportunities suite validates: The stalled-deal worklist: one row per open opportunity, with how long it has sat and why.
select
    opportunity_id,
    stalled_reason,
    cast(days_in_stage as double precision) as days_in_stage,
    cast(days_past_close_date as double precision) as days_past_close_date
from {marts}.mart_stalled_opportunities
