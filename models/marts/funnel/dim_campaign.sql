select
    campaign_key,
    source_system,
    campaign_id,
    campaign_name,
    campaign_type,
    channel,
    campaign_status,
    started_on,
    ended_on,
    budgeted_cost,
    actual_cost,
    created_at
from {{ ref('int_campaigns') }}
