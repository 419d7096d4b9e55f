-- Frame of hubspot.contact_property_history the raw_hubspot__contact_property_history suite validates: HubSpot contact property history: the lifecyclestage and hs_lead_status changes the funnel's stage events come from.
select
    history.contact_id,
    history.name,
    history.value,
    case
        when history.contact_id is not null and contact.id is null then history.contact_id
    end as missing_contact_id,
    case
        when count(*) over (
            partition by history.contact_id, history.name, history.timestamp
        ) > 1
            then history.name
    end as duplicated_change,
    case
        when history.name = 'lifecyclestage' then nullif(history.value, '')
    end as lifecyclestage,
    case
        when history.name = 'hs_lead_status' then nullif(history.value, '')
    end as hs_lead_status,
    case
        when history.name = {custom_field:contact.property_disqualification_reason}
            then nullif(history.value, '')
    end as reason_value,
    funnel_ts(history.timestamp) as timestamp
from {hubspot}."contact_property_history" as history
left join (select distinct id from {hubspot}."contact") as contact
    on history.contact_id = contact.id
