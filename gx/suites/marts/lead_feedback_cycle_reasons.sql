-- Frame the marts_lead_feedback_cycle_reasons suite validates: Reasons on lifecycle cycles: a reason recorded on a cycle that didn't end, an ended cycle whose reason the feedback_reasons agreement lacks.
select
    person_key || ' cycle ' || cast(cycle_number as varchar) as lead_cycle,
    case
        when cycle_ended_at is null then open_cycle_reason
    end as reason_on_open_cycle,
    case
        when end_reason_category = 'unmapped' then end_reason
    end as unmapped_end_reason
from {marts}.fct_lead_cycles
