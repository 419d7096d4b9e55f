{#- Salesforce people in the conformed `person_records` interface: one row per live Lead and per
    live Contact. A contact's company and firmographics are its account's. Salesforce keeps no
    score or consent of its own (the MAS does), and merges leave no trace in the synced tables. -#}
with

leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

contacts as (
    select * from {{ ref('stg_salesforce__contacts') }}
),

accounts as (
    select * from {{ ref('stg_salesforce__accounts') }}
),

lead_records as (
    select
        'salesforce' as source_system,
        'lead' as record_type,
        cast(lead_id as {{ dbt.type_string() }}) as record_id,
        email,
        first_name,
        last_name,
        company,
        title,
        phone,
        country,
        industry,
        cast(number_of_employees as {{ dbt.type_int() }}) as number_of_employees,
        cast(null as {{ dbt.type_string() }}) as employee_band,
        lead_source,
        lead_status as status,
        cast(null as {{ dbt.type_string() }}) as lifecycle_stage,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(null as {{ dbt.type_string() }}) as account_id,
        cast(null as {{ dbt.type_int() }}) as lead_score,
        cast(null as {{ dbt.type_boolean() }}) as is_unsubscribed,
        disqualification_reason as current_reason,
        cast(converted_contact_id as {{ dbt.type_string() }}) as converted_to_record_id,
        cast(converted_account_id as {{ dbt.type_string() }}) as converted_account_id,
        cast(converted_opportunity_id as {{ dbt.type_string() }}) as converted_opportunity_id,
        cast(converted_date as {{ dbt.type_timestamp() }}) as converted_at,
        is_converted,
        cast(null as {{ dbt.type_string() }}) as linked_lead_id,
        cast(null as {{ dbt.type_string() }}) as linked_contact_id,
        cast(null as {{ dbt.type_string() }}) as merged_into_record_id,
        false as is_merged_away,
        created_at,
        last_modified_at as updated_at,
        synced_at
    from leads
),

contact_records as (
    select
        'salesforce' as source_system,
        'contact' as record_type,
        cast(contacts.contact_id as {{ dbt.type_string() }}) as record_id,
        contacts.email,
        contacts.first_name,
        contacts.last_name,
        accounts.account_name as company,
        contacts.title,
        contacts.phone,
        contacts.country,
        accounts.industry,
        cast(accounts.number_of_employees as {{ dbt.type_int() }}) as number_of_employees,
        cast(null as {{ dbt.type_string() }}) as employee_band,
        contacts.lead_source,
        cast(null as {{ dbt.type_string() }}) as status,
        cast(null as {{ dbt.type_string() }}) as lifecycle_stage,
        cast(contacts.owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(contacts.account_id as {{ dbt.type_string() }}) as account_id,
        cast(null as {{ dbt.type_int() }}) as lead_score,
        cast(null as {{ dbt.type_boolean() }}) as is_unsubscribed,
        cast(null as {{ dbt.type_string() }}) as current_reason,
        cast(null as {{ dbt.type_string() }}) as converted_to_record_id,
        cast(null as {{ dbt.type_string() }}) as converted_account_id,
        cast(null as {{ dbt.type_string() }}) as converted_opportunity_id,
        cast(null as {{ dbt.type_timestamp() }}) as converted_at,
        false as is_converted,
        cast(null as {{ dbt.type_string() }}) as linked_lead_id,
        cast(null as {{ dbt.type_string() }}) as linked_contact_id,
        cast(null as {{ dbt.type_string() }}) as merged_into_record_id,
        false as is_merged_away,
        contacts.created_at,
        contacts.last_modified_at as updated_at,
        contacts.synced_at
    from contacts
    left join accounts
        on contacts.account_id = accounts.account_id
)

select * from lead_records
union all
select * from contact_records
