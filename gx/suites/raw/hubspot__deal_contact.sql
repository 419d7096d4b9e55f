-- Frame of hubspot.deal_contact the raw_hubspot__deal_contact suite validates: Contacts of HubSpot deals: who a deal's stages are credited to.
select
    deal_contact.deal_id,
    deal_contact.contact_id,
    case
        when deal_contact.deal_id is not null and deal.deal_id is null then deal_contact.deal_id
    end as missing_deal_id,
    case
        when deal_contact.contact_id is not null and contact.id is null
            then deal_contact.contact_id
    end as missing_contact_id
from {hubspot}."deal_contact" as deal_contact
left join (select distinct deal_id from {hubspot}."deal") as deal
    on deal_contact.deal_id = deal.deal_id
left join (select distinct id from {hubspot}."contact") as contact
    on deal_contact.contact_id = contact.id
