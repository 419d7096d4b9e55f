-- Frame of hubspot.engagement_contact the raw_hubspot__engagement_contact suite validates: Contacts of HubSpot engagements: whom a sales touch reached.
select
    engagement_contact.engagement_id,
    engagement_contact.contact_id,
    case
        when engagement_contact.engagement_id is not null and engagement.id is null
            then engagement_contact.engagement_id
    end as missing_engagement_id,
    case
        when engagement_contact.contact_id is not null and contact.id is null
            then engagement_contact.contact_id
    end as missing_contact_id
from {hubspot}."engagement_contact" as engagement_contact
left join (select distinct id from {hubspot}."engagement") as engagement
    on engagement_contact.engagement_id = engagement.id
left join (select distinct id from {hubspot}."contact") as contact
    on engagement_contact.contact_id = contact.id
