-- Frame of hubspot.engagement_meeting the raw_hubspot__engagement_meeting suite validates: HubSpot meeting engagements: details of the engagement rows of type MEETING.
select
    detail.engagement_id,
    case
        when detail.engagement_id is not null and engagement.id is null then detail.engagement_id
    end as missing_engagement_id,
    funnel_ts(detail.property_hs_timestamp) as property_hs_timestamp
from {hubspot}."engagement_meeting" as detail
left join (select distinct id from {hubspot}."engagement") as engagement
    on detail.engagement_id = engagement.id
