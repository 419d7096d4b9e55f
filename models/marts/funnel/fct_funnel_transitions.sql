select
    transition_key,
    person_key,
    cycle_number,
    stage_code,
    stage_order,
    previous_stage_code,
    entered_at,
    exited_at,
    source_system,
    event_type,
    status_value,
    owner_id,
    crm_lead_id,
    opportunity_id,
    is_skipped_ahead
from {{ ref('int_funnel_transitions') }}
