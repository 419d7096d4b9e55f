-- Frame of hubspot.engagement_deal the raw_hubspot__engagement_deal suite validates: Deals of HubSpot engagements.
select
    engagement_deal.engagement_id,
    engagement_deal.deal_id,
    case
        when engagement_deal.engagement_id is not null and engagement.id is null
            then engagement_deal.engagement_id
    end as missing_engagement_id
from {hubspot}."engagement_deal" as engagement_deal
left join (select distinct id from {hubspot}."engagement") as engagement
    on engagement_deal.engagement_id = engagement.id
