-- Frame of hubspot.contact the raw_hubspot__contact suite validates: HubSpot contacts: where the funnel starts when HubSpot is the CRM or the marketing system.
select
    contact.id,
    contact.property_email,
    nullif(contact.property_lifecyclestage, '') as lifecyclestage,
    nullif(contact.property_hs_lead_status, '') as hs_lead_status,
    funnel_ts(contact.property_createdate) as property_createdate,
    funnel_ts(contact.property_lastmodifieddate) as property_lastmodifieddate
from {hubspot}."contact" as contact
where {live:contact}
