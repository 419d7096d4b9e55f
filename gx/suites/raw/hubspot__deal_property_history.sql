-- Frame of hubspot.deal_property_history the raw_hubspot__deal_property_history suite validates: HubSpot deal property history: the dealstage changes opportunity stage history comes from.
select
    history.deal_id,
    history.name,
    case
        when history.deal_id is not null and deal.deal_id is null then history.deal_id
    end as missing_deal_id,
    case
        when history.name = 'dealstage' then nullif(history.value, '')
    end as dealstage,
    funnel_ts(history.timestamp) as timestamp
from {hubspot}."deal_property_history" as history
left join (select distinct deal_id from {hubspot}."deal") as deal
    on history.deal_id = deal.deal_id
