-- Frame of hubspot.engagement_call the raw_hubspot__engagement_call suite validates: HubSpot call engagements: details of the engagement rows of type CALL.
select
    detail.engagement_id,
    case
        when detail.engagement_id is not null and engagement.id is null then detail.engagement_id
    end as missing_engagement_id,
    funnel_ts(detail.property_hs_timestamp) as property_hs_timestamp
from {hubspot}."engagement_call" as detail
left join (select distinct id from {hubspot}."engagement") as engagement
    on detail.engagement_id = engagement.id
