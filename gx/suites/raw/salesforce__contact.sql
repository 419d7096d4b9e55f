-- Frame of salesforce.contact the raw_salesforce__contact suite validates: CRM contacts (converted leads continue as contacts).
select
    contact.id,
    contact.email,
    contact.account_id,
    case
        when contact.account_id is not null and account.id is null then contact.account_id
    end as missing_account_id,
    funnel_ts(contact.created_date) as created_date,
    funnel_ts(contact.last_modified_date) as last_modified_date
from {salesforce}."contact" as contact
left join (select distinct id from {salesforce}."account") as account
    on contact.account_id = account.id
where {live:contact}
