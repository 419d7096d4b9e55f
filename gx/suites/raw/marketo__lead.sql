-- Frame of marketo.lead the raw_marketo__lead suite validates: MAS leads: where marketing's side of the funnel starts.
select
    id,
    email,
    lead_status,
    funnel_ts(created_at) as created_at,
    funnel_ts(updated_at) as updated_at
from {marketo}."lead"
where {live}
