-- Frame of hubspot.deal the raw_hubspot__deal suite validates: HubSpot deals: pipeline and bookings when HubSpot is the CRM.
select
    deal.deal_id,
    deal.property_dealname,
    deal.deal_pipeline_stage_id,
    funnel_double(deal.property_amount) as property_amount,
    funnel_non_finite(deal.property_amount) as non_finite_amount,
    funnel_ts(deal.property_createdate) as property_createdate,
    funnel_ts(deal.property_closedate) as property_closedate
from {hubspot}."deal" as deal
where {live:deal}
