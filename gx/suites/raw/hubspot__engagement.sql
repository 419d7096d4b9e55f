-- Frame of hubspot.engagement the raw_hubspot__engagement suite validates: HubSpot engagements: the sales touches (calls, meetings, emails, tasks) of the follow-up SLA.
select
    engagement.id,
    engagement.type,
    funnel_ts(engagement.timestamp) as timestamp
from {hubspot}."engagement" as engagement
where {live:engagement}
